"""Hydra multiruns as a user meets them: every job runs into its own folder, and the sweep is
gathered into ``gathered.csv`` (one row per job: overrides, status, KPIs with CIs) — at the end of
the sweep, and afterwards by ``frontdoor-gather`` on any sweep folder, including one where a job
failed and Hydra skipped its end-of-sweep callback."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path

import pandas as pd
import pytest

from sim.gather import expected_jobs, gather, main
from tests.console import TINY_SWEEP
from tests.console import run_module as run
from tests.hooked_frontdoor import FAIL_IF, FAIL_MESSAGE

STAFF = "staffing.pools.social_workers.staff"
SWEEP = TINY_SWEEP


def kpi_columns(table: pd.DataFrame) -> pd.DataFrame:
    return table.loc[:, "error":].iloc[:, 1:]  # every KPI column: they follow status and error


@pytest.fixture(scope="module")
def serial_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-job sweep with Hydra's basic (serial) launcher."""
    cwd = tmp_path_factory.mktemp("serial")
    result = run("sim", "-m", "hydra.sweep.dir=sweep", *SWEEP, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert "Gathered 2 jobs: 2 ok" in result.stdout
    # Not at a terminal: one line per replication and per job, with the time left.
    lines = result.stderr.splitlines()
    assert [line.split(";")[0] for line in lines if line.startswith("sweep: ")] == [
        f"sweep: job 1/2 done ({' '.join(expected_jobs(list(SWEEP))[0])})",
        f"sweep: job 2/2 done ({' '.join(expected_jobs(list(SWEEP))[1])})",
    ]
    assert "about 0:" in next(line for line in lines if line.startswith("sweep: job 1/2"))
    assert sum(line.startswith("baseline: replication ") for line in lines) == 4
    # Each job's table is titled with its overrides, not just the scenario.
    assert f"baseline [{STAFF}=12 run.replications=2" in result.stdout
    return cwd / "sweep"


def test_sweep_is_gathered_into_one_row_per_job(serial_sweep: Path) -> None:
    for job in ("0", "1"):
        assert (serial_sweep / job / "summary.json").is_file()
        status = json.loads((serial_sweep / job / "status.json").read_text())
        assert status["status"] == "ok"
        assert {"summary.json", "replications.csv"} <= set(status["outputs"])
    table = pd.read_csv(serial_sweep / "gathered.csv")  # written by the end-of-sweep callback
    assert list(table["job"]) == [0, 1]
    assert list(table["status"]) == ["ok", "ok"]
    assert list(table[STAFF]) == [10, 12]
    assert table["overrides"][0].startswith(f"{STAFF}=10 run.replications=2")
    assert list(table["replications"]) == [2, 2]
    for column in ("contacts", "decision_working_days_mean", "decision_working_days_mean_ci95_low"):
        assert table[column].notna().all()
    summary = json.loads((serial_sweep / "1" / "summary.json").read_text())
    kpi = summary["kpis"]["decision_within_1wd_pct"]
    assert not [c for c in table.columns if c.endswith("_mean_mean")], "no doubled suffixes"
    assert table["decision_within_1wd_pct"][1] == pytest.approx(kpi["mean"])
    assert table["decision_within_1wd_pct_ci95_high"][1] == pytest.approx(kpi["ci95_high"])
    assert gather(serial_sweep).to_csv(index=False) == (serial_sweep / "gathered.csv").read_text()


@pytest.mark.long
def test_joblib_launcher_gives_the_same_results(serial_sweep: Path, tmp_path: Path) -> None:
    result = run(
        "sim", "-m", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2", "hydra.sweep.dir=sweep",
        *SWEEP, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Joblib.Parallel(n_jobs=2" in result.stdout + result.stderr
    serial = pd.read_csv(serial_sweep / "gathered.csv")
    parallel = pd.read_csv(tmp_path / "sweep" / "gathered.csv")
    assert list(parallel["status"]) == ["ok", "ok"]
    assert list(parallel["overrides"]) == list(serial["overrides"])
    assert len(kpi_columns(serial).columns) > 30
    pd.testing.assert_frame_equal(kpi_columns(parallel), kpi_columns(serial))


@pytest.mark.long  # ≈33 s: a whole sweep; in make test-long
def test_failed_job_is_recorded_and_the_sweep_still_gathered(tmp_path: Path) -> None:
    hooks = {FAIL_IF: f"{STAFF}=12"}
    result = run("sim", "-m", "hydra.sweep.dir=sweep", *SWEEP, cwd=tmp_path, hooks=hooks)
    assert result.returncode != 0
    sweep = tmp_path / "sweep"
    status = json.loads((sweep / "1" / "status.json").read_text())
    assert status["status"] == "failed"
    assert status["error"].startswith(f"RuntimeError: {FAIL_MESSAGE}")
    assert f"{STAFF}=12" in status["overrides"]
    assert not (sweep / "1" / "summary.json").exists()
    assert (sweep / "0" / "summary.json").is_file(), "the other job still ran"
    # Hydra skips on_multirun_end after a failed job (hydra#2284); frontdoor gathers instead.
    assert "Gathered 2 jobs: 1 ok, 1 failed" in result.stdout

    (sweep / "gathered.csv").unlink()
    again = run("sim.gather", str(sweep), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    table = pd.read_csv(sweep / "gathered.csv")
    assert list(table["status"]) == ["ok", "failed"]
    assert list(table[STAFF]) == [10, 12]
    assert pd.isna(table["error"][0])
    assert table["error"][1] == status["error"]
    assert table["contacts"].notna().tolist() == [True, False]


def write_job(sweep: Path, job: str, overrides: list[str], **files: dict[str, object]) -> None:
    folder = sweep / job
    (folder / ".hydra").mkdir(parents=True)
    (folder / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))
    for name, document in files.items():
        (folder / f"{name}.json").write_text(json.dumps(document))


OK = {"status": "ok", "outputs": ["summary.json"]}


def test_job_without_outcome_is_incomplete(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "multirun.yaml").write_text("hydra: {}\n")
    kpis = {"contacts": {"mean": 5.0, "ci95_low": 4.0, "ci95_high": 6.0, "n": 2}}
    summary = {"scenario": "a", "kpis": kpis, "provenance": {"replications": 2}}
    write_job(sweep, "10", ["scenario=c"])  # still running, or killed
    write_job(sweep, "2", ["scenario=b", "run.seed=3"], status={"status": "failed", "error": "E"})
    write_job(sweep, "1", ["scenario=a"], summary=summary, status=OK)
    table = gather(sweep)
    assert list(table["job"]) == ["1", "2", "10"]
    assert list(table["status"]) == ["ok", "failed", "incomplete"]
    assert list(table["overrides"]) == ["scenario=a", "scenario=b run.seed=3", "scenario=c"]
    assert table["run.seed"].tolist()[1] == "3"
    assert table["contacts_ci95_low"].tolist()[0] == 4.0
    assert table["contacts"].isna().tolist() == [False, True, True]
    assert list(table.columns[-3:]) == ["contacts", "contacts_ci95_low", "contacts_ci95_high"]


@pytest.mark.parametrize("folder", ["/nonexistent", "."], ids=["no-such-folder", "not-a-sweep"])
def test_gather_of_a_folder_that_is_not_a_sweep_exits_2(folder: str, tmp_path: Path) -> None:
    result = run("sim.gather", folder, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"frontdoor-gather: error: {folder} is not")
    assert not (tmp_path / "gathered.csv").exists()


def test_frontdoor_gather_is_a_console_script() -> None:
    (script,) = entry_points(group="console_scripts", name="frontdoor-gather")
    assert script.load() is main
