"""After the front door's decision: strategy discussions, section 47 enquiries, conferences,
child and family assessments and re-referrals, as generators.

A leader who adds screeners and only pushes the queue into the assessment teams must see it
here: every referral is handed off to an assessment team, where it waits for room in a social
worker's caseload, and referrals with significant concerns also go to a strategy discussion
(which may start a section 47 enquiry and a conference) alongside the assessment. The numbers in
brackets are rows of ``parameters.md`` §3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.config import WaitConfig, is_unset
from sim.engine.calendar import MINUTES_PER_DAY
from sim.engine.distributions import make_sampler
from sim.engine.meeting import rendezvous
from sim.pathway.steps import Process, pick, task, wait
from sim.vocabulary import S47_OUTCOMES

if TYPE_CHECKING:
    from sim.contacts import Contact
    from sim.model import FrontDoor

MAX_TIMELINE_DRAWS = 200


def after_referral(door: FrontDoor, contact: Contact, outcome: str) -> Process:
    """A referral is handed off to the teams [13], then assessed; some also go to a strategy
    discussion first [14]. An over-referral (the need was not there) may instead be closed
    with no further action after a manager's review. When the case closes it may come back as
    a re-referral."""
    spec = door.cfg.after_decision
    referred = float(door.calendar.working_day_clock(door.env.now))
    yield from wait(door, contact, "handoff", door.cfg.front_door.decision.handoff)
    nfa = spec.referral_nfa
    if not contact.threshold_met and door.chance("referral_nfa", contact) < nfa.probability:
        yield from task(door, contact, "referral_nfa_review", nfa.review)
        door.log.record(contact.id, "referral_nfa", door.env.now)
        maybe_re_refer(door, contact)
        return
    if outcome == "strategy_discussion" and spec.strategy_discussion.enabled:
        door.env.process(strategy_discussion(door, contact))
    if spec.assessment.enabled:
        yield from child_and_family_assessment(door, contact, referred)
        maybe_re_refer(door, contact)


# -- strategy discussion, section 47, conference [14, 15, 16] --------------------------------------
def strategy_discussion(door: FrontDoor, contact: Contact) -> Process:
    """A multi-agency meeting: everyone in ``attendees`` must be free at once. It waits as a
    rendezvous (:func:`sim.engine.meeting.rendezvous`): nobody is held while the others are
    found."""
    spec = door.cfg.after_decision.strategy_discussion
    env, log = door.env, door.log
    log.record(contact.id, "strategy_requested", env.now)
    yield from wait(door, contact, "strategy_lead_time", spec.lead_time)
    pools = [door.pools[name] for name in spec.attendees]
    log.record(contact.id, "strategy_queued", env.now)
    meeting = yield from rendezvous(pools, contact.priority)
    log.record(contact.id, "strategy_start", env.now)
    yield env.timeout(door.minutes("strategy_discussion", spec.duration, contact))
    meeting.release()
    log.record(contact.id, "strategy_end", env.now)
    if door.chance("strategy.s47", contact) < spec.s47_probability:
        env.process(section_47(door, contact))


def section_47(door: FrontDoor, contact: Contact) -> Process:
    """The enquiry: the child is seen, the enquiry concludes, and a conference may follow."""
    spec = door.cfg.after_decision.section47
    env, log = door.env, door.log
    started = env.now
    log.record(contact.id, "s47_start", started)
    env.process(wait(door, contact, "s47_see_child", spec.see_child))
    days = door.minutes("s47_outcome", spec.outcome_working_days, contact)
    concluded = door.add_working_days(started, days)
    yield env.timeout(concluded - env.now)
    outcome = pick(door.chance("s47.outcome", contact), spec.outcomes, S47_OUTCOMES, empty="nfa")
    log.record(contact.id, f"s47_{outcome}", env.now)
    if outcome != "icpc":
        return
    lead = door.minutes("icpc_lead", spec.icpc_lead_working_days, contact)
    booked = door.add_working_days(started, lead)
    if booked > env.now:
        yield env.timeout(booked - env.now)
    yield from task(door, contact, "icpc", spec.conference)


# -- child and family assessment [13, 18–21] ----------------------------------------------------
def child_and_family_assessment(
    door: FrontDoor,
    contact: Contact,
    referred: float,
    *,
    team_name: str | None = None,
    done_already: float = 0.0,
) -> Process:
    """Allocation, visits whose gaps widen with the worker's caseload, write-up, sign-off.

    ``referred`` is the referral's place on the working-day clock (negative before the run
    started). ``done_already`` (working minutes) is for an assessment already under way when
    the run starts (a backlog): see :func:`_timeline_still_running`, which is given it in the
    team's on-duty minutes (× ``time_availability``) because the team's absence stretches the
    drawn phases afterwards (the unstretched first visit makes this a close approximation).
    """
    spec = door.cfg.after_decision.assessment
    env, log = door.env, door.log
    team = door.teams[team_name or door.team_for(contact)]
    log.record(contact.id, "allocation_queued", env.now, team.name)
    worker = yield from team.allocate()
    log.record(contact.id, "allocated", env.now, team.name)
    if done_already > 0:
        plan = _timeline_still_running(
            door,
            contact,
            team.caseload_of(worker) / team.cap,
            done_already * team.time_availability,
        )
    else:
        plan = _Timeline.drawn(door, contact)
    yield from _after(door, spec.first_visit, plan.first)
    log.record(contact.id, "visit", env.now)
    for gap in plan.gaps:
        stretch = 1.0 + spec.gap_caseload_elasticity * team.caseload_of(worker) / team.cap
        yield from _after(door, spec.visit_gap, gap * stretch / team.time_availability)
        log.record(contact.id, "visit", env.now)
    log.record(contact.id, "last_visit", env.now)
    write_up = spec.long_write_up if plan.long_write_up else spec.write_up
    log.record(contact.id, "write_up_start", env.now)
    done = door.wait_until(write_up, plan.write_up / team.time_availability)
    if spec.deadline_working_days is not None:
        due = door.working_day_deadline(referred, spec.deadline_working_days - 1.0)
        pushed = door.chance("assessment.deadline_push", contact) < spec.deadline_push_probability
        if done > due and pushed:
            done = max(env.now, due)
    yield env.timeout(done - env.now)
    log.record(contact.id, "write_up_end", env.now)
    yield from task(door, contact, "assessment_sign_off", spec.sign_off)
    log.record(contact.id, "assessment_complete", env.now, team.name)
    not_in_need = not contact.threshold_met or (
        door.chance("assessment.not_in_need", contact) < spec.not_in_need_probability
    )
    log.record(
        contact.id, "assessment_not_in_need" if not_in_need else "assessment_in_need", env.now
    )
    team.close_case(worker)


@dataclass
class _Timeline:
    """An assessment's elapsed phases in working minutes (visit gaps before the caseload
    stretch, which is applied as each gap starts)."""

    first: float
    gaps: list[float]
    write_up: float
    long_write_up: bool

    @classmethod
    def drawn(cls, door: FrontDoor, contact: Contact) -> _Timeline:
        """The contact's own phases, from its per-contact draws."""
        spec = door.cfg.after_decision.assessment
        span = spec.visits_max - spec.visits_min + 1
        visits = spec.visits_min + int(door.chance("assessment.visits", contact) * span)
        long_lag = door.chance("assessment.long_write_up", contact) < spec.long_write_up_probability
        write_up = spec.long_write_up if long_lag else spec.write_up
        return cls(
            first=door.minutes("first_visit_wait", spec.first_visit.duration, contact),
            gaps=[
                door.minutes("visit_gap", spec.visit_gap.duration, contact, k, spec.visits_max)
                for k in range(1, visits)
            ],
            write_up=door.minutes("write_up", write_up.duration, contact),
            long_write_up=long_lag,
        )


def _timeline_still_running(
    door: FrontDoor, contact: Contact, load: float, done_already: float
) -> _Timeline:
    """What is left of an assessment that has run ``done_already`` working minutes.

    Its remaining life is drawn *given that it is still running*: whole timelines are drawn
    from the backlog item's own stream until one outlasts its age (an assessment open at age
    *a* is one whose length exceeds *a* — drawing afresh and subtracting *a* would close most
    old ones at once), then the part before the start is cut off the front.
    """
    spec = door.cfg.after_decision.assessment
    rng = door.streams(f"backlog_timeline:{contact.seq}")
    samplers = {
        name: make_sampler(dist, rng, name)
        for name, dist in (
            ("first", spec.first_visit.duration),
            ("gap", spec.visit_gap.duration),
            ("short", spec.write_up.duration),
            ("long", spec.long_write_up.duration),
        )
        if not is_unset(dist)
    }

    def draw(name: str) -> float:
        return samplers[name]() if name in samplers else 0.0

    stretch = 1.0 + spec.gap_caseload_elasticity * load
    plan = _Timeline(first=0.0, gaps=[], write_up=0.0, long_write_up=False)
    for _ in range(MAX_TIMELINE_DRAWS):
        visits = int(rng.integers(spec.visits_min, spec.visits_max + 1))
        long_lag = bool(rng.random() < spec.long_write_up_probability)
        plan = _Timeline(
            first=draw("first"),
            gaps=[draw("gap") for _ in range(visits - 1)],
            write_up=draw("long" if long_lag else "short"),
            long_write_up=long_lag,
        )
        if plan.first + stretch * sum(plan.gaps) + plan.write_up > done_already:
            break
    behind = done_already
    first_left = max(plan.first - behind, 0.0)
    behind = max(behind - plan.first, 0.0)
    gaps_left = []
    for gap in plan.gaps:
        used = min(behind, gap * stretch)
        behind -= used
        if gap * stretch - used > 0:
            gaps_left.append((gap * stretch - used) / stretch)
    return _Timeline(
        first=first_left,
        gaps=gaps_left,
        write_up=max(plan.write_up - behind, 0.0),
        long_write_up=plan.long_write_up,
    )


def _after(door: FrontDoor, clock: WaitConfig, minutes: float) -> Process:
    yield door.env.timeout(door.wait_until(clock, minutes) - door.env.now)


# -- returns: re-referral and missed need -------------------------------------------------------
def maybe_re_refer(door: FrontDoor, contact: Contact) -> None:
    """With the configured probability the closed case comes back [§1d], as the DfE counts a
    re-referral: within 12 months of the referral (``within_days``), so at a time drawn
    uniformly between now (the case closes) and then; a case that closes later does not."""
    spec = door.cfg.after_decision.re_referral
    if contact.generation >= spec.max_generations:
        return
    if door.chance("re_referral", contact) >= spec.probability:
        return
    now = door.env.now
    referred = contact.last_referral if math.isfinite(contact.last_referral) else now
    room = referred + spec.within_days * MINUTES_PER_DAY - now
    if room <= 0:
        return
    delay = door.chance("re_referral.delay", contact) * room
    door.come_back(contact, delay, False)


def maybe_return_missed_need(door: FrontDoor, contact: Contact) -> None:
    """A need the front door missed comes back, sooner and more often than a closed case."""
    spec = door.cfg.after_decision.missed_need
    if contact.generation >= door.cfg.after_decision.re_referral.max_generations:
        return
    if door.chance("missed_need.return", contact) >= spec.return_probability:
        return
    delay = door.chance("missed_need.delay", contact) * spec.within_days * MINUTES_PER_DAY
    door.come_back(contact, delay, True)
