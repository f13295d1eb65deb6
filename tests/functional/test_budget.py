"""Budget alignment and frontier: the optimiser on M/M/c, and tiny experiment runs."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

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


@pytest.mark.parametrize(
    ("argv", "key"),
    [
        (["--process", "nope"], "--process: 'nope'"),
        (["--target", "decision_within_1wd_pct>>95"], "--target: 'decision_within_1wd_pct>>95'"),
        (["--tiny", "--target", "no_such_kpi>=3"], "target: 'no_such_kpi'"),
        (["--tiny", "run.replications=0"], "run.replications: 0"),
        (["--tiny", "--confidence", "1.5"], "--confidence: 1.5"),
        (["--tiny", "--budget", "-5"], "--budget: -5.0"),
    ],
)
def test_alignment_bad_input_is_one_line_and_exit_2(
    argv: list[str], key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from experiments import budget_alignment

    with pytest.raises(SystemExit) as stop:
        budget_alignment.main([*argv, "--out", str(tmp_path)])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith(f"budget_alignment: error: {key}")


def test_frontier_team_options_change_every_team() -> None:
    """The `current teams±k` options add k social workers to each assessment team and cost
    exactly k × teams × one social worker more."""
    from experiments.budget_frontier import TINY_RUN, Plan, run_options

    short = [o for o in TINY_RUN if o != "after_decision=none"]
    plan = Plan(short, {"managers": [4]}, {"current": []}, [], [], [2])
    table, _ = run_options(plan)
    base, more = table.iloc[0], table.iloc[1]
    assert more["option"] == "current teams+2"
    assert (more["north"], more["south"]) == (base["north"] + 2, base["south"] + 2)
    one = load(short).costs.roles["social_worker"]
    per_post = one.salary_gbp * one.on_cost * (1 - one.vacancy_factor)
    per_post *= (1 - one.agency_share) + one.agency_share * one.agency_premium
    extra = more["annual_staff_cost_gbp"] - base["annual_staff_cost_gbp"]
    assert extra == pytest.approx(4 * per_post)
    assert not math.isnan(more["assessment_within_45wd_pct"])
