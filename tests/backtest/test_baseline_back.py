"""Back-test: a seeded run of the Cheshire East baseline reproduces its pinned KPIs.

Any change to the model, its defaults or its random streams that moves a KPI shows here, named
with its pinned and its new value. When a change is *intended*, regenerate the pins with one
command and say why in the commit:

    .venv/bin/python -m tests.backtest.regenerate

The run's settings, and the KPIs left out because they stay at degenerate values (0, 100,
undefined) at the baseline, are explained in ``tests/backtest/regenerate.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.backtest.regenerate import DROPPED, EXPECTED, baseline_kpis, degenerate

REGENERATE = "if intended: .venv/bin/python -m tests.backtest.regenerate"


@pytest.fixture(scope="module")
def pinned() -> dict[str, float]:
    return json.loads(Path(EXPECTED).read_text())


@pytest.fixture(scope="module")
def now() -> dict[str, float]:
    return baseline_kpis()


def test_same_kpis_as_pinned(pinned: dict[str, float], now: dict[str, float]) -> None:
    new, gone = sorted(set(now) - set(pinned)), sorted(set(pinned) - set(now))
    assert not new and not gone, f"KPI names changed: new {new}, gone {gone}; {REGENERATE}"
    moved = [
        f"  {name}: pinned {pinned[name]!r}, now {now[name]!r}"
        for name in sorted(pinned)
        if now[name] != pytest.approx(pinned[name], rel=1e-9, abs=1e-9)
    ]
    assert not moved, f"{len(moved)} KPIs moved:\n" + "\n".join(moved) + f"\n{REGENERATE}"


def test_every_pinned_kpi_can_catch_a_change(pinned: dict[str, float]) -> None:
    """A pin at 0, 100 or undefined guards nothing: none is pinned, and none is dropped
    without a reason."""
    stuck = sorted(name for name, value in pinned.items() if degenerate(float(value)))
    assert not stuck, f"degenerate pins {stuck}: lengthen the run or add them to DROPPED"
    assert not set(DROPPED) & set(pinned)
    assert all(reason for reason in DROPPED.values())
