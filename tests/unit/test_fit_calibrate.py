"""The fit's calibration (sim/fit/calibrate.py): Newton steps on the default model's slopes,
measured on a stand-in model that is the default's ratios with a bias (a council whose teams
and demand differ), so each round is instant and the answer known."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.fit import calibrate
from sim.fit.arrivals import Interval
from sim.fit.configs import assessment_at
from sim.fit.durations import DurationFit

CONF = Path(__file__).resolve().parents[2] / "conf"
BIAS = (2.4, 3.0)  # this council's model gives 2.4 WD longer and 3 points more over 45 WD


def _extract(median: float, over: float, half: float = 0.5) -> DurationFit:
    within = 100 - over
    return DurationFit(
        days=np.array([int(median)] * 10),
        limit=45,
        within=Interval(within, within - half, within + half),
        median=Interval(median, median - half, median + half),
        candidates=[],
    )


def _biased_model(ran: list[tuple[float, float]]):  # type: ignore[no-untyped-def]
    """A stand-in for :func:`calibrate.measure`: reads the staged inputs back, as a run would."""

    def measure(folder: Path, name: str) -> tuple[float, float, float, float]:
        after = yaml.safe_load((folder / "after_decision" / f"{name}.yaml").read_text())
        base = yaml.safe_load((CONF / "after_decision" / "cheshire_east.yaml").read_text())
        phase = after["assessment"]["visit_gap"]["duration"]["median"]
        scale = phase / base["assessment"]["visit_gap"]["duration"]["median"]
        push = after["assessment"]["deadline_push_probability"]
        ran.append((scale, push))
        median, over = assessment_at(scale, push)
        return median + BIAS[0], 0.2, over + BIAS[1], 0.5

    return measure


def _run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, start: tuple[float, float], rounds: int
) -> tuple[list[calibrate.Round], float, list[tuple[float, float]], DurationFit]:
    ran: list[tuple[float, float]] = []
    monkeypatch.setattr(calibrate, "measure", _biased_model(ran))
    base = yaml.safe_load((CONF / "after_decision" / "cheshire_east.yaml").read_text())
    after = yaml.safe_load((CONF / "after_decision" / "cheshire_east.yaml").read_text())
    calibrate.set_inputs(after, base, *start)
    extract = _extract(*assessment_at(0.95, 0.4))  # what the default model gives at (0.95, 0.4)

    def stage() -> Path:
        (tmp_path / "after_decision").mkdir(exist_ok=True)
        (tmp_path / "after_decision" / "x.yaml").write_text(yaml.safe_dump(after))
        return tmp_path

    done, scale = calibrate.calibrate_assessment(
        after, base, extract, start[0], stage, name="x", rounds=rounds
    )
    return done, scale, ran, extract


def test_a_biased_council_is_brought_onto_its_figures_in_a_few_rounds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    done, scale, ran, extract = _run(monkeypatch, tmp_path, (0.95, 0.4), rounds=4)
    assert len(done) >= 2 and done[-1].close_to(
        extract.median.value, 100 - extract.within.value, extract
    )
    assert not done[0].close_to(extract.median.value, 100 - extract.within.value, extract)
    assert scale < 0.95  # a council that runs long needs shorter phases
    assert ran[-1][0] == pytest.approx(scale, abs=1e-3)  # the inputs written are those measured


def test_out_of_rounds_the_closest_measured_inputs_are_kept_and_said(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    done, scale, _, extract = _run(monkeypatch, tmp_path, (0.95, 0.4), rounds=1)
    assert len(done) == 1 and scale == pytest.approx(0.95)
    notes = calibrate.calibration_notes(done, extract)
    assert "round 1: phases × 0.95" in notes[1] and "not within" in notes[-1]


def test_a_newton_step_on_the_default_model_lands_on_the_target() -> None:
    """The ratios are linear in each input, so one step on the default model itself is exact
    up to the cross term."""
    target = assessment_at(1.1, 0.5)
    start = assessment_at(1.0, 0.75)
    scale, push = calibrate.newton_step(1.0, 0.75, target[0] - start[0], target[1] - start[1])
    assert scale == pytest.approx(1.1, abs=0.02) and push == pytest.approx(0.5, abs=0.05)


def test_a_run_with_nothing_to_measure_leaves_the_ratios_inputs_and_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(calibrate, "measure", lambda folder, name: (math.nan, math.nan, 0.0, 0.0))
    base = yaml.safe_load((CONF / "after_decision" / "cheshire_east.yaml").read_text())
    after = yaml.safe_load((CONF / "after_decision" / "cheshire_east.yaml").read_text())
    calibrate.set_inputs(after, base, 0.9, 0.3)
    extract = _extract(26.0, 16.0)
    done, scale = calibrate.calibrate_assessment(
        after, base, extract, 0.9, lambda: tmp_path, name="x", rounds=3
    )
    assert done == [] and scale == 0.9
    assert after["assessment"]["deadline_push_probability"] == 0.3
    assert "not calibrated" in calibrate.calibration_notes(done, extract)[0]
