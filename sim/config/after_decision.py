"""After the decision: the step-up panel, strategy discussions, section 47, assessments,
re-referrals, and today's backlog: ``after_decision.*``, ``backlog.*``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.staffing import AbsenceConfig
from sim.config.tasks import DistributionConfig, StageConfig, WaitConfig, off
from sim.ranges import MAX_BACKLOG_DAYS, MAX_BACKLOG_ITEMS, PROBABILITY, integer, number, ranged

BACKLOG_AGE = number(
    ge=0, at_most=MAX_BACKLOG_DAYS, what="an age", unit="working days since referral", each=True
)


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
    conference: StageConfig = field(default_factory=off)


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
    sign_off: StageConfig = field(default_factory=off)
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
