"""The meeting rendezvous (sim/engine/meeting.py) on bare SimPy environments with hand-built pools.

Every expected time is worked out by hand from the task list: a meeting starts in the first
instant at which every attendee pool has a member free for it (after the work ranked ahead of
it), takes them ahead of work ranked behind it, and holds nobody while it waits, so each pool's
busy time during the wait is its own work only.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
import simpy

from sim.engine.meeting import Meeting, free_for, rendezvous
from sim.engine.staff import StaffPool

Spans = dict[str, tuple[float, float]]


def job(
    pool: StaffPool, spans: Spans, name: str, arrive: float, duration: float, *, priority: int = 0
) -> Generator[simpy.Event, Any, None]:
    """Ordinary work: arrive, queue for one member of ``pool``, work, release."""
    env = pool.env
    yield env.timeout(arrive)
    grant = yield from pool.seize(priority)
    start = env.now
    yield env.timeout(duration)
    pool.release(grant)
    spans[name] = (start, env.now)


def meeting(
    pools: list[StaffPool],
    spans: Spans,
    name: str,
    arrive: float,
    duration: float,
    *,
    priority: int = 0,
) -> Generator[simpy.Event, Any, None]:
    """A meeting: arrive, rendezvous with every pool, meet, release; record its wait too."""
    env = pools[0].env
    yield env.timeout(arrive)
    held: Meeting = yield from rendezvous(pools, priority)
    assert held.queued_at == arrive and held.started_at == env.now
    start = env.now
    yield env.timeout(duration)
    held.release()
    spans[name] = (start, env.now)
    spans[f"{name}.wait"] = (held.wait, held.wait)


def two_pools(
    off_duty_a: list[list[float]] | None = None, staff: int = 1
) -> tuple[simpy.Environment, StaffPool, StaffPool]:
    env = simpy.Environment()
    a = StaffPool(env, "a", staff, None if off_duty_a is None else np.array(off_duty_a))
    return env, a, StaffPool(env, "b", staff)


# -- when a meeting starts -----------------------------------------------------------------------


def test_meeting_starts_exactly_when_the_last_attendee_frees() -> None:
    env = simpy.Environment()
    a, b, c = (StaffPool(env, name, 1) for name in "abc")
    spans: Spans = {}
    env.process(job(a, spans, "a1", 0, 10))
    env.process(job(b, spans, "b1", 0, 25))
    env.process(job(c, spans, "c1", 0, 18))
    env.process(meeting([a, b, c], spans, "m", 1, 5))
    env.run()
    assert spans["m"] == (25, 30)  # b, the last to free, frees at 25
    assert spans["m.wait"] == (24, 24)


def test_meeting_with_everyone_free_starts_at_once() -> None:
    env, a, b = two_pools()
    spans: Spans = {}
    env.process(meeting([a, b], spans, "m", 3, 5))
    env.run()
    assert spans["m"] == (3, 8)
    assert spans["m.wait"] == (0, 0)
    assert a.busy.integral(0, 10) == b.busy.integral(0, 10) == 5


def test_nobody_is_held_while_the_meeting_waits() -> None:
    """a frees at 10 but b only at 25: a's member is not held for 15 minutes; work queued
    behind the meeting in a takes them instead, and a is idle from 17 until the meeting."""
    env, a, b = two_pools()
    spans: Spans = {}
    env.process(job(a, spans, "a1", 0, 10))
    env.process(job(b, spans, "b1", 0, 25))
    env.process(meeting([a, b], spans, "m", 1, 5))
    env.process(job(a, spans, "a2", 2, 7))  # queued behind the meeting
    env.run()
    assert spans["a2"] == (10, 17)
    assert spans["m"] == (25, 30)
    # During the wait [1, 25] each pool's busy time is its own work only.
    assert a.busy.integral(1, 25) == pytest.approx(9 + 7)
    assert b.busy.integral(1, 25) == pytest.approx(24)
    # The meeting adds exactly its duration to each pool, nothing more.
    assert a.busy.integral(0, 40) == pytest.approx(10 + 7 + 5)
    assert b.busy.integral(0, 40) == pytest.approx(25 + 5)
    assert a.queue_length == b.queue_length == 0


def test_sequential_seizing_would_have_held_the_first_attendee() -> None:
    """The contrast the rendezvous removes: seizing a then b keeps a busy from 10 to 25."""
    env, a, b = two_pools()
    spans: Spans = {}

    def one_after_the_other() -> Generator[simpy.Event, Any, None]:
        yield env.timeout(1)
        grant_a = yield from a.seize()
        grant_b = yield from b.seize()
        yield env.timeout(5)
        a.release(grant_a)
        b.release(grant_b)

    env.process(job(a, spans, "a1", 0, 10))
    env.process(job(b, spans, "b1", 0, 25))
    env.process(one_after_the_other())
    env.run()
    assert a.busy.integral(1, 25) == pytest.approx(9 + 15)  # 15 minutes held idle


def test_meeting_has_first_claim_over_work_queued_behind_it() -> None:
    env, a, b = two_pools()
    spans: Spans = {}
    env.process(job(b, spans, "b1", 0, 25))
    env.process(meeting([a, b], spans, "m", 1, 5))
    env.process(job(b, spans, "b2", 3, 4))  # same priority, queued after the meeting
    env.run()
    assert spans["m"] == (25, 30)
    assert spans["b2"] == (30, 34)


def test_work_ranked_ahead_of_the_meeting_goes_first() -> None:
    """Work of a higher priority (queued after) and of the same priority queued before, or in
    the same instant, is served before the meeting; the meeting starts when b frees again."""
    env, a, b = two_pools()
    spans: Spans = {}
    env.process(job(b, spans, "b1", 0, 25))
    env.process(job(b, spans, "b_before", 0.5, 4))  # queued before the meeting
    env.process(meeting([a, b], spans, "m", 1, 5))
    env.process(job(b, spans, "b_same_instant", 1, 2))
    env.process(job(b, spans, "b_red", 3, 6, priority=-1))
    env.run()
    assert spans["b_red"] == (25, 31)
    assert spans["b_before"] == (31, 35)
    assert spans["b_same_instant"] == (35, 37)
    assert spans["m"] == (37, 42)


def test_red_meeting_passes_green_work_queued_before_it() -> None:
    env, a, b = two_pools()
    spans: Spans = {}
    env.process(job(b, spans, "b1", 0, 25))
    env.process(job(b, spans, "b_green", 0.5, 4, priority=2))
    env.process(meeting([a, b], spans, "m", 1, 5, priority=0))
    env.run()
    assert spans["m"] == (25, 30)
    assert spans["b_green"] == (30, 34)


def test_free_for_counts_the_requests_ranked_ahead() -> None:
    env, a, _ = two_pools(staff=2)
    spans: Spans = {}
    x = a.request()  # granted at once: x holds one slot until released below
    env.process(job(a, spans, "y", 0, 10))
    env.process(job(a, spans, "z", 1, 10, priority=1))
    env.run(until=2)
    assert x.triggered and free_for(a, 0, 2) == 0
    seen: list[tuple[int, int]] = []
    # Watchers are told in the instant the slot frees, before queued z (priority 1) gets it.
    a.watch(lambda: seen.append((free_for(a, 0, 2), free_for(a, 1, 2))))
    a.release(x)
    # A priority-0 meeting ranks ahead of z; a priority-1 meeting queued after z behind it.
    assert seen == [(1, 0)]
    assert free_for(a, 0, 2) == 0  # then z took the slot


def test_a_pool_named_twice_needs_two_members_free() -> None:
    env = simpy.Environment()
    a = StaffPool(env, "a", 2)
    spans: Spans = {}
    env.process(job(a, spans, "a1", 0, 10))
    env.process(job(a, spans, "a2", 0, 20))
    env.process(meeting([a, a], spans, "m", 1, 5))
    env.run()
    assert spans["m"] == (20, 25)
    assert a.busy.integral(0, 30) == pytest.approx(10 + 20 + 2 * 5)


def test_a_meeting_needs_an_attendee_pool() -> None:
    with pytest.raises(ValueError, match="at least one"):
        next(rendezvous([]))


# -- the rota ------------------------------------------------------------------------------------


def test_meeting_waits_for_the_morning_when_a_pool_is_off_duty() -> None:
    env, a, b = two_pools(off_duty_a=[[100.0, 200.0]])
    spans: Spans = {}
    env.process(meeting([a, b], spans, "m", 150, 30))
    env.run()
    assert spans["m"] == (200, 230)
    assert b.busy.integral(150, 200) == 0  # b's member was not held overnight


def test_a_member_freeing_after_closing_goes_off_duty_not_to_the_meeting() -> None:
    """a's task runs past closing (90–120): the freed slot goes to the rota hold, so the
    meeting queued at 110 waits for the opening at 200."""
    env, a, b = two_pools(off_duty_a=[[100.0, 200.0]])
    spans: Spans = {}
    env.process(job(a, spans, "late", 90, 30))
    env.process(meeting([a, b], spans, "m", 110, 30))
    env.run()
    assert spans["late"] == (90, 120)
    assert spans["m"] == (200, 230)
    assert a.on_duty.integral(120, 200) == 0


def test_at_the_opening_the_meeting_ranks_among_the_waiting_work() -> None:
    """Work queued overnight before the meeting goes first; work queued after it goes after."""
    env, a, b = two_pools(off_duty_a=[[100.0, 200.0]])
    spans: Spans = {}
    env.process(job(a, spans, "before", 140, 10))
    env.process(meeting([a, b], spans, "m", 150, 30))
    env.process(job(a, spans, "after", 160, 10))
    env.run()
    assert spans["before"] == (200, 210)
    assert spans["m"] == (210, 240)
    assert spans["after"] == (240, 250)


def test_lifting_a_schedule_hold_lets_the_meeting_start() -> None:
    """Heads drop 2 → 1 at 50 while both work; one member goes off duty at 60 (a pending hold
    until then), so the meeting needing both waits for heads 2 again at 100."""
    env = simpy.Environment()
    a = StaffPool(env, "a", 2, schedule=np.array([[0, 50, 2], [50, 100, 1], [100, 1e9, 2]]))
    spans: Spans = {}
    env.process(job(a, spans, "x", 0, 60))
    env.process(job(a, spans, "y", 0, 70))
    env.process(meeting([a, a], spans, "m", 10, 5))
    env.run(until=500)
    assert spans["m"] == (100, 105)


def test_the_pool_tells_its_watchers_in_order_on_release_and_lift() -> None:
    env = simpy.Environment()
    a = StaffPool(env, "a", 1, np.array([[10.0, 20.0]]))
    calls: list[tuple[str, float]] = []

    def late() -> None:
        calls.append(("late", env.now))

    def early() -> None:
        calls.append(("early", env.now))

    a.watch(late, order=(0, 5.0))
    a.watch(early, order=(0, 1.0))
    spans: Spans = {}
    env.process(job(a, spans, "t", 0, 5))
    env.run(until=30)
    assert calls == [("early", 5), ("late", 5), ("early", 20), ("late", 20)]
    a.unwatch(late)
    a.unwatch(late)  # no error
    env.process(job(a, spans, "u", 0, 1))
    env.run(until=40)
    assert calls[-1] == ("early", 31)


def test_ranked_watchers_are_told_only_while_a_member_is_free_for_their_place() -> None:
    env = simpy.Environment()
    a = StaffPool(env, "a", 1)
    calls: list[str] = []
    held = a.request()  # the one member is busy
    env.run(until=3)
    queued = a.request(priority=0)  # queued at t=3, rank (0, 3)
    for name, order in [("ahead", (0, 1.0)), ("behind", (0, 5.0)), ("behind2", (0, 6.0))]:
        a.watch(lambda name=name: calls.append(name), order=order, ranked=True)
    a.watch(lambda: calls.append("plain"), order=(0, 7.0))
    a.release(held)  # one slot frees: free for the watcher ranked ahead of the queued request
    assert calls == ["ahead", "plain"]  # not the two ranked behind it; the unranked always
    assert queued.triggered
    calls.clear()
    a.unwatch(calls.append)  # not watching: no error, nothing changes
    a.release(queued)  # nobody queued: free for every place
    assert calls == ["ahead", "behind", "behind2", "plain"]


# -- meetings competing --------------------------------------------------------------------------


def test_two_meetings_for_the_same_pools_start_first_come_first_served() -> None:
    env, a, b = two_pools()
    spans: Spans = {}
    env.process(job(b, spans, "b1", 0, 25))
    env.process(meeting([a, b], spans, "m1", 1, 5))
    env.process(meeting([a, b], spans, "m2", 2, 5))
    env.run()
    assert spans["m1"] == (25, 30)
    assert spans["m2"] == (30, 35)
    assert spans["m2.wait"] == (28, 28)


def test_a_higher_priority_meeting_goes_first() -> None:
    env, a, b = two_pools()
    spans: Spans = {}
    env.process(job(b, spans, "b1", 0, 25))
    env.process(meeting([a, b], spans, "green", 1, 5, priority=2))
    env.process(meeting([a, b], spans, "red", 2, 5, priority=0))
    env.run()
    assert spans["red"] == (25, 30)
    assert spans["green"] == (30, 35)


def test_a_meeting_that_can_start_passes_one_that_cannot() -> None:
    """m1 needs a and b (b busy to 25); m2, queued later, needs only a: it starts at once,
    since keeping a for m1 would only leave a idle."""
    env, a, b = two_pools()
    spans: Spans = {}
    env.process(job(b, spans, "b1", 0, 25))
    env.process(meeting([a, b], spans, "m1", 1, 5))
    env.process(meeting([a], spans, "m2", 2, 30))
    env.run()
    assert spans["m2"] == (2, 32)
    assert spans["m1"] == (32, 37)
