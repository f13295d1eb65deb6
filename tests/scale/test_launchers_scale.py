"""A Hydra sweep through the submitit launcher gives the basic launcher's gathered table.

``hydra/launcher=submitit_local`` runs each job as a submitit job on this machine — the same
plugin, job pickling and folder layout as ``submitit_slurm`` on a cluster, without a Slurm
queue. Gathered afterwards by ``frontdoor-gather``, the sweep must equal the same sweep run with
Hydra's basic (serial) launcher: every column, overrides and KPIs alike.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.console import run_module
from tests.scale.engines import engine, regather, sweep

pytestmark = pytest.mark.scale


@pytest.fixture(autouse=True)
def submitit() -> None:
    engine("hydra_plugins.hydra_submitit_launcher", "slurm")


def test_submitit_local_sweep_gathers_to_the_basic_launchers_table(tmp_path: Path) -> None:
    basic_dir, submitit_dir = tmp_path / "basic", tmp_path / "submitit"
    basic_dir.mkdir()
    submitit_dir.mkdir()
    sweep(basic_dir)
    launched = sweep(submitit_dir, "hydra/launcher=submitit_local", "hydra.launcher.timeout_min=5")
    assert (submitit_dir / "sweep" / ".submitit").is_dir(), "the jobs ran through submitit"
    regathered = regather(submitit_dir)
    pd.testing.assert_frame_equal(regathered, launched)  # frontdoor-gather = end-of-sweep file
    assert list(regathered["status"]) == ["ok", "ok"]
    assert regathered["decision_working_days_mean"].nunique() == 2, "the two jobs differ"
    pd.testing.assert_frame_equal(regathered, regather(basic_dir))


def test_submitit_slurm_settings_in_docs_scaling_compose(tmp_path: Path) -> None:
    """The worked Slurm example of docs/scaling.md names real launcher settings (no queue
    needed: ``--cfg hydra`` composes the config and prints it without launching)."""
    result = run_module(
        "sim", "--cfg", "hydra", "hydra/launcher=submitit_slurm",
        "hydra.launcher.partition=compute", "hydra.launcher.timeout_min=60",
        "hydra.launcher.cpus_per_task=2", "hydra.launcher.array_parallelism=100",
        "hydra.launcher.mem_gb=4", "run.jobs=2",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    for line in ("partition: compute", "timeout_min: 60", "cpus_per_task: 2",
                 "array_parallelism: 100", "mem_gb: 4", "SlurmLauncher"):  # fmt: skip
        assert line in result.stdout, line
