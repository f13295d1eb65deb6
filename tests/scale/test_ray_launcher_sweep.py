"""A Hydra sweep through the Ray launcher gives the basic launcher's gathered table.

``hydra/launcher=ray`` (extra ``ray-launcher``) runs each job as a Ray task, here on a local Ray
instance of two CPUs that the launcher starts and stops. hydra-ray-launcher 1.2 caps
cloudpickle below 3, which recent Dask needs, so this extra cannot share a venv with ``dask``
(pyproject.toml declares the conflict) and ``make test-scale`` runs this file in a venv of its
own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.scale.engines import engine, regather, sweep

pytestmark = pytest.mark.scale

RAY_LOCAL = [
    "hydra/launcher=ray",
    "+hydra.launcher.ray.init.num_cpus=2",
    "+hydra.launcher.ray.init.include_dashboard=false",
]


def test_ray_launcher_sweep_gathers_to_the_basic_launchers_table(tmp_path: Path) -> None:
    engine("hydra_plugins.hydra_ray_launcher", "ray-launcher")
    basic_dir, ray_dir = tmp_path / "basic", tmp_path / "ray"
    basic_dir.mkdir()
    ray_dir.mkdir()
    sweep(basic_dir)
    launched = sweep(ray_dir, *RAY_LOCAL)
    regathered = regather(ray_dir)
    pd.testing.assert_frame_equal(regathered, launched)  # frontdoor-gather = end-of-sweep file
    assert list(regathered["status"]) == ["ok", "ok"]
    assert regathered["decision_working_days_mean"].nunique() == 2, "the two jobs differ"
    pd.testing.assert_frame_equal(regathered, regather(basic_dir))
