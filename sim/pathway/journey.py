"""A child's whole journey: arrival, the front door, what follows the decision, and coming back.

This is the top of the pathway. :func:`contact_journey` reads as the route a contact takes —
the step-up panel for early-help requests, out-of-hours cover, then the front door
(:mod:`sim.pathway.front_door`), whose decision hands a referral to the teams after the decision
(:mod:`sim.pathway.after_decision`). When a case closes, or a need the front door missed
resurfaces, the child comes back as a new contact and the journey starts again
(:func:`come_back`): the re-referral loop is closed here, above both halves, so neither half
imports the other's caller.

:func:`start` puts a replication's contacts into a freshly built world: each is made at its
arrival time (:meth:`sim.model.FrontDoor.make_contact`) and sent on its journey.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.pathway.front_door import emergency_duty_response, wait_for_opening, work_the_contact
from sim.pathway.step_up import step_up_panel, waits_for_panel
from sim.pathway.steps import Process, record_outcome, task

if TYPE_CHECKING:
    from sim.contacts import Contact
    from sim.model import FrontDoor


def contact_journey(door: FrontDoor, contact: Contact) -> Process:
    """One contact from arrival to the manager's decision and what follows it."""
    fd = door.cfg.front_door
    if waits_for_panel(door, contact):
        stepped_up = yield from step_up_panel(door, contact, submitted=contact.key == "backlog")
        if not stepped_up:  # the panel keeps the family in early help
            record_outcome(door, contact, "early_help")
            return
    door.log.record(contact.id, "contact", door.env.now)
    if fd.out_of_hours.enabled and not door.is_open():
        if contact.urgency in fd.out_of_hours.emergency_urgencies:
            yield from emergency_duty_response(door, contact)
            return
        yield from wait_for_opening(door, contact)
    if contact.source in fd.step_up.sources:
        yield from task(door, contact, "step_up_documentation", fd.step_up.documentation)
    yield from work_the_contact(door, contact)


def come_back(door: FrontDoor, contact: Contact, delay: float, missed_need: bool) -> None:
    """The child returns ``delay`` minutes from now as a new contact and starts again (the
    world's :attr:`~sim.model.FrontDoor.come_back`, which the pathway after the decision calls
    when a case closes or a missed need resurfaces)."""
    door.pending_returns.append((door.env.now + delay, contact, missed_need))
    door.env.process(_return(door, contact, delay, missed_need))


def _return(door: FrontDoor, contact: Contact, delay: float, missed_need: bool) -> Process:
    yield door.env.timeout(delay)
    again = door.re_contact(contact, missed_need=missed_need)
    door.env.process(contact_journey(door, again))


def release_contacts(door: FrontDoor) -> Process:
    """Make each contact at its arrival time and start its journey."""
    env = door.env
    for time, source, seq in door.arrival_order():
        if time > env.now:
            yield env.timeout(time - env.now)
        contact = door.make_contact(source, seq, time)
        if contact is not None:
            env.process(contact_journey(door, contact))
