"""Replications: run a validated config many times and summarise every KPI with a 95% CI.

Replication *r* of any scenario draws from the streams of (``run.seed``, *r*, name), never from
a job or process number, so a run is the same serial or parallel, and two scenarios with the
same seed share their random numbers. Parallel replications run on ``run.jobs`` workers of the
``run.executor`` kind (:mod:`sim.executors`: a process pool by default, or Dask or Ray); the
results are put back in replication order before anything is summarised.

With ``run.auto_replications.enabled`` the number of replications is chosen while running
(:func:`sim.analysis.replications.replications_needed`): replications 0, 1, 2, … are run, ``jobs``
at a time, until every chosen KPI is precise enough; the first ``n`` are kept as the run's results,
so nothing is run twice, and the search table is kept in ``Results.replication_report``.
"""

from __future__ import annotations

import dataclasses
import functools
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.intervals import confidence_interval
from sim.analysis.metrics import kpis_from, measured_contacts, queue_profile
from sim.analysis.replications import ReplicationReport, replications_needed
from sim.config import Config, WarmStart
from sim.engine.eventlog import EventLogFile
from sim.engine.log_tables import contact_table
from sim.errors import ConfigError
from sim.executors import Executor, executor
from sim.progress import Progress
from sim.replication import build
from sim.shared_warm_up import WarmState, shared_warm_up
from sim.warm_start import ChildDueBack


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
    #: The replications' event logs, streamed to a temporary Parquet file as they arrived (so
    #: memory stays flat however many replications run); ``None`` when not kept.
    event_log: EventLogFile | None
    #: With ``run.auto_replications.enabled``: how the number of replications was chosen
    #: (``.table`` has each KPI's mean, half-width and precision after each replication run,
    #: ``.n`` and ``.converged`` the answer). ``None`` when ``run.replications`` was used as given.
    replication_report: ReplicationReport | None = None

    @functools.cached_property
    def events(self) -> pd.DataFrame | None:
        """Every kept replication's event log in one frame, read when first asked for."""
        return None if self.event_log is None else self.event_log.read()


def run_replication(
    cfg: Config,
    replication: int,
    keep_events: bool = True,
    due_back: tuple[ChildDueBack, ...] = (),
) -> ReplicationResult:
    """Build, simulate and measure one replication (``due_back``: see :func:`build`)."""
    door = build(cfg, replication, due_back)
    door.run()
    events = door.log.to_frame(replication)
    table = contact_table(events)
    measured = measured_contacts(door, table)
    kpis = kpis_from(door, events, table, measured)
    decisions = measured[["source", "urgency", "outcome", "decision_working_days"]].reset_index()
    decisions.insert(0, "replication", replication)
    queues = queue_profile(door)
    queues.insert(0, "replication", replication)
    door.dispose()
    return ReplicationResult(replication, kpis, decisions, queues, events if keep_events else None)


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


Task = tuple[Config, int, bool, tuple[ChildDueBack, ...]]
"""One replication to run: the config, its number, keep its events?, the children due back."""


def _replicate(args: Task) -> ReplicationResult:
    return run_replication(*args)


def starting_point(cfg: Config) -> WarmState:
    """What the replications run: ``cfg`` itself, or with ``run.warm_start=snapshot`` the
    config and children due back of one shared warm-up (:mod:`sim.shared_warm_up`)."""
    if cfg.run.warm_start == WarmStart.snapshot:
        return shared_warm_up(cfg)
    return WarmState(cfg, ())


def parallelism(cfg: Config, tasks: int) -> tuple[str, int]:
    """The executor kind and worker count for ``tasks`` replications: serial unless it helps."""
    if cfg.run.jobs == 1 or tasks <= 1 or cfg.run.executor == "serial":
        return "serial", 1
    return cfg.run.executor, min(cfg.run.jobs, tasks)


def _results_in_order(
    cfg: Config, start: WarmState, keep_events: bool, on_done: Callable[[], None]
) -> Iterator[ReplicationResult]:
    # A generator: the executors take tasks a few at a time, so no task list is built up front.
    tasks = ((start.config, r, keep_events, start.due_back) for r in range(cfg.run.replications))
    kind, jobs = parallelism(cfg, cfg.run.replications)
    with executor(kind, jobs) as pool:
        for result in pool.map(_replicate, tasks):
            yield result
            on_done()


def _search_replications(
    cfg: Config, start: WarmState, keep_events: bool, on_done: Callable[[], None]
) -> tuple[ReplicationReport, list[ReplicationResult]]:
    """Choose the number of replications and return the search report and those replications.

    The search asks for replication r = 0, 1, 2, … in turn; each request for a replication not
    yet run runs the next ``jobs`` replications at once on the executor (never past the cap), so
    at most ``jobs − 1`` replications beyond the search's last are wasted. Every replication is
    run once, with its event log if wanted, and the first ``n`` are the run's results.
    """
    auto = cfg.run.auto_replications
    kind, jobs = parallelism(cfg, auto.cap)
    done: dict[int, ReplicationResult] = {}

    def run_batch(pool: Executor, first: int) -> None:
        last = min(first + jobs, auto.cap)
        tasks = [(start.config, r, keep_events, start.due_back) for r in range(first, last)]
        for result in pool.map(_replicate, tasks):
            done[result.replication] = result
            on_done()

    with executor(kind, jobs) as pool:

        def run_one(r: int) -> dict[str, float]:
            if r not in done:
                run_batch(pool, r)
            return done[r].kpis

        try:
            report = replications_needed(
                run_one,
                list(auto.kpis),
                target=auto.precision,
                look_ahead=auto.look_ahead,
                cap=auto.cap,
            )
        except ValueError as exc:
            if "returned no value for KPIs" not in str(exc):
                raise
            known = ", ".join(sorted(done[0].kpis)) if 0 in done else "see docs/kpis.md"
            raise ConfigError(
                "run.auto_replications.kpis", list(auto.kpis), f"must be KPIs of the run: {known}"
            ) from None
    return report, [done[r] for r in range(report.n)]


def simulate_replications(
    cfg: Config,
    keep_events: bool | None = None,
    progress: bool | None = None,
    on_replication: Callable[[], None] | None = None,
) -> Results:
    """Run every replication of a *validated* config and summarise it.

    ``progress``: ``False`` keeps quiet; otherwise a bar at a terminal and one line per
    replication elsewhere (:mod:`sim.progress`). ``on_replication``: called instead after each
    replication, by a caller counting a larger piece of work (an experiment's every option).

    With ``run.auto_replications.enabled`` the number of replications is chosen as they run
    (see the module docstring); ``Results.config.run.replications`` is then the number chosen
    and ``Results.replication_report`` says how it was chosen.

    ``on_replication(done, total)`` is called in the caller's thread after each replication
    (the page's progress bar). An exception it raises stops the run (the page's cancel button):
    no temporary file is left behind, and the replications still running finish first.
    """
    keep = cfg.run.event_log if keep_events is None else keep_events
    report: ReplicationReport | None = None
    start = starting_point(cfg)
    log = _temporary_event_log() if keep else None
    try:
        if cfg.run.auto_replications.enabled:
            cap = cfg.run.auto_replications.cap
            with _progress(progress, cap, cfg.scenario, on_replication) as advance:
                report, found = _search_replications(cfg, start, keep, advance)
            results = [_log_events(result, log) for result in found]
            cfg = dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, replications=report.n))
        else:
            with _progress(progress, cfg.run.replications, cfg.scenario, on_replication) as go:
                ordered = _results_in_order(cfg, start, keep, go)
                results = [_log_events(r, log) for r in ordered]
    except BaseException:  # a failed or interrupted run leaves no temporary log behind
        if log is not None:
            log.close()
            shutil.rmtree(log.path.parent, ignore_errors=True)
        raise
    if log is not None:
        log.close()
    results_of_run = summarised(cfg, results, log, report)
    if log is not None:  # the temporary file goes when the results do
        weakref.finalize(results_of_run, shutil.rmtree, log.path.parent, ignore_errors=True)
    return results_of_run


def summarised(
    cfg: Config,
    results: list[ReplicationResult],
    log: EventLogFile | None = None,
    report: ReplicationReport | None = None,
) -> Results:
    """A run's :class:`Results` from its replications, in replication order."""
    table = pd.DataFrame([{"replication": r.replication, **r.kpis} for r in results])
    # A task that never happened in a replication took no hours there (not "unknown").
    hours = [c for c in table.columns if c.startswith("hours_")]
    table[hours] = table[hours].fillna(0.0)
    return Results(
        scenario=cfg.scenario,
        config=cfg,
        replications=table,
        summary=summarise(table),
        decisions=pd.concat([r.decisions for r in results], ignore_index=True),
        queues=pd.concat([r.queues for r in results], ignore_index=True),
        event_log=log,
        replication_report=report,
    )


def _temporary_event_log() -> EventLogFile:
    return EventLogFile(Path(tempfile.mkdtemp(prefix="frontdoor-events-")) / "events.parquet")


def _log_events(result: ReplicationResult, log: EventLogFile | None) -> ReplicationResult:
    """Append a replication's event log to the run's file and drop it from memory."""
    if log is None or result.events is None:
        return result
    log.append(result.events)
    return dataclasses.replace(result, events=None)


@contextmanager
def _progress(
    show: bool | None, total: int, label: str, outer: Callable[[], None] | None
) -> Iterator[Callable[[], None]]:
    """Each finished replication, told to the caller's ``outer`` if given, else counted by a
    progress of its own (only one rich bar can be live at a time)."""
    if outer is not None:
        yield outer
        return
    with Progress(label, total, "replication", show=show) as progress:
        yield progress.advance
