"""Back-test: a short seeded run of the Cheshire East baseline reproduces its pinned KPIs.

Any change to the model, its defaults or its random streams that moves a KPI shows here. When a
change is *intended*, regenerate the pinned values and say why in the commit:

    .venv/bin/python tests/backtest/regenerate.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.backtest.regenerate import EXPECTED, baseline_kpis


@pytest.fixture(scope="module")
def pinned() -> dict[str, float]:
    return json.loads(Path(EXPECTED).read_text())


@pytest.fixture(scope="module")
def now() -> dict[str, float]:
    return baseline_kpis()


def test_same_kpis_as_pinned(pinned: dict[str, float], now: dict[str, float]) -> None:
    assert set(now) == set(pinned), "KPI names changed: regenerate if intended"
    changed = {
        k: (pinned[k], now[k])
        for k in pinned
        if not (
            (pinned[k] is None and math.isnan(now[k]))
            or (pinned[k] is not None and now[k] == pytest.approx(pinned[k], rel=1e-9, abs=1e-9))
        )
    }
    assert not changed, f"KPIs moved (pinned, now): {changed}"
