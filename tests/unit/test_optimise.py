"""The budget-alignment search on known response surfaces (no simulation).

A fake evaluator turns a staffing into exact KPI values, so each rule of
:func:`sim.optimise.cheapest_staffing` — ceiling check, greedy add, patience, remove, budget —
can be checked against an answer worked out by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from sim.optimise import Evaluation, Evaluator, Target, Variable, cheapest_staffing, shortfall

PRICE = {"a": 50_000.0, "b": 30_000.0}


class FakeEvaluator(Evaluator):
    """KPI = ``surface(staffing)`` with no noise (the bound equals the mean); cost linear."""

    def __init__(self, surface: Callable[[dict[str, int]], float], target: Target) -> None:
        super().__init__([], [target])
        self.surface = surface
        self.calls: list[dict[str, int]] = []

    def cost(self, staffing: dict[str, int]) -> float:
        return sum(PRICE[k] * v for k, v in staffing.items())

    def __call__(self, staffing: dict[str, int]) -> Evaluation:
        key = tuple(sorted(staffing.items()))
        if key not in self.cache:
            self.calls.append(dict(staffing))
            value = self.surface(staffing)
            kpi = self.targets[0].kpi
            bounds = {kpi: value}
            gap = shortfall(self.targets, bounds)
            self.cache[key] = Evaluation(
                dict(staffing), self.cost(staffing), {kpi: value}, bounds, gap == 0.0, gap
            )
        return self.cache[key]


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
