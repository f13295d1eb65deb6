"""The ``frontdoor`` command as a user meets it: bad input gives one line and exit 2; a good run
leaves a complete run folder."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from sim.engine.eventlog import read_parquet
from tests.console import run_module

SMALL = [
    "run.replications=2",
    "run.warmup_days=3",
    "run.horizon_days=10",
    "run.drain_days=5",
]


def frontdoor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the app as ``python -m sim`` (the same entry point as the console script)."""
    return run_module("sim", *args, cwd=cwd)


BAD_INPUT = [
    pytest.param(["foo=1"], "foo: '1'", id="unknown-key"),
    pytest.param(["+foo=1"], "foo: '1'", id="appended-unknown-key"),
    pytest.param(
        ["staffing.pools.newpool.staff=3"],
        "staffing.pools.newpool.staff: '3'",
        id="unknown-pool-without-plus",
    ),
    pytest.param(["run.replications=-3"], "run.replications: -3", id="negative-replications"),
    pytest.param(["run.replications=abc"], "run.replications: 'abc'", id="wrong-type"),
    pytest.param(["staffing=nope"], "staffing: 'nope'", id="unknown-group-option"),
    pytest.param(
        ["staffing.pools.social_workers.staff=0"],
        "staffing.pools.social_workers.staff: 0",
        id="no-staff",
    ),
    pytest.param(
        ["front_door.screening.duration.dist=weibull"],
        "front_door.screening.duration.dist: 'weibull'",
        id="unknown-distribution",
    ),
    pytest.param(
        ["front_door.decision.handoff.clock=workin"],
        "front_door.decision.handoff.clock: 'workin' is not allowed; must be one of calendar, "
        "working",
        id="bad-enum-clock",
    ),
    pytest.param(
        ["staffing.pools.managers.rota=nights"],
        "staffing.pools.managers.rota: 'nights' is not allowed; must be one of always, office, "
        "out_of_hours",
        id="bad-enum-rota",
    ),
    pytest.param(
        ["run.executor=threads"],
        "run.executor: 'threads' is not allowed; must be one of dask, process, ray, serial",
        id="bad-enum-executor",
    ),
    pytest.param(
        ["demand.sources.police.share=0.5"], "demand.sources.*.share: 1.15", id="shares-not-one"
    ),
    pytest.param(
        ["calendar.opening_hours.friday=[17:00-08:30]"],
        "calendar.opening_hours.friday[0]: '17:00-08:30'",
        id="hours-end-before-start",
    ),
    pytest.param(
        ["calendar.opening_hours.monday=[09:00-12:00,11:00-13:00]"],
        "calendar.opening_hours.monday[1]: '11:00-13:00'",
        id="hours-overlap",
    ),
    pytest.param(
        ["run.warm_start=fork"],
        "run.warm_start: 'fork' is not allowed; must be one of empty, snapshot",
        id="bad-enum-warm-start",
    ),
    pytest.param(
        ["run.warm_start=snapshot", "run.warmup_days=30"],
        "run.settle_days: 28.0 is not allowed; with run.warm_start=snapshot must be at least",
        id="shared-warm-up-too-short",
    ),
    pytest.param(
        ["run.warm_start=snapshot", "backlog=example"],
        "run.warm_start: 'snapshot' is not allowed; must be empty when a backlog file is given",
        id="shared-warm-up-and-backlog",
    ),
    pytest.param(
        ["demand.volume_year_from=2030-01-01"],
        "demand.volume_year_from: '2030-01-01' is not allowed; must be empty (the run's start) "
        "or a date",
        id="volume-year-after-start",
    ),
    pytest.param(["run.seed=[1"], "override: 'run.seed=[1'", id="bad-override-syntax"),
    pytest.param(
        ["validation=mmc", "staffing.pools.servers.time_factor=1.2"],
        "staffing.pools.servers.time_factor: 1.2",
        id="theory-assumption-broken",
    ),
    pytest.param(
        ["-m", "staffing.pools.social_workers.staff=5,0"],
        "staffing.pools.social_workers.staff: 0",
        id="bad-job-in-sweep",
    ),
]


@pytest.mark.parametrize(("args", "expected"), BAD_INPUT)
def test_bad_input_gives_one_line_and_exit_2(
    args: list[str], expected: str, tmp_path: Path
) -> None:
    result = frontdoor(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"frontdoor: error: {expected}"), lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "outputs").exists(), "nothing may run before validation passes"


def _with_local_front_door(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    """``frontdoor front_door=ours`` with ``ours.yaml`` (the checs defaults, then ``body``) in
    a council's own ``--config-dir``."""
    local = tmp_path / "local_conf" / "front_door"
    local.mkdir(parents=True)
    (local / "ours.yaml").write_text("defaults:\n  - checs\n  - _self_\n" + body)
    return frontdoor("--config-dir", str(tmp_path / "local_conf"), "front_door=ours", cwd=tmp_path)


def test_yaml_file_with_a_bad_choice_names_key_value_and_file(tmp_path: Path) -> None:
    result = _with_local_front_door(tmp_path, "decision:\n  handoff:\n    clock: workin\n")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "frontdoor: error: front_door.decision.handoff.clock: 'workin' is not allowed; "
        "must be one of calendar, working (in 'front_door/ours')"
    )


def test_yaml_file_with_probability_above_one_is_rejected(tmp_path: Path) -> None:
    result = _with_local_front_door(tmp_path, "partner_check:\n  probability: 1.5\n")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "frontdoor: error: front_door.partner_check.probability: 1.5 is not allowed; "
        "must be a probability in [0, 1]"
    )


def test_run_writes_a_complete_run_folder(tmp_path: Path) -> None:
    result = frontdoor(*SMALL, "hydra.run.dir=run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "run"
    assert f"Outputs: {folder}" in result.stdout
    # The printed table names KPIs in words with units, the costs among them.
    assert "decided within 1 working day (%)" in result.stdout
    assert "staff cost per contact (£)" in result.stdout

    summary = json.loads((folder / "summary.json").read_text())
    assert summary["scenario"] == "baseline"
    for kpi in ("contacts", "decision_working_days_mean", "decision_within_1wd_pct"):
        assert set(summary["kpis"][kpi]) == {"mean", "ci95_low", "ci95_high", "n"}
        assert summary["kpis"][kpi]["n"] == 2
    assert any(k.startswith("utilisation_") for k in summary["kpis"])
    provenance = summary["provenance"]
    assert provenance["seed"] == 20250227 and provenance["replications"] == 2
    assert {"git", "packages", "config", "overrides"} <= set(provenance)
    assert provenance["packages"]["simpy"]
    assert provenance["config"]["run"]["horizon_days"] == 10

    table = pd.read_csv(folder / "replications.csv")
    assert list(table["replication"]) == [0, 1]
    assert table["contacts"].mean() == pytest.approx(summary["kpis"]["contacts"]["mean"])

    events = read_parquet(folder / "events.parquet")
    assert list(events.columns) == ["replication", "contact_id", "event", "time", "pool"]
    assert set(events["replication"]) == {0, 1}
    for png in ("decision_times.png", "utilisation.png"):
        assert (folder / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (folder / ".hydra" / "config.yaml").exists()
    assert not list(folder.glob(".*.tmp")), "no temporary files left behind"


@pytest.mark.long  # ≈20-30 s, two whole runs; same seed → same results is in test_runner too
def test_same_seed_same_outputs_from_another_directory(tmp_path: Path) -> None:
    first = frontdoor(*SMALL, "hydra.run.dir=a", cwd=tmp_path)
    other = tmp_path / "elsewhere"
    other.mkdir()
    second = frontdoor(*SMALL, "hydra.run.dir=b", cwd=other)
    assert first.returncode == 0 and second.returncode == 0
    a = pd.read_csv(tmp_path / "a" / "replications.csv")
    b = pd.read_csv(other / "b" / "replications.csv")
    pd.testing.assert_frame_equal(a, b)


def test_verification_preset_prints_theory(tmp_path: Path) -> None:
    result = frontdoor(
        "validation=mmc",
        "run.replications=2",
        "run.horizon_days=5",
        "hydra.run.dir=v",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "theory" in result.stdout
    summary = json.loads((tmp_path / "v" / "summary.json").read_text())
    assert summary["scenario"] == "verify_mmc"
    assert summary["theory"]["screening_wait_minutes_mean"] > 0
