"""The front door, from contact to decision: the process map as generators.

Each function reads top to bottom like the process map: wait for staff, do the work, hand on.
Parameters arrive through the :class:`~sim.model.FrontDoor` world object (built from the validated
config); randomness only through its named streams; every step is written to the event log,
from which :mod:`sim.metrics` computes the KPIs.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

if TYPE_CHECKING:
    from sim.model import Contact, FrontDoor

Process = Generator[simpy.Event, Any, None]

STAGES = ("triage", "screening", "partner_check", "decision")
"""The front-door stages in order: manager triage, screening, partner check, manager decision."""


def contact_journey(door: FrontDoor, contact: Contact) -> Process:
    """One contact from arrival to the manager's decision."""
    door.log.record(contact.id, "contact", door.env.now)
    yield from stage(door, contact, "triage")
    yield from stage(door, contact, "screening")
    yield from stage(door, contact, "partner_check")
    yield from stage(door, contact, "decision")
    door.log.record(contact.id, "outcome", door.env.now)


def stage(door: FrontDoor, contact: Contact, name: str) -> Process:
    """One stage: skipped if switched off or not routed here, else staff work or an external wait.

    A stage without a pool is an external delay (for example waiting on a partner agency): it
    holds no staff, so any number of contacts can be in it at once.
    """
    step = door.stages[name]
    if step is None or not step.routes(contact):
        return
    env, log = door.env, door.log
    if step.pool is None:
        log.record(contact.id, f"{name}_start", env.now)
        yield env.timeout(step.duration_for(contact))
        log.record(contact.id, f"{name}_end", env.now)
        return
    pool = step.pool
    log.record(contact.id, f"{name}_queued", env.now, pool.name)
    grant = yield from pool.seize(contact.priority)
    log.record(contact.id, f"{name}_start", env.now, pool.name)
    yield env.timeout(step.duration_for(contact))
    pool.release(grant)
    log.record(contact.id, f"{name}_end", env.now, pool.name)
