"""The fit's arithmetic: working days as the DfE counts them, shares and their intervals, the
ICPC lead distribution (no value standing for fewer than 5), and the fitted weekly profile."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.fit.arrivals import poisson_fit, weekly_profile
from sim.fit.durations import lead_distribution, median_interval, wilson, working_days


def _days(pairs: list[tuple[str, str]]) -> list[int]:
    start = pd.Series(pd.to_datetime([a for a, _ in pairs], dayfirst=True))
    end = pd.Series(pd.to_datetime([b for _, b in pairs], dayfirst=True))
    return list(working_days(start, end))


def test_working_days_are_those_after_the_start_up_to_the_end() -> None:
    assert _days(
        [
            ("03/04/2024", "03/04/2024"),  # the same day: 0
            ("05/04/2024", "08/04/2024"),  # Friday → Monday: 1
            ("06/04/2024", "08/04/2024"),  # Saturday → Monday: 1
            ("24/05/2024", "28/05/2024"),  # over the late-May bank holiday (Mon 27th): 1
            ("20/12/2024", "02/01/2025"),  # Christmas, Boxing Day, New Year's Day: 6
        ]
    ) == [0, 1, 1, 1, 6]


def test_wilson_intervals_hold_the_share_and_stay_in_range() -> None:
    share = wilson(45, 200)
    assert share.value == 22.5
    assert share.low < 22.5 < share.high
    assert wilson(0, 10).low == 0.0
    assert wilson(10, 10).high == pytest.approx(100.0)
    assert np.isnan(wilson(0, 0).value)


def test_the_median_interval_covers_the_median() -> None:
    values = np.arange(1.0, 102.0)
    m = median_interval(values)
    assert (m.value, m.low < 51 < m.high) == (51.0, True)


def test_the_lead_distribution_pools_rare_values_without_crossing_the_limit() -> None:
    days = np.array([3] * 2 + [8] * 6 + [12] * 40 + [15] * 3 + [16] * 4 + [25] * 1 + [40] * 2)
    dist = lead_distribution(days, 15)
    values, weights = np.array(dist["values"]), np.array(dist["weights"])
    counts = weights * days.size
    assert np.all(counts >= 5 - 1e-6)  # no value stands for fewer than 5 conferences
    within = weights[values <= 15].sum()
    assert within == pytest.approx(np.mean(days <= 15), abs=1e-4)  # the 15-WD share kept
    assert float(values @ weights) == pytest.approx(days.mean(), abs=0.01)  # and the mean


def test_the_weekly_profile_keeps_the_hour_shape_and_takes_the_fitted_day_ratios() -> None:
    base = ([0.0] * 9 + [1.0] * 8 + [0.0] * 7) * 5 + [0.0] * 48  # weekday office hours only
    weekday = [1.5, 1.4, 1.3, 1.3, 1.2, 0.2, 0.1]
    week = np.array(weekly_profile(base, weekday, None)).reshape(7, 24)
    totals = week.sum(axis=1)
    assert totals / totals.sum() == pytest.approx(np.array(weekday) / sum(weekday), abs=1e-3)
    assert np.all(week[0][:9] == 0)  # Monday night still empty
    assert week[6].sum() > 0  # a Sunday the data shows, shaped like the other days
    timed = weekly_profile(base, weekday, [1 / 24] * 48)
    assert np.allclose(np.array(timed).reshape(7, 24)[0], weekday[0], atol=1e-3)


def test_the_poisson_regression_recovers_a_factor_and_its_interval() -> None:
    rng = np.random.default_rng(7)
    holiday = (np.arange(730) % 7 == 0).astype(float)
    x = np.column_stack([np.ones(730), holiday])
    y = rng.poisson(10.0 * np.where(holiday == 1, 0.3, 1.0)).astype(float)
    beta, cov, dispersion, _ = poisson_fit(y, x)
    se = np.sqrt(cov[1, 1])
    assert np.exp(beta[1] - 1.96 * se) < 0.3 < np.exp(beta[1] + 1.96 * se)
    assert dispersion == pytest.approx(1.0, abs=0.15)


def test_a_date_only_extract_keeps_the_default_hour_shape() -> None:
    from sim.config import SchoolTermsConfig
    from sim.fit.arrivals import fit_arrivals

    dates = pd.date_range("2024-04-01", periods=60, freq="D").repeat(3)
    contacts = pd.DataFrame({"date": dates, "source": "police"})
    fit = fit_arrivals(
        contacts, dt.date(2024, 4, 1), dt.date(2024, 5, 30), SchoolTermsConfig(), ["police"]
    )
    assert fit.hour_of_day is None
    assert fit.sources["police"].count == 180
