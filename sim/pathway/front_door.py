"""The ChECS front door, from contact to decision: the process map as generators.

Each function reads top to bottom like the process map in ``docs/model.md``: wait for staff, do
the work, hand on. Parameters arrive through the :class:`~sim.model.FrontDoor` world (built from
the validated config); randomness only through its per-contact draws; every step is written to
the event log, from which :mod:`sim.analysis.metrics` computes the KPIs. The numbers in brackets
are the rows of ``parameters.md`` §3 (the findings of the Ofsted letter) that each step represents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.config import Clock, WaitConfig
from sim.engine.meeting import rendezvous
from sim.pathway.after_decision import after_referral, maybe_return_missed_need
from sim.pathway.decision import refers
from sim.pathway.steps import Process, pick, record_outcome, task, wait, work
from sim.vocabulary import BELOW_THRESHOLD, STAGES

if TYPE_CHECKING:
    from sim.contacts import Contact
    from sim.engine.staff import StaffPool
    from sim.model import FrontDoor

__all__ = ["STAGES", "decision_onwards", "screening_onwards", "work_the_contact"]

_WORKING = WaitConfig(clock=Clock.working)
RE_REFERRAL_WITHIN_MINUTES = 365.0 * 1440.0
"""The DfE counts a referral as a re-referral when it comes within 12 months of the last."""


def work_the_contact(door: FrontDoor, contact: Contact) -> Process:
    """Triage, screening, partner checks and the decision."""
    yield from task(door, contact, "triage", door.cfg.front_door.triage)
    if closed_at_triage(door, contact):
        decide_outcome(door, contact, certain=True)
        return
    yield from screening_onwards(door, contact)


def screening_onwards(door: FrontDoor, contact: Contact) -> Process:
    """From screening (clarifying an unclear contact first) through partner checks to the
    decision. A warm start picks up contacts waiting for screening here."""
    if contact.unclear:
        yield from clarify(door, contact)
    yield from history_check(door, contact)
    yield from screen(door, contact)
    if needs_partner_information(door, contact):
        yield from seek_consent(door, contact)
        yield from request_partner_information(door, contact)
    yield from decision_onwards(door, contact)


def decision_onwards(door: FrontDoor, contact: Contact) -> Process:
    """The manager's decision and what it starts. A warm start picks up contacts waiting for
    a decision here, and contacts whose partner checks are out after those checks."""
    yield from manager_decision(door, contact)
    decide_outcome(door, contact)


# -- out of hours [17] ---------------------------------------------------------------------------
def emergency_duty_response(door: FrontDoor, contact: Contact) -> Process:
    """EDT handles an urgent contact at once and decides; the day team gets a handover."""
    ooh = door.cfg.front_door.out_of_hours
    yield from task(door, contact, "ooh_emergency", ooh.emergency)
    decide_outcome(door, contact)
    door.env.process(_handover_next_morning(door, contact))


def _handover_next_morning(door: FrontDoor, contact: Contact) -> Process:
    yield door.env.timeout(door.calendar.next_opening(door.env.now) - door.env.now)
    yield from task(door, contact, "ooh_handover", door.cfg.front_door.out_of_hours.handover)


def wait_for_opening(door: FrontDoor, contact: Contact) -> Process:
    """A non-urgent contact out of hours waits for the morning and is handed over to triage."""
    yield door.env.timeout(door.calendar.next_opening(door.env.now) - door.env.now)
    yield from task(door, contact, "ooh_handover", door.cfg.front_door.out_of_hours.handover)


# -- triage and clarification [1, 2, 4] ----------------------------------------------------------
def closed_at_triage(door: FrontDoor, contact: Contact) -> bool:
    """Is a contact below threshold closed by the triage manager without screening?"""
    p = door.cfg.front_door.triage.close_inappropriate_probability
    return not contact.threshold_met and door.chance("triage.close", contact) < p


def clarify(door: FrontDoor, contact: Contact) -> Process:
    """Ask the referrer what they are requesting: effort, then a wait on the referrer while the
    worker is free for other work; sometimes still unclear, so round again."""
    spec = door.cfg.front_door.clarification
    if not spec.enabled:
        return
    rounds = max(1, spec.max_rounds)
    for k in range(rounds):
        yield from task(door, contact, "clarification", spec, k=k, width=rounds)
        yield from wait(door, contact, "clarification_wait", spec.wait, k=k, width=rounds)
        if door.chance("clarification.repeat", contact, k, rounds) >= spec.repeat_probability:
            return


# -- screening [5, 6, 8] -------------------------------------------------------------------------
def history_check(door: FrontDoor, contact: Contact) -> Process:
    """Collate family history; known families take longer."""
    spec = door.cfg.front_door.history_check
    factor = spec.known_family_factor if contact.known_family else 1.0
    if (yield from task(door, contact, "history_check", spec, scale=factor)):
        contact.history_checked = True


def _needs(door: FrontDoor, contact: Contact, name: str, probability: float) -> bool:
    """Does this contact need the step (``probability`` of the stage; same stream as
    :func:`sim.pathway.steps.task` uses)?"""
    return probability >= 1.0 or door.chance(f"{name}.route", contact) < probability


def is_complex(door: FrontDoor, contact: Contact) -> bool:
    """Complex contacts (risky concerns, step-up, urgent) need a social worker to screen."""
    spec = door.cfg.front_door.screening
    return (
        contact.concern in spec.complex_concerns
        or contact.source in spec.complex_sources
        or contact.urgency in spec.complex_urgencies
    )


def screen(door: FrontDoor, contact: Contact) -> Process:
    """Screening by skill: straightforward work to one pool, complex to another, with a
    fallback pool when the chosen one is saturated and the fallback has someone free."""
    spec = door.cfg.front_door.screening
    if not spec.enabled or not _needs(door, contact, "screening", spec.probability):
        return
    complex_work = is_complex(door, contact) and spec.complex_pool is not None
    pool_name = spec.complex_pool if complex_work else spec.pool
    dist = spec.complex_duration if complex_work else spec.duration
    name = "screening_complex" if complex_work else "screening"
    pool = door.pools[pool_name] if pool_name is not None else None
    if spec.fallback_pool is not None and pool is not None and pool.name != spec.fallback_pool:
        fallback = door.pools[spec.fallback_pool]
        if pool.queue_length >= spec.fallback_queue_at_least and fallback.has_someone_free():
            pool = fallback
    yield from work(door, contact, "screening", pool, door.minutes(name, dist, contact))


# -- partner information [9, 10, 11] -------------------------------------------------------------
def needs_partner_information(door: FrontDoor, contact: Contact) -> bool:
    """Does screening call for information from partner agencies?"""
    spec = door.cfg.front_door.partner_check
    return spec.enabled and door.chance("partner_check.needed", contact) < spec.probability


def seek_consent(door: FrontDoor, contact: Contact) -> Process:
    """Parental consent before partner checks, unless the risk is significant."""
    spec = door.cfg.front_door.consent
    if not spec.enabled or contact.urgency in spec.not_needed_urgencies:
        return
    contact.consent_sought = yield from task(door, contact, "consent", spec)
    if door.chance("consent.recorded", contact) < spec.recorded_probability:
        door.log.record(contact.id, "consent_recorded", door.env.now)


def request_partner_information(
    door: FrontDoor, contact: Contact, requested: bool = False
) -> Process:
    """Ask police, health, school … in parallel; the worker is free while they answer.

    Agencies co-located in an integrated hub are checked there by partner staff; the others
    are asked by a social worker (one sitting, effort per agency) and reply after their
    elapsed time. At the chase deadline the worker chases and the decision goes ahead.
    ``requested``: the requests were sent before the run started (a backlog).
    """
    spec = door.cfg.front_door.partner_check
    asked = [
        agency
        for agency, agency_spec in spec.agencies.items()
        if door.chance(f"partner_check.ask.{agency}", contact) < agency_spec.request_probability
    ]
    if not asked:
        return
    hub = spec.hub
    in_hub = [a for a in asked if hub.enabled and (not hub.agencies or a in hub.agencies)]
    outside = [a for a in asked if a not in in_hub]
    pool = door.pools[spec.pool] if spec.pool is not None else None
    if pool is not None and outside and not requested:  # one sitting: every request
        minutes = sum(
            door.minutes(f"partner_request.{agency}", spec.request_effort, contact)
            for agency in outside
        )
        yield from work(door, contact, "partner_request", pool, minutes)
    env = door.env
    door.log.record(contact.id, "partner_check_start", env.now)
    answers = [env.process(_agency_reply(door, contact, a)) for a in outside]
    answers += [env.process(_check_in_hub(door, contact, a)) for a in in_hub]
    everyone = env.all_of(answers)
    if spec.timeout_working_minutes is None:
        yield everyone
    else:
        deadline = door.wait_until(_WORKING, spec.timeout_working_minutes)
        yield everyone | env.timeout(deadline - env.now)
    door.log.record(contact.id, "partner_check_end", env.now)
    contact.partner_info = "received" if everyone.triggered else "timed_out"
    if pool is None or not outside:
        return
    if not everyone.triggered:
        minutes = door.minutes("partner_chase", spec.chase_effort, contact)
        yield from work(door, contact, "partner_chase", pool, minutes)
    minutes = door.minutes("partner_collation", spec.collation_effort, contact)
    yield from work(door, contact, "partner_collation", pool, minutes)


def _agency_reply(door: FrontDoor, contact: Contact, agency: str) -> Process:
    response = door.cfg.front_door.partner_check.agencies[agency].response
    minutes = door.minutes(f"partner_reply.{agency}", response.duration, contact)
    yield door.env.timeout(door.wait_until(response, minutes) - door.env.now)


def _check_in_hub(door: FrontDoor, contact: Contact, agency: str) -> Process:
    """Integrated front door: a partner in the hub checks their own agency's systems."""
    hub = door.cfg.front_door.partner_check.hub
    assert hub.pool is not None  # validated
    minutes = door.minutes(f"hub_check.{agency}", hub.effort, contact)
    yield from work(door, contact, "hub_check", door.pools[hub.pool], minutes)


# -- decision and what follows [11, 12, 13, 14] --------------------------------------------------
def manager_decision(door: FrontDoor, contact: Contact) -> Process:
    """The manager decides and signs off; in an integrated front door a partner joins."""
    spec = door.cfg.front_door.decision
    if not spec.enabled or not _needs(door, contact, "decision", spec.probability):
        return
    minutes = door.minutes("decision", spec.duration, contact)
    if spec.pool is None:
        yield from work(door, contact, "decision", None, minutes)
        return
    manager = door.pools[spec.pool]
    if spec.partner_pool is None or contact.urgency not in spec.partner_urgencies:
        yield from work(door, contact, "decision", manager, minutes)
        return
    partner = door.pools[spec.partner_pool]
    yield from _decide_together(door, contact, manager, partner, minutes)
    contact.partners_in_decision = True


def _decide_together(
    door: FrontDoor, contact: Contact, manager: StaffPool, partner: StaffPool, minutes: float
) -> Process:
    """A decision meeting needs a manager and a partner at once: a rendezvous
    (:func:`sim.engine.meeting.rendezvous`), so neither is held while the other is found."""
    env, log = door.env, door.log
    log.record(contact.id, "decision_queued", env.now, manager.name)
    log.record(contact.id, "decision_meeting_queued", env.now)
    meeting = yield from rendezvous([manager, partner], contact.priority)
    log.record(contact.id, "decision_start", env.now, manager.name)
    log.record(contact.id, "partner_input_start", env.now, partner.name)
    yield env.timeout(minutes * manager.time_factor)
    meeting.release()
    log.record(contact.id, "partner_input_end", env.now, partner.name)
    log.record(contact.id, "decision_end", env.now, manager.name)


def decide_outcome(door: FrontDoor, contact: Contact, *, certain: bool = False) -> None:
    """Record what the front door decided, then start the hand-offs that follow it.

    Whether the contact is referred depends on its latent need and on what was gathered
    (:func:`sim.pathway.decision.refers`); ``certain``: closed at triage, plainly below the
    threshold. A referral made within 12 months of the child's previous one is a re-referral
    as the DfE counts it.
    """
    spec = door.cfg.front_door.decision
    env, log = door.env, door.log
    refer = refers(door, contact, certain=certain)
    contact.referred = refer
    if refer:
        share = spec.strategy_discussion_share.get(contact.urgency, 0.0)
        to_strategy = door.chance("decision.strategy", contact) < share
        outcome = "strategy_discussion" if to_strategy else "assessment"
    else:
        outcome = pick(
            door.chance("decision.below", contact),
            spec.below_threshold_outcomes,
            BELOW_THRESHOLD,
            empty="nfa_advice",  # front_door.decision.below_threshold_outcomes: empty = advice
        )
    record_outcome(door, contact, outcome)
    if refer == contact.threshold_met:
        log.record(contact.id, "outcome_appropriate", env.now)
    if contact.concern == "domestic_abuse" and door.chance("idva", contact) < spec.idva_probability:
        log.record(contact.id, "idva_referral", env.now)
    if (
        contact.concern == "missing_exploitation"
        and door.chance("exploitation_panel", contact) < spec.exploitation_panel_probability
    ):
        log.record(contact.id, "exploitation_panel_referral", env.now)
    if refer:
        if env.now - contact.last_referral <= RE_REFERRAL_WITHIN_MINUTES:
            log.record(contact.id, "re_referred", env.now)
        contact.last_referral = env.now
        env.process(after_referral(door, contact, outcome))
    elif contact.threshold_met:
        log.record(contact.id, "missed_need", env.now)
        maybe_return_missed_need(door, contact)
    _feed_back(door, contact)


def _feed_back(door: FrontDoor, contact: Contact) -> None:
    """Tell the referrer the outcome (a task for a practice support officer) — or not; either
    way the source's referrers learn from it (:mod:`sim.learning`)."""
    feedback = door.cfg.front_door.feedback
    sent = feedback.enabled and door.chance("feedback.sent", contact) < feedback.probability
    if sent:
        door.env.process(_tell_referrer(door, contact))
    elif door.learning is not None:
        door.learning.observe(contact.source, door.env.now, received=False)


def _tell_referrer(door: FrontDoor, contact: Contact) -> Process:
    done = yield from task(door, contact, "feedback", door.cfg.front_door.feedback, route=False)
    if door.learning is not None:
        door.learning.observe(contact.source, door.env.now, received=done)
