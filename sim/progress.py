"""Progress of a long command, shown the same way everywhere: a bar for a person, lines for a log.

A run of many replications, a sweep, the budget frontier or the staffing search can take from
minutes to hours; a command that prints nothing meanwhile looks hung. :class:`Progress` counts
units of work (replications, options, staffings) and shows them

* at a terminal (standard error is a TTY): a rich progress bar, removed when done;
* anywhere else (piped, redirected to a file, a CI log, a cluster job): **one plain line per
  completed unit** on standard error, with the time elapsed and an estimate of the time left
  (``baseline: replication 3/5 done; 0:01:02 elapsed, about 0:00:41 left``).

The environment variable ``FRONTDOOR_PROGRESS`` chooses for every command: ``bar``, ``lines`` or
``off`` (anything else, or unset: the bar at a terminal, lines elsewhere). A caller passes
``show=False`` to keep a unit quiet (e.g. the replications inside an experiment that counts its
own, larger units). Progress goes to standard error so that standard output keeps only results.
Only one bar can be live at a time (rich's rule), so nested work reports to its caller's
:class:`Progress` (``advance``) instead of opening its own.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, TextIO

ENVIRONMENT = "FRONTDOOR_PROGRESS"
MODES = ("bar", "lines", "off")


def progress_mode(show: bool | None = None, stream: TextIO | None = None) -> str:
    """``bar``, ``lines`` or ``off`` for this process (see the module docstring)."""
    if show is False:
        return "off"
    chosen = os.environ.get(ENVIRONMENT, "").strip().lower()
    if chosen in MODES:
        return chosen
    stream = sys.stderr if stream is None else stream
    return "bar" if _isatty(stream) else "lines"


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def clock(seconds: float) -> str:
    """``0:01:02`` for 62 seconds."""
    whole = max(0, round(seconds))
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def progress_line(
    label: str, unit: str, done: int, total: int | None, elapsed: float, *, detail: str = ""
) -> str:
    """``label: unit done/total done (detail); 0:01:02 elapsed, about 0:00:41 left``.

    The time left assumes the units still to do take as long, on average, as those done.
    """
    count = f"{done}/{total}" if total else str(done)
    what = f"{label}: {unit} {count} done" + (f" ({detail})" if detail else "")
    timing = f"{clock(elapsed)} elapsed"
    if total and 0 < done < total:
        timing += f", about {clock(elapsed / done * (total - done))} left"
    return f"{what}; {timing}"


class Progress:
    """Count ``total`` units of work called ``unit`` under ``label``; a context manager.

    ``advance(detail)`` marks one unit done (``detail``, e.g. the option's name, goes in its
    line); ``total`` may be ``None`` when unknown (no estimate of the time left then).
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        unit: str = "replication",
        show: bool | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.stream = sys.stderr if stream is None else stream
        self.mode = progress_mode(show, self.stream)
        self.done = 0
        self._started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self.mode == "bar":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(f"{self.label}: {self.unit}s", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def line(self, detail: str = "") -> str:
        """The plain line for the unit just done."""
        elapsed = self.elapsed()
        return progress_line(self.label, self.unit, self.done, self.total, elapsed, detail=detail)

    def advance(self, detail: str = "") -> None:
        """One more unit done."""
        self.done += 1
        if self.mode == "bar" and self._bar is not None:
            self._bar.advance(self._task)
        elif self.mode == "lines":
            print(self.line(detail), file=self.stream, flush=True)
