"""Plausibility limits that span several keys, checked before any simulated minute.

A value must be *plausible for a front door*, so that a typing slip — an extra three zeros, a
year 9999 — is refused in one line instead of overflowing the calendar minutes later,
exhausting memory, or running for hours without a word. A limit on one key (at most 100,000
replications, 10,000 staff in a pool) is declared on its field with its lower bound
(:mod:`sim.ranges`); this module holds the limits no one field can state: twenty years of
warm-up, horizon and drain together, a start date that leaves room for them, the expected
contacts of a replication (volume × length × growth), and the children in a whole backlog. The
limits are generous: each is ten or more times anything a local authority's planning question
needs (Cheshire East has about 16,000 contacts a year; a run is a few years at most), and each
message says what is allowed. The scenario name is checked here too, because it names the run
folder.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from sim.config import BacklogConfig, Config, PolicyStart, WarmStart
from sim.config.run import snapshot_days
from sim.errors import ConfigError
from sim.ranges import MAX_BACKLOG_ITEMS

FIRST_DATE = dt.date(1970, 1, 1)
LAST_DATE = dt.date(2200, 12, 31)
"""Runs start and end inside these dates: bank holidays are known, dates never overflow."""
MAX_RUN_DAYS = 7300.0
"""Warm-up + horizon + drain: at most twenty years of simulated time."""
MAX_CONTACTS_PER_REPLICATION = 5_000_000.0
"""Expected contacts in one replication (volume × length × growth): minutes of work each."""
SCENARIO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
"""A scenario names its run folder: letters, digits, ``_``, ``-`` and ``.``, not a path."""


def _number(value: Any) -> float | None:
    """``value`` as a finite number, or ``None`` (left to :mod:`sim.validation` to report)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def check_bounds(cfg: Config) -> None:
    """Raise :class:`ConfigError` for the first value beyond its plausibility limit."""
    _check_scenario(cfg.scenario)
    _check_run(cfg)
    _check_demand(cfg)
    _check_backlog(cfg)


def _check_scenario(name: Any) -> None:
    if not isinstance(name, str) or not SCENARIO_NAME.fullmatch(name) or ".." in name:
        raise ConfigError(
            "scenario",
            name,
            "must be a name of up to 64 letters, digits, '_', '-' or '.', starting with a letter "
            "or digit (it names the run folder, so no '/' or '..')",
        )


def _check_run(cfg: Config) -> None:
    run = cfg.run
    periods = [_number(getattr(run, k)) for k in ("warmup_days", "horizon_days", "drain_days")]
    if any(p is None for p in periods):
        return
    total = sum(p for p in periods if p is not None)
    if total > MAX_RUN_DAYS:
        raise ConfigError(
            "run.warmup_days + run.horizon_days + run.drain_days",
            total,
            f"must be at most {MAX_RUN_DAYS:,g} days (twenty years of simulated time)",
        )
    try:
        start = dt.date.fromisoformat(str(run.start_date).strip())
    except ValueError:
        return  # not a date: sim.validation says so
    allowed = f"must be a date from {FIRST_DATE} on, with the run ending by {LAST_DATE}"
    if start < FIRST_DATE or (LAST_DATE - start).days < math.ceil(total) + 1:
        raise ConfigError("run.start_date", run.start_date, allowed)
    _check_volume_year(cfg, start)
    if run.warm_start == WarmStart.snapshot:
        _check_shared_warm_up(cfg)


def _check_volume_year(cfg: Config, start: dt.date) -> None:
    """``demand.volume_year_from``: empty, or a date on or before the start, at most twenty
    years before it (the rates are laid out from it)."""
    value = cfg.demand.volume_year_from
    if value == "":
        return
    allowed = (
        f"must be empty (the run's start) or a date yyyy-mm-dd on or before run.start_date "
        f"({start}) and at most {MAX_RUN_DAYS:,g} days before it"
    )
    try:
        anchor = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError("demand.volume_year_from", value, allowed) from None
    if anchor > start or (start - anchor).days > MAX_RUN_DAYS:
        raise ConfigError("demand.volume_year_from", value, allowed)


def _check_shared_warm_up(cfg: Config) -> None:
    """A shared warm-up needs a week of warm-up to snapshot, and a run whose state at the
    snapshot is all the snapshot carries: no backlog of its own, no policy clock started
    before the measured window (growth or learning from ``warmup`` would restart)."""
    run = cfg.run
    settle = _number(run.settle_days)
    if settle is not None and snapshot_days(run) < 7.0:
        raise ConfigError(
            "run.settle_days",
            run.settle_days,
            f"with run.warm_start=snapshot must be at least a week shorter than "
            f"run.warmup_days ({run.warmup_days:g}), so there is a warm-up to share",
        )
    if not backlog_is_empty(cfg.backlog):
        raise ConfigError(
            "run.warm_start",
            "snapshot",
            "must be empty when a backlog file is given (the snapshot would be a second backlog)",
        )
    if cfg.demand.growth_pct_per_year and cfg.demand.growth_start == PolicyStart.warmup:
        raise ConfigError(
            "demand.growth_start",
            "warmup",
            "must be measured with run.warm_start=snapshot (growth from the run's start "
            "would restart at each replication's start)",
        )
    for source, training in cfg.demand.threshold_training.items():
        if training.start == PolicyStart.warmup:
            raise ConfigError(
                f"demand.threshold_training.{source}.start",
                "warmup",
                "must be measured with run.warm_start=snapshot (training from the run's start "
                "would restart at each replication's start)",
            )
    learning = cfg.front_door.feedback.learning
    if learning.enabled and learning.start == PolicyStart.warmup:
        raise ConfigError(
            "front_door.feedback.learning.start",
            "warmup",
            "must be measured with run.warm_start=snapshot (the snapshot does not carry what "
            "referrers have learned)",
        )


def backlog_is_empty(spec: BacklogConfig) -> bool:
    """Does the backlog hold nothing (the default ``backlog=empty``)?"""
    return not (
        any(spec.front_door.values())
        or spec.step_up_panel
        or any(spec.assessments.values())
        or any(spec.awaiting_allocation.values())
        or spec.re_referrals_due_days
    )


def _check_demand(cfg: Config) -> None:
    demand = cfg.demand
    annual = _number(demand.annual_contacts)
    growth = _number(demand.growth_pct_per_year)
    days = sum(
        _number(getattr(cfg.run, k)) or 0.0 for k in ("warmup_days", "horizon_days", "drain_days")
    )
    if annual is None or growth is None or annual <= 0:
        return
    years = days / 365.25
    rate = 1.0 + max(growth, 0.0) / 100.0
    try:
        expected = annual * years * rate**years
    except OverflowError:
        expected = math.inf
    if growth > 1000.0 or expected > MAX_CONTACTS_PER_REPLICATION:
        raise ConfigError(
            "demand.growth_pct_per_year" if growth > 1000.0 else "demand.annual_contacts",
            growth if growth > 1000.0 else demand.annual_contacts,
            f"must keep a replication under {MAX_CONTACTS_PER_REPLICATION:,.0f} expected "
            f"contacts (this run: about {expected:,.0f} over {days:,g} days)",
        )


def _check_backlog(cfg: Config) -> None:
    spec = cfg.backlog
    total = sum(_number(count) or 0.0 for count in spec.front_door.values())
    total += _number(spec.step_up_panel) or 0.0
    for part in ("assessments", "awaiting_allocation"):
        total += sum(len(ages) for ages in getattr(spec, part).values())
    total += len(spec.re_referrals_due_days)
    if total > MAX_BACKLOG_ITEMS:
        raise ConfigError(
            "backlog", f"{total:,.0f} items", f"must hold at most {MAX_BACKLOG_ITEMS:,}"
        )
