"""The budget-alignment search on known response surfaces (no simulation).

A fake evaluator turns a staffing into exact KPI values, so each rule of
:func:`sim.optimise.cheapest_staffing` — ceiling check, greedy add, patience, remove, budget —
can be checked against an answer worked out by hand. A noisy fake (known surface plus Gaussian
noise from fixed seeds) shows the winner's curse the confirmation run of
:func:`sim.confirmation.confirm` is there to catch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from sim.compose import load
from sim.config import RunConfig
from sim.confirmation import confirm, confirmation_seed
from sim.optimise import (
    Evaluation,
    Evaluator,
    Target,
    Variable,
    cheapest_staffing,
    one_sided_bound,
    shortfall,
)
from sim.runner import confidence_interval

PRICE = {"a": 50_000.0, "b": 30_000.0}


class FakeEvaluator(Evaluator):
    """KPI = ``surface(staffing)`` with no noise (the bound equals the mean); cost linear."""

    def __init__(self, surface: Callable[[dict[str, int]], float], target: Target) -> None:
        super().__init__([], [target])
        self.surface = surface
        self.calls: list[dict[str, int]] = []

    def cost(self, staffing: dict[str, int]) -> float:
        return sum(PRICE[k] * v for k, v in staffing.items())

    def simulate(self, staffings: list[dict[str, int]]) -> Iterator[Evaluation]:
        for staffing in staffings:
            self.calls.append(dict(staffing))
            value = self.surface(staffing)
            kpi = self.targets[0].kpi
            bounds = {kpi: value}
            gap = shortfall(self.targets, bounds)
            yield Evaluation(
                dict(staffing), self.cost(staffing), {kpi: value}, bounds, gap == 0.0, gap
            )


VARS = [Variable("a", 0, 10), Variable("b", 0, 10)]


def test_cheapest_on_a_linear_surface() -> None:
    # KPI = 10a + 5b ≥ 40: per £, a gives 10/50k and b 5/30k, so greedy adds a four times
    # (£200k); b = 8 would cost £240k. The remove phase keeps a = 4.
    evaluate = FakeEvaluator(lambda s: 10 * s["a"] + 5 * s["b"], Target("k", ">=", 40))
    result = cheapest_staffing(evaluate, VARS)
    assert result.feasible and result.best is not None
    assert result.best.staffing == {"a": 4, "b": 0}
    assert result.best.cost_gbp == pytest.approx(200_000)


def test_unreachable_target_stops_at_the_ceiling() -> None:
    # KPI saturates at 80 < 95: the start and the upper bounds are the only staffings tried.
    evaluate = FakeEvaluator(lambda s: min(80.0, 60 + s["a"] + s["b"]), Target("k", ">=", 95))
    result = cheapest_staffing(evaluate, VARS, start={"a": 2, "b": 3})
    assert not result.feasible
    assert evaluate.calls == [{"a": 2, "b": 3}, {"a": 10, "b": 10}]
    assert result.ceiling is not None and result.ceiling.means["k"] == 80.0
    assert result.start is not None and result.start.staffing == {"a": 2, "b": 3}
    assert result.best is result.ceiling


def test_patience_stops_a_search_that_nothing_helps() -> None:
    # Flat KPI and a budget below the ceiling's cost: no ceiling check; the add phase takes
    # the cheapest step (b) when nothing helps, at most `patience` times, then stops.
    evaluate = FakeEvaluator(lambda s: 50.0, Target("k", ">=", 95))
    result = cheapest_staffing(evaluate, VARS, budget_gbp=500_000, patience=2)
    assert not result.feasible and result.ceiling is None
    assert [c for c in evaluate.calls if c["a"] == 0] == [
        {"a": 0, "b": 0},
        {"a": 0, "b": 1},
        {"a": 0, "b": 2},
        {"a": 0, "b": 3},
    ]
    assert len(evaluate.calls) == 7  # start, then 2 candidates at each of three steps


def test_start_is_clipped_into_the_bounds_and_removal_goes_below_it() -> None:
    evaluate = FakeEvaluator(lambda s: 10 * s["a"] + 5 * s["b"], Target("k", ">=", 40))
    result = cheapest_staffing(evaluate, VARS, start={"a": 12, "b": 5})
    assert result.start is not None and result.start.staffing == {"a": 10, "b": 5}
    assert result.feasible and result.best is not None
    assert 10 * result.best.staffing["a"] + 5 * result.best.staffing["b"] >= 40
    # Removing either post from the result would miss the target.
    for key in ("a", "b"):
        fewer = {**result.best.staffing, key: result.best.staffing[key] - 1}
        if fewer[key] >= 0:
            assert 10 * fewer["a"] + 5 * fewer["b"] < 40


def test_budget_caps_the_add_phase() -> None:
    evaluate = FakeEvaluator(lambda s: 10 * s["a"] + 5 * s["b"], Target("k", ">=", 40))
    result = cheapest_staffing(evaluate, VARS, budget_gbp=120_000)
    assert not result.feasible and result.best is not None
    assert result.best.cost_gbp <= 120_000
    assert all(e.cost_gbp <= 120_000 for e in evaluate.cache.values())
    assert math.isclose(result.best.means["k"], 20.0)  # a = 2 (£100k): the best affordable


def test_a_start_over_budget_climbs_from_the_lower_bounds() -> None:
    # Today's staffing (a = 6, £300k) is over a £120k budget: the search must not give up,
    # it starts from the bottom and finds the best affordable staffing, as without a start.
    evaluate = FakeEvaluator(lambda s: 10 * s["a"] + 5 * s["b"], Target("k", ">=", 40))
    result = cheapest_staffing(evaluate, VARS, budget_gbp=120_000, start={"a": 6, "b": 0})
    assert result.start is not None and result.start.staffing == {"a": 0, "b": 0}
    assert result.best is not None and result.best.staffing == {"a": 2, "b": 0}


# -- confirmation on fresh replications -----------------------------------------------------
SURFACE_TARGET = Target("k", ">=", 40)


def surface(s: dict[str, int]) -> float:
    """True KPI: 30 + 2.5a + 1.8b; the target 40 needs 2.5a + 1.8b ≥ 10 (a=3, b=1 gives 39.3)."""
    return 30 + 2.5 * s["a"] + 1.8 * s["b"]


class NoisyEvaluator(Evaluator):
    """Replication r of staffing s: ``surface(s)`` + a common N(0, 2²) draw of (seed, r) + an
    own N(0, 2²) draw of (seed, r, s): common random numbers, partly, as in the simulation."""

    def __init__(self, seed: int, replications: int) -> None:
        super().__init__([], [SURFACE_TARGET])
        self.seed, self.replications = seed, replications

    def cost(self, staffing: dict[str, int]) -> float:
        return sum(PRICE[k] * v for k, v in staffing.items())

    def run(self) -> RunConfig:
        return RunConfig(replications=self.replications, seed=self.seed)

    def fresh(self, seed: int, replications: int, report: object = None) -> Evaluator:
        return NoisyEvaluator(seed, replications)

    def simulate(self, staffings: list[dict[str, int]]) -> Iterator[Evaluation]:
        for staffing in staffings:
            a, b = staffing["a"], staffing["b"]
            values = np.array(
                [
                    surface(staffing)
                    + np.random.default_rng([self.seed, r]).normal(0, 2)
                    + np.random.default_rng([self.seed, r, a, b]).normal(0, 2)
                    for r in range(self.replications)
                ]
            )
            mean, low, high = confidence_interval(values)
            bounds = {"k": one_sided_bound(values, ">=")}
            gap = shortfall(self.targets, bounds)
            evaluation = Evaluation(
                dict(staffing), self.cost(staffing), {"k": mean}, bounds, gap == 0.0, gap
            )
            evaluation.ci95["k"] = (low, high)
            yield evaluation


def test_confirmation_catches_a_lean_choice_and_steps_back_up_the_path() -> None:
    # Seed 254, 3 replications: the search removes posts while the bound still clears 40 and
    # stops at a = 1, b = 4, whose true KPI is 39.7: its noise happened to favour it.
    evaluate = NoisyEvaluator(254, 3)
    result = cheapest_staffing(evaluate, VARS)
    assert result.feasible and result.best is not None and result.best.meets
    assert result.best.staffing == {"a": 1, "b": 4} and surface(result.best.staffing) < 40
    before = result.path[-2]  # the staffing before the last removal: one post more
    assert before.meets and before.staffing == {"a": 2, "b": 4}
    check = confirm(result, evaluate, VARS, 6, step_ups=2)
    assert check.search_seed == 254 and check.seed == confirmation_seed(254) != 254
    first = check.tries[0]
    assert first.search is result.best and first.confirmed.staffing == result.best.staffing
    assert first.confirmed.bounds["k"] < 40 and not check.held  # caught on fresh seeds
    assert len(check.tries) == 2 and check.tries[1].how == "search path"
    assert check.tries[1].search is before and check.accepted is check.tries[1]
    assert check.accepted.confirmed.staffing == {"a": 2, "b": 4}
    assert surface(check.accepted.confirmed.staffing) >= 40


def test_step_ups_are_bounded_and_add_posts_once_the_path_is_used_up() -> None:
    # Seed 58: the choice (a = 3, b = 1, true 39.3) and the one step back up its path
    # (a = 3, b = 2) both miss on fresh seeds; the next try adds a post (a = 4, true 43.6).
    evaluate = NoisyEvaluator(58, 3)
    result = cheapest_staffing(evaluate, VARS)
    assert result.best is not None and surface(result.best.staffing) < 40
    none = confirm(result, evaluate, VARS, 6, step_ups=0)
    assert len(none.tries) == 1 and none.accepted is None
    one = confirm(result, evaluate, VARS, 6, step_ups=1)
    assert [t.how for t in one.tries] == ["search's choice", "search path"]
    assert one.accepted is None  # the bound of tries is kept: no third staffing
    two = confirm(result, evaluate, VARS, 6, step_ups=2, today={"a": 5, "b": 5})
    assert [t.how for t in two.tries] == ["search's choice", "search path", "added post"]
    assert two.accepted is two.tries[2] and two.tries[2].confirmed.staffing == {"a": 4, "b": 2}
    assert two.today is not None and two.today.confirmed.staffing == {"a": 5, "b": 5}
    assert two.today.search is None  # the search never simulated today's staffing here


def test_confirmation_seeds_are_fresh_and_reproducible() -> None:
    assert confirmation_seed(20250227) == confirmation_seed(20250227) != 20250227
    assert len({confirmation_seed(s) for s in range(50)} | set(range(50))) == 100
    checks = []
    for _ in range(2):  # the same command twice: the same confirmation
        evaluate = NoisyEvaluator(254, 3)
        checks.append(confirm(cheapest_staffing(evaluate, VARS), evaluate, VARS, 6))
    assert [t.confirmed.means for t in checks[0].tries] == [
        t.confirmed.means for t in checks[1].tries
    ]
    first = checks[0].tries[0]
    assert first.search is not None and first.confirmed.means != first.search.means
    # The real evaluator: the confirmation's config swaps the seed and the replication count.
    search = Evaluator(
        ["after_decision=none", "run.seed=11", "run.replications=3"], [SURFACE_TARGET]
    )
    fresh = search.fresh(confirmation_seed(11), 6)
    assert "run.seed=11" not in fresh.base and fresh.targets == search.targets
    run = fresh.run()
    assert (search.run().seed, run.seed, run.replications) == (11, confirmation_seed(11), 6)
    assert not run.auto_replications.enabled
    assert load(fresh.base).run.seed != load(search.base).run.seed


def test_confirm_needs_a_choice_and_two_replications() -> None:
    evaluate = NoisyEvaluator(254, 3)
    result = cheapest_staffing(evaluate, VARS)
    with pytest.raises(ValueError, match="at least 2"):
        confirm(result, evaluate, VARS, 1)
    with pytest.raises(ValueError, match="no staffing"):
        confirm(type(result)(None, False), evaluate, VARS, 6)
