"""Domain validation: the rules a type cannot express, checked before any simulated minute.

The dataclass schemas in :mod:`sim.config` already reject unknown keys and wrong types. This
module checks meaning — staff and volumes that must be positive, probabilities in [0, 1], shares
that sum to 1, opening hours that do not overlap, distributions whose parameters make sense,
pools that exist. The first problem found is raised as a :class:`~sim.errors.ConfigError`
naming the config path, the value and what is allowed, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from sim.arrivals import HOURS_PER_WEEK
from sim.calendar import validate_calendar_config
from sim.config import Config
from sim.distributions import validate_distribution
from sim.errors import ConfigError
from sim.pathway.front_door import STAGES

ROTAS = ("office", "out_of_hours", "always")
VERIFICATION_KINDS = ("none", "mmc", "tandem", "deterministic", "unlimited")
SHARE_TOLERANCE = 1e-6


def validate(cfg: Config) -> None:
    """Raise :class:`ConfigError` for the first domain rule ``cfg`` breaks."""
    _validate_run(cfg)
    validate_calendar_config(cfg.calendar)
    _validate_demand(cfg)
    _validate_staffing(cfg)
    _validate_front_door(cfg)
    if cfg.verification.kind not in VERIFICATION_KINDS:
        raise ConfigError(
            "verification.kind",
            cfg.verification.kind,
            f"must be one of {_names(VERIFICATION_KINDS)}",
        )


def require(ok: bool, key: str, value: object, allowed: str) -> None:
    """Raise :class:`ConfigError` unless ``ok``."""
    if not ok:
        raise ConfigError(key, value, allowed)


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def _validate_run(cfg: Config) -> None:
    run = cfg.run
    require(run.replications >= 1, "run.replications", run.replications, "must be an integer ≥ 1")
    require(run.seed >= 0, "run.seed", run.seed, "must be an integer ≥ 0")
    require(run.jobs >= 1, "run.jobs", run.jobs, "must be an integer ≥ 1 (worker processes)")
    try:
        dt.date.fromisoformat(run.start_date)
    except ValueError:
        raise ConfigError(
            "run.start_date", run.start_date, "must be a date written YYYY-MM-DD"
        ) from None
    for key in ("warmup_days", "drain_days"):
        value = getattr(run, key)
        require(_finite(value) and value >= 0, f"run.{key}", value, "must be a number ≥ 0 (days)")
    require(
        _finite(run.horizon_days) and run.horizon_days > 0,
        "run.horizon_days",
        run.horizon_days,
        "must be a number > 0 (days)",
    )


def _validate_demand(cfg: Config) -> None:
    demand = cfg.demand
    require(
        _finite(demand.annual_contacts) and demand.annual_contacts > 0,
        "demand.annual_contacts",
        demand.annual_contacts,
        "must be a number > 0 (contacts a year)",
    )
    require(
        _finite(demand.growth_pct_per_year) and demand.growth_pct_per_year > -100,
        "demand.growth_pct_per_year",
        demand.growth_pct_per_year,
        "must be a number > -100 (% a year)",
    )
    for name, profile in demand.profiles.items():
        key = f"demand.profiles.{name}"
        require(
            len(profile) in (1, 24, HOURS_PER_WEEK),
            key,
            f"{len(profile)} values",
            "must have 1 (flat), 24 (hour of day) or 168 (hour of week) weights",
        )
        for i, weight in enumerate(profile):
            require(_finite(weight) and weight >= 0, f"{key}[{i}]", weight, "must be a weight ≥ 0")
        require(sum(profile) > 0, key, list(profile), "must have at least one weight > 0")
    require(len(demand.sources) > 0, "demand.sources", {}, "must name at least one source")
    for name, source in demand.sources.items():
        key = f"demand.sources.{name}"
        require(
            _finite(source.share) and 0 <= source.share <= 1,
            f"{key}.share",
            source.share,
            "must be a share in [0, 1]",
        )
        require(
            source.profile in demand.profiles,
            f"{key}.profile",
            source.profile,
            f"must name one of demand.profiles: {_names(demand.profiles)}",
        )
    total = sum(source.share for source in demand.sources.values())
    require(
        abs(total - 1.0) <= SHARE_TOLERANCE,
        "demand.sources.*.share",
        round(total, 9),
        "the shares of all sources must sum to 1",
    )


def _validate_staffing(cfg: Config) -> None:
    for name, pool in cfg.staffing.pools.items():
        key = f"staffing.pools.{name}"
        require(pool.staff >= 1, f"{key}.staff", pool.staff, "must be an integer ≥ 1 (people)")
        require(pool.rota in ROTAS, f"{key}.rota", pool.rota, f"must be one of {_names(ROTAS)}")


def _validate_front_door(cfg: Config) -> None:
    for name in STAGES:
        stage = getattr(cfg.front_door, name)
        key = f"front_door.{name}"
        if not stage.enabled:
            continue
        require(
            stage.pool is None or stage.pool in cfg.staffing.pools,
            f"{key}.pool",
            stage.pool,
            f"must be null (an external wait) or one of staffing.pools: "
            f"{_names(cfg.staffing.pools)}",
        )
        require(
            _finite(stage.probability) and 0 <= stage.probability <= 1,
            f"{key}.probability",
            stage.probability,
            "must be a probability in [0, 1]",
        )
        validate_distribution(stage.duration, f"{key}.duration")
