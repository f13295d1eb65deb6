"""The replications algorithm (Hoad, Robinson & Davies 2010) on synthetic replications.

Each synthetic replication ``r`` draws from its own named stream (seed, r, "synthetic"), as the
model's replications do, so every search here is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pytest
from scipy.special import stdtrit

from sim.analysis.replications import (
    ReplicationReport,
    look_ahead_for,
    precision,
    replications_needed,
)
from sim.engine.streams import make_generator


def normal_runs(
    seed: int, mean: float = 100.0, sd: float = 10.0
) -> Callable[[int], dict[str, float]]:
    def run_one(r: int) -> dict[str, float]:
        return {"x": float(make_generator(seed, r, "synthetic").normal(mean, sd)), "other": 1.0}

    return run_one


def sequence_runs(values: list[float]) -> Callable[[int], Mapping[str, float]]:
    def run_one(r: int) -> Mapping[str, float]:
        return {"x": values[r]}

    return run_one


def precisions(report: ReplicationReport, kpi: str, alpha: float = 0.05) -> dict[int, float]:
    """Precision after each n, recomputed from the report's own values."""
    column = report.values[kpi].to_numpy()
    return {n: precision(column[:n], alpha)[2] for n in range(2, len(column) + 1)}


def first_n_for_cv(cv: float, target: float) -> int:
    """Smallest n with t(0.975, n-1) × cv / √n ≤ target: the answer if s equalled σ exactly."""
    n = 2
    while stdtrit(n - 1, 0.975) * cv / math.sqrt(n) > target:
        n += 1
    return n


def test_converges_at_a_plausible_number_for_the_coefficient_of_variation() -> None:
    # CV 0.1, target ±5%: with s = σ the rule needs n* = 18 replications.
    expected = first_n_for_cv(0.1, 0.05)
    assert expected == 18
    report = replications_needed(normal_runs(2026), ["x"], target=0.05)
    assert report.converged
    # Across seeds 5%-95% of answers fall in [9, 27] (300 seeds, checked when writing).
    assert 9 <= report.n <= 30
    # The median over 50 seeds sits near n*: s is noisy, the rule is not.
    answers = [replications_needed(normal_runs(s), ["x"]).n for s in range(50)]
    assert abs(np.median(answers) - expected) <= 3


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_returned_n_satisfies_the_rule_and_is_the_first_that_does(seed: int) -> None:
    target, look_ahead, initial = 0.05, 5, 3
    report = replications_needed(
        normal_runs(seed), ["x"], target=target, initial=initial, look_ahead=look_ahead
    )
    assert report.converged and report.look_ahead == look_ahead
    # Exactly the answer and its look-ahead were run: nothing more.
    assert len(report.values) == report.n + look_ahead
    prec = precisions(report, "x")
    assert all(prec[m] <= target for m in range(report.n, report.n + look_ahead + 1))
    # No earlier n (from `initial` on) held the precision through its own look-ahead.
    for n in range(initial, report.n):
        assert any(prec[m] > target for m in range(n, n + look_ahead + 1))
    # The table agrees with the recomputation.
    table = report.table[report.table["kpi"] == "x"].set_index("n")
    for n, value in prec.items():
        assert table.loc[n, "precision"] == pytest.approx(value)
        assert table.loc[n, "met"] == (value <= target)


def test_deterministic() -> None:
    first = replications_needed(normal_runs(5), ["x"])
    second = replications_needed(normal_runs(5), ["x"])
    assert first.n == second.n
    pd.testing.assert_frame_equal(first.table, second.table)
    pd.testing.assert_frame_equal(first.values, second.values)


def test_cap_is_respected_and_reported_as_not_converged() -> None:
    calls: list[int] = []

    def run_one(r: int) -> dict[str, float]:
        calls.append(r)
        return normal_runs(7, mean=10.0, sd=10.0)(r)  # CV 1: ±1% needs ~40 000 replications

    report = replications_needed(run_one, ["x"], target=0.01, cap=20)
    assert not report.converged
    assert report.n == 20 and report.look_ahead == 0
    assert calls == list(range(20))
    assert len(report.values) == 20 and report.values["replication"].tolist() == calls
    assert len(report.table) == 20


def test_look_ahead_rejects_precision_that_is_met_briefly_then_lost() -> None:
    # Three near-equal values meet ±5% at n = 3, 4, 5; an outlier at the sixth loses it.
    values = [100.0, 101.0, 100.0, 101.0, 100.0, 160.0] + [100.0, 101.0] * 40
    run_one = sequence_runs(values)
    plain = replications_needed(run_one, ["x"], look_ahead=0)
    assert plain.n == 3  # the plain confidence-interval method stops at once
    short = replications_needed(run_one, ["x"], look_ahead=2)
    assert short.n == 3 and len(short.values) == 5  # the outlier comes after a 2-run look-ahead
    report = replications_needed(run_one, ["x"], look_ahead=5)
    prec = precisions(report, "x")
    assert all(prec[n] <= 0.05 for n in (3, 4, 5)) and prec[6] > 0.05
    assert report.converged and report.n > 6
    assert all(prec[m] <= 0.05 for m in range(report.n, report.n + 6))
    assert prec[report.n - 1] > 0.05  # the answer is where precision was regained


def test_every_kpi_must_meet_the_precision() -> None:
    def run_one(r: int) -> dict[str, float]:
        gen = make_generator(3, r, "synthetic")
        return {"tight": float(gen.normal(100, 1)), "loose": float(gen.normal(100, 20))}

    tight = replications_needed(run_one, ["tight"])
    both = replications_needed(run_one, ["tight", "loose"])
    loose = replications_needed(run_one, ["loose"])
    assert tight.n == 3
    assert both.n >= loose.n > tight.n
    assert set(both.table["kpi"]) == {"tight", "loose"}
    assert len(both.table) == 2 * len(both.values)
    assert list(both.values.columns) == ["replication", "tight", "loose"]
    assert (both.precision_at(both.n) <= 0.05).all()


def test_zero_mean_uses_the_absolute_half_width() -> None:
    mean, half, prec = precision(np.array([-1.0, 1.0, -1.0, 1.0]))
    assert mean == 0.0 and prec == half == pytest.approx(stdtrit(3, 0.975) / math.sqrt(3))

    # A KPI that is always zero (e.g. a wait with unlimited staff) never blocks convergence.
    def run_one(r: int) -> dict[str, float]:
        return {**normal_runs(4)(r), "zero": 0.0}

    assert (
        replications_needed(run_one, ["x", "zero"]).n
        == replications_needed(normal_runs(4), ["x"]).n
    )


def test_nan_values_are_left_out_and_too_few_never_meet() -> None:
    mean, half, prec = precision(np.array([1.0, np.nan]))
    assert mean == 1.0 and math.isnan(half) and math.isnan(prec)
    values = [100.0, np.nan, 100.5, 100.0, 100.5] + [100.0] * 20
    report = replications_needed(sequence_runs(values), ["x"], look_ahead=0)
    assert report.n == 3  # n = 3 holds two values: 100 and 100.5, within ±5%
    assert not report.table.loc[0, "met"]


def test_look_ahead_scales_beyond_100_replications() -> None:
    assert [look_ahead_for(n) for n in (3, 100, 101, 199, 200, 250)] == [5, 5, 5, 9, 10, 12]
    assert look_ahead_for(300, look_ahead=0) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kpis": []}, "at least one KPI"),
        ({"target": 0.0}, "target"),
        ({"alpha": 1.0}, "alpha"),
        ({"initial": 1}, "initial"),
        ({"look_ahead": -1}, "look_ahead"),
        ({"cap": 2}, "cap"),
        ({"kpis": ["missing"]}, r"run_one\(0\) returned no value"),
    ],
)
def test_invalid_settings_are_refused(kwargs: dict[str, object], message: str) -> None:
    settings: dict[str, object] = {"kpis": ["x"], **kwargs}
    with pytest.raises(ValueError, match=message):
        replications_needed(normal_runs(1), **settings)  # type: ignore[arg-type]


def test_a_single_kpi_name_is_accepted() -> None:
    assert (
        replications_needed(normal_runs(1), "x").n == replications_needed(normal_runs(1), ["x"]).n
    )
