"""The building blocks every pathway process is made of: staff work, an elapsed wait, a task
from config, and recording an outcome. Each writes its steps to the event log."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim.config import DistributionConfig, StageConfig, WaitConfig
from sim.engine.choice import choose

if TYPE_CHECKING:
    from sim.contacts import Contact
    from sim.engine.staff import StaffPool
    from sim.model import FrontDoor

Process = Generator[simpy.Event, Any, None]
Task = Generator[simpy.Event, Any, bool]


def record_outcome(door: FrontDoor, contact: Contact, outcome: str) -> None:
    """Log the decision and where it sends the child (exactly once per contact)."""
    door.log.record(contact.id, "outcome", door.env.now)
    door.log.record(contact.id, f"to_{outcome}", door.env.now)


def pick(u: float, mix: dict[str, float], names: tuple[str, ...], *, empty: str) -> str:
    """The category of ``names`` that uniform ``u`` falls in (:func:`sim.engine.choice.choose`);
    ``empty`` is what an empty mix means, which each config key documents."""
    return choose(u, mix, names, empty=empty)


def task(
    door: FrontDoor,
    contact: Contact,
    name: str,
    spec: StageConfig,
    *,
    k: int = 0,
    width: int = 1,
    scale: float = 1.0,
    route: bool = True,
) -> Task:
    """A task from config: skipped if off or (with ``probability``) not needed, else staff work
    — or, with no pool, an external delay that holds nobody. Returns whether it was done."""
    if not spec.enabled:
        return False
    if (
        route
        and spec.probability < 1.0
        and door.chance(f"{name}.route", contact) >= spec.probability
    ):
        return False
    minutes = door.minutes(name, spec.duration, contact, k, width) * scale
    pool = door.pools[spec.pool] if spec.pool is not None else None
    yield from work(door, contact, name, pool, minutes)
    return True


def work(
    door: FrontDoor, contact: Contact, name: str, pool: StaffPool | None, minutes: float
) -> Process:
    """Queue for a member of ``pool`` (by urgency), do ``minutes`` of work, release them."""
    env, log, cid = door.env, door.log, contact.id
    if pool is None:
        begin, end = log.span(name)
        log.add(cid, begin, env.now)
        yield env.timeout(minutes)
        log.add(cid, end, env.now)
        return
    queued, start, end = log.step(name)
    where = log.pool(pool.name)
    log.add(cid, queued, env.now, where)
    grant = None
    if not pool.take_free():  # nobody free: queue (someone free starts now, no event spent)
        grant = pool.claim(contact.priority)
        yield grant
    log.add(cid, start, env.now, where)
    yield env.timeout(minutes * pool.time_factor)
    pool.release(grant)
    log.add(cid, end, env.now, where)


def wait(
    door: FrontDoor, contact: Contact, name: str, spec: WaitConfig, *, k: int = 0, width: int = 1
) -> Process:
    """An elapsed wait on someone outside the front door, on working or calendar time."""
    dist: DistributionConfig = spec.duration
    minutes = door.minutes(name, dist, contact, k, width)
    env, log = door.env, door.log
    begin, end = log.span(name)
    log.add(contact.id, begin, env.now)
    yield env.timeout(door.wait_until(spec, minutes) - env.now)
    log.add(contact.id, end, env.now)
