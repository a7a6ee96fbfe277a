"""How a run's stages are executed: the one seam between a run's declaration and Prefect.

Each command's run (`pipeline.runs.monthly.monthly`, `contracts`, `selection`, `review`,
`distribution`) is written once, as a function of a `Runner` and its arguments, calling
`runner.stage(name, function, *args)` for each named stage. `PlainRunner` calls the stage
directly (tests, embedding, `bench/`); `pipeline.orchestration.flows.PrefectRunner` makes
each stage a Prefect task run and renders on a process pool or a Dask cluster. The two
cannot drift: there is only one sequence of stages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pipeline.publish.jobs import Job, render_and_write
from pipeline.publish.outputs import Written

T = TypeVar("T")
Progress = Callable[..., None]  # (0, total) once before rendering, then (n,) per n documents written


class Runner(Protocol):
    progress: Progress | None

    def stage(self, name: str, fn: Callable[..., T], *args: Any, retries: int = 0, **kwargs: Any) -> T:
        """Run one named stage of a run and return its value."""

    def render(self, jobs: Iterable[Job], root: Path, total: int) -> list[Written]:
        """Render and write `jobs` (possibly a generator of `total` jobs) into `root`."""

    def announce(self, run: str, summary: Any, facts: Any = None) -> None:
        """Tell the outside world a run finished (the Prefect UI's artifacts; nothing when plain)."""


class PlainRunner:
    """Every stage called in this process, in order; documents rendered one after another."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress

    def stage(self, name: str, fn: Callable[..., T], *args: Any, retries: int = 0, **kwargs: Any) -> T:
        return fn(*args, **kwargs)

    def render(self, jobs: Iterable[Job], root: Path, total: int) -> list[Written]:
        return render_and_write(root, jobs, self.progress)

    def announce(self, run: str, summary: Any, facts: Any = None) -> None:
        return None
