"""StaffPool on a rota, driven directly on a bare SimPy environment with hand-made off-duty times.

Every expected time below is worked out by hand from the rota and the task list: a task in
progress at closing finishes (no pre-emption), work waiting or arriving while off duty starts at
the next opening in priority order (FIFO among equals), and busy / on-duty are exact step
functions, so utilisation over any window is an exact ratio of hand-computed areas.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
import simpy

from sim.engine.staff import StaffPool

Spans = dict[str, tuple[float, float]]


def job(
    env: simpy.Environment,
    pool: StaffPool,
    spans: Spans,
    name: str,
    *,
    arrive: float,
    duration: float,
    priority: int = 0,
) -> Generator[simpy.Event, Any, None]:
    """Arrive at ``arrive``, wait for staff, work ``duration``; record (start, end) in ``spans``."""
    yield env.timeout(arrive)
    grant = yield from pool.seize(priority)
    start = env.now
    yield env.timeout(duration)
    pool.release(grant)
    spans[name] = (start, env.now)


def simulate(
    staff: int,
    off_duty: list[list[float]] | None,
    jobs: list[tuple[str, float, float, int]],
    until: float,
) -> tuple[StaffPool, Spans]:
    """Run ``jobs`` (name, arrival, duration, priority) through a fresh pool until ``until``."""
    env = simpy.Environment()
    pool = StaffPool(env, "team", staff, None if off_duty is None else np.array(off_duty))
    spans: Spans = {}
    for name, arrive, duration, priority in jobs:
        env.process(
            job(env, pool, spans, name, arrive=arrive, duration=duration, priority=priority)
        )
    env.run(until=until)
    return pool, spans


def assert_steps(level: Any, times: list[float], values: list[float]) -> None:
    """The level is exactly this step function (ignoring knots where it does not change, which
    a StepLevel keeps when changes in one instant cancel out, e.g. +1 then -1)."""
    got_times, got_values = level.steps()
    keep = np.append(True, np.diff(got_values) != 0)
    got_times, got_values = got_times[keep], got_values[keep]
    np.testing.assert_array_equal(got_times, times)
    np.testing.assert_array_equal(got_values, values)


# -- closing and opening --------------------------------------------------------------------------


def test_task_in_progress_at_closing_finishes_and_waiting_work_waits_for_opening() -> None:
    pool, spans = simulate(
        staff=1,
        off_duty=[[100.0, 200.0]],
        jobs=[("a", 90, 30, 0), ("b", 95, 10, 0)],
        until=300,
    )
    assert spans["a"] == (90, 120)  # not pre-empted at 100, not deferred
    assert spans["b"] == (200, 210)  # queued at closing: waits behind the rota hold
    assert_steps(pool.on_duty, [0, 120, 200], [1, 0, 1])  # on duty until the overrun ends
    assert_steps(pool.busy, [0, 90, 120, 200, 210], [0, 1, 0, 1, 0])
    assert_steps(pool.waiting, [0, 95, 200], [0, 1, 0])


def test_work_arriving_off_duty_starts_at_next_opening() -> None:
    pool, spans = simulate(
        staff=1,
        off_duty=[[100.0, 200.0], [300.0, 400.0]],
        jobs=[
            ("at_closing", 100, 20, 0),  # arrives at the very instant of closing
            ("late", 390, 5, 0),
            ("at_opening", 400, 5, 0),  # arrives at the instant of opening, behind "late"
        ],
        until=500,
    )
    assert spans == {"at_closing": (200, 220), "late": (400, 405), "at_opening": (405, 410)}
    assert_steps(pool.on_duty, [0, 100, 200, 300, 400], [1, 0, 1, 0, 1])


def test_capacity_above_one_holds_each_slot_as_it_frees() -> None:
    pool, spans = simulate(
        staff=3,
        off_duty=[[100.0, 200.0]],
        jobs=[
            ("a", 50, 60, 0),  # busy at closing until 110
            ("b", 60, 90, 0),  # busy at closing until 150
            ("c", 120, 40, 0),
            ("d", 130, 40, 0),
            ("e", 140, 40, 0),
            ("f", 160, 40, 0),  # fourth in line: waits for the first to finish
        ],
        until=300,
    )
    assert spans["a"] == (50, 110)
    assert spans["b"] == (60, 150)
    assert spans["c"] == spans["d"] == spans["e"] == (200, 240)
    assert spans["f"] == (240, 280)
    # The idle slot goes off duty at 100, the others as their tasks end; all return at 200.
    assert_steps(pool.on_duty, [0, 100, 110, 150, 200], [3, 2, 1, 0, 3])


def test_priority_order_at_reopening_then_fifo_among_equals() -> None:
    _, spans = simulate(
        staff=1,
        off_duty=[[100.0, 200.0]],
        jobs=[
            ("running", 90, 30, 0),  # in progress at closing
            ("q", 95, 10, 3),  # waiting at closing, but the least urgent
            ("x", 110, 10, 2),
            ("y", 120, 10, 0),
            ("z", 130, 10, 1),
            ("w", 140, 10, 0),  # same priority as y, arrived later
        ],
        until=300,
    )
    starts = sorted((spans[name][0], name) for name in "qxyzw")
    assert starts == [(200, "y"), (210, "w"), (220, "z"), (230, "x"), (240, "q")]


def test_touching_off_duty_intervals_stay_off_duty_across_the_join() -> None:
    pool, spans = simulate(
        staff=1, off_duty=[[100.0, 200.0], [200.0, 300.0]], jobs=[("a", 150, 10, 0)], until=400
    )
    assert spans["a"] == (300, 310)
    assert_steps(pool.on_duty, [0, 100, 300], [1, 0, 1])


def test_zero_length_off_duty_interval_never_takes_staff_off() -> None:
    # The holds are granted and lifted in the same instant: nobody went off duty.
    pool, spans = simulate(staff=2, off_duty=[[100.0, 100.0]], jobs=[("a", 100, 10, 0)], until=200)
    assert spans["a"] == (100, 110)
    assert_steps(pool.on_duty, [0], [2])
    assert pool.in_use == 0 and not list(pool.queued())


def test_needs_at_least_one_member_of_staff() -> None:
    with pytest.raises(ValueError, match="at least one"):
        StaffPool(simpy.Environment(), "empty", 0)


# -- utilisation ----------------------------------------------------------------------------------


def test_utilisation_is_exact_for_tasks_straddling_the_window() -> None:
    # staff 2, off duty [100, 200), window [50, 250]:
    #   a works [10, 60)   -> straddles the window start: 10 busy minutes inside
    #   b works [80, 130)  -> overruns closing by 30: 50 busy minutes inside
    #   c arrives 105 (off duty), works [200, 260) -> straddles the window end: 50 minutes inside
    # On duty: 2 until 100, 1 (idle slot held at 100) until b ends at 130, 0 until 200, then 2.
    #   area over [50, 250] = 2*50 + 1*30 + 0*70 + 2*50 = 230
    pool, spans = simulate(
        staff=2,
        off_duty=[[100.0, 200.0]],
        jobs=[("a", 10, 50, 0), ("b", 80, 50, 0), ("c", 105, 60, 0)],
        until=400,
    )
    assert spans == {"a": (10, 60), "b": (80, 130), "c": (200, 260)}
    assert pool.busy.integral(50, 250) == 110
    assert pool.on_duty.integral(50, 250) == 230
    assert pool.utilisation(50, 250) == 110 / 230
    assert pool.waiting.mean(50, 250) == 95 / 200  # c waits [105, 200)


def test_overrunning_worker_is_on_duty_until_the_task_ends() -> None:
    # staff 1, off duty [100, 200); the task works [90, 150), 50 minutes past closing.
    pool, spans = simulate(staff=1, off_duty=[[100.0, 200.0]], jobs=[("a", 90, 60, 0)], until=300)
    assert spans["a"] == (90, 150)
    assert pool.utilisation(0, 300) == 60 / 250  # on duty 300 - 50 minutes
    assert pool.utilisation(100, 200) == 1.0  # busy every on-duty minute, never above 1
    assert np.isnan(pool.utilisation(150, 200))  # nobody on duty
    # Pointwise: busy never exceeds on duty at any change of either level.
    knots = np.union1d(pool.busy.steps()[0], pool.on_duty.steps()[0])
    for t in knots:
        assert pool.busy.integral(t, t + 1e-6) <= pool.on_duty.integral(t, t + 1e-6)


def test_pool_on_duty_24_7_never_changes_on_duty() -> None:
    for off in (None, []):
        pool, spans = simulate(
            staff=2,
            off_duty=off,
            jobs=[("a", 0, 100, 0), ("b", 10, 100, 0), ("c", 20, 30, 0)],
            until=400,
        )
        assert spans == {"a": (0, 100), "b": (10, 110), "c": (100, 130)}
        assert_steps(pool.on_duty, [0], [2])
        assert pool.utilisation(0, 400) == (100 + 100 + 30) / (2 * 400)


# -- on duty again in the instant a hold would be granted -----------------------------------------


def test_task_ending_exactly_at_reopening_leaves_on_duty_correct() -> None:
    # staff 1, off duty [100, 200) and [300, 400). The task works [90, 200): it ends in the same
    # instant the pool comes back on duty, so its slot was never taken off duty.
    pool, spans = simulate(
        staff=1,
        off_duty=[[100.0, 200.0], [300.0, 400.0]],
        jobs=[("a", 90, 110, 0), ("b", 150, 10, 0), ("c", 250, 10, 0)],
        until=500,
    )
    assert spans == {"a": (90, 200), "b": (200, 210), "c": (250, 260)}
    assert_steps(pool.on_duty, [0, 300, 400], [1, 0, 1])
    assert pool.on_duty.level == 1
    assert pool.in_use == 0 and not list(pool.queued())


def test_one_slot_held_and_one_ending_at_reopening() -> None:
    # staff 2, off duty [100, 200) and [300, 400): b ends at 150 (its slot goes off duty), a ends
    # at exactly 200 (its hold is never granted). Afterwards both are on duty and both work.
    pool, spans = simulate(
        staff=2,
        off_duty=[[100.0, 200.0], [300.0, 400.0]],
        jobs=[("a", 50, 150, 0), ("b", 60, 90, 0), ("c", 250, 10, 0), ("d", 250, 10, 0)],
        until=500,
    )
    assert spans["a"] == (50, 200)
    assert spans["b"] == (60, 150)
    assert spans["c"] == spans["d"] == (250, 260)
    assert_steps(pool.on_duty, [0, 150, 200, 300, 400], [2, 1, 2, 0, 2])
    assert pool.on_duty.level == 2


# -- a schedule of heads on duty ------------------------------------------------------------------


def simulate_schedule(
    staff: int,
    schedule: list[list[float]],
    jobs: list[tuple[str, float, float, int]],
    until: float,
    probes: tuple[float, ...] = (),
) -> tuple[StaffPool, Spans, dict[float, tuple[int, bool]]]:
    """As :func:`simulate`, with ``(start, end, heads)`` rows; at each probe time record the
    heads wanted on duty and whether someone is free."""
    env = simpy.Environment()
    pool = StaffPool(env, "team", staff, schedule=np.array(schedule))
    spans: Spans = {}
    for name, arrive, duration, priority in jobs:
        env.process(
            job(env, pool, spans, name, arrive=arrive, duration=duration, priority=priority)
        )
    seen: dict[float, tuple[int, bool]] = {}

    def probe(at: float) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(at)
        seen[at] = (pool.heads, pool.has_someone_free())

    for at in probes:
        env.process(probe(at))
    env.run(until=until)
    return pool, spans, seen


def test_schedule_heads_two_then_one_then_three() -> None:
    # staff 3; heads 2 in [0, 100), 1 in [100, 200), 3 in [200, 300), nobody from 300.
    #   0: one idle slot held -> on duty 2.
    #   a works [50, 150), b [60, 160): both busy when heads fall to 1 at 100; neither is
    #      pre-empted. The new hold waits and takes a's slot at 150 (on duty 1).
    #   c arrives 120 (behind the hold) and starts when b ends at 160, on the one slot on duty.
    #   d arrives 170: waits for c (ends 190). e arrives 175: waits until heads rise at 200.
    #   200: both holds lifted -> on duty 3, e starts at once.
    #   300: heads 0. d and e are done; f (works [250, 350)) overruns: on duty 1 until 350.
    pool, spans, seen = simulate_schedule(
        staff=3,
        schedule=[[0, 100, 2], [100, 200, 1], [200, 300, 3]],
        jobs=[
            ("a", 50, 100, 0),
            ("b", 60, 100, 0),
            ("c", 120, 30, 0),
            ("d", 170, 50, 0),
            ("e", 175, 20, 0),
            ("f", 250, 100, 0),
        ],
        until=400,
        probes=(55, 65, 130, 195, 210, 310),
    )
    assert spans == {
        "a": (50, 150),
        "b": (60, 160),
        "c": (160, 190),
        "d": (190, 240),
        "e": (200, 220),
        "f": (250, 350),
    }
    assert_steps(pool.on_duty, [0, 150, 200, 300, 350], [2, 1, 3, 1, 0])
    assert pool.on_duty.integral(0, 400) == 2 * 150 + 1 * 50 + 3 * 100 + 1 * 50
    assert pool.busy.integral(0, 400) == 100 + 100 + 30 + 50 + 20 + 100
    assert pool.utilisation(0, 400) == 400 / 700
    assert pool.on_duty.integral(100, 200) == 1 * 50 + 2 * 50  # a's overrun to 150 counts
    # Someone free only when an on-duty slot is idle and nothing waits:
    assert seen == {
        55: (2, True),  # hold + a: one of the two on duty is idle
        65: (2, False),  # hold + a + b
        130: (1, False),  # a and b overrunning, c waiting
        195: (1, False),  # d busy, e waiting
        210: (3, True),  # d and e busy, the third idle
        310: (0, False),  # f overrunning, heads 0
    }
    assert pool.in_use == 3 and not list(pool.queued())  # all held at 400


def test_rising_heads_cancel_a_pending_hold_before_releasing_a_granted_one() -> None:
    # staff 2; heads 2, then 0 in [100, 150), then 1 in [150, 300), then 0.
    # a works [50, 250). At 100 the idle slot is held (on duty 1) and a second hold waits for a.
    # At 150 one hold is lifted: the *pending* one, so a simply stays on duty and the idle slot
    # stays held (on duty 1 = heads). b (arrives 160) waits for a, starting at 250.
    pool, spans, _ = simulate_schedule(
        staff=2,
        schedule=[[0, 100, 2], [100, 150, 0], [150, 300, 1]],
        jobs=[("a", 50, 200, 0), ("b", 160, 10, 0)],
        until=400,
    )
    assert spans == {"a": (50, 250), "b": (250, 260)}
    assert_steps(pool.on_duty, [0, 100, 300], [2, 1, 0])


def test_changing_heads_places_or_lifts_only_the_difference() -> None:
    env = simpy.Environment()
    pool = StaffPool(
        env,
        "team",
        5,
        schedule=np.array([[0, 100, 5], [100, 200, 3], [200, 300, 2], [300, 400, 4]]),
    )
    placed: list[tuple[float, int]] = []
    request = pool.request

    def counting(priority: float = 0) -> Any:
        placed.append((env.now, priority))
        return request(priority)

    pool.request = counting  # type: ignore[method-assign]
    env.run(until=500)
    # 5 -> 3 at 100: 2 holds; 3 -> 2 at 200: 1 more; 2 -> 4 at 300: lift 2; 4 -> 0 at 400: 4.
    assert [t for t, _ in placed] == [100, 100, 200, 400, 400, 400, 400]
    assert_steps(pool.on_duty, [0, 100, 200, 300, 400], [5, 3, 2, 4, 0])


def test_touching_rows_with_equal_heads_change_nothing() -> None:
    # Daily rows of 2 heads on a 24/7 pool: never a hold; a task runs across the row boundary.
    rows = [[day * 1440.0, (day + 1) * 1440.0, 2] for day in range(3)]
    pool, spans, _ = simulate_schedule(
        staff=2, schedule=rows, jobs=[("a", 1400, 100, 0)], until=3 * 1440
    )
    assert spans == {"a": (1400, 1500)}
    assert_steps(pool.on_duty, [0], [2])


def test_schedule_with_full_heads_matches_off_duty_rota() -> None:
    # The all-or-nothing rota of test_capacity_above_one_holds_each_slot_as_it_frees as rows:
    # on duty [0, 100) and [200, 1000) with all 3 staff, nobody in [100, 200).
    jobs = [
        ("a", 50, 60, 0),
        ("b", 60, 90, 0),
        ("c", 120, 40, 0),
        ("d", 130, 40, 0),
        ("e", 140, 40, 0),
        ("f", 160, 40, 0),
    ]
    old, old_spans = simulate(staff=3, off_duty=[[100.0, 200.0]], jobs=jobs, until=300)
    new, new_spans, _ = simulate_schedule(
        staff=3, schedule=[[0, 100, 3], [200, 1000, 3]], jobs=jobs, until=300
    )
    assert new_spans == old_spans
    for level in ("on_duty", "busy", "waiting"):
        old_steps = getattr(old, level).steps()
        new_steps = getattr(new, level).steps()
        np.testing.assert_array_equal(old_steps[0], new_steps[0])
        np.testing.assert_array_equal(old_steps[1], new_steps[1])


def test_nobody_on_duty_before_the_first_row_or_between_rows() -> None:
    pool, spans, _ = simulate_schedule(
        staff=2,
        schedule=[[100, 200, 1], [300, 400, 2]],
        jobs=[("a", 0, 10, 0), ("b", 250, 10, 0), ("c", 250, 10, 0)],
        until=500,
    )
    assert spans == {"a": (100, 110), "b": (300, 310), "c": (300, 310)}
    assert_steps(pool.on_duty, [0, 100, 200, 300, 400], [0, 1, 0, 2, 0])


@pytest.mark.parametrize(
    ("schedule", "match"),
    [
        ([[0, 100, 3]], "whole numbers"),  # more heads than staff
        ([[0, 100, -1]], "whole numbers"),
        ([[0, 100, 1.5]], "whole numbers"),
        ([[0, 100, 1], [50, 150, 1]], "sorted"),  # overlapping
        ([[100, 200, 1], [0, 50, 1]], "sorted"),  # out of order
        ([[0, 100]], "rows"),
    ],
)
def test_bad_schedules_are_rejected(schedule: list[list[float]], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        StaffPool(simpy.Environment(), "team", 2, schedule=np.array(schedule))


def test_off_duty_and_schedule_together_are_rejected() -> None:
    with pytest.raises(ValueError, match="not both"):
        StaffPool(
            simpy.Environment(),
            "team",
            2,
            np.array([[0.0, 10.0]]),
            schedule=np.array([[0, 10, 1]]),
        )


def test_queued_ahead_counts_as_a_scan_of_the_whole_queue_would() -> None:
    """The heap walk that skips subtrees ranked behind agrees with counting every request."""
    rng = np.random.default_rng(12)
    env = simpy.Environment()
    pool = StaffPool(env, "busy", 1)
    pool.request()  # takes the one slot, so every later request waits
    for instant in np.sort(rng.integers(1, 40, size=300)):  # many requests an instant
        if instant > env.now:
            env.run(until=float(instant))
        pool.request(float(rng.integers(-2, 3)))
    waiting = list(pool.queued())
    for priority, time in [(-3.0, 0.0), (0.0, 20.0), (1.0, 5.0), (2.0, 39.0), (0.0, 0.0)]:
        brute = sum(1 for g in waiting if (g.priority, g.time) <= (priority, time))
        assert pool.queued_ahead(priority, time) == brute
        assert pool.queued_ahead(priority, time, at_most=3) == min(brute, 3)
