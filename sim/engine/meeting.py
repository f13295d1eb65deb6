"""Meetings as a rendezvous: every attendee seized in the same instant, nobody held idle.

A meeting (a strategy discussion, a decision taken with a partner) needs one member of each of
several staff pools at once. Seizing the pools one after the other would keep the first
attendees sitting idle, held, while the meeting waits for the next one: their pools would look
busier than they are, and two pools would come out with the same utilisation by construction.
:func:`rendezvous` instead waits, holding nobody, until every pool has a member free *for this
meeting* in the same instant, then seizes them all in that instant.

No polling: each attendee pool calls the waiting meeting back (:meth:`StaffPool.watch`) whenever
a member may have become free — a task released, a rota hold lifted or cancelled — and the
meeting looks again. The call comes in the instant the slot frees, before the pool hands it to the
next queued request (which happens when the release event is processed), so the meeting counts
the queue as it stands: a free slot that a request ahead of the meeting will take is not free
for the meeting.

**Fairness rule: a meeting has a place in each attendee pool's queue, and first claim on a
member as soon as it can start.** A meeting queued with ``priority`` at time ``t`` ranks in each
pool as a task of that priority queued at ``t`` would (lower priority first, then first come,
first served; rota holds — staff going off duty — before everything, and work queued in the same
instant before the meeting). In a pool, a member is free for the meeting when more slots are
free than there are requests ranked ahead of it. When every pool has one, the meeting takes them
at once, ahead of work ranked behind it. When it cannot start, nothing is kept for it: a freed
member goes on to the next task in the pool's queue, even one ranked behind the meeting, because
holding them back would leave them idle. Meetings among themselves are told in rank order, so
the first that can start goes first (one whose attendees are all free may pass an earlier one
that still waits for a pool it does not need).

Why this rule: it keeps the pathway's rule of red first in every queue (a red decision meeting
is not kept behind every green triage in the managers' queue, as it would be if meetings took
only staff that nobody queued wants, and a green meeting does not push in front of red work);
and work that arrives after a meeting cannot starve it, because each time a member frees while
the other attendees are free the meeting takes them first. A meeting can still wait long when
its pools are busy at different times — that wait is the cost of holding nobody idle, and it is
what the meeting's wait (:attr:`Meeting.wait`) measures. A pool whose staff are all off duty
(night, weekend) has nobody free, so the meeting waits for the morning; when the holds are lifted
at the opening the meeting has first claim on the staff who come on duty.

This module is engine-level: it knows :class:`~sim.engine.staff.StaffPool`, nothing of the pathway.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import simpy

from sim.engine.staff import ROTA_HOLD_PRIORITY, Grant, StaffPool, release_together

FIRST_CLAIM_PRIORITY = ROTA_HOLD_PRIORITY - 1
"""The priority of a meeting's grant: it heads the queue, so the pool grants it in the very
instant it is made. It is only made once :func:`free_for` has found the slot free for the
meeting, after counting every request ranked ahead of it (rota holds included), so jumping the
queue never takes a slot from anyone ranked ahead: they get the slots still free."""


@dataclass
class Meeting:
    """Attendees seized together: one grant per attendee, and when the meeting queued and
    started (minutes of simulation time)."""

    grants: list[tuple[StaffPool, Grant]]
    queued_at: float
    started_at: float

    @property
    def wait(self) -> float:
        """Minutes from queueing to the start, while no attendee was held."""
        return self.started_at - self.queued_at

    def release(self) -> None:
        """Hand every attendee back to their pool (the meeting is over)."""
        release_together(self.grants)
        self.grants = []


def free_for(pool: StaffPool, priority: float, since: float, enough: int | None = None) -> int:
    """Slots of ``pool`` a meeting ranked ``(priority, since)`` could take now: the free slots
    less the requests queued ahead of it (:meth:`StaffPool.free_at`, which also tells ranked
    watchers; ``enough``: once the answer is known to fall short of it, counting stops)."""
    return pool.free_at(priority, since, enough)


def rendezvous(
    pools: Sequence[StaffPool], priority: float = 0
) -> Generator[simpy.Event, Any, Meeting]:
    """Wait until every pool in ``pools`` has a member free for this meeting at the same
    instant, then seize them all in that instant; return the :class:`Meeting` (release it with
    :meth:`Meeting.release`). A pool named twice must have two members free."""
    if not pools:
        raise ValueError("a meeting needs at least one attendee pool")
    waiting = _Waiting(pools[0].env, list(pools), priority)
    if not waiting.try_start():
        for pool in waiting.needed:
            pool.watch(waiting.callback, order=(priority, waiting.since), ranked=True)
        try:
            yield waiting.started
        finally:
            waiting.stop_watching()
            if not waiting.started.processed and waiting.meeting is not None:
                waiting.meeting.release()  # interrupted in the instant it started
    assert waiting.meeting is not None
    return waiting.meeting


@dataclass(eq=False)
class _Waiting:
    """A meeting waiting for its attendees: looks again whenever one of its pools calls."""

    env: simpy.Environment
    pools: list[StaffPool]
    priority: float
    since: float = field(init=False)
    needed: Counter[StaffPool] = field(init=False)
    started: simpy.Event = field(init=False)
    callback: Callable[[], None] = field(init=False)
    meeting: Meeting | None = None
    blocker: StaffPool | None = None  # the pool that had too few free at the last look

    def __post_init__(self) -> None:
        self.since = self.env.now
        self.needed = Counter(self.pools)
        self.started = self.env.event()
        self.callback = self.call_back  # one bound method, so unwatch finds it

    def call_back(self) -> None:
        self.try_start()

    def try_start(self) -> bool:
        """Seize every attendee now if each pool has enough members free for the meeting."""
        if self.meeting is not None:
            return True
        # Told by one pool, a meeting is most often still refused by the pool that refused it
        # last, with nobody free there at all: ask that one first (any refusal is the answer).
        blocker = self.blocker
        first = [(blocker, self.needed[blocker])] if blocker is not None else []
        for pool, n in itertools.chain(first, self.needed.items()):
            if free_for(pool, self.priority, self.since, n) < n:
                self.blocker = pool
                return False
        now = self.env.now
        grants = []
        for pool in self.pools:
            grant = pool.request(FIRST_CLAIM_PRIORITY)
            if not grant.triggered:  # cannot happen: the slot was counted free just now
                raise RuntimeError(f"meeting could not seize a free member of {pool.name!r}")
            pool.busy.change(now, 1.0)
            grants.append((pool, grant))
        self.meeting = Meeting(grants, queued_at=self.since, started_at=now)
        self.stop_watching()
        self.started.succeed()
        return True

    def stop_watching(self) -> None:
        for pool in self.needed:
            pool.unwatch(self.callback)
