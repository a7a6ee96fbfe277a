"""Memory a run has freed, given back to the system before its longest stage.

CPython frees a large month's rows and records into its own and the C library's free lists,
which keep the pages: the process's resident size stays at its high-water mark while it renders
for a minute. After a collection, glibc's malloc_trim returns the free pages to the system (on
other C libraries this is only the collection)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from functools import cache


@cache
def _libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def give_back_memory() -> bool:
    """Collect, then return free heap pages to the system; whether the C library could."""
    gc.collect()
    libc = _libc()
    return bool(libc and libc.malloc_trim(0))
