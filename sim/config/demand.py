"""Who contacts the front door, how often and about what: ``demand.*``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.choices import PolicyStart
from sim.ranges import MAX_ANNUAL_CONTACTS, PROBABILITY, number, ranged, share

URGENCIES = ("red", "amber", "green")
"""RAG urgency set at triage; red is worked first everywhere and goes to EDT out of hours."""

CONCERNS = ("domestic_abuse", "neglect", "missing_exploitation", "abuse", "other")
"""Concern types of a contact (parameters.md §3 rows 6–7)."""

DEFAULT_URGENCY = "green"
"""What an empty ``demand.sources.<s>.urgency`` mix means: every contact green."""

DEFAULT_CONCERN = "other"
"""What an empty ``demand.sources.<s>.concern`` mix means: every contact's concern other."""


# Dict-valued keys default to EMPTY on purpose: OmegaConf merges a YAML dict *into* a default
# dict (union of keys), so a non-empty default would leak into every config that sets its own.
# An empty mix means "all green" / "all other" / "all no further action", as documented.


@dataclass
class SourceConfig:
    """One source of contacts: its volume, when it sends, and what its contacts are like.

    ``share`` of the annual volume; ``profile`` names an hour-of-week profile; the rate is
    multiplied by ``school_holiday_factor`` in school holidays and by ``bank_holiday_factor``
    on bank holidays (then rescaled so a year still brings ``annual_contacts × share``).
    Contact attributes (probabilities): ``threshold_met`` (the contact meets the threshold for
    statutory social work, i.e. becomes a referral), ``unclear`` (the request needs
    clarifying), ``known_family`` (repeat contact), ``urgency`` and ``concern`` mixes (empty:
    every contact green / "other").
    """

    share: float = ranged(1.0, PROBABILITY)
    profile: str = "flat"
    school_holiday_factor: float = ranged(1.0, number(ge=0))
    bank_holiday_factor: float = ranged(1.0, number(ge=0))
    threshold_met: float = ranged(1.0, PROBABILITY)
    unclear: float = ranged(0.0, PROBABILITY)
    known_family: float = ranged(0.0, PROBABILITY)
    urgency: dict[str, float] = ranged(
        rng=number(ge=0, what="a share", each=True), default_factory=dict
    )
    concern: dict[str, float] = ranged(
        rng=number(ge=0, what="a share", each=True), default_factory=dict
    )


@dataclass
class SchoolTermsConfig:
    """School holidays that modulate school contacts.

    ``rule: england`` derives typical England holidays for every simulated year (Christmas,
    February half term, Easter, May half term, summer, October half term); ``holidays`` lists
    explicit periods ``"YYYY-MM-DD/YYYY-MM-DD"`` (inclusive) that replace the rule when given —
    a local authority should paste its own published term dates here.
    """

    rule: str = "england"
    holidays: list[str] = field(default_factory=list)


@dataclass
class ThresholdTrainingConfig:
    """Partner threshold training for one source: fewer inappropriate contacts after a lag.

    From ``start_day`` (days after the start of the run) the share of this source's
    inappropriate contacts that are never made rises towards ``reduction_pct`` with time
    constant ``learning_lag_days`` (parameters.md §3 row 4; §1h: −10 to −25% after 6–12 months).
    ``start``: the clock ``start_day`` counts from — ``measured`` (default: the start of the
    measured window, when the policy is introduced) or ``warmup`` (the start of the run).
    """

    reduction_pct: float = ranged(0.0, share(0, 100, what="a number", unit="%"))
    start_day: float = ranged(0.0, number(ge=0, unit="days"))
    learning_lag_days: float = ranged(180.0, number(ge=0, unit="days"))
    start: PolicyStart = PolicyStart.measured


@dataclass
class DemandConfig:
    """Contact arrivals (``demand.*``): an annual volume split by source, shaped by profiles.

    ``profiles.<name>`` is a list of relative weights: 1 value (flat), 24 (hour of day, every
    day alike) or 168 (hour of week, Monday 00:00 first). ``volume_year_from``: the first day
    of the year whose contacts ``annual_contacts`` counts (empty: ``run.start_date``); a date
    before the run starts keeps that year's volumes in a run started later (the shared warm-up,
    :mod:`sim.shared_warm_up`, sets it so).
    """

    annual_contacts: float = ranged(
        15050.0, number(gt=0, at_most=MAX_ANNUAL_CONTACTS, unit="contacts a year")
    )
    growth_pct_per_year: float = ranged(0.0, number(gt=-100, unit="% a year"))
    growth_start: PolicyStart = PolicyStart.measured
    volume_year_from: str = ""
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    profiles: dict[str, list[float]] = ranged(
        rng=number(ge=0, what="a weight", each=True), default_factory=lambda: {"flat": [1.0]}
    )
    school_terms: SchoolTermsConfig = field(default_factory=SchoolTermsConfig)
    threshold_training: dict[str, ThresholdTrainingConfig] = field(default_factory=dict)
