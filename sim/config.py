"""Typed configuration: the dataclass schemas behind every ``conf/`` group.

Hydra merges the YAML files in ``conf/`` onto these schemas, so an unknown key or a value of the
wrong type is rejected before anything runs. Domain rules that a type cannot express (a
probability in [0, 1], shares that sum to 1, opening hours that do not overlap) live in
:mod:`sim.validation`. Nothing here knows about SimPy.

Units: durations are in **minutes** unless a key says otherwise; dates are ISO ``YYYY-MM-DD``;
clock times are ``HH:MM`` in local (naive) time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass
class DistributionConfig:
    """A sampled duration or delay (minutes unless the owning key says otherwise).

    ``dist`` picks the family; each family reads only its own keys:

    - ``exponential``: ``mean``
    - ``lognormal``: ``mean`` and ``cv``, **or** ``median`` with ``percentile``/``percentile_value``
      (e.g. median 30, 90th percentile 75) — the two ways domain people state a skewed time
    - ``gamma``: ``mean`` and ``cv``
    - ``triangular``: ``low``, ``mode``, ``high``
    - ``uniform``: ``low``, ``high``
    - ``deterministic``: ``value``
    - ``empirical``: ``values`` (resampled with replacement), optional ``weights``
    """

    dist: str = "deterministic"
    mean: float | None = None
    cv: float | None = None
    median: float | None = None
    percentile: float | None = None
    percentile_value: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    value: float | None = None
    values: list[float] | None = None
    weights: list[float] | None = None


@dataclass
class RunConfig:
    """How long, how often and from which seed: the settings of one run (``run.*``)."""

    replications: int = 5
    seed: int = 20250227
    start_date: str = "2025-04-07"
    warmup_days: float = 28.0
    horizon_days: float = 182.0
    drain_days: float = 28.0
    jobs: int = 1
    event_log: bool = True
    plots: bool = True


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
class SourceConfig:
    """One source of contacts: its share of the annual volume and its hour-of-week profile."""

    share: float = 1.0
    profile: str = "flat"


@dataclass
class DemandConfig:
    """Contact arrivals (``demand.*``): an annual volume split by source, shaped by profiles.

    ``profiles.<name>`` is a list of relative weights: 1 value (flat), 24 (hour of day, every
    day alike) or 168 (hour of week, Monday 00:00 first). Weights are scaled so that a source's
    expected contacts over a year equal ``annual_contacts × share``.
    """

    annual_contacts: float = 16000.0
    growth_pct_per_year: float = 0.0
    sources: dict[str, SourceConfig] = field(default_factory=lambda: {"all": SourceConfig()})
    profiles: dict[str, list[float]] = field(default_factory=lambda: {"flat": [1.0]})


@dataclass
class PoolConfig:
    """A staff pool: how many are on duty when its rota says so.

    ``rota`` is ``office`` (the calendar's opening hours), ``out_of_hours`` (the complement:
    evenings, weekends, bank holidays) or ``always`` (24/7, used by the verification presets).
    """

    staff: int = 1
    rota: str = "office"


@dataclass
class StaffingConfig:
    """Staff pools by name (``staffing.pools.<name>``)."""

    pools: dict[str, PoolConfig] = field(default_factory=dict)


@dataclass
class StageConfig:
    """One step of the pathway.

    ``pool`` names the staff pool that does it; ``null`` makes it an external delay that holds
    no staff (an infinite-server station). ``probability`` is the share of contacts that pass
    through it; ``enabled: false`` switches it off entirely.
    """

    enabled: bool = True
    pool: str | None = None
    probability: float = 1.0
    duration: DistributionConfig = field(default_factory=DistributionConfig)


@dataclass
class FrontDoorConfig:
    """The front-door pathway (``front_door.*``): contact → triage → screening → partner
    check → decision."""

    triage: StageConfig = field(default_factory=StageConfig)
    screening: StageConfig = field(default_factory=StageConfig)
    partner_check: StageConfig = field(default_factory=StageConfig)
    decision: StageConfig = field(default_factory=StageConfig)


@dataclass
class VerificationConfig:
    """Which queueing-theory result a verification preset is checked against (``none`` = none)."""

    kind: str = "none"


@dataclass
class Config:
    """The whole configuration of a run: what ``frontdoor`` composes from ``conf/``."""

    scenario: str = "baseline"
    run: RunConfig = field(default_factory=RunConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    demand: DemandConfig = field(default_factory=DemandConfig)
    staffing: StaffingConfig = field(default_factory=StaffingConfig)
    front_door: FrontDoorConfig = field(default_factory=FrontDoorConfig)
    verification: VerificationConfig = field(default_factory=VerificationConfig)


GROUP_SCHEMAS: dict[str, Any] = {
    "run": RunConfig,
    "calendar": CalendarConfig,
    "demand": DemandConfig,
    "staffing": StaffingConfig,
    "front_door": FrontDoorConfig,
    "verification": VerificationConfig,
}


def register_configs() -> None:
    """Register the root schema and one ``schema`` entry per group in Hydra's ConfigStore.

    Safe to call more than once (the store simply overwrites the same entries).
    """
    cs = ConfigStore.instance()
    cs.store(name="frontdoor_schema", node=Config)
    for group, schema in GROUP_SCHEMAS.items():
        cs.store(group=group, name="schema", node=schema)
