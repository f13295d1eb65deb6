"""Contact arrivals: a non-homogeneous Poisson process per source, exact for hourly rates.

Rates are piecewise constant by the hour (an hour-of-week profile scaled to an annual volume,
with a growth trend). The process is generated **exactly** rather than by thinning: the count in
each hour is Poisson with that hour's mean, and the arrivals within the hour are uniform. For a
piecewise-constant rate this is the same process as inverting the cumulative rate, it needs no
upper bound on the rate, and an hour whose rate is zero (a school at 3 a.m.) simply has no
arrivals — the failure mode of thinning with long overnight gaps (sim-tools issue #76) cannot
occur.

All draws for a source come from that source's own named stream, so adding a source, or changing
another source's volume, leaves this source's contacts unchanged (common random numbers).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

HOURS_PER_WEEK = 168
HOURS_PER_YEAR = 8760.0
MINUTES_PER_HOUR = 60.0


def hour_of_week_weights(profile: Sequence[float]) -> np.ndarray:
    """Expand a 1-, 24- or 168-value profile to 168 hour-of-week weights with mean 1.

    Monday 00:00–01:00 is hour 0. A 24-value profile repeats every day.
    """
    values = np.asarray(profile, dtype=float).ravel()
    if values.size not in (1, 24, HOURS_PER_WEEK):
        raise ValueError(f"a profile has 1, 24 or 168 values, not {values.size}")
    # Checked before expanding: a 1-value profile of 0, -1 or NaN is not a flat profile.
    if np.any(values < 0) or not np.all(np.isfinite(values)) or values.sum() <= 0:
        raise ValueError("profile weights must be finite, non-negative and not all zero")
    if values.size == 1:
        return np.ones(HOURS_PER_WEEK)
    weights = np.tile(values, HOURS_PER_WEEK // values.size)  # 24 values: repeated every day
    return weights / weights.mean()


def hourly_rates(
    profile: Sequence[float],
    annual_contacts: float,
    hours: int,
    start_weekday: int,
    growth_pct_per_year: float = 0.0,
) -> np.ndarray:
    """Expected contacts in each hour from time 0 (midnight of the start date).

    ``start_weekday`` is 0 for Monday. Growth compounds continuously from time 0, so the
    volume in the first year is close to ``annual_contacts``.
    """
    weights = hour_of_week_weights(profile)
    hour = np.arange(hours)
    rate = annual_contacts / HOURS_PER_YEAR * weights[(start_weekday * 24 + hour) % HOURS_PER_WEEK]
    if growth_pct_per_year:
        rate = rate * (1.0 + growth_pct_per_year / 100.0) ** ((hour + 0.5) / HOURS_PER_YEAR)
    return rate


def poisson_arrivals(
    expected_per_hour: np.ndarray,
    rng: np.random.Generator,
    positions_rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Arrival times (minutes, sorted) of a Poisson process with the given hourly means.

    Counts are drawn hour by hour from ``rng`` and positions within the hour from
    ``positions_rng`` (``rng`` if not given). With two streams the draws for the first hours do
    not depend on how many hours follow, so a longer run extends a shorter one instead of
    reshuffling it: the same seed gives the same contacts in the hours two runs share.
    """
    counts = rng.poisson(expected_per_hour)
    hour_of_each = np.repeat(np.arange(expected_per_hour.size), counts)
    positions = (positions_rng or rng).random(hour_of_each.size)
    times = (hour_of_each + positions) * MINUTES_PER_HOUR
    times.sort()
    return times
