"""Budget alignment and frontier: the optimiser on M/M/c, tiny experiment runs, the Pareto flags
on a table whose answer is known, and the verdict on fresh replications for each outcome."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.theory import mmc_wait_mean
from sim.compose import load
from sim.confirmation import Confirmation, ConfirmTry, confirmation_seed
from sim.optimise import (
    Evaluation,
    Evaluator,
    SearchResult,
    Target,
    Variable,
    cheapest_staffing,
)
from sim.runner import simulate_replications

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


def dominated(table: pd.DataFrame, kpi: str) -> list[bool]:
    """Is some other option in the table no dearer and no worse, and better in one of them?"""
    cost, value = table["annual_staff_cost_gbp"].tolist(), table[kpi].tolist()
    return [
        any(
            c2 <= c and v2 >= v and (c2 < c or v2 > v)
            for j, (c2, v2) in enumerate(zip(cost, value, strict=True))
            if j != i and not math.isnan(v2)
        )
        for i, (c, v) in enumerate(zip(cost, value, strict=True))
    ]


def test_pareto_flags_on_a_table_with_a_known_answer() -> None:
    from experiments.budget_frontier import pareto

    table = pd.DataFrame(
        {
            "annual_staff_cost_gbp": [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 0.5],
            "kpi": [10.0, 12.0, 11.0, 12.0, math.nan, 20.0, 20.0, 9.0],
        }
    )
    # 2 is beaten by 1 at the same cost, 3 by 1 at the same value for less; 4 has no value;
    # 5 and 6 tie (neither dominates the other); 7 is the cheapest, so efficient however low.
    expected = [True, True, False, False, False, True, True, True]
    assert pareto(table["annual_staff_cost_gbp"], table["kpi"]) == expected
    # The test's own check agrees: the efficient options are those nobody dominates.
    assert dominated(table, "kpi") == [False, False, True, True, False, False, False, False]


@pytest.mark.long
def test_frontier_and_alignment_tiny(tmp_path: Path) -> None:
    from experiments import budget_alignment, budget_frontier

    out = budget_frontier.main(["--tiny", "--out", str(tmp_path / "frontier")])
    for name in ("frontier.csv", "marginal_value.csv", "staff_costs.csv", "frontier.png"):
        assert (out / name).is_file()
    table = pd.read_csv(out / "frontier.csv")
    kpi = "decision_within_1wd_pct"
    flags = table[f"pareto_{kpi}"].astype(bool).tolist()
    beaten = dominated(table, kpi)
    # No efficient option is dominated by another in the table, and every dominated one is
    # not marked efficient: with the cheapest option always efficient, the flags are exact.
    assert flags == [not b and not math.isnan(v) for b, v in zip(beaten, table[kpi], strict=True)]
    assert len(table) == 2 and "Budget frontier" in (out / "summary.md").read_text()
    result = budget_alignment.main(["--tiny", "--out", str(tmp_path / "align")])
    assert result.best is not None
    assert (tmp_path / "align" / "evaluations.csv").is_file()
    check_confirmation_report(tmp_path / "align", replications=6)


def check_confirmation_report(folder: Path, replications: int) -> None:
    """confirmation.csv is on fresh seeds and agrees with the verdict and recommendation.csv."""
    fresh = pd.read_csv(folder / "confirmation.csv")
    seed = load(budget_alignment_run()).run.seed
    assert set(fresh["seed"]) == {confirmation_seed(seed)} and confirmation_seed(seed) != seed
    assert set(fresh["replications"]) == {replications}
    assert fresh["role"].iloc[0] == "search's choice" and fresh["role"].iloc[-1] == "today"
    kpi = "decision_within_1wd_pct"
    choice = fresh.iloc[0]
    assert choice[f"confirmation_{kpi}"] != choice[f"search_{kpi}"]  # other replications
    verdict = (folder / "summary.md").read_text().split("\n\n")[1]
    recommendation = pd.read_csv(folder / "recommendation.csv").iloc[0]
    picked = fresh[fresh["recommended"].astype(bool)]
    assert len(picked) == 1 and picked["role"].iloc[0] != "today"
    assert recommendation["confirmed"] == picked["meets_targets_confirmation"].iloc[0]
    assert recommendation["annual_staff_cost_gbp"] == picked["annual_staff_cost_gbp"].iloc[0]
    if choice["meets_targets_confirmation"]:
        assert f"confirmed on {replications} fresh replications" in verdict
        assert recommendation["status"] == "confirmed"
    else:
        assert verdict.startswith("**The search's choice did not hold on fresh replications.**")
        assert recommendation["status"] in ("stepped_up", "not_confirmed")
        if recommendation["status"] == "stepped_up":
            held = fresh[fresh["recommended"].astype(bool)].iloc[0]
            assert held["meets_targets_confirmation"] and held["role"].startswith("step up")
            assert f"recommended £{held['annual_staff_cost_gbp']:,.0f} a year" in verdict


def budget_alignment_run() -> list[str]:
    from experiments.budget_alignment import TINY_ALIGN_RUN

    return list(TINY_ALIGN_RUN)


@pytest.mark.long
def test_alignment_confirmation_steps_up_or_warns(tmp_path: Path) -> None:
    from experiments import budget_alignment

    # Two fresh replications give a wide bound, so the choice is judged hard: whatever the
    # outcome, confirmation.csv, the verdict and recommendation.csv must agree.
    target = ["--tiny", "--target", "decision_within_1wd_pct>=60"]
    result = budget_alignment.main([*target, "--confirm-replications", "2", "--out", str(tmp_path)])
    assert result.confirmation is not None and len(result.confirmation.tries) <= 3
    check_confirmation_report(tmp_path, replications=2)
    budget_alignment.main(["--tiny", "--confirm-replications", "0", "--out", str(tmp_path)])
    assert not (tmp_path / "confirmation.csv").exists()  # the stale one is gone too
    text = (tmp_path / "summary.md").read_text()
    assert "Warning: not confirmed on fresh replications" in text.split("\n\n")[1]
    assert pd.read_csv(tmp_path / "recommendation.csv")["status"].tolist() == ["unconfirmed"]


MANAGERS = "staffing.pools.managers.staff"


def _evaluation(managers: int, value: float, target: float = 60.0) -> Evaluation:
    kpi = "decision_within_1wd_pct"
    return Evaluation(
        {MANAGERS: managers},
        70_000.0 * managers,
        {kpi: value + 1},
        {kpi: value},
        value >= target,
        0.0 if value >= target else 1.0,
        {kpi: (value, value + 2)},
    )


def test_verdict_says_whether_the_choice_held_on_fresh_replications() -> None:
    from experiments.alignment_report import verdict

    targets = [Target("decision_within_1wd_pct", ">=", 60.0)]
    choice, more = _evaluation(5, 63.0), _evaluation(6, 64.0)
    result = SearchResult(choice, True, [choice, more])

    def check(*fresh: tuple[str, Evaluation, Evaluation]) -> str:
        tries = [ConfirmTry(how, search, confirmed) for how, search, confirmed in fresh]
        return verdict(result, math.inf, Confirmation(1, 2, 6, tries), targets)

    held = check(("search's choice", choice, _evaluation(5, 61.0)))
    assert "confirmed on 6 fresh replications" in held and "did not hold" not in held
    missed = ("search's choice", choice, _evaluation(5, 58.0))
    stepped = check(missed, ("search path", more, _evaluation(6, 60.5)))
    assert stepped.startswith("**The search's choice did not hold on fresh replications.**")
    assert "(bound 58.0%, target >= 60)" in stepped
    assert "**recommended £420,000 a year** (+£70,000 on the search's choice)" in stepped
    assert "search path: managers 6 (+1)" in stepped
    none = check(missed, ("search path", more, _evaluation(6, 59.0)))
    assert "did not hold" in none and "no staffing is confirmed" in none
    assert "Warning: not confirmed" in verdict(result, math.inf, None, targets)


@pytest.mark.parametrize(
    ("argv", "key"),
    [
        (["--process", "nope"], "--process: 'nope'"),
        (["--target", "decision_within_1wd_pct>>95"], "--target: 'decision_within_1wd_pct>>95'"),
        (["--tiny", "--target", "no_such_kpi>=3"], "target: 'no_such_kpi'"),
        (["--tiny", "run.replications=0"], "run.replications: 0"),
        (["--tiny", "--confidence", "1.5"], "--confidence: 1.5"),
        (["--tiny", "--budget", "-5"], "--budget: -5.0"),
        (["--tiny", "--confirm-replications", "1"], "--confirm-replications: 1"),
        (["--tiny", "--confirm-replications", "many"], "--confirm-replications: 'many'"),
        (["--tiny", "--confirm-step-ups", "-1"], "--confirm-step-ups: -1"),
        (["--tiny", "--confirm-step-ups", "9"], "--confirm-step-ups: 9"),
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


@pytest.mark.long  # ≈9 s: a frontier search; in make test-long
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
