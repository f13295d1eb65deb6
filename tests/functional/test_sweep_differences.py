"""Paired differences and tidy tables of a gathered sweep (issue 15).

A 2×2 sweep (scenario × staffing) on common random numbers, its baseline named by the Hydra
callback's setting: the gathered paired differences and interaction contrasts must equal what
the jobs' own ``replications.csv`` give when computed here by hand (numpy and SciPy, not
:mod:`sim.analysis.compare`), the paired interval must be narrower than the unpaired one, and
the long tables must hold the same numbers as the wide one. Jobs that do not share the
baseline's seed and replication count are refused with one line.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.console import TINY_RUN
from tests.console import run_module as run

BASELINE = "scenario=baseline staffing=current"
FACTORIAL = [
    "scenario=baseline,integrated_front_door",
    "staffing=current,plus_2_social_workers",
    *[o for o in TINY_RUN if not o.startswith("run.replications=")],
    "run.replications=4",
    "run.jobs=1",
]
KPI = "decision_within_1wd_pct"


@pytest.fixture(scope="module")
def factorial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = tmp_path_factory.mktemp("factorial")
    setting = f'hydra.callbacks.gather.baseline="{BASELINE}"'
    result = run("sim", "-m", "hydra.sweep.dir=sweep", *FACTORIAL, setting, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert "Gathered 4 jobs: 4 ok" in result.stdout
    assert "Paired differences from job 0 [scenario=baseline staffing=current]" in result.stdout
    return cwd / "sweep"


def replications(sweep: Path, job: int) -> pd.DataFrame:
    return pd.read_csv(sweep / str(job) / "replications.csv").set_index("replication")


def by_hand(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and Student-t 95% interval, written out."""
    half = stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return float(values.mean()), float(values.mean() - half), float(values.mean() + half)


def test_paired_differences_equal_those_of_the_replication_tables(factorial: Path) -> None:
    diffs = pd.read_csv(factorial / "gathered_differences.csv")
    assert sorted(diffs["job"].unique()) == [1, 2, 3], "every job but the baseline"
    base = replications(factorial, 0)
    checked = 0
    for job in (1, 2, 3):
        other = replications(factorial, job)
        rows = diffs[diffs["job"] == job].set_index("kpi")
        for kpi in (KPI, "decision_working_days_mean", "utilisation_social_workers"):
            d = (other[kpi] - base[kpi]).to_numpy()
            mean, low, high = by_hand(d)
            row = rows.loc[kpi]
            assert row["difference"] == pytest.approx(mean, abs=1e-9)
            assert row["ci_low"] == pytest.approx(low, abs=1e-9)
            assert row["ci_high"] == pytest.approx(high, abs=1e-9)
            assert row["n"] == 4
            assert bool(row["real"]) == (low > 0 or high < 0)
            checked += 1
    assert checked == 9
    # The swept keys are columns of the table, the values as given on the command line.
    job3 = diffs[diffs["job"] == 3].iloc[0]
    assert (job3["scenario"], job3["staffing"]) == (
        "integrated_front_door",
        "plus_2_social_workers",
    )
    # Money in whole pounds: +2 social workers cost the same every replication.
    money = diffs[(diffs["kpi"] == "annual_staff_cost_gbp") & (diffs["job"] == 1)].iloc[0]
    assert money["difference"] > 0 and money["difference"] == round(money["difference"])


def test_paired_interval_is_narrower_than_the_unpaired_one(factorial: Path) -> None:
    diffs = pd.read_csv(factorial / "gathered_differences.csv").set_index(["job", "kpi"])
    base, other = replications(factorial, 0), replications(factorial, 1)
    for kpi in (KPI, "decision_working_days_mean"):
        b, o = base[kpi].to_numpy(), other[kpi].to_numpy()
        vb, vo = b.var(ddof=1) / b.size, o.var(ddof=1) / o.size
        dof = (vb + vo) ** 2 / (vb**2 / (b.size - 1) + vo**2 / (o.size - 1))
        unpaired = 2 * stats.t.ppf(0.975, dof) * np.sqrt(vb + vo)
        paired = diffs.loc[(1, kpi), "ci_high"] - diffs.loc[(1, kpi), "ci_low"]
        assert paired < unpaired, (kpi, paired, unpaired)


def test_interaction_contrast_of_the_2x2(factorial: Path) -> None:
    table = pd.read_csv(factorial / "gathered_interactions.csv")
    assert set(table["change"]) == {"staffing: current -> plus_2_social_workers"}
    assert set(table["under"]) == {"scenario=integrated_front_door"}
    assert set(table["instead_of"]) == {"scenario=baseline"}
    row = table.set_index("kpi").loc[KPI]
    y00, y01, y10, y11 = (replications(factorial, j)[KPI] for j in (0, 1, 2, 3))
    under, instead = (y11 - y10).to_numpy(), (y01 - y00).to_numpy()
    assert row["effect_under"] == pytest.approx(under.mean(), abs=1e-9)
    assert row["effect_instead_of"] == pytest.approx(instead.mean(), abs=1e-9)
    mean, low, high = by_hand(under - instead)
    assert row["interaction"] == pytest.approx(mean, abs=1e-9)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-9)
    assert row["effect_under_ci_low"] == pytest.approx(by_hand(under)[1], abs=1e-9)


def test_long_tables_hold_the_wide_tables_numbers(factorial: Path) -> None:
    wide = pd.read_csv(factorial / "gathered.csv")
    long = pd.read_parquet(factorial / "gathered_long.parquet")
    assert list(long.columns) == [
        "job", "scenario", "staffing", "kpi", "mean", "ci95_low", "ci95_high", "n", "status",
    ]  # fmt: skip
    counts = [len(json.loads((factorial / j / "summary.json").read_text())["kpis"]) for j in "0123"]
    assert len(long) == sum(counts), "one row per job and KPI (the hub has more pools)"
    row = long[(long["job"] == "2") & (long["kpi"] == KPI)].iloc[0]
    assert row["mean"] == pytest.approx(wide.loc[2, KPI])
    assert row["ci95_high"] == pytest.approx(wide.loc[2, f"{KPI}_ci95_high"])
    assert (row["n"], row["status"], row["scenario"]) == (4, "ok", "integrated_front_door")
    assert pd.read_csv(factorial / "gathered_long.csv").shape == long.shape
    money = long[long["kpi"] == "cost_per_contact_gbp"]["mean"]
    assert (money == money.round()).all(), "money in whole pounds"
    assert (wide["cost_per_contact_gbp"] == wide["cost_per_contact_gbp"].round()).all()

    reps = pd.read_parquet(factorial / "gathered_replications.parquet")
    assert list(reps.columns) == ["job", "scenario", "staffing", "replication", "kpi", "value"]
    assert len(reps) == 4 * sum(replications(factorial, j).shape[1] for j in range(4))
    mine = reps[(reps["job"] == "3") & (reps["kpi"] == KPI)].set_index("replication")["value"]
    pd.testing.assert_series_equal(
        mine, replications(factorial, 3)[KPI], check_names=False, check_index_type=False
    )


def test_frontdoor_gather_baseline_gives_the_callbacks_tables(factorial: Path) -> None:
    written = (factorial / "gathered_differences.csv").read_text()
    result = run("sim.gather", str(factorial), "--baseline", BASELINE, cwd=factorial)
    assert result.returncode == 0, result.stderr
    assert (factorial / "gathered_differences.csv").read_text() == written
    by_number = run("sim.gather", str(factorial), "--baseline", "0", cwd=factorial)
    assert by_number.returncode == 0, by_number.stderr


def write_job(sweep: Path, job: str, seed: int, reps: int) -> None:
    folder = sweep / job
    (folder / ".hydra").mkdir(parents=True)
    (folder / ".hydra" / "overrides.yaml").write_text(f"- run.seed={seed}\n")
    table = pd.DataFrame({"replication": range(reps), "x": np.arange(reps) + seed})
    table.to_csv(folder / "replications.csv", index=False)
    x = {"mean": 1.0, "ci95_low": 0.0, "ci95_high": 2.0, "n": reps}
    provenance = {"seed": seed, "replications": reps}
    summary = {"kpis": {"x": x}, "provenance": provenance}
    (folder / "summary.json").write_text(json.dumps(summary))
    outputs = ["summary.json", "replications.csv"]
    (folder / "status.json").write_text(json.dumps({"status": "ok", "outputs": outputs}))


def test_jobs_not_sharing_seed_and_replications_are_refused_one_line_each(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "multirun.yaml").write_text("hydra: {}\n")
    write_job(sweep, "0", seed=1, reps=3)
    write_job(sweep, "1", seed=2, reps=3)
    write_job(sweep, "2", seed=1, reps=5)
    write_job(sweep, "3", seed=1, reps=3)  # pairs
    result = run("sim.gather", str(sweep), "--baseline", "run.seed=1", cwd=tmp_path)
    assert result.returncode == 2
    assert "matches jobs 0, 2, 3" in result.stderr and len(result.stderr.splitlines()) == 1
    result = run("sim.gather", str(sweep), "--baseline", "0", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[1] for line in lines] == [" error", " error"], result.stderr
    assert lines[0].startswith("frontdoor-gather: error: job 1: not paired with the baseline")
    assert "seed 2 with 3 replications" in lines[0] and "run.seed and run.replications" in lines[0]
    assert lines[1].startswith("frontdoor-gather: error: job 2:") and "5 replications" in lines[1]
    diffs = pd.read_csv(sweep / "gathered_differences.csv")
    assert list(diffs["job"]) == [3], "the job that pairs is still compared"
    assert diffs["difference"].tolist() == [0.0]
    assert (sweep / "gathered.csv").is_file()
    again = run("sim.gather", str(sweep), "--baseline", "run.seed=9", cwd=tmp_path)
    assert again.returncode == 2
    assert not (sweep / "gathered_differences.csv").exists(), "no stale differences left"


def test_a_baseline_naming_no_job_is_one_line(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "multirun.yaml").write_text("hydra: {}\n")
    write_job(sweep, "0", seed=1, reps=3)
    result = run("sim.gather", str(sweep), "--baseline", "scenario=nope", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "frontdoor-gather: error: --baseline 'scenario=nope' names no ok job of the sweep "
        "(ok jobs: 0: run.seed=1)"
    )


def test_a_sweep_whose_baseline_setting_names_no_job_stops_before_it_runs(tmp_path: Path) -> None:
    setting = 'hydra.callbacks.gather.baseline="staffing=nope"'
    result = run("sim", "-m", "hydra.sweep.dir=sweep", *FACTORIAL, setting, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "frontdoor: error: hydra.callbacks.gather.baseline: 'staffing=nope' is not allowed; "
        "must name exactly one job of the sweep by its key=value overrides (it names 0 of 4)"
    )
    assert not (tmp_path / "sweep").exists(), "nothing ran"
