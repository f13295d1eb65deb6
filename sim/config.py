"""Typed configuration: the dataclass schemas behind every ``conf/`` group.

Hydra merges the YAML files in ``conf/`` onto these schemas, so an unknown key or a value of the
wrong type is rejected before anything runs. Domain rules that a type cannot express (a
probability in [0, 1], shares that sum to 1, opening hours that do not overlap) live in
:mod:`sim.validation`. Nothing here knows about SimPy.

Units: durations are in **minutes** unless a key says otherwise; dates are ISO ``YYYY-MM-DD``;
clock times are ``HH:MM`` in local (naive) time.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hydra.core.config_store import ConfigStore

from sim.errors import ConfigError
from sim.ranges import (
    HOURS_IN_A_YEAR,
    MAX_ANNUAL_CONTACTS,
    MAX_BACKLOG_DAYS,
    MAX_BACKLOG_ITEMS,
    MAX_JOBS,
    MAX_PERIOD_DAYS,
    MAX_REPLICATIONS,
    MAX_STAFF,
    PROBABILITY,
    Range,
    integer,
    number,
    ranged,
    share,
)

INFORMATION_FACTOR = share(
    what="a number", unit="information never makes a wrong decision likelier"
)
BACKLOG_AGE = number(
    ge=0, at_most=MAX_BACKLOG_DAYS, what="an age", unit="working days since referral", each=True
)

# The string choices of the config, as enums so that composing a config rejects a bad value
# naming its key (OmegaConf checks enum fields). Member names equal their values, lower-case:
# OmegaConf saves an enum by name, so a saved config.yaml reads ``clock: working``, and a
# StrEnum member compares, hashes and formats as its value (``clock == "working"`` holds).


class Dist(StrEnum):
    """A distribution family (``dist``); :mod:`sim.engine.distributions` reads each one's keys."""

    exponential = "exponential"
    lognormal = "lognormal"
    gamma = "gamma"
    triangular = "triangular"
    uniform = "uniform"
    deterministic = "deterministic"
    empirical = "empirical"


class Clock(StrEnum):
    """What a wait counts (``clock``): working minutes (paused while closed) or plain minutes."""

    working = "working"
    calendar = "calendar"


class Rota(StrEnum):
    """When a pool is on duty (``rota``): opening hours, closed hours, or 24/7."""

    office = "office"
    out_of_hours = "out_of_hours"
    always = "always"


class ExecutorKind(StrEnum):
    """Where parallel replications run (``run.executor``; :mod:`sim.executors`)."""

    process = "process"
    serial = "serial"
    dask = "dask"
    ray = "ray"


class VerificationKind(StrEnum):
    """Which queueing-theory result a verification preset is checked against."""

    none = "none"
    mmc = "mmc"
    tandem = "tandem"
    deterministic = "deterministic"
    unlimited = "unlimited"
    priority_mmc = "priority_mmc"


class Payer(StrEnum):
    """Who pays a role's staff (``paid_by``, ``costs.partner_staff_paid_by``)."""

    local_authority = "local_authority"
    partner_agencies = "partner_agencies"


class PolicyStart(StrEnum):
    """When a policy clock starts (``start``, ``growth_start``): the measured window or the run."""

    measured = "measured"
    warmup = "warmup"


def check_choices(node: Any, key: str = "") -> None:
    """Raise :class:`ConfigError` for an enum-typed key holding something not of its enum.

    Composing a config (Hydra, OmegaConf) already refuses a bad choice naming its key; this is
    the same check for a config built or changed in Python (``dataclasses.replace(cfg.run,
    executor="threads")``), which nothing else type-checks at run time.
    """
    if isinstance(node, dict):
        for name, value in node.items():
            check_choices(value, f"{key}.{name}" if key else str(name))
        return
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return
    for name, choices in _enum_fields(type(node)).items():
        value = getattr(node, name)
        if value is not None and value not in choices.__members__.values():
            raise ConfigError(
                f"{key}.{name}" if key else name,
                value,
                f"must be one of {', '.join(sorted(choices.__members__))}",
            )
    for f in dataclasses.fields(node):
        check_choices(getattr(node, f.name), f"{key}.{f.name}" if key else f.name)


@functools.cache
def _enum_fields(cls: type) -> dict[str, type[StrEnum]]:
    """The fields of dataclass ``cls`` typed with one of the enums above (or it | None)."""
    found: dict[str, type[StrEnum]] = {}
    for name, hint in typing.get_type_hints(cls).items():
        options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        for option in options:
            if isinstance(option, type) and issubclass(option, StrEnum):
                found[name] = option
    return found


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

    dist: Dist = Dist.deterministic
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


def is_unset(dist: DistributionConfig) -> bool:
    """A duration nobody gave (the schema default): read as zero minutes where optional."""
    return dist.dist == Dist.deterministic and dist.value is None


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
    The defaults are those of ``conf/run/default.yaml`` (a test keeps the two equal).
    """

    replications: int = ranged(5, integer(ge=1, at_most=MAX_REPLICATIONS, unit="replications"))
    seed: int = ranged(20250227, integer(ge=0))
    start_date: str = "2025-04-07"
    warmup_days: float = ranged(560.0, number(ge=0, at_most=MAX_PERIOD_DAYS, unit="days"))
    horizon_days: float = ranged(182.0, number(gt=0, at_most=MAX_PERIOD_DAYS, unit="days"))
    drain_days: float = ranged(28.0, number(ge=0, at_most=MAX_PERIOD_DAYS, unit="days"))
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
    day alike) or 168 (hour of week, Monday 00:00 first).
    """

    annual_contacts: float = ranged(
        15050.0, number(gt=0, at_most=MAX_ANNUAL_CONTACTS, unit="contacts a year")
    )
    growth_pct_per_year: float = ranged(0.0, number(gt=-100, unit="% a year"))
    growth_start: PolicyStart = PolicyStart.measured
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    profiles: dict[str, list[float]] = ranged(
        rng=number(ge=0, what="a weight", each=True), default_factory=lambda: {"flat": [1.0]}
    )
    school_terms: SchoolTermsConfig = field(default_factory=SchoolTermsConfig)
    threshold_training: dict[str, ThresholdTrainingConfig] = field(default_factory=dict)


@dataclass
class AbsenceConfig:
    """What keeps a pool's staff from front-door work (``staffing.pools.<name>.absence``).

    ``vacancy_pct``: posts unfilled *after* agency cover (% of ``staff``); ``sickness_pct``:
    sickness absence (% of days); ``supervision_hours_per_month`` and ``training_days_per_year``
    per member of staff, as shares of ``contract_hours_per_week``; ``annual_leave_days_per_year``
    (annual leave and any other leave taken on working days, not bank holidays, which the
    calendar closes) likewise. ``supervision_compliance``: the share (0–1) of the policy
    ``supervision_hours_per_month`` actually received (§3 row 22: the CIN/CP teams "have not
    consistently received supervision"). They combine into the share of ``staff`` on duty on an
    average day (:func:`sim.engine.capacity.availability`). All zero (the default, compliance 1):
    everyone is on duty whenever the rota says so.
    """

    vacancy_pct: float = ranged(0.0, share(0, 100, high_open=True, what="a percentage"))
    sickness_pct: float = ranged(0.0, share(0, 100, high_open=True, what="a percentage"))
    supervision_hours_per_month: float = ranged(0.0, number(ge=0, unit="hours a month"))
    training_days_per_year: float = ranged(0.0, number(ge=0, unit="days a year"))
    contract_hours_per_week: float = ranged(37.0, number(gt=0, unit="hours"))
    annual_leave_days_per_year: float = ranged(0.0, number(ge=0, unit="days a year"))
    supervision_compliance: float = ranged(1.0, PROBABILITY)


@dataclass
class PoolConfig:
    """A staff pool: how many are on duty when its rota says so, and how quickly they work.

    ``rota`` is ``office`` (the calendar's opening hours), ``out_of_hours`` (the complement:
    evenings, weekends, bank holidays) or ``always`` (24/7, used by the verification presets).
    ``time_factor`` multiplies every task this pool does (e.g. 1.15 for staff new to the
    service — parameters.md §3 row 5 "experience is a staffing parameter"). ``absence``
    (vacancies, sickness, annual leave, supervision, training) lowers the heads on duty day by day
    (:mod:`sim.engine.capacity`); ``staff`` is the establishment.
    """

    staff: int = ranged(1, integer(ge=1, at_most=MAX_STAFF, unit="people"))
    rota: Rota = Rota.office
    time_factor: float = ranged(1.0, number(gt=0))
    absence: AbsenceConfig = field(default_factory=AbsenceConfig)


@dataclass
class StaffingConfig:
    """Staff pools by name (``staffing.pools.<name>``)."""

    pools: dict[str, PoolConfig] = field(default_factory=dict)


@dataclass
class StageConfig:
    """A task: ``pool`` names who does it (``null`` = an external wait that holds no staff),
    ``probability`` is the share of contacts reaching it that need it, ``duration`` its time."""

    enabled: bool = True
    pool: str | None = None
    probability: float = ranged(1.0, PROBABILITY)
    duration: DistributionConfig = field(default_factory=DistributionConfig)


def _off() -> StageConfig:
    return StageConfig(enabled=False)


@dataclass
class WaitConfig:
    """An elapsed wait that holds no staff (a referrer replying, a partner agency responding).

    ``clock: working`` counts ``duration`` in minutes of *working* time (paused while the front
    door is closed; 1 working day ≈ 510 minutes Mon–Thu); ``calendar`` in plain minutes.
    """

    clock: Clock = Clock.working
    duration: DistributionConfig = field(default_factory=DistributionConfig)


@dataclass
class OutOfHoursConfig:
    """Contacts that arrive while the front door is closed (parameters.md §3 row 17).

    Contacts whose urgency is in ``emergency_urgencies`` are handled at once by the
    ``emergency`` task (the Emergency Duty Team's pool), which decides; a ``handover`` to the
    day team follows at the next opening. All others wait for the opening and enter triage after
    the ``handover`` task (the morning batch).
    """

    enabled: bool = False
    emergency_urgencies: list[str] = field(default_factory=lambda: ["red"])
    emergency: StageConfig = field(default_factory=_off)
    handover: StageConfig = field(default_factory=_off)


@dataclass
class StepUpConfig:
    """Early-help step-up contacts carry an extra documentation step (§3 row 3)."""

    sources: list[str] = field(default_factory=list)
    documentation: StageConfig = field(default_factory=_off)


@dataclass
class TriageConfig(StageConfig):
    """Manager triage (§3 row 1). ``close_inappropriate_probability``: share of contacts not
    meeting the threshold that the triage manager closes at once (no screening)."""

    close_inappropriate_probability: float = ranged(0.0, PROBABILITY)


@dataclass
class ClarificationConfig(StageConfig):
    """Clarifying an unclear request with the referrer (§3 row 2): staff effort
    (``duration``), then an elapsed ``wait`` on the referrer while the worker is free; with
    ``repeat_probability`` it is still unclear and goes round again, at most ``max_rounds``."""

    wait: WaitConfig = field(default_factory=WaitConfig)
    repeat_probability: float = ranged(0.0, PROBABILITY)
    max_rounds: int = ranged(3, integer(ge=1))


@dataclass
class HistoryCheckConfig(StageConfig):
    """Family history and previous involvement (§3 row 8); known families take
    ``known_family_factor`` times as long."""

    known_family_factor: float = ranged(1.0, number(gt=0))


@dataclass
class ScreeningConfig(StageConfig):
    """Screening with skill routing (§3 rows 5–6).

    Straightforward contacts go to ``pool`` with ``duration``; complex ones — a concern in
    ``complex_concerns``, a source in ``complex_sources`` or an urgency in ``complex_urgencies`` —
    to ``complex_pool`` with ``complex_duration``. When ``fallback_pool`` is set and the chosen
    pool has at least ``fallback_queue_at_least`` contacts waiting while the fallback pool has
    someone free, the contact goes to the fallback pool instead.
    """

    complex_pool: str | None = None
    complex_duration: DistributionConfig = field(default_factory=DistributionConfig)
    complex_concerns: list[str] = field(default_factory=list)
    complex_sources: list[str] = field(default_factory=list)
    complex_urgencies: list[str] = field(default_factory=list)
    fallback_pool: str | None = None
    fallback_queue_at_least: int = ranged(5, integer(ge=0, unit="contacts waiting"))


@dataclass
class ConsentConfig(StageConfig):
    """Seeking parental consent before partner checks (§3 row 9), skipped for urgencies in
    ``not_needed_urgencies``. ``recorded_probability`` feeds a quality KPI only."""

    not_needed_urgencies: list[str] = field(default_factory=lambda: ["red"])
    recorded_probability: float = ranged(1.0, PROBABILITY)


@dataclass
class PartnerAgencyConfig:
    """One partner agency asked for information: how often, and how long it takes to answer."""

    request_probability: float = ranged(1.0, PROBABILITY)
    response: WaitConfig = field(default_factory=WaitConfig)


@dataclass
class PartnerHubConfig:
    """Integrated front door (§3 row 11): partner staff in the hub answer the requests for
    ``agencies`` (empty: all) themselves (``pool``, ``effort``) instead of those agencies'
    elapsed ``response``; the turnaround is measured against ``rag_target_working_hours``
    (Surrey/Merton targets, §1e)."""

    enabled: bool = False
    pool: str | None = None
    agencies: list[str] = field(default_factory=list)
    effort: DistributionConfig = field(default_factory=DistributionConfig)
    rag_target_working_hours: dict[str, float] = ranged(
        rng=number(gt=0, unit="working hours", each=True),
        default_factory=lambda: {"red": 4.0, "amber": 8.5, "green": 25.5},
    )


@dataclass
class PartnerCheckConfig:
    """Partner-information requests (§3 row 10).

    With ``probability`` a screened contact needs partner information. The ``pool`` (social
    workers) spends ``request_effort`` per agency asked, the agencies answer in parallel after
    their elapsed ``response`` times (the worker is released meanwhile), and the worker spends
    ``collation_effort`` on what came back. ``timeout_working_minutes`` (null = wait for all)
    is the chase rule: when it passes, the worker spends ``chase_effort`` and the decision
    goes ahead without the missing answers. Effort and elapsed time are separate, named
    parameters because the "simplified partner requests" scenario changes them.
    """

    enabled: bool = True
    probability: float = ranged(1.0, PROBABILITY)
    pool: str | None = None
    request_effort: DistributionConfig = field(default_factory=DistributionConfig)
    collation_effort: DistributionConfig = field(default_factory=DistributionConfig)
    agencies: dict[str, PartnerAgencyConfig] = field(default_factory=dict)
    timeout_working_minutes: float | None = ranged(
        None, number(ge=0, unit="working minutes", optional="wait for every reply")
    )
    chase_effort: DistributionConfig = field(default_factory=DistributionConfig)
    hub: PartnerHubConfig = field(default_factory=PartnerHubConfig)


@dataclass
class DecisionAccuracyConfig:
    """Decisions that depend on information (§3 rows 8–12; docs/model.md "Decisions").

    Every contact has a latent need (``threshold_met``, drawn at arrival). The manager refers
    it with probability ``1 − miss_probability × f`` when the need is there and
    ``over_refer_probability × f`` when it is not, where ``f`` is the product of the
    ``*_factor`` of each piece of information gathered for that contact (history checked,
    consent sought, partner information received — or only partly, at the chase deadline —
    and partners present at the decision). A factor of 1 means the information does not help;
    0.5 halves the chance of a wrong decision. All ESTIMATE. ``enabled: false`` decides every
    contact by its latent need (no errors).
    """

    enabled: bool = False
    miss_probability: float = ranged(0.0, PROBABILITY)
    over_refer_probability: float = ranged(0.0, PROBABILITY)
    history_checked_factor: float = ranged(1.0, INFORMATION_FACTOR)
    consent_sought_factor: float = ranged(1.0, INFORMATION_FACTOR)
    partner_info_received_factor: float = ranged(1.0, INFORMATION_FACTOR)
    partner_info_timed_out_factor: float = ranged(1.0, INFORMATION_FACTOR)
    partners_in_decision_factor: float = ranged(1.0, INFORMATION_FACTOR)


@dataclass
class DecisionConfig(StageConfig):
    """The manager's decision and sign-off (§3 rows 12–14), then where the contact goes.

    Referrals (threshold met) go to a strategy discussion with ``strategy_discussion_share``
    by urgency, otherwise to a child-and-family assessment, after a ``handoff`` to the teams.
    Contacts below threshold split by ``below_threshold_outcomes`` (empty: all
    ``nfa_advice``). ``partner_pool``: a partner
    joins each decision (integrated front door). ``idva_probability`` (domestic abuse, §3 row 7)
    and ``exploitation_panel_probability`` (missing/exploitation, row 6) are parallel outflows;
    ``accuracy``: how often the decision matches the contact's latent need, given what was
    gathered (:class:`DecisionAccuracyConfig`).
    """

    partner_pool: str | None = None
    partner_urgencies: list[str] = field(default_factory=lambda: ["red", "amber", "green"])
    strategy_discussion_share: dict[str, float] = ranged(rng=share(each=True), default_factory=dict)
    below_threshold_outcomes: dict[str, float] = ranged(
        rng=number(ge=0, what="a share", each=True), default_factory=dict
    )
    handoff: WaitConfig = field(default_factory=WaitConfig)
    idva_probability: float = ranged(0.0, PROBABILITY)
    exploitation_panel_probability: float = ranged(0.0, PROBABILITY)
    accuracy: DecisionAccuracyConfig = field(default_factory=DecisionAccuracyConfig)


@dataclass
class LearningConfig:
    """Feedback to referrers slowly teaches them thresholds (§3 row 11) — a closed loop
    (:mod:`sim.learning`): each source's inappropriate and unclear contacts fall by up to its
    ``*_reduction_pct`` (a dict by source; a source not listed does not learn) × its learning
    level, the exponentially weighted share of its decisions whose feedback was actually
    delivered, with time constant ``lag_days``. ``start``: the policy's clock — ``measured``
    (default: learning starts with the measured window, i.e. when the scenario is introduced)
    or ``warmup`` (from the start of the run, so the window sees a mature loop)."""

    enabled: bool = False
    inappropriate_reduction_pct: dict[str, float] = ranged(
        rng=share(0, 100, what="a percentage", each=True), default_factory=dict
    )
    unclear_reduction_pct: dict[str, float] = ranged(
        rng=share(0, 100, what="a percentage", each=True), default_factory=dict
    )
    lag_days: float = ranged(180.0, number(gt=0, unit="days"))
    start: PolicyStart = PolicyStart.measured


@dataclass
class FeedbackConfig(StageConfig):
    """Feedback to the referrer after the decision (§1e; §3 row 11); ``probability`` is the
    share of referrers told the outcome."""

    learning: LearningConfig = field(default_factory=LearningConfig)


@dataclass
class FrontDoorConfig:
    """The front-door pathway (``front_door.*``), in the order a contact meets it."""

    priority: dict[str, int] = field(default_factory=lambda: {"red": 0, "amber": 1, "green": 2})
    out_of_hours: OutOfHoursConfig = field(default_factory=OutOfHoursConfig)
    step_up: StepUpConfig = field(default_factory=StepUpConfig)
    triage: TriageConfig = field(default_factory=TriageConfig)
    clarification: ClarificationConfig = field(
        default_factory=lambda: ClarificationConfig(enabled=False)
    )
    history_check: HistoryCheckConfig = field(
        default_factory=lambda: HistoryCheckConfig(enabled=False)
    )
    screening: ScreeningConfig = field(default_factory=ScreeningConfig)
    consent: ConsentConfig = field(default_factory=lambda: ConsentConfig(enabled=False))
    partner_check: PartnerCheckConfig = field(default_factory=PartnerCheckConfig)
    decision: DecisionConfig = field(default_factory=DecisionConfig)
    feedback: FeedbackConfig = field(default_factory=lambda: FeedbackConfig(enabled=False))


@dataclass
class StepUpPanelConfig:
    """The multi-agency step-up panel (§1e "Cheshire East step-up/step-down panel", READ;
    row 3): non-urgent step-up requests from ``sources`` wait for the next panel whose form
    deadline (``deadline_days_before`` days earlier at ``deadline_time``) they meet; urgencies
    in ``urgent_urgencies`` go straight to the front door. Panels sit every ``every_weeks``
    weeks on ``weekday`` at ``time``, counted from ``first_date`` (default: the first such
    weekday on or after the start). With ``accept_probability`` the panel steps the family up
    (it then enters the front door); otherwise it stays in early help."""

    enabled: bool = False
    sources: list[str] = field(default_factory=list)
    urgent_urgencies: list[str] = field(default_factory=lambda: ["red"])
    weekday: str = "wednesday"
    time: str = "10:00"
    every_weeks: int = ranged(2, integer(ge=1))
    first_date: str | None = None
    deadline_days_before: int = ranged(7, integer(ge=0, unit="days"))
    deadline_time: str = "16:00"
    accept_probability: float = ranged(1.0, PROBABILITY)


@dataclass
class StrategyDiscussionConfig:
    """Strategy discussions (rows 14–15): a multi-agency meeting that needs one member of each
    pool in ``attendees`` at once, held after a scheduling ``lead_time``; measured against
    ``target_working_days`` from the decision. With ``s47_probability`` it starts a section 47
    enquiry."""

    enabled: bool = False
    attendees: list[str] = field(default_factory=list)
    lead_time: WaitConfig = field(default_factory=WaitConfig)
    duration: DistributionConfig = field(default_factory=DistributionConfig)
    target_working_days: float = ranged(1.0, number(gt=0, unit="working days"))
    s47_probability: float = ranged(0.0, PROBABILITY)


@dataclass
class Section47Config:
    """Section 47 enquiries (row 16): the child is seen after ``see_child``; the enquiry
    concludes ``outcome_working_days`` after the strategy discussion with an outcome from
    ``outcomes`` (icpc, cin_plan, nfa; empty: all nfa). An initial child protection conference
    is booked ``icpc_lead_working_days`` after the strategy discussion and needs a
    ``conference`` chair."""

    see_child: WaitConfig = field(default_factory=WaitConfig)
    outcome_working_days: DistributionConfig = field(default_factory=DistributionConfig)
    outcomes: dict[str, float] = ranged(
        rng=number(ge=0, what="a share", each=True), default_factory=dict
    )
    icpc_lead_working_days: DistributionConfig = field(default_factory=DistributionConfig)
    conference: StageConfig = field(default_factory=_off)


@dataclass
class TeamConfig:
    """An assessment team (row 13): ``social_workers`` each holding at most ``caseload_cap``
    cases, of which ``other_cases`` are long-term cases not simulated here; ``share`` of
    referrals go to this team. ``absence`` acts on a caseload team as described in
    :mod:`sim.engine.teams`: vacant posts hold no cases; leave, sickness, training and supervision
    stretch the elapsed work of each assessment."""

    share: float = ranged(1.0, PROBABILITY)
    social_workers: int = ranged(1, integer(ge=1, unit="people"))
    caseload_cap: int = ranged(18, integer(ge=1, unit="cases"))
    other_cases: float = ranged(0.0, number(ge=0, unit="cases"))
    absence: AbsenceConfig = field(default_factory=AbsenceConfig)


@dataclass
class AssessmentConfig:
    """Child and family assessments (rows 18–21): allocation to a social worker with room in
    their caseload (else a wait), a first visit, further visits whose gaps widen with the
    worker's caseload (gap × (1 + ``gap_caseload_elasticity`` × caseload / cap)), a write-up
    lag after the last visit (long with ``long_write_up_probability``), then manager sign-off.
    The statutory clock shapes practice: when the write-up would run past
    ``deadline_working_days`` from the referral, with ``deadline_push_probability`` the worker
    finishes it a working day before the deadline instead (the published durations bunch just
    under 45 working days). ``not_in_need_probability``: an assessment of a referral whose need
    was there still ends "not in need" (a reasonable cause to assess is not always a need);
    an over-referral's assessment always does."""

    enabled: bool = False
    teams: dict[str, TeamConfig] = field(default_factory=dict)
    first_visit: WaitConfig = field(default_factory=WaitConfig)
    visits_min: int = ranged(1, integer(ge=1))
    visits_max: int = 3
    visit_gap: WaitConfig = field(default_factory=WaitConfig)
    gap_caseload_elasticity: float = ranged(0.0, number(ge=0))
    write_up: WaitConfig = field(default_factory=WaitConfig)
    long_write_up: WaitConfig = field(default_factory=WaitConfig)
    long_write_up_probability: float = ranged(0.0, PROBABILITY)
    deadline_working_days: float | None = ranged(
        None, number(ge=1, unit="working days", optional="no deadline")
    )
    deadline_push_probability: float = ranged(0.0, PROBABILITY)
    sign_off: StageConfig = field(default_factory=_off)
    not_in_need_probability: float = ranged(0.0, PROBABILITY)


@dataclass
class ReReferralConfig:
    """Re-referrals as the DfE counts them (§1d READ 22.6%: a referral within 12 months of the
    previous referral). With ``probability`` a closed referral comes back to the front door as
    a new contact (need present, family known) at a time drawn uniformly between the case's
    closure and ``within_days`` after the referral; a case still open then does not come back.
    ``max_generations`` bounds the chain (a safety cap, far above what the probability reaches).
    """

    probability: float = ranged(0.0, PROBABILITY)
    within_days: float = ranged(365.0, number(gt=0, unit="days"))
    max_generations: int = ranged(10, integer(ge=0))


@dataclass
class ReferralNfaConfig:
    """A referral made although the need was not there (an over-referral) is closed with no
    further action by the assessment team's manager before any assessment, with
    ``probability`` (the rest are assessed and end "not in need"); the ``review`` costs the
    manager's time. Published: 6.5% of referrals end NFA (§1d READ)."""

    probability: float = ranged(0.0, PROBABILITY)
    review: StageConfig = field(default_factory=lambda: StageConfig(enabled=False))


@dataclass
class MissedNeedConfig:
    """A need the front door missed comes back: with ``return_probability`` the child is
    contacted about again, at a time drawn uniformly within ``within_days`` of the decision
    (sooner and more often than a closed case's re-referral). ESTIMATE."""

    return_probability: float = ranged(0.0, PROBABILITY)
    within_days: float = ranged(90.0, number(gt=0, unit="days"))


@dataclass
class AfterDecisionConfig:
    """What follows the front door's decision (``after_decision.*``)."""

    step_up_panel: StepUpPanelConfig = field(default_factory=StepUpPanelConfig)
    strategy_discussion: StrategyDiscussionConfig = field(default_factory=StrategyDiscussionConfig)
    section47: Section47Config = field(default_factory=Section47Config)
    assessment: AssessmentConfig = field(default_factory=AssessmentConfig)
    re_referral: ReReferralConfig = field(default_factory=ReReferralConfig)
    referral_nfa: ReferralNfaConfig = field(default_factory=ReferralNfaConfig)
    missed_need: MissedNeedConfig = field(default_factory=MissedNeedConfig)


@dataclass
class BacklogConfig:
    """Today's backlog to start a run from (a warm start), instead of an empty service.

    ``front_door``: contacts waiting at each stage (triage, screening, partner_check,
    decision); ``step_up_panel``: requests waiting for the panel; ``assessments``: per team,
    the ages (working days since referral) of assessments allocated and under way;
    ``awaiting_allocation``: per team, the ages of referrals waiting for a social worker;
    ``re_referrals_due_days``: days from the start until each closed case comes back.
    ``sim.warm_start.snapshot`` writes this from a simulated service; a local authority can write
    it from its own case-management extract (counts and ages only — nothing identifying).
    """

    front_door: dict[str, int] = ranged(
        rng=integer(ge=0, at_most=MAX_BACKLOG_ITEMS, what="a count", unit="contacts", each=True),
        default_factory=dict,
    )
    step_up_panel: int = ranged(
        0, integer(ge=0, at_most=MAX_BACKLOG_ITEMS, what="a count", unit="requests")
    )
    assessments: dict[str, list[float]] = ranged(rng=BACKLOG_AGE, default_factory=dict)
    awaiting_allocation: dict[str, list[float]] = ranged(rng=BACKLOG_AGE, default_factory=dict)
    re_referrals_due_days: list[float] = ranged(
        rng=number(ge=0, at_most=MAX_BACKLOG_DAYS, unit="days from the start", each=True),
        default_factory=list,
    )


@dataclass
class VerificationConfig:
    """Which queueing-theory result a verification preset is checked against (``none`` = none)."""

    kind: VerificationKind = VerificationKind.none


@dataclass
class Config:
    """The whole configuration of a run: what ``frontdoor`` composes from ``conf/``."""

    scenario: str = "baseline"
    run: RunConfig = field(default_factory=RunConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    demand: DemandConfig = field(default_factory=DemandConfig)
    staffing: StaffingConfig = field(default_factory=StaffingConfig)
    front_door: FrontDoorConfig = field(default_factory=FrontDoorConfig)
    after_decision: AfterDecisionConfig = field(default_factory=AfterDecisionConfig)
    backlog: BacklogConfig = field(default_factory=BacklogConfig)
    verification: VerificationConfig = field(default_factory=VerificationConfig)
    costs: CostsConfig = field(default_factory=lambda: CostsConfig())  # noqa: PLW0108 (defined below)


GROUP_SCHEMAS: dict[str, Any] = {
    "run": RunConfig,
    "calendar": CalendarConfig,
    "demand": DemandConfig,
    "staffing": StaffingConfig,
    "front_door": FrontDoorConfig,
    "after_decision": AfterDecisionConfig,
    "backlog": BacklogConfig,
    "verification": VerificationConfig,
}


@functools.cache
def register_configs() -> None:
    """Register the root schema and one ``schema`` entry per group in Hydra's ConfigStore.

    Once per process: turning the dataclasses into OmegaConf nodes is a third of the cost of
    composing a config, and every :func:`sim.compose.compose` calls this. (The store is Hydra's
    own process-wide registry; the entries never change, so registering again would only
    overwrite them with the same nodes.)
    """
    cs = ConfigStore.instance()
    cs.store(name="frontdoor_schema", node=Config)
    for group, schema in GROUP_SCHEMAS.items():
        cs.store(group=group, name="schema", node=schema)


PAYERS = tuple(Payer)
"""Who pays a role's staff (``costs.roles.<role>.paid_by``, ``costs.partner_staff_paid_by``)."""


@dataclass
class RoleCostConfig:
    """What one full-time post of a role costs a year (``costs.roles.<role>``; docs/finance.md).

    ``salary_gbp``: gross salary excluding on-costs; ``on_cost``: multiplier for employer NI,
    pension and levy; ``agency_share``: share (0–1) of *filled* posts held by agency workers,
    who cost ``agency_premium`` × a permanent post's fully loaded cost; ``vacancy_factor``:
    share (0–1) of the establishment unfilled and so not paid; ``productive_hours_per_fte``:
    hours a year a filled post spends on casework (for the cost of an hour of staff time).
    ``paid_by``: ``local_authority``, ``partner_agencies``, or ``null`` to follow
    ``costs.partner_staff_paid_by`` (partner-agency staff in an integrated front door).
    """

    salary_gbp: float = ranged(41000.0, number(ge=0, what="an amount", unit="£ a year"))
    on_cost: float = ranged(1.30, number(ge=1, what="a multiplier", unit="e.g. 1.30"))
    agency_share: float = ranged(0.0, PROBABILITY)
    agency_premium: float = ranged(1.4, number(ge=1, what="a multiplier", unit="e.g. 1.4"))
    vacancy_factor: float = ranged(
        0.05, share(0, 1, high_open=True, what="a share", unit="0.05 = 5%")
    )
    productive_hours_per_fte: float = ranged(
        1325.0, number(gt=0, at_most=HOURS_IN_A_YEAR, unit="hours")
    )
    paid_by: Payer | None = Payer.local_authority


@dataclass
class CostsConfig:
    """Staff costs (``costs.*``): roles, which role each pool is, and who pays partner staff.

    ``pool_roles.<pool>`` names the role of a staffing pool; pools not listed are costed as
    ``default_role`` (``null``: every pool must be listed). Assessment teams' social workers
    (``after_decision.assessment.teams.*.social_workers``) are costed as ``team_role``.
    ``partner_staff_paid_by`` decides whether roles with ``paid_by: null`` count in the
    council's ``annual_staff_cost_gbp`` (``local_authority``) or are reported separately as
    ``partner_funded_cost_gbp`` (``partner_agencies``).
    """

    roles: dict[str, RoleCostConfig] = field(default_factory=dict)
    pool_roles: dict[str, str] = field(default_factory=dict)
    default_role: str | None = "social_worker"
    team_role: str = "social_worker"
    partner_staff_paid_by: Payer = Payer.partner_agencies


# Defined after the root schema (the finance group was added last); registered like the rest.
GROUP_SCHEMAS["costs"] = CostsConfig
