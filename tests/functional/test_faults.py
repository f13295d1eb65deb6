"""Fault injection: runs started together, signals at every write stage, a full disk, a killed
sweep. Nothing may be lost and nothing mislabelled: every run folder is owned by one run, and its
``status.json`` says ``ok`` only when every output is in place (docs/runs.md)."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim import lifecycle
from sim.compose import load
from sim.gather import gather, job_status
from sim.lifecycle import LOCK, FolderInUse, claim
from sim.lifecycle import lifecycle as run_lifecycle
from tests.console import run_module, start_module, without_progress
from tests.hooked_frontdoor import PAUSE_AT, STAGE_FILE

TINY = [
    "run.replications=1",
    "run.warmup_days=7",
    "run.horizon_days=7",
    "run.drain_days=1",
    "run.event_log=false",
    "run.plots=false",
]
OUTPUTS_LINE = re.compile(r"^Outputs: (.+)$", re.MULTILINE)


def outputs_folder(stdout: str) -> Path:
    found = OUTPUTS_LINE.findall(stdout)
    assert len(found) == 1, stdout
    return Path(found[0])


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out, err


# -- finding 1: runs and sweeps started in the same second --------------------------------------


@pytest.mark.long  # ≈28 s: two runs at once on 2 cores; in make test-long
def test_two_runs_started_together_get_their_own_folders(tmp_path: Path) -> None:
    procs = {seed: start_module("sim", *TINY, f"run.seed={seed}", cwd=tmp_path) for seed in (1, 3)}
    folders = {}
    for seed, proc in procs.items():
        code, out, err = finish(proc)
        assert code == 0, err
        folders[seed] = outputs_folder(out)
    assert folders[1] != folders[3]
    for seed, folder in folders.items():
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["provenance"]["seed"] == seed, "results filed under another run's folder"
        assert json.loads((folder / "status.json").read_text())["status"] == "ok"
        assert not (folder / LOCK).exists(), "a finished run releases its folder"
    # microsecond time stamp and a random suffix: 00-08-09-459337-1a2b3c-baseline
    assert re.fullmatch(r"\d\d-\d\d-\d\d-\d{6}-[0-9a-f]{6}-baseline", folders[1].name)


@pytest.mark.long  # ≈35 s: a whole sweep; in make test-long
def test_two_sweeps_started_together_keep_their_jobs_apart(tmp_path: Path) -> None:
    seeds = {"a": "1", "b": "5"}  # one job each: a shared folder would mix job 0
    procs = {
        k: start_module("sim", "-m", *TINY, f"run.seed={v}", cwd=tmp_path) for k, v in seeds.items()
    }
    sweeps = set()
    for proc in procs.values():
        code, out, err = finish(proc, timeout=200)
        assert code == 0, err
        assert "Gathered 1 job: 1 ok" in out
        sweeps.add(Path(re.findall(r"-> (.+)gathered.csv", out)[0].rstrip("/")))
    assert len(sweeps) == 2
    seen = set()
    for sweep in sweeps:
        table = gather(sweep)
        for _, row in table.iterrows():
            summary = json.loads((sweep / str(row["job"]) / "summary.json").read_text())
            assert str(summary["provenance"]["seed"]) == row["run.seed"], "mislabelled row"
            seen.add(row["run.seed"])
    assert seen == {"1", "5"}


# -- finding 2: the lifecycle of a folder -------------------------------------------------------


def test_a_folder_owned_by_a_live_run_is_refused(tmp_path: Path) -> None:
    (tmp_path / LOCK).write_text(f"{os.getppid()}\n")  # the parent: alive, not this process
    with pytest.raises(FolderInUse, match="in use by another run"):
        claim(tmp_path)
    assert (tmp_path / LOCK).read_text() == f"{os.getppid()}\n"


def test_a_stale_lock_is_taken_over_and_the_previous_outputs_cleared(tmp_path: Path) -> None:
    dead = subprocess.run(["true"], check=True)  # a process that has certainly exited
    (tmp_path / LOCK).write_text("999999999\n")
    assert dead.returncode == 0
    for name in ("summary.json", "replications.csv", ".summary.json.abc.tmp"):
        (tmp_path / name).write_text("old run")
    (tmp_path / "notes.txt").write_text("the user's own file")
    with run_lifecycle(tmp_path, ["run.seed=2"]) as started:
        status = json.loads((tmp_path / "status.json").read_text())
        assert status["status"] == "running" and status["pid"] == os.getpid()
        assert status["overrides"] == ["run.seed=2"] and status["started"] == started["started"]
        assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK, "notes.txt", "status.json"]
    assert not (tmp_path / LOCK).exists()


def test_a_rerun_that_fails_leaves_no_outputs_of_the_run_before(tmp_path: Path) -> None:
    (tmp_path / "replications.csv").write_text("from the run before")
    with pytest.raises(RuntimeError), run_lifecycle(tmp_path, []):
        (tmp_path / "summary.json").write_text("{}")  # a partial output of this run
        raise RuntimeError("boom")
    status = json.loads((tmp_path / "status.json").read_text())
    assert (status["status"], status["error"]) == ("failed", "RuntimeError: boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status.json"]


STAGES = ["status.json#1", "summary.json", "replications.csv", "queue_by_hour_of_week.csv",
          "status.json#2"]  # fmt: skip
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"never reached {path.name}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def tiny_results() -> tuple[Any, Any]:
    """One tiny simulated run, to be written again and again by forked writers (whose imports
    are done here once, so each child only writes)."""
    import sim.cli
    import sim.report.plots
    import sim.report.table
    from sim.runner import simulate_replications

    assert sim.cli.execute and sim.report.plots.write_plots and sim.report.table.print_kpis

    cfg = load(TINY)
    return cfg, simulate_replications(cfg, progress=False)


def _forked_writer(folder: Path, stage: str, ready: Path, results: Any) -> int:
    """Fork a child that writes a run folder as ``frontdoor`` does (signals caught as by
    ``sim.cli.main``), pausing between the temporary file and the rename of ``stage``."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the child: never returns to pytest
        from sim import atomic, runner
        from sim.cli import execute
        from sim.lifecycle import Interrupted, catch_signals
        from sim.report import files

        name, _, nth = stage.partition("#")
        seen = [0]
        real = atomic.write_atomic

        def slow(path: Path, write: Callable[[Path], None]) -> Path:
            if path.name == name:
                seen[0] += 1
                if seen[0] == int(nth or 1):

                    def paused(tmp: Path) -> None:
                        write(tmp)
                        ready.write_text("here")
                        time.sleep(30)

                    return real(path, paused)
            return real(path, write)

        atomic.write_atomic = slow  # type: ignore[assignment]  # status.json (lifecycle)
        files.write_atomic = slow  # type: ignore[assignment]  # the run folder's outputs
        files.provenance = lambda *a: {"stubbed": True}  # git and package versions: slow
        runner.simulate_replications = lambda *a, **k: results[1]  # type: ignore[assignment]
        try:
            with contextlib.redirect_stdout(io.StringIO()), catch_signals():
                execute(results[0], folder, [], progress=False)
            code = 0
        except Interrupted as stop:
            code = stop.exit_code
    finally:
        os._exit(code)


@pytest.mark.long  # ≈31 s, each write stage; the SIGTERM command test stays in make test
def test_signals_at_every_write_stage(tmp_path: Path, tiny_results: tuple[Any, Any]) -> None:
    """SIGINT, SIGTERM and SIGKILL while each file of a run is being written: interrupted and
    clean (no partial outputs, no temporary files), or — after SIGKILL, which cannot be caught —
    never taken for complete."""
    for signum in SIGNALS:
        for stage in STAGES:
            case = f"{signum.name}-{stage}"
            folder, ready = tmp_path / case, tmp_path / f"{case}.ready"
            pid = _forked_writer(folder, stage, ready, tiny_results)
            deadline = time.monotonic() + 60
            while not ready.exists():
                assert time.monotonic() < deadline, f"{case}: never reached"
                time.sleep(0.01)
            os.kill(pid, signum)
            _, wait_status = os.waitpid(pid, 0)
            left = sorted(p.name for p in folder.iterdir())
            if signum == signal.SIGKILL:
                assert os.WTERMSIG(wait_status) == signal.SIGKILL
                assert job_status(folder)[0] == "incomplete", (case, left)
                with run_lifecycle(folder, []):  # the next run into the folder clears it
                    assert sorted(p.name for p in folder.iterdir()) == [LOCK, "status.json"]
                continue
            assert os.waitstatus_to_exitcode(wait_status) == 128 + signum, case
            status = json.loads((folder / "status.json").read_text())
            assert (status["status"], status["error"]) == ("interrupted", signum.name), case
            assert left == ["status.json"], (case, left)
            assert job_status(folder)[0] == "interrupted"


@pytest.mark.parametrize(
    ("signum", "stage"),
    [
        # ≈15 s each: SIGINT (the same stop, another signal) in make test-long
        pytest.param(signal.SIGINT, "summary.json", marks=pytest.mark.long),
        (signal.SIGTERM, "status.json#2"),
    ],
    ids=["SIGINT", "SIGTERM"],
)
def test_the_command_stopped_by_a_signal_says_so_in_one_line(
    signum: signal.Signals, stage: str, tmp_path: Path
) -> None:
    hooks = {PAUSE_AT: stage, STAGE_FILE: str(tmp_path / "stage")}
    proc = start_module("sim", *TINY, "hydra.run.dir=run", cwd=tmp_path, hooks=hooks)
    _wait_for(tmp_path / "stage", proc)
    proc.send_signal(signum)
    code, out, err = finish(proc)
    assert code == 128 + signum, err
    assert without_progress(err) == [
        f"frontdoor: interrupted by {signum.name}; nothing more was run"
    ]
    assert "Outputs:" not in out
    left = sorted(p.name for p in (tmp_path / "run").iterdir() if p.name != ".hydra")
    assert left == ["frontdoor.log", "status.json"]
    assert json.loads((tmp_path / "run" / "status.json").read_text())["status"] == "interrupted"


@pytest.mark.long  # ≈35 s: a whole sweep; in make test-long
def test_a_sweep_stopped_in_its_first_job_gathers_it_interrupted_and_the_rest_missing(
    tmp_path: Path,
) -> None:
    hooks = {PAUSE_AT: "replications.csv", STAGE_FILE: str(tmp_path / "stage")}
    args = ["-m", "hydra.sweep.dir=sweep", *TINY, "run.seed=1,2,3"]
    proc = start_module("sim", *args, cwd=tmp_path, hooks=hooks)
    _wait_for(tmp_path / "stage", proc)
    proc.send_signal(signal.SIGTERM)
    code, out, err = finish(proc)
    assert code == 143, err
    assert "Gathered 3 jobs: 1 interrupted, 2 missing" in out
    table = pd.read_csv(tmp_path / "sweep" / "gathered.csv")
    assert list(table["status"]) == ["interrupted", "missing", "missing"]
    assert list(table["run.seed"]) == [1, 2, 3]
    assert list(table.columns)[-1] == "error", "no KPIs from unfinished jobs"


# -- a full disk --------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 kB tmpfs: room for status.json, not for a run's outputs."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_at_the_command_line_is_one_line_and_a_failed_status(tmp_path: Path) -> None:
    """100 kB: room for Hydra's .hydra/ (≈ 36 kB) and status.json, not for summary.json."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()!r}")
    try:
        result = run_module("sim", *TINY, f"hydra.run.dir={disk / 'run'}", cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert without_progress(result.stderr) == [
            f"frontdoor: error: {disk / 'run'}: OSError: [Errno 28] No space left on device "
            "(run failed)"
        ]
        status = json.loads((disk / "run" / "status.json").read_text())
        assert status["status"] == "failed"
        assert not (disk / "run" / "summary.json").exists()
        assert not list((disk / "run").glob(".*.tmp"))
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_full_disk_fails_the_run_and_leaves_no_partial_outputs(small_disk: Path) -> None:
    from sim.cli import execute

    cfg = load([*TINY, "run.plots=true"])
    folder = small_disk / "run"
    with pytest.raises(OSError) as raised:
        execute(cfg, folder, ["run.plots=true"], progress=False)  # type: ignore[arg-type]
    assert raised.value.errno == errno.ENOSPC
    status = json.loads((folder / "status.json").read_text())
    assert status["status"] == "failed" and "No space left" in status["error"]
    assert sorted(p.name for p in folder.iterdir()) == ["status.json"]
    assert job_status(folder)[0] == "failed"


def test_an_injected_write_error_is_recorded_as_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.cli import execute
    from sim.report import files

    real = files.write_atomic

    def full(path: Path, write: object) -> Path:
        if path.name == "replications.csv":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, write)  # type: ignore[arg-type]

    monkeypatch.setattr(files, "write_atomic", full)
    with pytest.raises(OSError):
        execute(load(TINY), tmp_path, [], progress=False)  # type: ignore[arg-type]
    status = json.loads((tmp_path / "status.json").read_text())
    assert status["status"] == "failed"
    assert not (tmp_path / "summary.json").exists(), "summary.json beside a failed status"
    assert lifecycle.STATUS in os.listdir(tmp_path)


def test_gather_never_crashes_on_wrong_shapes_or_encodings(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "multirun.yaml").write_text("hydra: {}\n")
    shapes = {
        "0": {"status.json": "[1, 2]", "summary.json": '{"kpis": 3}'},
        "1": {"status.json": '{"status": "ok", "outputs": 5}', "summary.json": '{"kpis": [1]}'},
        "2": {"status.json": '{"status": "ok"}', "summary.json": '{"provenance": 1, "kpis": {"x": 1}}'},  # noqa: E501
        "3": {"status.json": '{"status": "ok", "outputs": ["gone.csv"]}', "summary.json": "{}"},
    }  # fmt: skip
    for job, files in shapes.items():
        (sweep / job / ".hydra").mkdir(parents=True)
        (sweep / job / ".hydra" / "overrides.yaml").write_bytes(b"- run.seed=\xff\xfe\n")
        for name, text in files.items():
            (sweep / job / name).write_text(text)
    (sweep / "jobs.json").write_text('{"jobs": [["run.seed=1"], 7, ["a=b"], [], ["x=1"]]}')
    table = gather(sweep)
    assert list(table["status"]) == ["incomplete", "ok", "ok", "incomplete", "missing"]
    assert table["x_mean"].isna().all()
    assert list(table["overrides"])[4] == "x=1"
    result = run_module("sim.gather", str(sweep), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Gathered 5 jobs: 2 ok, 2 incomplete, 1 missing" in result.stdout
