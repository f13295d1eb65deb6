"""Arrivals: hour-of-week profiles, hourly rates and the exact non-homogeneous Poisson process.

The statistical tests use a fixed seed, so they are deterministic; each is a test that a correct
generator passes with probability 1 - alpha (alpha = 0.001, stated per test), and the thresholds
come from the sampling distribution of the statistic, not from the output of this seed.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.engine.arrivals import HOURS_PER_WEEK, hour_of_week_weights, hourly_rates, poisson_arrivals

ALPHA = 0.001

# -- hour_of_week_weights ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [1.0, 5.0, 0.01])
def test_one_value_is_flat(value: float) -> None:
    np.testing.assert_array_equal(hour_of_week_weights([value]), np.ones(HOURS_PER_WEEK))


def test_24_values_repeat_every_day_with_mean_one() -> None:
    day = np.arange(24, dtype=float)  # hour 0 has weight 0; mean 11.5
    weights = hour_of_week_weights(day)
    assert weights.shape == (HOURS_PER_WEEK,)
    np.testing.assert_allclose(weights, np.tile(day, 7) / 11.5, rtol=1e-15)
    assert weights.mean() == pytest.approx(1.0, rel=1e-15)
    assert weights[24 * 3 + 10] == weights[10]  # Thursday 10:00 = Monday 10:00


def test_168_values_are_kept_in_order_with_mean_one() -> None:
    week = np.arange(1, HOURS_PER_WEEK + 1, dtype=float)  # mean 84.5
    weights = hour_of_week_weights(week)
    np.testing.assert_allclose(weights, week / 84.5, rtol=1e-15)
    assert weights.mean() == pytest.approx(1.0, rel=1e-15)


def test_input_is_not_modified() -> None:
    week = np.full(HOURS_PER_WEEK, 2.0)
    hour_of_week_weights(week)
    assert (week == 2.0).all()


@pytest.mark.parametrize("size", [0, 2, 23, 25, 167, 169, 336])
def test_other_lengths_are_rejected(size: int) -> None:
    with pytest.raises(ValueError, match="1, 24 or 168"):
        hour_of_week_weights(np.ones(size))


@pytest.mark.parametrize("size", [1, 24, HOURS_PER_WEEK])
@pytest.mark.parametrize("bad", ["negative", "all_zero", "nan", "inf"])
def test_bad_weights_are_rejected(size: int, bad: str) -> None:
    profile = np.zeros(size) if bad == "all_zero" else np.ones(size)
    if bad != "all_zero":
        profile[-1] = {"negative": -0.5, "nan": np.nan, "inf": np.inf}[bad]
    with pytest.raises(ValueError, match="non-negative"):
        hour_of_week_weights(profile)


# -- hourly_rates ---------------------------------------------------------------------------------


def test_hourly_rates_start_weekday_offset() -> None:
    week = np.arange(1, HOURS_PER_WEEK + 1, dtype=float)
    # 8760 contacts a year is 1 an hour on average, so the rate is the weight itself.
    rates = hourly_rates(week, 8760.0, hours=400, start_weekday=2)  # start on a Wednesday
    assert rates.shape == (400,)
    assert rates[0] == pytest.approx(49 / 84.5)  # Wednesday 00:00 is hour-of-week 48
    assert rates[119] == pytest.approx(168 / 84.5)  # Sunday 23:00
    assert rates[120] == pytest.approx(1 / 84.5)  # Monday 00:00 again
    np.testing.assert_array_equal(rates[:232], rates[168:400])  # weekly period


def test_hourly_rates_scale_with_annual_volume() -> None:
    rates = hourly_rates([1.0], 17520.0, hours=8760, start_weekday=0)
    np.testing.assert_allclose(rates, 2.0, rtol=1e-15)
    assert rates.sum() == pytest.approx(17520.0, rel=1e-12)


def test_hourly_rates_growth_compounds_from_time_zero() -> None:
    flat = hourly_rates([1.0], 8760.0, hours=2 * 8760, start_weekday=4)
    grown = hourly_rates([1.0], 8760.0, hours=2 * 8760, start_weekday=4, growth_pct_per_year=10.0)
    hour = np.arange(2 * 8760)
    # Rate at the middle of hour h: base * 1.1 ** ((h + 0.5) / 8760).
    np.testing.assert_allclose(grown, flat * 1.1 ** ((hour + 0.5) / 8760), rtol=1e-12)
    assert grown[8760] / grown[0] == pytest.approx(1.1, rel=1e-12)  # 10% a year later
    # First-year volume: integral of 1.1**t over [0, 1) year = 0.1 / ln 1.1 of the base.
    assert grown[:8760].sum() == pytest.approx(8760 * 0.1 / np.log(1.1), rel=1e-6)


def test_negative_growth_declines() -> None:
    rates = hourly_rates([1.0], 8760.0, hours=8761, start_weekday=0, growth_pct_per_year=-20.0)
    assert rates[8760] / rates[0] == pytest.approx(0.8, rel=1e-12)


# -- poisson_arrivals: an exact non-homogeneous Poisson process -----------------------------------

WEEKS = 1500


def week_profile() -> np.ndarray:
    """Expected arrivals per hour of the week: zero 02:00-05:00, a trickle at night, busy days,
    quiet weekends."""
    night = [0.02, 0.01, 0, 0, 0, 0.01, 0.05, 0.3]  # 00:00-08:00
    working = [1.5, 3.0, 3.5, 3.0, 2.5, 3.0, 3.2, 2.8, 2.0, 1.0]  # 08:00-18:00
    evening = [0.5, 0.3, 0.2, 0.1, 0.05, 0.03]  # 18:00-24:00
    day = np.array([*night, *working, *evening])
    weekend = day * 0.2
    weekend[2:5] = 0.0
    return np.concatenate([np.tile(day, 5), np.tile(weekend, 2)])


@pytest.fixture(scope="module")
def nspp() -> tuple[np.ndarray, np.ndarray]:
    """(expected per hour, arrival times) over WEEKS weeks with a fixed seed."""
    expected = np.tile(week_profile(), WEEKS)
    times = poisson_arrivals(expected, np.random.default_rng(917))
    return expected, times


def test_output_is_sorted_and_inside_the_horizon(nspp: tuple[np.ndarray, np.ndarray]) -> None:
    expected, times = nspp
    assert np.all(np.diff(times) >= 0)
    assert times.min() >= 0 and times.max() < expected.size * 60.0


def test_no_arrivals_in_zero_rate_hours(nspp: tuple[np.ndarray, np.ndarray]) -> None:
    expected, times = nspp
    hour = (times // 60).astype(int)
    assert (expected == 0).sum() == 3 * 7 * WEEKS
    assert np.all(expected[hour] > 0)


def test_counts_per_hour_of_week_match_the_profile(nspp: tuple[np.ndarray, np.ndarray]) -> None:
    """Chi-square goodness of fit at alpha = 0.001.

    The counts in distinct hours are independent Poisson variables with known means, so
    sum((O - E)^2 / E) over the k hours of the week with a positive rate is approximately
    chi-square with k degrees of freedom (no constraint: the total is random too). The smallest
    expected count is 0.002 * 1500 = 3 (weekend nights), the rest are >= 6.
    """
    _, times = nspp
    profile = week_profile()
    observed = np.bincount((times // 60).astype(int) % HOURS_PER_WEEK, minlength=HOURS_PER_WEEK)
    positive = profile > 0
    mean = profile[positive] * WEEKS
    assert mean.min() >= 3
    statistic = float(np.sum((observed[positive] - mean) ** 2 / mean))
    p_value = stats.chi2.sf(statistic, df=int(positive.sum()))
    assert p_value > ALPHA, (statistic, p_value)


def test_hourly_counts_are_poisson_dispersed(nspp: tuple[np.ndarray, np.ndarray]) -> None:
    """Index-of-dispersion test at alpha = 0.001 (two-sided): in the busy hours (mean >= 1) the
    count in each of the WEEKS x k hours is Poisson with known mean, so sum((O - E)^2 / E) is
    approximately chi-square with WEEKS x k degrees of freedom. A generator placing a fixed or
    over-dispersed number of arrivals per hour fails it."""
    expected, times = nspp
    observed = np.bincount((times // 60).astype(int), minlength=expected.size)
    busy = expected >= 1.0
    statistic = float(np.sum((observed[busy] - expected[busy]) ** 2 / expected[busy]))
    df = int(busy.sum())
    p_value = 2 * min(stats.chi2.sf(statistic, df), stats.chi2.cdf(statistic, df))
    assert p_value > ALPHA, (statistic, df, p_value)


def test_total_count_within_four_sd(nspp: tuple[np.ndarray, np.ndarray]) -> None:
    expected, times = nspp
    total = expected.sum()  # the total is Poisson(total): SD = sqrt(total)
    assert abs(times.size - total) < 4 * np.sqrt(total)


def test_positions_within_the_hour_are_uniform(nspp: tuple[np.ndarray, np.ndarray]) -> None:
    """Kolmogorov-Smirnov against U(0, 1) at alpha = 0.001, for all arrivals and for the
    arrivals of the near-zero night hours alone."""
    expected, times = nspp
    position = (times % 60.0) / 60.0
    assert stats.kstest(position, "uniform").pvalue > ALPHA
    quiet = expected[(times // 60).astype(int)] < 0.1
    assert quiet.sum() > 500
    assert stats.kstest(position[quiet], "uniform").pvalue > ALPHA


def test_same_seed_same_arrivals_and_empty_when_no_rate() -> None:
    rates = np.array([0.5, 2.0, 0.0, 3.0])
    first = poisson_arrivals(rates, np.random.default_rng(3))
    np.testing.assert_array_equal(first, poisson_arrivals(rates, np.random.default_rng(3)))
    assert poisson_arrivals(np.zeros(50), np.random.default_rng(3)).size == 0
    assert poisson_arrivals(np.empty(0), np.random.default_rng(3)).size == 0
