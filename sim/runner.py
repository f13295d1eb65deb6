"""Replications: run a validated config many times and summarise every KPI with a 95% CI.

Replication *r* of any scenario draws from the streams of (``run.seed``, *r*, name), never from
a job or process number, so a run is the same serial or parallel, and two scenarios with the
same seed share their random numbers. Parallel replications use a process pool (``run.jobs``);
the results are put back in replication order before anything is summarised.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from sim.config import Config
from sim.metrics import contact_table, kpis_from, measured_contacts, queue_profile
from sim.model import build


@dataclass(frozen=True)
class ReplicationResult:
    """The KPIs, the measured contacts' decisions, queues by hour of week, and the event log."""

    replication: int
    kpis: dict[str, float]
    decisions: pd.DataFrame
    queues: pd.DataFrame
    events: pd.DataFrame | None


@dataclass(frozen=True)
class Results:
    """Everything a run produced, before anything is written to disk."""

    scenario: str
    config: Config
    replications: pd.DataFrame
    summary: dict[str, dict[str, float]]
    decisions: pd.DataFrame
    queues: pd.DataFrame
    events: pd.DataFrame | None


def run_replication(cfg: Config, replication: int, keep_events: bool = True) -> ReplicationResult:
    """Build, simulate and measure one replication."""
    door = build(cfg, replication)
    door.run()
    events = door.log.to_frame(replication)
    table = contact_table(events)
    measured = measured_contacts(door, table)
    kpis = kpis_from(door, events, table, measured)
    decisions = measured[["source", "urgency", "outcome", "decision_working_days"]].reset_index()
    decisions.insert(0, "replication", replication)
    queues = queue_profile(door)
    queues.insert(0, "replication", replication)
    return ReplicationResult(replication, kpis, decisions, queues, events if keep_events else None)


def confidence_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval of independent replications (NaNs ignored).

    With fewer than two values the interval is undefined and returned as NaN.
    """
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if values.size < 2:
        return mean, float("nan"), float("nan")
    half = stdtrit(values.size - 1, 0.5 + level / 2) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - float(half), mean + float(half)


def summarise(replications: pd.DataFrame) -> dict[str, dict[str, float]]:
    """``{kpi: {mean, ci95_low, ci95_high, n}}`` over the replications table."""
    summary: dict[str, dict[str, float]] = {}
    for name in replications.columns.drop("replication", errors="ignore"):
        column = replications[name].to_numpy(dtype=float)
        mean, low, high = confidence_interval(column)
        summary[name] = {
            "mean": mean,
            "ci95_low": low,
            "ci95_high": high,
            "n": int(np.count_nonzero(~np.isnan(column))),
        }
    return summary


def _replicate(args: tuple[Config, int, bool]) -> ReplicationResult:
    return run_replication(*args)


def _results_in_order(
    cfg: Config, keep_events: bool, on_done: Callable[[], None]
) -> Iterator[ReplicationResult]:
    tasks = [(cfg, r, keep_events) for r in range(cfg.run.replications)]
    if cfg.run.jobs == 1 or len(tasks) == 1:
        for task in tasks:
            yield _replicate(task)
            on_done()
        return
    with ProcessPoolExecutor(max_workers=min(cfg.run.jobs, len(tasks))) as pool:
        for result in pool.map(_replicate, tasks):
            yield result
            on_done()


def simulate_replications(
    cfg: Config, keep_events: bool | None = None, progress: bool | None = None
) -> Results:
    """Run every replication of a *validated* config and summarise it."""
    keep = cfg.run.event_log if keep_events is None else keep_events
    show = _progress_wanted() if progress is None else progress
    with _progress_bar(show, cfg.run.replications, cfg.scenario) as advance:
        results = list(_results_in_order(cfg, keep, advance))
    table = pd.DataFrame([{"replication": r.replication, **r.kpis} for r in results])
    # A task that never happened in a replication took no hours there (not "unknown").
    hours = [c for c in table.columns if c.startswith("hours_")]
    table[hours] = table[hours].fillna(0.0)
    events = [r.events for r in results if r.events is not None]
    return Results(
        scenario=cfg.scenario,
        config=cfg,
        replications=table,
        summary=summarise(table),
        decisions=pd.concat([r.decisions for r in results], ignore_index=True),
        queues=pd.concat([r.queues for r in results], ignore_index=True),
        events=concat_event_logs(events) if events else None,
    )


def concat_event_logs(logs: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack replications' logs, keeping ``event`` and ``pool`` categorical.

    Each replication lists categories in the order it first met them; plain concatenation would
    then fall back to strings, so the categories are unified first.
    """
    frame = pd.concat(logs, ignore_index=True)
    for column in ("event", "pool"):
        categories = sorted({c for log in logs for c in log[column].cat.categories})
        frame[column] = pd.Categorical(frame[column].astype(str), categories=categories)
    return frame


def _progress_wanted() -> bool:
    """A progress bar only for a person at a terminal: quiet in CI and when piped."""
    return sys.stderr.isatty() and not os.environ.get("CI")


class _progress_bar:
    """A rich progress bar over replications, or a no-op."""

    def __init__(self, show: bool, total: int, label: str) -> None:
        self.show, self.total, self.label = show, total, label
        self._progress: Any = None

    def __enter__(self) -> Callable[[], None]:
        if not self.show:
            return lambda: None
        from rich.progress import Progress

        self._progress = Progress(transient=True)
        self._progress.start()
        task = self._progress.add_task(f"{self.label}: replications", total=self.total)
        return lambda: self._progress.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def run(cfg: Any, progress: bool | None = None) -> Results:
    """Validate a config (a composed ``DictConfig`` or a typed :class:`Config`) and run it.

    The plain function behind the ``frontdoor`` app: tests, notebooks and experiments call it
    directly. Raises :class:`~sim.errors.ConfigError` for bad input before anything runs.
    """
    from sim.compose import to_spec

    return simulate_replications(to_spec(cfg), progress=progress)
