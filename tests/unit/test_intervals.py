"""The Student-t intervals every caller uses agree with scipy's own t-tests, and with the
formulas they replaced bit for bit (so no pinned result moves)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import stdtrit

from sim.analysis.intervals import confidence_interval, one_sided_bound, welch, welch_interval

SAMPLE = np.array([12.1, 9.8, 11.4, 10.2, 13.0, 8.9, 10.7, 11.9])
OTHER = np.array([14.2, 12.5, 15.9, 13.1, 12.0, 16.4])


def test_two_sided_interval_is_scipys() -> None:
    mean, low, high = confidence_interval(SAMPLE, 0.95)
    expected = stats.t.interval(0.95, SAMPLE.size - 1, loc=SAMPLE.mean(), scale=stats.sem(SAMPLE))
    assert mean == pytest.approx(11.0)
    assert (low, high) == pytest.approx(expected, rel=1e-12)
    # By hand: t(0.975, 7) = 2.364624; s = 1.3401; half = 2.364624 × 1.3401 / √8.
    assert high - mean == pytest.approx(2.364624 * SAMPLE.std(ddof=1) / math.sqrt(8), rel=1e-6)


def test_one_sided_bound_is_scipys() -> None:
    sem = stats.sem(SAMPLE)
    low = stats.t.ppf(0.05, SAMPLE.size - 1, loc=SAMPLE.mean(), scale=sem)
    high = stats.t.ppf(0.95, SAMPLE.size - 1, loc=SAMPLE.mean(), scale=sem)
    assert one_sided_bound(SAMPLE, True, 0.95) == pytest.approx(low, rel=1e-12)
    assert one_sided_bound(SAMPLE, False, 0.95) == pytest.approx(high, rel=1e-12)
    assert one_sided_bound(SAMPLE[:1], True, 0.95) == -math.inf
    assert one_sided_bound(SAMPLE[:1], False, 0.95) == math.inf


def test_welch_is_scipys_unequal_variance_t_test() -> None:
    result = stats.ttest_ind(OTHER, SAMPLE, equal_var=False)
    difference, variance, dof = welch(SAMPLE, OTHER)
    assert dof == pytest.approx(result.df, rel=1e-12)
    assert difference / math.sqrt(variance) == pytest.approx(result.statistic, rel=1e-12)
    ci = result.confidence_interval(0.95)
    _, low, high = welch_interval(SAMPLE, OTHER, 0.95)
    assert (low, high) == pytest.approx((ci.low, ci.high), rel=1e-12)


def test_degenerate_samples() -> None:
    nan = (math.nan,) * 3
    assert np.allclose(confidence_interval(np.array([])), nan, equal_nan=True)
    mean, low, high = confidence_interval(np.array([3.0, math.nan]))
    assert mean == 3.0 and math.isnan(low) and math.isnan(high)
    assert welch_interval(np.array([1.0, 1.0]), np.array([3.0, 3.0])) == (2.0, 2.0, 2.0)
    assert math.isnan(welch_interval(np.array([1.0]), OTHER)[1])


@pytest.mark.parametrize("seed", range(20))
def test_bit_identical_to_the_formulas_replaced(seed: int) -> None:
    """sim.runner, sim.analysis.compare and sim.optimise each wrote ``stdtrit`` out by hand; the
    shared functions must give exactly the same floats, or pinned backtest results would move."""
    rng = np.random.default_rng(seed)
    a, b = rng.lognormal(2, 0.5, rng.integers(2, 40)), rng.lognormal(2.1, 0.7, rng.integers(2, 40))
    half = stdtrit(a.size - 1, 0.975) * a.std(ddof=1) / np.sqrt(a.size)
    assert confidence_interval(a) == (a.mean(), a.mean() - half, a.mean() + half)
    bound = a.mean() - stdtrit(a.size - 1, 0.9) * a.std(ddof=1) / math.sqrt(a.size)
    assert one_sided_bound(a, True, 0.9) == bound
    vb, vo = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    dof = (vb + vo) ** 2 / (vb**2 / (a.size - 1) + vo**2 / (b.size - 1))
    d = b.mean() - a.mean()
    half = float(stdtrit(dof, 0.975) * np.sqrt(vb + vo))
    assert welch_interval(a, b) == (d, d - half, d + half)
