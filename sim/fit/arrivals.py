"""Contact arrivals from List 1: annual volume by source, trend, day-of-week, school-holiday and
bank-holiday factors, and the hour-of-day profile when the export has times.

Each source's daily counts are a Poisson regression (a log-linear model fitted by iteratively
reweighted least squares): ``log E[count] = level + day of week + school holiday + bank holiday
+ trend × years``. The intervals are Wald intervals on the log scale, widened by the
overdispersion the counts show (quasi-Poisson: Pearson χ² over its degrees of freedom, at least
1). A factor is the ratio of rates, as the model applies it (:mod:`sim.demand`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.engine.terms import school_holiday_days

Z95 = 1.959963984540054
RIDGE = 1e-2  # keeps a factor finite when a source sends nothing on, say, bank holidays
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95% interval."""

    value: float
    low: float
    high: float


@dataclass
class SourceFit:
    """What List 1 says about one source's contacts."""

    count: int
    annual: Interval
    weekday: list[float]  # 7 multipliers (mean 1), Monday first
    weekday_intervals: list[Interval]
    school_holiday: Interval
    bank_holiday: Interval
    dispersion: float
    expected_by_day: npt.NDArray[np.float64]


@dataclass
class ArrivalFit:
    """Arrivals from List 1: by source, and the trend of the total."""

    first: dt.date
    days: int
    years: float
    sources: dict[str, SourceFit]
    growth_pct: Interval
    hour_of_day: dict[str, list[float]] | None  # source → 48 (24 weekday + 24 weekend hours)
    daily: pd.DataFrame  # observed counts by date and source


def poisson_fit(
    y: npt.NDArray[np.float64], x: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float, npt.NDArray[np.float64]]:
    """Coefficients, their covariance (quasi-Poisson), the dispersion and the fitted means
    of a log-linear Poisson regression (column 0 of ``x`` the intercept, not penalised)."""
    p = x.shape[1]
    penalty = np.full(p, RIDGE)
    penalty[0] = 0.0
    beta: npt.NDArray[np.float64] = np.zeros(p)
    beta[0] = np.log(max(y.mean(), 1e-9))
    for _ in range(100):
        mu = np.exp(np.clip(x @ beta, -30, 30))
        z = x @ beta + (y - mu) / mu
        info = x.T @ (x * mu[:, None]) + np.diag(penalty)
        new = np.asarray(np.linalg.solve(info, x.T @ (mu * z)), dtype=np.float64)
        if np.max(np.abs(new - beta)) < 1e-9:
            beta = new
            break
        beta = new
    mu = np.exp(np.clip(x @ beta, -30, 30))
    dof = max(len(y) - p, 1)
    dispersion = max(1.0, float(np.sum((y - mu) ** 2 / mu) / dof))
    info = x.T @ (x * mu[:, None]) + np.diag(penalty)
    covariance = np.asarray(np.linalg.inv(info), dtype=np.float64) * dispersion
    return beta, covariance, dispersion, np.asarray(mu, dtype=np.float64)


def _factor(beta: float, se: float) -> Interval:
    return Interval(
        float(np.exp(beta)), float(np.exp(beta - Z95 * se)), float(np.exp(beta + Z95 * se))
    )


def design(
    first: dt.date, days: int, school_terms: object
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The regression's columns for each day: intercept, Tue…Sun, school holiday, bank holiday,
    years from the middle of the period; and which days are bank holidays."""
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    years = range(first.year, dates[-1].year + 1)
    bank = set(holidays.country_holidays("GB", subdiv="ENG", years=years))
    weekday = np.array([d.weekday() for d in dates])
    is_bank = np.array([d in bank for d in dates])
    columns: list[npt.NDArray[np.float64]] = [np.ones(days)]
    columns += [(weekday == k).astype(float) for k in range(1, 7)]
    columns.append(school_holiday_days(school_terms, first, days).astype(float))
    columns.append(is_bank.astype(float))
    columns.append((np.arange(days, dtype=np.float64) - (days - 1) / 2) / 365.25)
    return np.column_stack(columns), is_bank


def fit_arrivals(
    contacts: pd.DataFrame, first: dt.date, last: dt.date, school_terms: object, sources: list[str]
) -> ArrivalFit:
    """Fit List 1 (``date``: timestamps, ``source``: the model's source) over ``first``–``last``."""
    days = (last - first).days + 1
    years = days / 365.25
    x, _ = design(first, days, school_terms)
    day_index = (contacts["date"].dt.normalize() - pd.Timestamp(first)).dt.days.to_numpy()
    daily = pd.DataFrame(0, index=pd.date_range(first, last, freq="D"), columns=sources)
    fits: dict[str, SourceFit] = {}
    for source in sources:
        mine = day_index[(contacts["source"] == source).to_numpy()]
        y = np.bincount(mine, minlength=days)[:days].astype(float)
        daily[source] = y.astype(int)
        n = int(y.sum())
        if n == 0:
            continue
        beta, cov, phi, mu = poisson_fit(y, x)
        se = np.sqrt(np.diag(cov))
        half = Z95 * np.sqrt(phi * n)
        weekday = np.exp(np.concatenate([[0.0], beta[1:7]]))
        fits[source] = SourceFit(
            count=n,
            annual=Interval(n / years, max(n - half, 0.0) / years, (n + half) / years),
            weekday=list(weekday / weekday.mean()),
            weekday_intervals=_weekday_intervals(beta, cov),
            school_holiday=_factor(beta[7], se[7]),
            bank_holiday=_factor(beta[8], se[8]),
            dispersion=phi,
            expected_by_day=mu,
        )
    total = daily.sum(axis=1).to_numpy(dtype=float)
    beta, cov, _, _ = poisson_fit(total, x)
    se = np.sqrt(np.diag(cov))
    g = _factor(beta[9], se[9])
    growth = Interval(100 * (g.value - 1), 100 * (g.low - 1), 100 * (g.high - 1))
    return ArrivalFit(first, days, years, fits, growth, _hours(contacts, sources), daily)


def _weekday_intervals(
    beta: npt.NDArray[np.float64], cov: npt.NDArray[np.float64]
) -> list[Interval]:
    """95% intervals of the mean-1 day-of-week multipliers: the coefficients' sampling
    distribution (normal, their quasi-Poisson covariance) pushed through the normalisation."""
    rng = np.random.default_rng(0)  # fixed: the report is the same for the same extract
    draws = rng.multivariate_normal(beta[1:7], cov[1:7, 1:7], size=4000, method="eigh")
    weights = np.exp(np.column_stack([np.zeros(len(draws)), draws]))
    weights /= weights.mean(axis=1, keepdims=True)
    point = np.exp(np.concatenate([[0.0], beta[1:7]]))
    point /= point.mean()
    low, high = np.percentile(weights, [2.5, 97.5], axis=0)
    return [
        Interval(float(p), float(lo), float(hi)) for p, lo, hi in zip(point, low, high, strict=True)
    ]


def _hours(contacts: pd.DataFrame, sources: list[str]) -> dict[str, list[float]] | None:
    """Each source's hour-of-day shape (weekdays, then weekends), if most contacts carry a time
    (a date-only export puts every contact at midnight)."""
    when = contacts["date"]
    timed = (when != when.dt.normalize()).mean() if len(when) else 0.0
    if timed < 0.5:
        return None
    out: dict[str, list[float]] = {}
    for source in sources:
        mine = when[contacts["source"] == source]
        weekend = mine.dt.day_of_week >= 5
        shape: list[float] = []
        for part in (mine[~weekend], mine[weekend]):
            counts = np.bincount(part.dt.hour.to_numpy(), minlength=24)[:24].astype(float)
            shape += list(counts / counts.sum()) if counts.sum() else [1 / 24] * 24
        out[source] = shape
    return out


def weekly_profile(
    base: list[float], weekday: list[float], hours: list[float] | None
) -> list[float]:
    """A 168-hour profile with the fitted day-of-week multipliers: the hour-of-day shape from the
    data (``hours``: 24 weekday + 24 weekend) or else from the ``base`` profile, each day scaled
    so the days' totals are in the fitted ratios."""
    week = np.asarray(base * (168 // len(base)) if len(base) in (1, 24) else base, dtype=float)
    week = week.reshape(7, 24)
    mean_shape = week.sum(axis=0)
    out = np.zeros((7, 24))
    for d in range(7):
        if hours is not None:
            shape = np.asarray(hours[24:] if d >= 5 else hours[:24], dtype=float)
        else:
            shape = week[d] if week[d].sum() > 0 else mean_shape
        shape = shape / shape.sum() if shape.sum() > 0 else np.full(24, 1 / 24)
        out[d] = shape * weekday[d] * 24  # mean weight 1 an hour on an average day
    return [round(float(v), 4) for v in out.ravel()]
