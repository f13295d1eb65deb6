"""The run folder: ``summary.json``, ``replications.csv``, ``events.parquet`` and plots.

Every file is written atomically — to a temporary name in the same folder, then renamed — so a
crash or an interrupted job never leaves a half-written file that looks complete. Who owns the
folder, and whether its outputs are complete, is :mod:`sim.lifecycle`'s business
(``status.json``): :func:`write_run` only writes the outputs.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from sim.provenance import provenance
from sim.runner import Results


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_READABLE = 0o666 & ~_umask()


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _READABLE)  # mkstemp makes files private (0600); a run folder is shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` and move the result to ``path`` atomically."""
    with atomic_path(path) as tmp:
        write(tmp)
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return write_atomic(path, lambda p: _write_text(p, text))


def _json_safe(value: Any) -> Any:
    """NaN and infinity are not JSON: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def queue_table(results: Results) -> pd.DataFrame:
    """Mean contacts waiting per pool and hour of week, averaged over replications."""
    if results.queues.empty:
        return pd.DataFrame(columns=["pool", "hour_of_week", "waiting_mean"])
    grouped = results.queues.groupby(["pool", "hour_of_week"], as_index=False)
    table = grouped.agg(waiting_mean=("waiting_mean", "mean"))
    return table.sort_values(["pool", "hour_of_week"])


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def summary_document(
    results: Results, overrides: list[str] | None = None, theory: dict[str, float] | None = None
) -> dict[str, Any]:
    """The content of ``summary.json``."""
    document: dict[str, Any] = {
        "scenario": results.scenario,
        "kpis": results.summary,
        "provenance": provenance(results.config, overrides),
    }
    if theory:
        document["theory"] = theory
    return _json_safe(document)


def write_run(
    results: Results,
    folder: Path,
    overrides: list[str] | None = None,
    theory: dict[str, float] | None = None,
) -> dict[str, Path]:
    """Write every output of a run into ``folder``; return the paths written."""
    from sim.report.plots import write_plots

    folder.mkdir(parents=True, exist_ok=True)
    document = summary_document(results, overrides, theory)
    text = json.dumps(document, indent=2, allow_nan=False) + "\n"
    written = {
        "summary": write_atomic(folder / "summary.json", lambda p: _write_text(p, text)),
        "replications": write_atomic(
            folder / "replications.csv",
            lambda p: results.replications.to_csv(p, index=False),
        ),
    }
    report = getattr(results, "replication_report", None)
    if report is not None:  # how the automatic replication count chose n
        written["replication_search"] = write_atomic(
            folder / "replications_search.csv", lambda p: report.table.to_csv(p, index=False)
        )
    queues = queue_table(results)
    written["queues"] = write_atomic(
        folder / "queue_by_hour_of_week.csv", lambda p: queues.to_csv(p, index=False)
    )
    log = getattr(results, "event_log", None)
    if log is not None:  # streamed to a file as the replications ran: copied, never loaded
        log.close()
        source = log.path

        def copy_log(path: Path) -> None:
            shutil.copyfile(source, path)

        written["events"] = write_atomic(folder / "events.parquet", copy_log)
    if results.config.run.plots:
        written.update(write_plots(results, folder, write_atomic))
    return written
