"""Staff pools whose on-duty headcount follows a rota.

A pool has one slot per member of staff (the establishment) and a queue of requests ranked by
priority, then arrival, then the order they were made. When the rota takes staff off duty, a
*rota hold* (a request at a priority above all work) is placed on each slot that goes off duty.
Nobody is pre-empted, so a task in progress at closing time finishes first and the hold takes
the slot only then; work still waiting at closing waits behind the holds until the next
opening. This is the "obstructor" pattern of the HSMA book, made exact for time-weighted
statistics:

- *busy* counts slots doing work;
- *on duty* counts slots not taken by a rota hold — so a worker finishing a task after closing is
  on duty until the task ends, and utilisation (busy / on duty) never exceeds 1;
- *waiting* counts work queued for the pool.

All three are :class:`~sim.engine.monitor.StepLevel` records, so utilisation over a window that cuts
through a task (warm-up end, run end) counts only the part inside the window.

The rota is either all-or-nothing (``off_duty``: everyone off over each interval) or a
*schedule* of heads on duty per interval (``schedule``: rows ``(start, end, heads)``; nobody
outside the rows), which is how sickness, vacancies and the like lower a day's heads
(:mod:`sim.engine.capacity`). Either way the rota becomes a list of *changes* of the heads wanted on
duty, and a change places or lifts only the difference in holds: when heads fall, new holds
queue for the slots as they free (nobody is pre-empted); when heads rise, pending holds are
cancelled first (the worker they were waiting for simply stays on duty), then granted holds are
released (staff come back on duty and waiting work starts at once).

**Why not SimPy's ``PriorityResource``.** The same queue discipline costs several times as
much there: it re-sorts its queue on every request, builds ``Request``/``Release`` objects with
context-manager machinery, and spends a scheduled event on every grant and every release. The
pool here keeps a heap and bare events and spends no event it does not need: work that finds a
member free takes them at once (:meth:`StaffPool.take_free`, no event), and a release hands the
slot straight to the head of the queue (SimPy hands it over one event later, in the same
instant). Only the order of things within one instant differs from SimPy's; the equivalence
check in ``docs/performance.md`` shows that no headline KPI moved.

A pool also tells its *watchers* (:meth:`StaffPool.watch`) whenever a member may have become
free — a task released, a rota hold lifted or cancelled — so that something waiting for several
pools at once (a meeting, :mod:`sim.engine.meeting`) can look again without polling. A watcher
that has a place in the queue (``ranked``) is told only while a member is free for that place:
an overloaded pool can have hundreds of meetings waiting, and telling each of them on every
release, when none ranked behind the first refused can start, cost more than the simulation.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any

import numpy as np
import simpy

from sim.engine.monitor import StepLevel
from sim.engine.rota import off_duty_changes, schedule_changes

ROTA_HOLD_PRIORITY = -1_000_000
"""Priority of a rota hold: lower numbers are served first, so holds beat all work."""


class Grant(simpy.Event):
    """A request for one member of staff: it succeeds when the member is granted, and is what
    :meth:`StaffPool.release` takes back. ``priority`` and ``time`` rank it in the queue."""

    __slots__ = ("priority", "time")

    def __init__(self, env: simpy.Environment, priority: float) -> None:
        super().__init__(env)
        self.priority = priority
        self.time = env.now


class StaffPool:
    """A named pool of interchangeable staff on a rota.

    ``staff`` is the number of slots (the establishment, the most ever on duty). The rota is
    given in one of two ways (neither: on duty 24/7 with every slot):

    - ``off_duty``: ``(start, end)`` minute intervals when nobody is on duty (everyone is on duty
      outside them);
    - ``schedule``: ``(start, end, heads)`` rows meaning ``heads`` (an integer in
      ``[0, staff]``) on duty in ``[start, end)``, and nobody outside every row.

    Intervals and rows must be sorted and must not overlap (they may touch). The rota process
    places and lifts holds only where the heads wanted on duty change.
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        staff: int,
        off_duty: np.ndarray | None = None,
        time_factor: float = 1.0,
        *,
        schedule: np.ndarray | None = None,
    ) -> None:
        if staff < 1:
            raise ValueError(f"pool {name!r} needs at least one member of staff, got {staff}")
        if off_duty is not None and schedule is not None:
            raise ValueError(f"pool {name!r}: give off_duty or schedule, not both")
        self.env = env
        self.name = name
        self.staff = staff
        self.time_factor = time_factor
        self.busy = StepLevel(env.now, 0.0)
        self.on_duty = StepLevel(env.now, float(staff))
        self.waiting = StepLevel(env.now, 0.0)
        self._queue: list[tuple[float, float, int, Grant]] = []  # a heap, best first
        self._order = itertools.count()
        self._in_use = 0  # slots granted (to work or to rota holds)
        self._holds: dict[Grant, bool] = {}  # hold -> has it taken its slot yet
        self._heads = staff
        # (order, callback, ranked), sorted by order; and how many are not ranked
        self._watchers: list[tuple[tuple[float, ...], Callable[[], None], bool]] = []
        self._unranked = 0
        if schedule is not None:
            times, heads = schedule_changes(name, staff, env.now, schedule)
        else:
            times, heads = off_duty_changes(name, staff, off_duty)
        if len(times):
            env.process(self._rota(times, heads))

    # -- the queue ------------------------------------------------------------------------------
    def request(self, priority: float = 0) -> Grant:
        """Queue a request for a slot (lower ``priority`` first); it succeeds at once if a slot
        is free and it heads the queue, or when one is handed to it. No bookkeeping of work:
        for a task use :meth:`take_free` or :meth:`claim`."""
        grant = Grant(self.env, priority)
        heapq.heappush(self._queue, (priority, grant.time, next(self._order), grant))
        # One grant at most: while watchers are being told of a release, the other free slots
        # are theirs to claim before the queue gets them (release hands those over after).
        self._grant_waiting(at_most=1)
        return grant

    def _grant_waiting(self, at_most: int | None = None) -> None:
        """Hand free slots to the requests at the head of the queue, best first."""
        queue = self._queue
        granted = 0
        while queue and self._in_use < self.staff and (at_most is None or granted < at_most):
            grant = heapq.heappop(queue)[3]
            self._in_use += 1
            grant.succeed()
            granted += 1

    def _cancel(self, grant: Grant) -> None:
        """Take a request that was never granted out of the queue."""
        self._queue = [entry for entry in self._queue if entry[3] is not grant]
        heapq.heapify(self._queue)

    def queued(self) -> Iterator[Grant]:
        """The requests waiting now (rota holds included), in no particular order."""
        return (entry[3] for entry in self._queue)

    def queued_ahead(self, priority: float, time: float, at_most: int | None = None) -> int:
        """How many waiting requests rank at or ahead of ``(priority, time)`` (counting stops
        at ``at_most``). A walk of the heap that skips every subtree ranked behind — no child
        ranks ahead of its parent — so it costs the number found, not the queue's length: a
        meeting asks on every release, and an overloaded pool's queue grows without bound."""
        queue, key = self._queue, (priority, time)
        count, size = 0, len(queue)
        stack = [0] if size else []
        while stack:
            i = stack.pop()
            entry = queue[i]
            if (entry[0], entry[1]) > key:
                continue
            count += 1
            if at_most is not None and count >= at_most:
                return count
            child = 2 * i + 1
            stack.extend(c for c in (child, child + 1) if c < size)
        return count

    @property
    def in_use(self) -> int:
        """Slots granted now, to work or to rota holds."""
        return self._in_use

    # -- work -----------------------------------------------------------------------------------
    def take_free(self) -> bool:
        """Take a member of staff for a task *now* if one is on duty and idle and nobody is
        queued (the task starts in this instant, with no event spent); ``False``: queue with
        :meth:`claim`. Either way the member is handed back with :meth:`release`."""
        if self._queue or self._in_use >= self.staff:
            return False
        self._in_use += 1
        self.busy.change(self.env.now, 1.0)
        return True

    def claim(self, priority: float = 0) -> Grant:
        """Queue for a member of staff for a task: yield the grant, then :meth:`release` it.

        The pool counts the request as waiting from now, and as busy from the instant the
        grant is processed (its first callback, before the waiting process resumes)."""
        grant = self.request(priority)
        self.waiting.change(self.env.now, 1.0)
        grant.callbacks.append(self._started)
        return grant

    def _started(self, _: simpy.Event) -> None:
        now = self.env.now
        self.waiting.change(now, -1.0)
        self.busy.change(now, 1.0)

    def seize(self, priority: float = 0) -> Generator[simpy.Event, Any, Grant | None]:
        """Wait for a member of staff (lower ``priority`` first); return what to release."""
        if self.take_free():
            return None
        grant = self.claim(priority)
        yield grant
        return grant

    def release(self, grant: Grant | None = None) -> None:
        """Hand a member of staff back (``grant``: the claim's, or ``None`` for one taken with
        :meth:`take_free`; members are interchangeable): watchers first (a meeting ranked ahead
        of the queue may claim the member), then the head of the queue."""
        self._give_back()
        if self._watchers:
            self._member_may_be_free()
        if self._queue:
            self._grant_waiting()

    def _give_back(self) -> None:
        self._in_use -= 1
        self.busy.change(self.env.now, -1.0)

    def watch(
        self, callback: Callable[[], None], order: tuple[float, ...] = (), *, ranked: bool = False
    ) -> None:
        """Call ``callback()`` whenever a member of staff may have become free, until unwatched.

        It is called synchronously, in the instant the slot frees and *before* the slot is
        handed to the next queued request, so the callback sees the queue as it stands and may
        still claim the slot. Watchers are called in ``order`` (lower first; equal orders
        first come, first told).

        ``ranked``: ``order`` is ``(priority, time)``, the place a request of the watcher's
        would have in the queue, and the watcher only wants to hear when a member is free for
        that place — more slots free than requests queued at or ahead of it. Once one ranked
        watcher has no member free, no ranked watcher behind it has (the requests ahead of them
        include those ahead of it), so none of them is called.
        """
        entry = (order, callback, ranked)
        bisect.insort_right(self._watchers, entry, key=lambda watcher: watcher[0])
        self._unranked += not ranked

    def unwatch(self, callback: Callable[[], None]) -> None:
        """Stop calling ``callback`` (no error if it is not watching)."""
        removed = [entry for entry in self._watchers if entry[1] is callback]
        if removed:
            self._watchers = [entry for entry in self._watchers if entry[1] is not callback]
            self._unranked -= sum(not entry[2] for entry in removed)

    def _member_may_be_free(self) -> None:
        # A ranked watcher with no member free blocks every ranked one behind it, until some
        # callback runs (an unranked one might free a slot); with no unranked watcher among
        # them, the rest of the round can be skipped.
        watchers, unranked, blocked = list(self._watchers), self._unranked, False
        for order, callback, ranked in watchers:  # a callback may unwatch while we go round
            if ranked and (blocked or self.free_at(order[0], order[1], enough=1) < 1):
                if not unranked:
                    return
                blocked = True
                continue
            callback()
            blocked = False

    def free_at(self, priority: float, time: float, enough: int | None = None) -> int:
        """Slots free for a request that would rank ``(priority, time)`` in the queue: the free
        slots less the requests queued at or ahead of it (rota holds, higher priorities,
        earlier or same-instant requests of its priority).

        ``enough``: the caller needs that many; once the answer is known to fall short of it,
        counting stops and some number below ``enough`` is returned (the queue is then not
        walked at all when too few slots are free)."""
        free = self.staff - self._in_use
        if enough is None:
            return free - self.queued_ahead(priority, time)
        if free < enough:
            return free
        return free - self.queued_ahead(priority, time, at_most=free - enough + 1)

    @property
    def heads(self) -> int:
        """Heads the rota wants on duty now (on duty may be more until running tasks end)."""
        return self._heads

    @property
    def queue_length(self) -> int:
        """Work waiting for this pool now (rota holds not counted)."""
        return int(self.waiting.level)

    def has_someone_free(self) -> bool:
        """Is a member of staff on duty and idle, with nobody waiting?

        A slot is free only if neither work nor a rota hold has it, so fewer heads on duty
        means fewer free slots (a pending hold means every slot is taken).
        """
        return self.queue_length == 0 and self._in_use < self.staff

    def utilisation(self, start: float, end: float) -> float:
        """Busy time over on-duty time within ``[start, end]``."""
        on_duty = self.on_duty.integral(start, end)
        return self.busy.integral(start, end) / on_duty if on_duty > 0 else float("nan")

    # -- the rota -----------------------------------------------------------------------------
    def _rota(self, times: list[float], heads: list[int]) -> Generator[simpy.Event, Any, None]:
        """Set the heads wanted on duty to ``heads[i]`` at ``times[i]``."""
        env = self.env
        for time, wanted in zip(times, heads, strict=True):
            if time > env.now:
                yield env.timeout(time - env.now)
            self._set_heads(wanted)

    def _set_heads(self, heads: int) -> None:
        """Place or lift holds so that ``staff - heads`` slots are held (or wait to be)."""
        holds_wanted = self.staff - heads
        difference = holds_wanted - len(self._holds)
        if difference > 0:
            self._place_holds(difference)
        elif difference < 0:
            self._lift_holds(-difference)
        self._heads = heads

    def _place_holds(self, count: int) -> None:
        for _ in range(count):
            hold = self.request(ROTA_HOLD_PRIORITY)
            hold.callbacks.append(self._hold_granted)
            self._holds[hold] = False

    def _hold_granted(self, hold: simpy.Event) -> None:
        # A hold lifted in the same instant it was granted never took staff off duty.
        if hold in self._holds:
            self._holds[hold] = True
            self.on_duty.change(self.env.now, -1.0)

    def _lift_holds(self, count: int) -> None:
        """Lift ``count`` holds: pending ones first (latest first), then granted ones.

        Cancelling a pending hold leaves the worker it waited for on duty. (Releasing a granted
        hold while one is pending would only hand the freed slot to the pending hold, which
        outranks all work: the same outcome with more events.) A hold granted in this very
        instant but not yet processed has taken nobody off duty, so it goes before counted ones.
        """
        holds = list(self._holds.items())
        pending = [hold for hold, _ in reversed(holds) if not hold.triggered]
        granted = [(hold, counted) for hold, counted in reversed(holds) if hold.triggered]
        granted.sort(key=lambda item: item[1])  # not yet counted before counted (stable)
        for hold in pending[:count]:
            del self._holds[hold]
            self._cancel(hold)
        for hold, counted in granted[: max(0, count - len(pending))]:
            del self._holds[hold]
            if counted:
                self.on_duty.change(self.env.now, 1.0)
            self._in_use -= 1
        self._member_may_be_free()
        self._grant_waiting()


def release_together(grants: Iterable[tuple[StaffPool, Grant]]) -> None:
    """Hand back several members at once (a meeting's attendees): every slot is freed, then
    every pool's watchers are told, and only then do the queues get the slots — so a meeting
    waiting for the same pools can take them all, as it could had they freed one at a time."""
    pools = []
    for pool, _ in grants:  # any grant of the pool: its members are interchangeable
        pool._give_back()
        pools.append(pool)
    for pool in dict.fromkeys(pools):
        pool._member_may_be_free()
    for pool in dict.fromkeys(pools):
        pool._grant_waiting()
