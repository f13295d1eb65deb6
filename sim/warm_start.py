"""Warm start: begin a run from a backlog instead of an empty service.

A service planning its next quarter starts from today's queues and caseloads, not from an empty
front door; and a warm start saves simulating a long warm-up. :func:`start_from_backlog` puts
the backlog of ``cfg.backlog`` (read and checked by :mod:`sim.backlog`) into a freshly built
world at time 0; :func:`snapshot` reads the same shape off a simulated service, so a warm-up run
can hand its steady state to a warm-start run (``tests/functional/test_warm_start.py`` checks
that the two agree).

Each kind of backlog item enters the pathway through its own entry generator — a contact waiting
for screening at :func:`~sim.pathway.front_door.screening_onwards`, one whose partner checks are
out at the replies, an assessment under way in its team — so the main process map carries no
"start here" arguments.

Backlog items are synthetic: their sources and attributes are drawn from the configured mixes
(stream ``backlog``), and nothing identifying is read or written — counts and ages only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.config import DEFAULT_CONCERN, DEFAULT_URGENCY
from sim.contacts import Contact
from sim.engine.choice import choose
from sim.engine.log_tables import contact_table
from sim.engine.opening_hours import parse_opening_hours
from sim.pathway.after_decision import child_and_family_assessment, maybe_re_refer
from sim.pathway.front_door import (
    decision_onwards,
    request_partner_information,
    screening_onwards,
    work_the_contact,
)
from sim.pathway.journey import contact_journey
from sim.pathway.steps import Process
from sim.vocabulary import CONCERNS, STAGES, URGENCIES

if TYPE_CHECKING:
    from sim.model import FrontDoor


@dataclass(frozen=True)
class ChildDueBack:
    """A child due back at the front door, with what decides how the return counts.

    ``due_days``: days from the start until the child comes back; ``since_referral_days``:
    days before the start that the child was last referred (NaN: never), so a return within
    12 months of it is a re-referral as the DfE counts them; ``generation``: the returns before
    this one (``after_decision.re_referral.max_generations`` caps the chain); ``missed_need``:
    the front door missed the need last time. A backlog file's ``re_referrals_due_days`` carries
    the due days only; a shared warm-up (:mod:`sim.shared_warm_up`) carries all of it.
    """

    due_days: float
    source: str
    generation: int
    since_referral_days: float
    missed_need: bool


def children_due_back(door: FrontDoor) -> tuple[ChildDueBack, ...]:
    """The children of a simulated service due back after now, in the order they are due."""
    now = door.env.now
    due = sorted(
        ((t, c.id, c, missed) for t, c, missed in door.pending_returns if t > now),
        key=lambda item: (item[0], item[1]),  # a contact is never compared with another
    )
    return tuple(
        ChildDueBack(
            due_days=(t - now) / 1440.0,
            source=contact.source,
            generation=contact.generation,
            since_referral_days=(now - contact.last_referral) / 1440.0,
            missed_need=missed,
        )
        for t, _, contact, missed in due
    )


def working_minutes_per_day(opening_hours: Mapping[str, Sequence[str]]) -> float:
    """Average open minutes of a day the front door opens (``calendar.opening_hours``), to
    turn a case's age in working days into the work already done on it. ChECS's hours give
    (4 × 510 + 480) / 5 = 504."""
    # The calendar's own parser (already run by validation), so the hours are read one way.
    week = parse_opening_hours(opening_hours)
    minutes = [sum(end - start for start, end in day) for day in week if day]
    return sum(minutes) / len(minutes)


def _backlog_contact(
    door: FrontDoor,
    seq: int,
    u: float,
    *,
    referral: bool,
    source: str | None = None,
    listed: bool = True,
) -> Contact:
    """A synthetic contact for backlog item ``seq``: source by share (uniform ``u``),
    attributes by that source's mixes from the item's own stream."""
    demand = door.cfg.demand
    names = tuple(demand.sources)
    if source is None:
        # Never empty: validation requires the sources' shares to sum to 1.
        shares = {n: demand.sources[n].share for n in names}
        source = choose(u, shares, names, empty=names[0])
    spec = demand.sources[source]
    draws = door.streams(f"backlog:{seq}").random(4)
    urgency = choose(float(draws[0]), spec.urgency, URGENCIES, empty=DEFAULT_URGENCY)
    contact = Contact(
        id=len(door.contacts),
        source=source,
        seq=seq,
        arrival=0.0,
        urgency=urgency,
        concern=choose(float(draws[1]), spec.concern, CONCERNS, empty=DEFAULT_CONCERN),
        unclear=bool(draws[2] < spec.unclear),
        threshold_met=referral or bool(draws[3] < spec.threshold_met),
        known_family=True,
        priority=door.cfg.front_door.priority[urgency],
        key="backlog",
    )
    if listed:  # a child in the service now (not just the family a re-referral comes from)
        door.contacts.append(contact)
    else:
        contact.id = -1
    return contact


def start_from_backlog(door: FrontDoor, due_back: Sequence[ChildDueBack] = ()) -> None:
    """Put the configured backlog, and the children ``due_back``, into the world at time 0."""
    spec = door.cfg.backlog
    items = sum(spec.front_door.values()) + spec.step_up_panel
    items += sum(len(v) for v in spec.assessments.values())
    items += sum(len(v) for v in spec.awaiting_allocation.values())
    items += len(spec.re_referrals_due_days) + len(due_back)
    if items == 0:
        return
    door.register_key("backlog", items)
    u = door.streams("backlog:source").random(items)
    seq = iter(range(items))
    env = door.env

    def item(*, referral: bool, source: str | None = None, listed: bool = True) -> Contact:
        k = next(seq)
        return _backlog_contact(
            door, k, float(u[k]), referral=referral, source=source, listed=listed
        )

    for stage in STAGES:
        for _ in range(spec.front_door.get(stage, 0)):
            contact = item(referral=False)
            env.process(_resume_front_door(door, contact, stage))
    panel = door.cfg.after_decision.step_up_panel
    for _ in range(spec.step_up_panel):
        source = panel.sources[0] if panel.sources else None
        contact = item(referral=False, source=source)
        contact.urgency, contact.priority = "green", door.cfg.front_door.priority["green"]
        env.process(contact_journey(door, contact))
    for under_way, table in ((True, spec.assessments), (False, spec.awaiting_allocation)):
        for team, ages in table.items():
            for age in ages:
                contact = item(referral=True)
                contact.age_at_start = float(age)
                env.process(_resume_assessment(door, contact, team, under_way))
    for days in spec.re_referrals_due_days:
        contact = item(referral=True, listed=False)
        env.process(_return_later(door, contact, float(days)))
    for child in due_back:
        contact = item(referral=True, source=child.source, listed=False)
        contact.generation = child.generation
        contact.last_referral = -child.since_referral_days * 1440.0
        env.process(_return_later(door, contact, child.due_days, child.missed_need))


def _resume_front_door(door: FrontDoor, contact: Contact, stage: str) -> Process:
    """A contact waiting at ``stage`` of the front door goes on from there."""
    door.log.record(contact.id, "backlog_contact", door.env.now)
    if stage == "triage":
        yield from work_the_contact(door, contact)
    elif stage == "screening":
        yield from screening_onwards(door, contact)
    elif stage == "partner_check":  # the requests are out: wait for the replies
        yield from request_partner_information(door, contact, requested=True)
        yield from decision_onwards(door, contact)
    else:
        yield from decision_onwards(door, contact)


def _resume_assessment(door: FrontDoor, contact: Contact, team: str, under_way: bool) -> Process:
    door.log.record(contact.id, "backlog_referral", door.env.now)
    referred = float(door.calendar.working_day_clock(0.0)) - contact.age_at_start
    if math.isnan(contact.last_referral):
        # Referred ``age`` working days before the start: about 7/5 as many calendar days (the
        # backlog keeps ages in working days only), so a return counts as a re-referral within
        # 12 months of it, and comes back within them, as the case's own would.
        contact.last_referral = -contact.age_at_start * 1440.0 * 7.0 / 5.0
    per_day = working_minutes_per_day(door.cfg.calendar.opening_hours)
    done = contact.age_at_start * per_day if under_way else 0.0
    yield from child_and_family_assessment(
        door, contact, referred, team_name=team, done_already=done
    )
    maybe_re_refer(door, contact)


def _return_later(
    door: FrontDoor, contact: Contact, days: float, missed_need: bool = False
) -> Process:
    yield door.env.timeout(days * 1440.0)
    again = door.re_contact(contact, missed_need=missed_need)
    yield from contact_journey(door, again)


def snapshot(door: FrontDoor) -> dict[str, Any]:
    """The backlog of a simulated service now, in the shape of ``cfg.backlog``."""
    now = door.env.now
    events = door.log.to_frame()
    table = contact_table(events)

    def has(name: str) -> np.ndarray:
        return table[name].notna().to_numpy() if name in table else np.zeros(len(table), bool)

    open_contacts = (has("contact") | has("backlog_contact")) & ~has("outcome")
    front_door: dict[str, int] = {}
    for contact_id in table.index[open_contacts]:
        stage = _stage_of(table.loc[contact_id])
        front_door[stage] = front_door.get(stage, 0) + 1
    waiting_panel = int(np.count_nonzero(has("step_up_request") & ~has("step_up_panel")))
    team_of = events[events["event"] == "allocation_queued"].groupby("contact_id")["pool"].last()
    clock_now = float(door.calendar.working_day_clock(now))
    ages = door.contact_frame().set_index("contact_id")["age_at_start"]
    assessments: dict[str, list[float]] = {}
    awaiting: dict[str, list[float]] = {}
    for contact_id in table.index[has("allocation_queued") & ~has("assessment_complete")]:
        referred = table.loc[contact_id].get("outcome", np.nan)
        if np.isnan(referred):
            start = float(door.calendar.working_day_clock(0.0)) - float(ages[contact_id])
        else:
            start = float(door.calendar.working_day_clock(referred))
        target = assessments if has_event(table, contact_id, "allocated") else awaiting
        target.setdefault(str(team_of[contact_id]), []).append(round(clock_now - start, 3))
    due = [round((t - now) / 1440.0, 3) for t, _, _ in door.pending_returns if t > now]
    return {
        "front_door": front_door,
        "step_up_panel": waiting_panel,
        "assessments": assessments,
        "awaiting_allocation": awaiting,
        "re_referrals_due_days": sorted(due),
    }


def _stage_of(row: Any) -> str:
    """Where an open contact is waiting: the first stage it has not finished."""

    def done(name: str) -> bool:
        return name in row and not np.isnan(row[name])

    if not done("triage_end"):
        return "triage"
    if not done("screening_end"):
        return "screening"
    asked = any(
        done(name) for name in ("consent_queued", "partner_request_queued", "partner_check_start")
    )
    if asked and not done("partner_check_end"):
        return "partner_check"
    return "decision"


def has_event(table: Any, contact_id: int, name: str) -> bool:
    """Did the contact's ``name`` event happen?"""
    return name in table and not np.isnan(table.loc[contact_id, name])
