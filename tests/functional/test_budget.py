"""Budget alignment and frontier: the optimiser on M/M/c, and tiny experiment runs."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.compose import load
from sim.optimise import Evaluator, Target, Variable, cheapest_staffing
from sim.runner import simulate_replications
from sim.theory import mmc_wait_mean

MMC = [
    "validation=mmc",
    "run.replications=3",
    "run.warmup_days=7",
    "run.horizon_days=30",
    "run.drain_days=3",
    "run.jobs=1",
]
TARGET_WAIT = 6.0  # minutes: Erlang C gives 11.4 with c = 4 and 2.8 with c = 5


def test_optimiser_finds_the_erlang_c_staffing() -> None:
    cfg = load(MMC)
    rate = cfg.demand.annual_contacts / (8760 * 60)
    mean = cfg.front_door.screening.duration.mean
    assert mean is not None
    known = next(c for c in range(1, 20) if mmc_wait_mean(rate, mean, c) <= TARGET_WAIT)
    stable = math.floor(rate * mean) + 1  # the smallest c with ρ < 1: where the search starts
    evaluate = Evaluator(MMC, [Target("screening_wait_minutes_mean", "<=", TARGET_WAIT)])
    result = cheapest_staffing(evaluate, [Variable("staffing.pools.servers.staff", stable, 10)])
    assert result.feasible and result.best is not None
    assert result.best.staffing["staffing.pools.servers.staff"] == known == 5
    # Cheapest: the server below misses the target.
    below = evaluate({"staffing.pools.servers.staff": known - 1})
    assert not below.meets and below.cost_gbp < result.best.cost_gbp


def test_budget_too_small_reports_best_achievable() -> None:
    evaluate = Evaluator(MMC, [Target("screening_wait_minutes_mean", "<=", TARGET_WAIT)])
    four = evaluate.cost({"staffing.pools.servers.staff": 4})
    result = cheapest_staffing(evaluate, [Variable("staffing.pools.servers.staff", 3, 10)], four)
    assert not result.feasible and result.best is not None
    assert result.best.staffing["staffing.pools.servers.staff"] == 4


def test_cost_kpis_in_every_run() -> None:
    results = simulate_replications(load(MMC), keep_events=False, progress=False)
    summary = results.summary
    for kpi in ("annual_staff_cost_gbp", "cost_per_contact_gbp", "inappropriate_contact_cost_gbp"):
        assert kpi in summary
    cost = summary["annual_staff_cost_gbp"]
    assert cost["ci95_low"] == cost["mean"] == cost["ci95_high"]  # deterministic
    assert summary["cost_per_referral_gbp"]["mean"] > 0


def test_frontier_and_alignment_tiny(tmp_path: Path) -> None:
    from experiments import budget_alignment, budget_frontier

    out = budget_frontier.main(["--tiny", "--out", str(tmp_path / "frontier")])
    for name in ("frontier.csv", "marginal_value.csv", "staff_costs.csv", "frontier.png"):
        assert (out / name).is_file()
    table = pd.read_csv(out / "frontier.csv")
    assert table["pareto_decision_within_1wd_pct"].any()
    assert "Budget frontier" in (out / "summary.md").read_text()
    result = budget_alignment.main(["--tiny", "--out", str(tmp_path / "align")])
    assert result.best is not None
    assert (tmp_path / "align" / "summary.md").is_file()
    assert (tmp_path / "align" / "evaluations.csv").is_file()
