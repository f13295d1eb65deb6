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

from sim.staff import StaffPool

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
    assert len(pool.resource.users) == 0 and len(pool.resource.queue) == 0


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
    assert len(pool.resource.users) == 0 and len(pool.resource.queue) == 0


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
