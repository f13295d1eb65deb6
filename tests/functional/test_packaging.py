"""The wheel installs one top-level package, ``sim``, with ``conf/`` inside it as package data.

``tests`` and ``experiments`` must not land in site-packages as top-level packages of their own
(they would shadow a user's), and ``conf`` must not be a namespace portion that another project's
``conf`` could merge with.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UV = REPO / ".tools" / "bin" / "uv"


@pytest.mark.long
@pytest.mark.skipif(not UV.exists() and shutil.which("uv") is None, reason="uv not installed")
def test_the_wheel_holds_sim_alone_with_its_conf(tmp_path: Path) -> None:
    uv = str(UV) if UV.exists() else "uv"
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(tmp_path), "--quiet"],
        cwd=REPO,
        check=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"sim"}
    assert "sim/conf/config.yaml" in names and "sim/conf/run/default.yaml" in names
    assert not any(name.startswith(("conf/", "tests/", "experiments/")) for name in names)
