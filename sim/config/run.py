"""How long, how often, from which seed, and on which calendar: ``run.*``, ``calendar.*``,
``verification.*``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.config.choices import ExecutorKind, VerificationKind, WarmStart
from sim.ranges import MAX_JOBS, MAX_PERIOD_DAYS, MAX_REPLICATIONS, Range, integer, number, ranged


@dataclass
class AutoReplicationsConfig:
    """Choose the number of replications automatically (``run.auto_replications.*``).

    When ``enabled``, ``run.replications`` is ignored: replications 0, 1, 2, … are run until the
    95% confidence interval of every KPI in ``kpis`` has a half-width of at most ``precision``
    × |mean| and keeps it for ``look_ahead`` more replications (Hoad, Robinson & Davies 2010,
    :func:`sim.analysis.replications.replications_needed`), or ``cap`` replications have run.
    """

    enabled: bool = False
    kpis: list[str] = field(
        default_factory=lambda: ["decision_working_days_mean", "decision_within_1wd_pct"]
    )
    precision: float = ranged(
        0.05,
        Range(
            low=0.0,
            low_open=True,
            high=1.0,
            high_open=True,
            interval=True,
            unit="relative half-width of the 95% CI",
        ),
    )
    cap: int = ranged(50, integer(ge=3, at_most=MAX_REPLICATIONS, unit="replications"))
    look_ahead: int = ranged(5, integer(ge=0))


@dataclass
class RunConfig:
    """How long, how often and from which seed: the settings of one run (``run.*``).

    ``executor`` says where replications run when ``jobs > 1`` (:mod:`sim.executors`:
    ``process``, ``serial``, ``dask``, ``ray``); results are identical for every choice.
    ``warm_start``: ``empty`` (each replication warms up from an empty service) or ``snapshot``
    (the warm-up is simulated once per run and every replication starts from what it left,
    ``settle_days`` before the measured window: :mod:`sim.shared_warm_up`).
    The defaults are those of ``conf/run/default.yaml`` (a test keeps the two equal).
    """

    replications: int = ranged(5, integer(ge=1, at_most=MAX_REPLICATIONS, unit="replications"))
    seed: int = ranged(20250227, integer(ge=0))
    start_date: str = "2025-04-07"
    warmup_days: float = ranged(560.0, number(ge=0, at_most=MAX_PERIOD_DAYS, unit="days"))
    horizon_days: float = ranged(182.0, number(gt=0, at_most=MAX_PERIOD_DAYS, unit="days"))
    drain_days: float = ranged(28.0, number(ge=0, at_most=MAX_PERIOD_DAYS, unit="days"))
    warm_start: WarmStart = WarmStart.empty
    settle_days: float = ranged(28.0, number(ge=0, at_most=MAX_PERIOD_DAYS, unit="days"))
    jobs: int = ranged(2, integer(ge=1, at_most=MAX_JOBS, unit="worker processes"))
    executor: ExecutorKind = ExecutorKind.process
    event_log: bool = True
    plots: bool = True
    auto_replications: AutoReplicationsConfig = field(default_factory=AutoReplicationsConfig)


@dataclass
class CalendarConfig:
    """Opening hours per weekday, and which days are closed (``calendar.*``).

    ``opening_hours.<weekday>`` is a list of ``"HH:MM-HH:MM"`` intervals (empty = closed).
    ``bank_holidays`` names the part of the UK whose bank holidays close the service
    (``england``, ``wales``, ``scotland``, ``northern_ireland``) or ``none``.
    """

    opening_hours: dict[str, list[str]] = field(
        default_factory=lambda: {
            "monday": ["08:30-17:00"],
            "tuesday": ["08:30-17:00"],
            "wednesday": ["08:30-17:00"],
            "thursday": ["08:30-17:00"],
            "friday": ["08:30-16:30"],
            "saturday": [],
            "sunday": [],
        }
    )
    bank_holidays: str = "england"
    extra_closures: list[str] = field(default_factory=list)


@dataclass
class VerificationConfig:
    """Which queueing-theory result a verification preset is checked against (``none`` = none)."""

    kind: VerificationKind = VerificationKind.none


def snapshot_days(run: RunConfig) -> float:
    """With ``run.warm_start=snapshot``: the day the shared warm-up is read off, a whole number
    of weeks from the start (so each replication's clock starts on the run's weekday, and its
    rotas and opening hours line up) and at least ``settle_days`` before the measured window."""
    return 7.0 * math.floor((run.warmup_days - run.settle_days) / 7.0)
