"""Budget alignment: the cheapest staffing that meets targets with stated confidence.

A *target* is a KPI, a direction and a threshold (``decision_within_1wd_pct >= 95``). It is
*met with confidence* when the one-sided 95% Student-t bound over the replications is on the
right side of the threshold: the lower bound for ``>=``, the upper bound for ``<=``.

The search is discrete and greedy over integer staff counts (docs/finance.md explains why not
Optuna): each *variable* is an override key (``staffing.pools.managers.staff``) with bounds.

0. **Ceiling.** If the upper bounds fit the budget, simulate them first. KPIs are monotone in
   staff (up to noise), so if even the most staff the search may use misses a target, no
   staffing within the bounds meets it: the search stops at once and reports that ceiling as
   the best achievable. Climbing to it one post at a time would cost dozens of simulations
   to learn the same thing.
1. **Add.** From the start (the lower bounds, unless a start is given that fits the budget),
   while some target is unmet, try one more of each variable whose cost stays within the
   budget and take the one that cuts the total shortfall most per pound (if none cuts it, the
   cheapest step, at most ``patience`` times in a row). Stop when every target is met, or
   when no step fits the budget (then report the best achievable within the budget).
2. **Remove.** From the feasible staffing, try one fewer of each variable, most expensive
   first, and keep any removal that still meets every target; repeat until none does.
3. **Confirm** (:mod:`sim.confirmation`): the choice is judged again on fresh replications,
   because the search's own seeds are the ones it selected on (the winner's curse).

Every candidate runs on the same seeds (common random numbers), so steps are compared paired.
Costs are deterministic (:mod:`sim.analysis.costs`) and known before a candidate is simulated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis import intervals
from sim.analysis.costs import annual_staff_cost
from sim.analysis.intervals import confidence_interval
from sim.compose import load
from sim.config import Config, RunConfig
from sim.errors import ConfigError
from sim.option_runs import simulate_options

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Target:
    """``kpi op value``, with ``op`` ``>=`` or ``<=``."""

    kpi: str
    op: str
    value: float

    def __post_init__(self) -> None:
        if self.op not in (">=", "<="):
            raise ValueError(f"target op must be >= or <=, not {self.op!r}")

    def __str__(self) -> str:
        return f"{self.kpi} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Variable:
    """An integer staff count to choose: an override key and its bounds."""

    key: str
    low: int
    high: int


@dataclass
class Evaluation:
    """One simulated staffing: its cost, KPI means and one-sided confidence bounds."""

    staffing: dict[str, int]
    cost_gbp: float
    means: dict[str, float]
    bounds: dict[str, float]
    meets: bool
    shortfall: float
    ci95: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass
class SearchResult:
    """The chosen staffing (cheapest feasible, else best within budget) and every evaluation."""

    best: Evaluation | None
    feasible: bool
    evaluations: list[Evaluation] = field(default_factory=list)
    ceiling: Evaluation | None = None  # the upper bounds, when they fit the budget
    start: Evaluation | None = None  # where the add phase began
    path: list[Evaluation] = field(default_factory=list)  # start, each step taken, in order


def one_sided_bound(values: np.ndarray, op: str, level: float = CONFIDENCE) -> float:
    """The one-sided Student-t bound that must clear a target: lower for ``>=``, upper else.

    With one replication there is no interval: the bound is ±infinity (never confident).
    """
    return intervals.one_sided_bound(values, op == ">=", level)


def shortfall(targets: Sequence[Target], bounds: dict[str, float]) -> float:
    """Sum of the bounds' relative distances to unmet targets (0 when all are met)."""
    total = 0.0
    for target in targets:
        bound = bounds[target.kpi]
        if not math.isfinite(bound):
            total += 1e6
            continue
        gap = target.value - bound if target.op == ">=" else bound - target.value
        total += max(0.0, gap) / max(abs(target.value), 1.0)
    return total


def overrides_for(staffing: dict[str, int]) -> list[str]:
    return [f"{key}={value}" for key, value in staffing.items()]


class Evaluator:
    """Builds, costs and simulates candidate staffings, remembering each one."""

    def __init__(
        self,
        base_overrides: Sequence[str],
        targets: Sequence[Target],
        loader: Callable[[list[str]], Config] = load,
        confidence: float = CONFIDENCE,
        report: Callable[[Evaluation], None] | None = None,
    ) -> None:
        self.base = list(base_overrides)
        self.targets = list(targets)
        self.loader = loader
        self.confidence = confidence
        self.report = report  # told of each new evaluation (a long search shows its progress)
        self.cache: dict[tuple[tuple[str, int], ...], Evaluation] = {}
        # Each staffing's config, composed once: a composition costs about a second, and the
        # search asks for a candidate's cost before it simulates it, and again when sorting.
        self._configs: dict[tuple[tuple[str, int], ...], Config] = {}

    def config(self, staffing: dict[str, int]) -> Config:
        key = tuple(sorted(staffing.items()))
        if key not in self._configs:
            self._configs[key] = self.loader(self.base + overrides_for(staffing))
        return self._configs[key]

    def cost(self, staffing: dict[str, int]) -> float:
        return annual_staff_cost(self.config(staffing))

    def run(self) -> RunConfig:
        """The run settings every candidate shares (its seed and replication count)."""
        return self.loader(self.base).run

    def known(self, staffing: dict[str, int]) -> Evaluation | None:
        """The evaluation of ``staffing`` if it was simulated already, without simulating it."""
        return self.cache.get(tuple(sorted(staffing.items())))

    def fresh(
        self, seed: int, replications: int, report: Callable[[Evaluation], None] | None = None
    ) -> Evaluator:
        """The same targets and run settings on other seeds: a new evaluator, its own cache.

        Auto-replications are switched off: the count is the one asked for.
        """
        fixed = ("run.seed=", "run.replications=", "run.auto_replications.enabled=")
        kept = [o for o in self.base if not o.startswith(fixed)]
        extra = [
            f"run.seed={seed}",
            f"run.replications={replications}",
            "run.auto_replications.enabled=false",
        ]
        return Evaluator(kept + extra, self.targets, self.loader, self.confidence, report)

    def __call__(self, staffing: dict[str, int]) -> Evaluation:
        return self.many([staffing])[0]

    def many(self, staffings: Sequence[dict[str, int]]) -> list[Evaluation]:
        """Evaluate several staffings at once: those not yet simulated run together on one
        executor (:mod:`sim.option_runs`), each exactly as it would alone."""
        keys = [tuple(sorted(s.items())) for s in staffings]
        new = [dict(k) for k in dict.fromkeys(keys) if k not in self.cache]
        for staffing, evaluation in zip(new, self.simulate(new), strict=True):
            self.cache[tuple(sorted(staffing.items()))] = evaluation
            if self.report is not None:
                self.report(evaluation)
        return [self.cache[k] for k in keys]

    def simulate(self, staffings: list[dict[str, int]]) -> Iterator[Evaluation]:
        """Simulate staffings never evaluated before, in order (what a test's fake replaces)."""
        if not staffings:
            return
        runs = simulate_options([self.config(s) for s in staffings])
        for staffing, results in zip(staffings, runs, strict=True):
            yield self._evaluation(staffing, results.config, results.replications)

    def _evaluation(self, staffing: dict[str, int], cfg: Config, table: pd.DataFrame) -> Evaluation:
        means, bounds, ci95 = {}, {}, {}
        for target in self.targets:
            if target.kpi not in table:
                known = ", ".join(sorted(str(c) for c in table if str(c).endswith("_pct"))[:6])
                allowed = f"must be a KPI the run reports ({known}, …)"
                raise ConfigError("target", target.kpi, allowed)
            column = table[target.kpi].to_numpy(dtype=float)
            means[target.kpi], low, high = confidence_interval(column)
            ci95[target.kpi] = (low, high)
            bounds[target.kpi] = one_sided_bound(column, target.op, self.confidence)
        gap = shortfall(self.targets, bounds)
        return Evaluation(
            dict(staffing), annual_staff_cost(cfg), means, bounds, gap == 0.0, gap, ci95
        )


def cheapest_staffing(
    evaluate: Evaluator,
    variables: Sequence[Variable],
    budget_gbp: float = math.inf,
    *,
    start: dict[str, int] | None = None,
    max_steps: int = 200,
    patience: int = 2,
) -> SearchResult:
    """Greedy add-then-remove search (module docstring) for the cheapest feasible staffing."""
    bounds = {v.key: v for v in variables}
    current = {v.key: v.low for v in variables}
    if start is not None:
        clipped = {k: min(max(start[k], bounds[k].low), bounds[k].high) for k in start}
        if evaluate.cost({**current, **clipped}) <= budget_gbp:  # else climb from the bottom
            current.update(clipped)
    here = first = evaluate(current)
    path = [first]
    ceiling = None
    top = {v.key: v.high for v in variables}
    if not here.meets and evaluate.cost(top) <= budget_gbp:
        ceiling = evaluate(top)
        if not ceiling.meets:
            tried = list(evaluate.cache.values())
            nearest = min(tried, key=lambda e: (e.shortfall, e.cost_gbp))
            return SearchResult(nearest, False, tried, ceiling, first, path)
    steps = stalled = 0
    while not here.meets and steps < max_steps:
        steps += 1
        options: list[tuple[float, float, Evaluation]] = []
        trials = [
            trial
            for key, var in bounds.items()
            if current[key] < var.high
            for trial in [{**current, key: current[key] + 1}]
            if here.cost_gbp + (evaluate.cost(trial) - here.cost_gbp) <= budget_gbp
        ]
        for trial, result in zip(trials, evaluate.many(trials), strict=True):
            extra = evaluate.cost(trial) - here.cost_gbp
            gain = here.shortfall - result.shortfall
            options.append((gain / max(extra, 1.0), -extra, result))
        if not options:
            break
        gain_per_pound, _, chosen = max(options, key=lambda o: (o[0], o[1]))
        stalled = stalled + 1 if gain_per_pound <= 0 else 0
        if stalled > patience:
            break
        if gain_per_pound <= 0:
            # Nothing helps on its own: take the cheapest step and look again from there.
            chosen = max(options, key=lambda o: o[1])[2]
        current, here = dict(chosen.staffing), chosen
        path.append(here)
    if here.meets:
        improved = True
        while improved:
            improved = False
            order = sorted(
                (k for k in bounds if current[k] > bounds[k].low),
                key=lambda k: -(here.cost_gbp - evaluate.cost({**current, k: current[k] - 1})),
            )
            for key in order:
                fewer = evaluate({**current, key: current[key] - 1})
                if fewer.meets:
                    current, here, improved = dict(fewer.staffing), fewer, True
                    path.append(here)
                    break
    evaluations = list(evaluate.cache.values())
    if here.meets:
        return SearchResult(here, True, evaluations, ceiling, first, path)
    affordable = [e for e in evaluations if e.cost_gbp <= budget_gbp]
    best = min(affordable, key=lambda e: (e.shortfall, e.cost_gbp)) if affordable else None
    return SearchResult(best, False, evaluations, ceiling, first, path)
