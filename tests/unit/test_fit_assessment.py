"""List 4's two figures become two inputs: the median the phases' scale, the share over 45 WD
the deadline push at that scale (sim/fit/configs.py, docs/fit.md "From figures to inputs")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.fit.arrivals import Interval
from sim.fit.configs import (
    ASSESSMENT_PHASES,
    ASSESSMENT_RATIOS,
    RATIO_PUSH,
    SCALE_RANGE,
    assessment_at,
    assessment_inputs,
    fitted_after_decision,
    scaled_duration,
)
from sim.fit.durations import DurationFit
from sim.fit.estimates import Fit

CONF = Path(__file__).resolve().parents[2] / "conf"


def _base() -> dict:
    text = (CONF / "after_decision" / "cheshire_east.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _fit(median: float, within: float) -> Fit:
    durations = DurationFit(
        days=np.array([int(median)] * 10),
        limit=45,
        within=Interval(within, within - 2, within + 2),
        median=Interval(median, median - 1, median + 1),
        candidates=[],
    )
    return Fit(assessment=durations)


def test_scaling_a_duration_scales_its_times_and_keeps_its_shape() -> None:
    lognormal = {"dist": "lognormal", "median": 100.0, "percentile": 90, "percentile_value": 250.0}
    assert scaled_duration(lognormal, 1.5) == {
        "dist": "lognormal",
        "median": 150.0,
        "percentile": 90,
        "percentile_value": 375.0,
    }
    assert scaled_duration({"dist": "uniform", "low": 10, "high": 20}, 2.0)["high"] == 40.0
    assert scaled_duration({"dist": "empirical", "values": [1.0, 3.0]}, 2.0)["values"] == [2, 6]


def test_the_ratios_invert_at_the_measured_points() -> None:
    for scale, (m0, m1, o0, o1) in ASSESSMENT_RATIOS.items():
        for push, median, over in ((0.0, m0, o0), (RATIO_PUSH, m1, o1)):
            assert assessment_at(scale, push) == pytest.approx((median, over))
            assert assessment_inputs(median, over) == pytest.approx((scale, push), abs=1e-6)


@pytest.mark.parametrize(("scale", "push"), [(1.0, 0.75), (1.15, 0.4), (1.3, 0.9), (0.9, 0.2)])
def test_the_fitted_inputs_give_back_the_figures_they_came_from(scale: float, push: float) -> None:
    median, over = assessment_at(scale, push)
    after, notes, warnings = fitted_after_decision(_base(), _fit(median, 100 - over))
    assert not warnings
    written = after["assessment"]
    base = _base()["assessment"]
    for phase in ASSESSMENT_PHASES:
        expected = scaled_duration(base[phase]["duration"], round(scale, 3))
        assert written[phase]["duration"] == expected
    assert written["deadline_push_probability"] == pytest.approx(push, abs=2e-3)
    assert written["first_visit"] == base["first_visit"]  # "usually seen promptly": not scaled
    assert any(key.startswith("assessment.visit_gap") for key in notes)


def test_a_median_beyond_the_fits_range_is_written_at_its_edge_and_said() -> None:
    after, _, warnings = fitted_after_decision(_base(), _fit(200.0, 10.0))
    high = SCALE_RANGE[1]
    base = _base()["assessment"]["visit_gap"]["duration"]
    assert after["assessment"]["visit_gap"]["duration"] == scaled_duration(base, high)
    assert any("assessment median 200.0 WD" in w and f"× {high:g} written" in w for w in warnings)
