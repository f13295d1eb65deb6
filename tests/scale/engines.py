"""What the scale-out tests share: importing an optional engine, and a tiny sweep to compare.

The engines (Dask, Ray, the Hydra submitit and Ray launchers) are optional extras of
pyproject.toml that ``make setup`` does not install. Where one is missing its tests are skipped,
so a plain ``.venv`` passes; ``make test-scale`` installs them into venvs of their own and sets
``FRONTDOOR_SCALE_EXTRAS`` to the extras it installed, and then a missing engine is a failure,
not a skip — a broken install fails CI loudly instead of passing with nothing tested.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from tests.console import TINY_SWEEP, run_module

REQUIRED = "FRONTDOOR_SCALE_EXTRAS"
"""Comma-separated extras that must be importable (set by ``make test-scale``)."""


def engine(module: str, extra: str) -> ModuleType:
    """Import ``module`` of the optional ``extra``: skip if absent, unless it is required."""
    required = {e.strip() for e in os.environ.get(REQUIRED, "").split(",") if e.strip()}
    if extra in required:
        return importlib.import_module(module)  # an ImportError here fails the test
    return pytest.importorskip(
        module, reason=f"needs the optional extra '{extra}' (make test-scale installs it)"
    )


def sweep(cwd: Path, *launcher: str) -> pd.DataFrame:
    """Run :data:`TINY_SWEEP` with ``launcher`` overrides in ``cwd``; its ``gathered.csv``."""
    result = run_module("sim", "-m", *launcher, "hydra.sweep.dir=sweep", *TINY_SWEEP, cwd=cwd)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Gathered 2 jobs: 2 ok" in result.stdout, result.stdout[-3000:]
    return pd.read_csv(cwd / "sweep" / "gathered.csv")


def regather(cwd: Path) -> pd.DataFrame:
    """``frontdoor-gather`` run afresh on the sweep in ``cwd`` (not the end-of-sweep file)."""
    (cwd / "sweep" / "gathered.csv").unlink()
    result = run_module("sim.gather", "sweep", cwd=cwd)
    assert result.returncode == 0, result.stderr[-3000:]
    return pd.read_csv(cwd / "sweep" / "gathered.csv")
