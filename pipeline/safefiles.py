"""Files from a folder someone else can write to: opened only if regular, never through a link.

The drop folder is writable by whoever sends inputs. A symbolic link there (to /etc/passwd, to
/proc/self/environ) must never be read, archived or followed; neither may a folder, a named pipe
(which would block a read forever) or a device. Told with lstat, opened with O_NOFOLLOW where
the OS has it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from pipeline.errors import ConfigError

# Opened without following a link, where the OS can: a file swapped for a symlink after it was
# listed fails to open instead of copying what the link points at into the archive.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a named pipe put in a file's place must not block the open


def open_regular(path: Path):
    """A binary reader of `path` only if it is a regular file, never through a link."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY | _NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return open(fd, "rb")  # noqa: SIM115  (the caller closes it)
    except BaseException:
        os.close(fd)
        raise


def entry_type(path: Path) -> str | None:
    """None for a regular file; else what it is instead (link, folder, pipe, device, socket),
    told without following a link."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special"


def regular_config(path: Path) -> bool:
    """Whether a configuration file in the drop folder is there to be read: False when absent;
    a ConfigError when something other than a regular file (a link) stands in its place."""
    what = entry_type(path)
    if what == "missing":
        return False
    if what is not None:
        raise ConfigError(
            "配置文件是符号链接或不是普通文件：出于安全考虑不予读取；请放入文件本身",
            "the configuration file is a symbolic link or not a regular file: for safety it is not read; "
            "put the file itself there",
            file=str(path),
        )
    return True
