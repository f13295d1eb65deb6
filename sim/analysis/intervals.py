"""Student-t intervals over replications, written once for every caller.

Replications are independent (each has its own streams, :mod:`sim.engine.streams`), so a KPI's mean
over them has a Student-t interval; the runner (:func:`confidence_interval`), the scenario
comparisons (:mod:`sim.analysis.compare`: paired differences, Welch's unpaired interval, TOST) and
the staffing search (:mod:`sim.optimise`: a one-sided bound that must clear a target) all take their
quantiles, standard errors and Welch–Satterthwaite degrees of freedom from here. Quantiles come
from :data:`scipy.stats.t`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

NAN = float("nan")


def t_quantile(p: float, dof: float) -> float:
    """The ``p`` quantile of Student's t with ``dof`` degrees of freedom."""
    return float(stats.t.ppf(p, dof))


def _finite(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return values[~np.isnan(values)]


def confidence_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided Student-t ``level`` interval of independent values (NaNs ignored).

    With fewer than two values the interval is undefined and returned as NaN.
    """
    values = _finite(values)
    if values.size == 0:
        return NAN, NAN, NAN
    mean = float(values.mean())
    if values.size < 2:
        return mean, NAN, NAN
    half = (
        t_quantile(0.5 + level / 2, values.size - 1) * values.std(ddof=1) / math.sqrt(values.size)
    )
    return mean, mean - float(half), mean + float(half)


def one_sided_bound(values: np.ndarray, lower: bool, level: float) -> float:
    """The one-sided Student-t ``level`` bound of the mean: the lower bound if ``lower``.

    With fewer than two values there is no interval: the bound is ∓infinity (never confident).
    """
    values = _finite(values)
    if values.size < 2:
        return -math.inf if lower else math.inf
    half = t_quantile(level, values.size - 1) * values.std(ddof=1) / math.sqrt(values.size)
    mean = float(values.mean())
    return mean - float(half) if lower else mean + float(half)


def welch(base: np.ndarray, other: np.ndarray) -> tuple[float, float, float]:
    """``(other − base mean, variance of that difference, Welch–Satterthwaite dof)``.

    Both samples need two values or more; with zero variance in both the dof is NaN.
    """
    vb, vo = base.var(ddof=1) / base.size, other.var(ddof=1) / other.size
    variance = vb + vo
    dof = (
        variance**2 / (vb**2 / (base.size - 1) + vo**2 / (other.size - 1)) if variance > 0 else NAN
    )
    return float(other.mean() - base.mean()), float(variance), float(dof)


def welch_interval(
    base: np.ndarray, other: np.ndarray, level: float = 0.95
) -> tuple[float, float, float]:
    """Difference ``other − base`` of two independent samples' means, with Welch's interval.

    If both samples have zero variance the interval is the point difference; with fewer than
    two values in either sample it is NaN (and with none in either, so is the difference).
    """
    if base.size == 0 or other.size == 0:
        return NAN, NAN, NAN
    if base.size < 2 or other.size < 2:
        return float(other.mean() - base.mean()), NAN, NAN
    difference, variance, dof = welch(base, other)
    if variance == 0.0:
        return difference, difference, difference
    half = t_quantile(0.5 + level / 2, dof) * float(np.sqrt(variance))
    return difference, difference - half, difference + half
