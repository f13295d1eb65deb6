"""The front door, step by step, from triage to the decision: ``front_door.*``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.choices import PolicyStart
from sim.config.tasks import DistributionConfig, StageConfig, WaitConfig, off
from sim.ranges import PROBABILITY, integer, number, ranged, share

INFORMATION_FACTOR = share(
    what="a number", unit="information never makes a wrong decision likelier"
)


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
    emergency: StageConfig = field(default_factory=off)
    handover: StageConfig = field(default_factory=off)


@dataclass
class StepUpConfig:
    """Early-help step-up contacts carry an extra documentation step (§3 row 3)."""

    sources: list[str] = field(default_factory=list)
    documentation: StageConfig = field(default_factory=off)


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
