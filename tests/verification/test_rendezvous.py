"""Meetings as a rendezvous (sim/engine/meeting.py) against hand-computed and exact answers.

- A deterministic case on the primitive: two pools of one member each with known busy periods;
  the meetings' start times are worked out by hand.
- The real model reduced by config to the Jackson tandem (``validation=tandem``, no external
  wait) with a zero-length strategy discussion after every decision, attended by the triage and
  the decision team (both M/M/1). A zero-length meeting holds nobody for any time, so the two
  queues are exactly the textbook ones. The meeting is asked for after an exponential lead time,
  so it arrives at a time independent of the queues' present state; in the product form the two
  stations are independent at such a time, so the share of meetings that start at once — both
  idle — is (1 − ρ₁)(1 − ρ₂) (PASTA), and utilisations and waits keep their tandem values.
- The same rule written without SimPy: for two M/M/1 pools fed the same arrivals and service
  times, every meeting starts in the very instant a plain computation of the rule says.
"""

from __future__ import annotations

import bisect
from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
import simpy

from sim.analysis.theory import expected_kpis
from sim.compose import load
from sim.engine.meeting import rendezvous
from sim.engine.staff import StaffPool
from sim.runner import confidence_interval, simulate_replications

COMPARISONS = 5
LEVEL = 1 - 0.05 / COMPARISONS  # Bonferroni over the comparisons of the reduced-model test


# -- (a) hand-computed ---------------------------------------------------------------------------


def _work(
    env: simpy.Environment, pool: StaffPool, arrive: float, duration: float
) -> Generator[simpy.Event, Any, None]:
    yield env.timeout(arrive - env.now)
    grant = yield from pool.seize()
    yield env.timeout(duration)
    pool.release(grant)


def test_deterministic_busy_periods_give_the_hand_computed_start() -> None:
    """Pool a works [0, 30], [40, 70], [75, 100]; pool b [0, 35], [45, 80], [82, 95] (each task
    arrives at its start). Meeting 1 (queued at 5, 3 min): a frees at 30 but b only at 35, so it
    starts at 35. Meeting 2 (queued at 50, 10 min): a frees at 70 while b works; a's task that
    arrives at 75 (after the meeting) takes a, as the meeting cannot start; b frees at 80 while a
    works, then takes its own 82 task; b is free from 95, a only at 100: the meeting starts at
    100. Seizing a first and then waiting for b would have started it at 80, holding a idle."""
    env = simpy.Environment()
    a, b = StaffPool(env, "a", 1), StaffPool(env, "b", 1)
    for pool, tasks in ((a, [(0, 30), (40, 30), (75, 25)]), (b, [(0, 35), (45, 35), (82, 13)])):
        for arrive, duration in tasks:
            env.process(_work(env, pool, arrive, duration))
    starts: dict[str, float] = {}

    def meet(name: str, arrive: float, duration: float) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(arrive)
        held = yield from rendezvous([a, b])
        starts[name] = env.now
        yield env.timeout(duration)
        held.release()

    env.process(meet("first", 5, 3))
    env.process(meet("second", 50, 10))
    env.run()
    assert starts == {"first": 35, "second": 100}
    # Busy time is each pool's own work plus the meetings, nothing held idle.
    assert a.busy.integral(0, 120) == 30 + 30 + 25 + 3 + 10
    assert b.busy.integral(0, 120) == 35 + 35 + 13 + 3 + 10


# -- (b) the real model against PASTA ------------------------------------------------------------

MEETING_AFTER_EVERY_DECISION = [
    "validation=tandem",
    "front_door.partner_check.probability=0",
    "+front_door.decision.strategy_discussion_share.green=1.0",
    "after_decision.strategy_discussion.enabled=true",
    "after_decision.strategy_discussion.attendees=[triage_team,decision_team]",
    "after_decision.strategy_discussion.duration={dist: deterministic, value: 0}",
    "after_decision.strategy_discussion.lead_time="
    "{clock: calendar, duration: {dist: exponential, mean: 30}}",
    "after_decision.section47.outcome_working_days={dist: deterministic, value: 1}",
    "after_decision.section47.icpc_lead_working_days={dist: deterministic, value: 10}",
    "run.replications=10",
    "run.horizon_days=60",
    "run.jobs=2",
    "run.plots=false",
]


@pytest.mark.slow
def test_meetings_start_at_once_with_the_pasta_probability() -> None:
    cfg = load(MEETING_AFTER_EVERY_DECISION)
    table = simulate_replications(cfg, keep_events=False, progress=False).replications
    theory = expected_kpis(cfg)
    rho_triage, rho_decision = 4 * 10 / 60, 4 * 8 / 60
    assert theory["utilisation_triage_team"] == pytest.approx(rho_triage)
    assert theory["utilisation_decision_team"] == pytest.approx(rho_decision)
    theory["strategy_meeting_waited_pct"] = 100 * (1 - (1 - rho_triage) * (1 - rho_decision))
    assert table["strategy_discussions"].min() > 5000  # a meeting after each of ≈5,760 decisions
    for kpi in (
        "strategy_meeting_waited_pct",  # 84.44
        "utilisation_triage_team",
        "utilisation_decision_team",
        "triage_wait_minutes_mean",
        "decision_wait_minutes_mean",
    ):
        mean, low, high = confidence_interval(table[kpi].to_numpy(), LEVEL)
        assert low <= theory[kpi] <= high, (
            f"{kpi}: theory {theory[kpi]:.4g} outside simulated {100 * LEVEL:.0f}% CI "
            f"[{low:.4g}, {high:.4g}] (mean {mean:.4g})"
        )


# -- (c) the rule written without SimPy ----------------------------------------------------------


def _busy_periods(arrivals: np.ndarray, services: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of each task of a FIFO single server (Lindley's recursion)."""
    starts, ends = np.empty_like(arrivals), np.empty_like(arrivals)
    free_at = 0.0
    for k, (arrive, service) in enumerate(zip(arrivals, services, strict=True)):
        starts[k] = max(arrive, free_at)
        ends[k] = free_at = starts[k] + service
    return starts, ends


def _idle(starts: np.ndarray, ends: np.ndarray, t: float) -> bool:
    """Is the server idle at ``t`` (no task with start ≤ t < end)?"""
    k = bisect.bisect_right(starts, t) - 1
    return k < 0 or ends[k] <= t


def _start_by_the_rule(
    queued: float, pools: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
) -> float:
    """The first instant ≥ ``queued`` at which both pools are free for the meeting: both idle,
    or one finishes a task — its work queued before the meeting done — while the other is idle.
    (A zero-length meeting changes neither pool's busy periods.)"""
    (arr1, s1, e1), (arr2, s2, e2) = pools
    if _idle(s1, e1, queued) and _idle(s2, e2, queued):
        return queued
    best = np.inf
    for (arr, _, e), (_, s_other, e_other) in (
        ((arr1, s1, e1), (arr2, s2, e2)),
        ((arr2, s2, e2), (arr1, s1, e1)),
    ):
        ahead = bisect.bisect_right(arr, queued)  # tasks queued before (or with) the meeting
        first = ahead - 1 if ahead > 0 else 0
        for k in range(first, len(e)):
            if e[k] < queued:
                continue
            if e[k] >= best:
                break
            if _idle(s_other, e_other, e[k]):
                best = e[k]
                break
    return best


def test_meeting_starts_agree_with_the_rule_computed_without_simpy() -> None:
    rng = np.random.default_rng(20250227)
    horizon, lam, means = 20_000.0, 1 / 10, (5.0, 6.0)  # ρ = 0.5 and 0.6, minutes
    pools_input = []
    for mean in means:
        arrivals = np.cumsum(rng.exponential(1 / lam, size=int(horizon * lam * 1.2)))
        arrivals = arrivals[arrivals < horizon]
        pools_input.append((arrivals, rng.exponential(mean, size=len(arrivals))))
    meetings = np.cumsum(rng.exponential(10.0, size=int(horizon / 10 * 1.2)))
    meetings = meetings[meetings < horizon - 500]

    env = simpy.Environment()
    pools = [StaffPool(env, f"p{i}", 1) for i in range(2)]
    for pool, (arrivals, services) in zip(pools, pools_input, strict=True):
        for arrive, service in zip(arrivals, services, strict=True):
            env.process(_work(env, pool, float(arrive), float(service)))
    started: dict[int, float] = {}

    def meet(k: int, queued: float) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(queued)
        held = yield from rendezvous(pools)
        started[k] = env.now
        held.release()  # zero length: the pools' busy periods are untouched

    for k, queued in enumerate(meetings):
        env.process(meet(k, float(queued)))
    env.run()

    periods = [(arr, *_busy_periods(arr, services)) for arr, services in pools_input]
    for pool, (_, s, e) in zip(pools, periods, strict=True):  # zero-length meetings hold nobody
        assert pool.busy.integral(0, horizon) == pytest.approx(
            float(np.sum(np.clip(e, 0, horizon) - np.clip(s, 0, horizon))), rel=1e-9
        )
    expected = np.array([_start_by_the_rule(float(q), periods) for q in meetings])
    got = np.array([started[k] for k in range(len(meetings))])
    assert len(meetings) > 1500
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    at_once = got == meetings
    assert 0.05 < at_once.mean() < 0.5 and (got - meetings).max() > 10  # the case is not trivial
