"""Durations in working days (assessment start → authorisation; strategy discussion → ICPC),
and the distributions fitted to them.

Working days are counted as the DfE counts timescales: the working days after the start date up
to and including the end date (the same day is 0), Monday to Friday less England's bank
holidays (the ``holidays`` package, as :mod:`sim.engine.calendar`). Candidates from ``scipy.stats``
are fitted by maximum likelihood to the durations + 0.5 (the day counts are whole; the half day
keeps a same-day 0 inside every candidate's support); each is shown with its Kolmogorov–Smirnov
distance and AIC, and the smallest AIC is chosen.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from sim.fit.arrivals import Z95, Interval

CANDIDATES = ("lognorm", "gamma", "weibull_min", "expon")


def working_days(start: pd.Series, end: pd.Series) -> npt.NDArray[np.int64]:
    """Working days from each ``start`` to its ``end`` (timestamps; times of day ignored)."""
    a = start.dt.normalize().to_numpy().astype("datetime64[D]")
    b = end.dt.normalize().to_numpy().astype("datetime64[D]")
    if a.size == 0:
        return np.zeros(0, dtype=np.int64)
    years = range(int(str(a.min())[:4]), int(str(b.max())[:4]) + 1)
    bank = np.array(
        sorted(holidays.country_holidays("GB", subdiv="ENG", years=years)), dtype="datetime64[D]"
    )
    one = np.timedelta64(1, "D")  # busday_count counts [a, b): the days after a, up to b
    return np.busday_count(a + one, b + one, holidays=bank).astype(np.int64)


def wilson(k: int, n: int) -> Interval:
    """A share k/n with its Wilson 95% interval (in %)."""
    if n == 0:
        return Interval(math.nan, math.nan, math.nan)
    p = k / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return Interval(100 * p, 100 * max(centre - half, 0.0), 100 * min(centre + half, 1.0))


def median_interval(values: npt.NDArray[np.float64]) -> Interval:
    """The median with its distribution-free 95% interval (binomial order statistics)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    if n == 0:
        return Interval(math.nan, math.nan, math.nan)
    lo = int(max(stats.binom.ppf(0.025, n, 0.5) - 1, 0))
    hi = int(min(stats.binom.ppf(0.975, n, 0.5), n - 1))
    return Interval(float(np.median(x)), float(x[lo]), float(x[hi]))


@dataclass
class Candidate:
    """One fitted distribution: its scipy name and parameters, KS distance and AIC."""

    name: str
    params: tuple[float, ...]
    ks: float
    aic: float

    def frozen(self) -> stats.rv_continuous:
        return getattr(stats, self.name)(*self.params)


@dataclass
class DurationFit:
    """Durations of one kind: the counts, the share within the statutory limit, the median, and
    the candidates (best first)."""

    days: npt.NDArray[np.int64]
    limit: int
    within: Interval
    median: Interval
    candidates: list[Candidate]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def fit_durations(days: npt.NDArray[np.int64], limit: int) -> DurationFit:
    """Fit the candidates to working-day durations, with the share within ``limit`` days."""
    x = days.astype(float) + 0.5
    candidates: list[Candidate] = []
    if days.size >= 10:
        for name in CANDIDATES:
            dist = getattr(stats, name)
            params = tuple(float(p) for p in dist.fit(x, floc=0))
            loglik = float(np.sum(dist.logpdf(x, *params)))
            if not math.isfinite(loglik):
                continue
            free = len(params) - 1  # loc is fixed at 0
            ks = float(stats.kstest(x, name, args=params).statistic)
            candidates.append(Candidate(name, params, ks, 2 * free - 2 * loglik))
        candidates.sort(key=lambda c: c.aic)
    within = wilson(int(np.count_nonzero(days <= limit)), int(days.size))
    return DurationFit(days, limit, within, median_interval(days.astype(float)), candidates)


def lead_distribution(days: npt.NDArray[np.int64], limit: int) -> dict[str, list[float]]:
    """The model's empirical distribution of working days (``values``, ``weights`` as shares).

    No value stands for fewer than 5 conferences (a small count could point at a child): rare
    values are pooled with their neighbours into one value, their mean, never across ``limit``,
    so the share within the limit is kept exactly.
    """
    values: list[float] = []
    weights: list[float] = []
    for part in (days[days <= limit], days[days > limit]):
        start = len(values)
        pool_sum, pool_n = 0.0, 0
        for value, count in zip(*np.unique(part, return_counts=True), strict=True):
            pool_sum += float(value) * int(count)
            pool_n += int(count)
            if pool_n >= 5:
                values.append(pool_sum / pool_n)
                weights.append(pool_n)
                pool_sum, pool_n = 0.0, 0
        if pool_n and len(values) > start:  # a rare tail joins the last value on its side
            merged = weights[-1] + pool_n
            values[-1] = (values[-1] * weights[-1] + pool_sum) / merged
            weights[-1] = merged
        elif pool_n:  # fewer than 5 on this side in all: one value, their mean
            values.append(pool_sum / pool_n)
            weights.append(pool_n)
    total = sum(weights) or 1
    return {
        "values": [round(v, 2) for v in values],
        "weights": [round(w / total, 5) for w in weights],
    }


def add_working_days(start: dt.date, n: int, bank: set[dt.date]) -> dt.date:
    """The date ``n`` working days after ``start`` (the inverse of :func:`working_days`)."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in bank:
            n -= 1
    return day
