"""The wheel installs one top-level package, ``sim``, with ``conf/`` inside it as package data
and the named experiments inside it as ``sim.experiments``.

``tests`` and ``experiments`` must not land in site-packages as top-level packages of their own
(they would shadow a user's), and ``conf`` must not be a namespace portion that another project's
``conf`` could merge with. Installed, ``frontdoor-experiment NAME`` runs an experiment from any
folder (sim/experiment_cli.py).
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UV = REPO / ".tools" / "bin" / "uv"


def build_wheel(folder: Path) -> Path:
    uv = str(UV) if UV.exists() else "uv"
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(folder), "--quiet"],
        cwd=REPO,
        check=True,
        timeout=600,
    )
    (wheel,) = folder.glob("*.whl")
    return wheel


NO_UV = not UV.exists() and shutil.which("uv") is None


@pytest.mark.long
@pytest.mark.skipif(NO_UV, reason="uv not installed")
def test_the_wheel_holds_sim_alone_with_its_conf(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"sim"}
    assert "sim/conf/config.yaml" in names and "sim/conf/run/default.yaml" in names
    assert not any(name.startswith(("conf/", "tests/", "experiments/")) for name in names)
    experiments = {name for name in names if name.startswith("sim/experiments/")}
    sources = {f"sim/experiments/{p.name}" for p in (REPO / "experiments").glob("*.py")}
    assert experiments == sources, "every experiment, and nothing else (no __pycache__)"


@pytest.mark.long
@pytest.mark.skipif(NO_UV, reason="uv not installed")
def test_an_installed_package_runs_the_named_experiments(tmp_path: Path) -> None:
    """Installed in a venv of its own (the shared uv cache makes it seconds), away from the
    checkout, ``frontdoor-experiment staffing --tiny`` writes its report."""
    uv = str(UV) if UV.exists() else "uv"
    wheel = build_wheel(tmp_path / "dist")
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "--quiet", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    install = [uv, "pip", "install", "--quiet", "--python", str(python), str(wheel)]
    subprocess.run(install, check=True, timeout=600)
    away = tmp_path / "away"
    away.mkdir()
    run = subprocess.run(
        [str(venv / "bin" / "frontdoor-experiment"), "staffing", "--tiny", "--out", "report"],
        cwd=away,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={"PATH": "/usr/bin:/bin", "CI": "1", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    assert (away / "report" / "summary.md").is_file()
    assert "staffing: replication 4/4 done" in run.stderr
    module = subprocess.run(
        [str(python), "-c", "import sim.experiments.staffing as s; print(s.__file__)"],
        cwd=away,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "site-packages/sim/experiments/staffing.py" in module.stdout
    top = subprocess.run([str(python), "-c", "import experiments"], cwd=away, check=False)
    assert top.returncode != 0, "no top-level experiments package is installed"
