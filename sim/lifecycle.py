"""A run folder's lifecycle: owned by one run, ``running`` → ``ok`` | ``failed`` | ``interrupted``.

A run (or one job of a sweep) first *claims* its folder by creating :data:`LOCK` with
``O_CREAT | O_EXCL``: of two runs given the same folder only one can succeed, and the other stops
with one line instead of writing its results over the first's. A lock left by a run that was
killed (``SIGKILL``, a power cut) names a process that no longer exists and is taken over.

Once the folder is claimed the previous run's outputs (and any hidden temporary files a killed
run left) are removed, and ``status.json`` is written at once as ``running`` with the process
id, the start time and the overrides. It becomes ``ok`` only after every output is in place
(:func:`finish`, which lists the outputs so :mod:`sim.gather` can check them), or ``failed`` /
``interrupted`` with the reason, after the partial outputs are removed. A job killed outright
keeps ``running``, which :mod:`sim.gather` reports as ``incomplete``.

``SIGTERM`` and ``SIGINT`` (Ctrl-C) become :class:`Interrupted` (:func:`catch_signals`), so the
``finally`` blocks that remove temporary files run and the status is recorded; ``frontdoor``
then prints one line and exits 128 + the signal number (130, 143), as a shell expects.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

LOCK = ".frontdoor.lock"
STATUS = "status.json"
#: Every file a run writes (sim.report.files, sim.report.plots); removed before a run starts and
#: after it fails, so a folder never mixes two runs' results or shows a failed run's partial ones.
OUTPUTS = (
    "summary.json",
    "summary.md",
    "replications.csv",
    "replications_search.csv",
    "queue_by_hour_of_week.csv",
    "events.parquet",
    "decision_times.png",
    "utilisation.png",
    "queue_by_hour_of_week.png",
)
STATUSES = ("running", "ok", "failed", "interrupted")


class Interrupted(BaseException):
    """The run was stopped by a signal. A ``BaseException`` (like ``KeyboardInterrupt``) so that
    ``except Exception`` handlers do not swallow it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(f"interrupted by {self.name}")

    @property
    def exit_code(self) -> int:
        """128 + the signal number: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


class FolderInUse(Exception):
    """Another run, still alive, owns the folder."""


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextmanager
def catch_signals() -> Iterator[None]:
    """Inside, SIGINT and SIGTERM raise :class:`Interrupted`; the old handlers come back after.

    Also turns a ``KeyboardInterrupt`` raised before the handler was installed into
    :class:`Interrupted`, so callers meet one type.
    """
    old = {s: signal.signal(s, _raise_interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(signal.SIGINT) from None
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def claim(folder: Path) -> Path:
    """Make this process the owner of ``folder`` (created if needed); return the lock's path.

    Raises :class:`FolderInUse` if a live process owns it. A stale lock (its process is gone) is
    replaced; the ``O_EXCL`` create decides between two runs that find it stale together.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / LOCK
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                owner = int(lock.read_text(encoding="utf-8").split()[0])
            except (OSError, ValueError, IndexError):
                owner = -1
            if owner != os.getpid() and _alive(owner):
                raise FolderInUse(
                    f"{folder} is in use by another run (process {owner}); "
                    "choose another folder or wait for it to finish"
                ) from None
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return lock
    raise FolderInUse(f"{folder}: could not take its lock ({lock})")


def release(folder: Path) -> None:
    """Give up ownership of ``folder`` (only a lock this process holds is removed)."""
    lock = folder / LOCK
    try:
        owner = int(lock.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return
    if owner == os.getpid():
        lock.unlink(missing_ok=True)


def clear_outputs(folder: Path, keep_status: bool = False) -> None:
    """Remove every output a run writes and any temporary file a killed run left behind."""
    names = [*OUTPUTS] if keep_status else [*OUTPUTS, STATUS]
    for name in names:
        (folder / name).unlink(missing_ok=True)
    for tmp in folder.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def write_status(folder: Path, status: str, overrides: Sequence[str], **fields: Any) -> Path:
    """Write ``status.json`` atomically: the status, pid, overrides and any further fields."""
    from sim.atomic import write_text_atomic

    document = {"status": status, "pid": os.getpid(), "overrides": list(overrides), **fields}
    text = json.dumps(document, indent=2) + "\n"
    return write_text_atomic(folder / STATUS, text)


def one_line(exc: BaseException) -> str:
    """``Type: first line of the message`` — the error as one line."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0].strip()}" if lines else type(exc).__name__


@contextmanager
def lifecycle(folder: Path, overrides: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Own ``folder`` for the block: claim it, clear it, record ``running``, and on leaving
    record ``failed`` or ``interrupted`` (with partial outputs removed) if the block raised.

    The block calls :func:`finish` once every output is written. Yields the fields of the
    running status (``started``), which :func:`finish` repeats.
    """
    claim(folder)
    started = {"started": _now()}
    try:
        clear_outputs(folder)
        write_status(folder, "running", overrides, **started)
        yield started
    except Interrupted as exc:
        _record_end(folder, "interrupted", overrides, started, exc.name)
        raise
    except BaseException as exc:
        _record_end(folder, "failed", overrides, started, one_line(exc))
        raise
    finally:
        release(folder)


def _record_end(
    folder: Path, status: str, overrides: Sequence[str], started: dict[str, Any], reason: str
) -> None:
    """Remove partial outputs, then record why the run ended (best effort on a full disk)."""
    clear_outputs(folder, keep_status=True)
    try:
        write_status(folder, status, overrides, **started, ended=_now(), error=reason)
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise


def finish(
    folder: Path, overrides: Sequence[str], started: dict[str, Any], outputs: Sequence[str]
) -> Path:
    """Record ``ok``: every file of ``outputs`` (names in ``folder``) is in place."""
    missing = [name for name in outputs if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"outputs not written: {', '.join(missing)}")
    return write_status(folder, "ok", overrides, **started, ended=_now(), outputs=list(outputs))
