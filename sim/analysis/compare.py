"""Scenario comparison on common random numbers: paired differences with confidence intervals.

The question a service leader asks is not "what is the mean wait in each scenario" but "how much
does this change move it, and are we sure it moves at all". The answer is the difference of the
two scenarios' means with a confidence interval, and the narrowest valid interval comes from
*pairing* replications.

Why pairing is valid here. Replication *r* of any scenario draws every random input from the
streams of (``run.seed``, *r*, stream name) (see :mod:`sim.engine.streams`). Two scenarios run with
the same seed therefore see the same contacts arriving at the same times with the same needs in
replication *r* (common random numbers, CRN); only the change made (more staff, a new route)
differs. Replications are independent of each other (different *r*, independent streams), so the
per-replication differences ``D_r = other_r − base_r`` are independent and identically
distributed, and the ordinary Student-t interval on the ``D_r`` is a valid interval for the
difference of means. Because CRN makes ``base_r`` and ``other_r`` positively correlated,
``Var(D) = Var(base) + Var(other) − 2 Cov(base, other)`` is smaller than for independent runs, and
the interval is narrower for the same number of replications.

Pairing needs the two tables to hold the *same replication numbers*; it is still valid (just not
sharper) if the scenarios were run with different seeds, because the ``D_r`` are then still
independent. It is *not* valid to pair replications by position when their numbers differ, which
is why :func:`paired_differences` refuses tables whose replication sets differ.

:func:`independent_differences` gives the unpaired (Welch) interval of the same difference. On
CRN runs it ignores the positive correlation and so overstates the uncertainty: it is shown only
to make the gain from pairing visible, or for scenarios run with different seeds.

Differences are always ``other − base``: a negative ``difference`` in a wait means the other
scenario waits less.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.intervals import confidence_interval, t_quantile, welch, welch_interval

#: Columns of every comparison table (``compare_scenarios`` puts ``scenario`` first).
COLUMNS = ["kpi", "base_mean", "other_mean", "difference", "ci_low", "ci_high", "n", "real"]


def paired_differences(
    base: pd.DataFrame,
    other: pd.DataFrame,
    kpis: Sequence[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Paired (CRN) difference ``other − base`` of each KPI's mean, with a Student-t interval.

    Parameters
    ----------
    base, other
        Replication tables (``Results.replications``): a ``replication`` column and one column
        per KPI. Rows are paired by ``replication``, not by position.
    kpis
        KPIs to compare; by default every KPI column the two tables share, in ``base``'s order.
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per KPI: ``kpi``, ``base_mean``, ``other_mean``, ``difference`` (mean of the
        paired differences, equal to ``other_mean − base_mean``), ``ci_low``, ``ci_high``, ``n``
        (pairs used) and ``real`` (the interval excludes zero). A pair in which either value is
        NaN (a KPI undefined in that replication, e.g. a mean over no contacts) is dropped for
        that KPI only, and both means are taken over the remaining pairs, so ``n`` can differ
        between KPIs. With fewer than two pairs the interval is NaN and ``real`` is False.

    Raises
    ------
    ValueError
        If either table lacks a ``replication`` column, repeats a replication number, the two
        tables hold different replication numbers, or a requested KPI is missing.
    """
    _check_level(level)
    base_idx, other_idx = _by_replication(base, "base"), _by_replication(other, "other")
    if not base_idx.index.equals(other_idx.index):
        only_base = sorted(set(base_idx.index) - set(other_idx.index))
        only_other = sorted(set(other_idx.index) - set(base_idx.index))
        raise ValueError(
            "paired comparison needs the same replications in both tables: "
            f"only in base {_few(only_base)}, only in other {_few(only_other)}"
        )
    rows = []
    for kpi in _kpis(base_idx, other_idx, kpis):
        b = base_idx[kpi].to_numpy(dtype=float)
        o = other_idx[kpi].to_numpy(dtype=float)
        keep = ~np.isnan(b) & ~np.isnan(o)
        b, o = b[keep], o[keep]
        rows.append(_row(kpi, b, o, confidence_interval(o - b, level), int(keep.sum())))
    return pd.DataFrame(rows, columns=COLUMNS)


def independent_differences(
    base: pd.DataFrame,
    other: pd.DataFrame,
    kpis: Sequence[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Unpaired difference ``other − base`` with a Welch t-interval (unequal variances).

    Same columns as :func:`paired_differences`. The two tables need not hold the same
    replications; NaN values are dropped from each sample separately, and ``n`` is the smaller
    of the two sample sizes. The degrees of freedom are Welch–Satterthwaite's. If both samples
    have zero variance the interval is the point difference; with fewer than two values in
    either sample it is NaN.

    The interval treats the scenarios as independent. On runs sharing a seed (CRN) they are
    positively correlated, so this interval is wider than it need be; use it to show what
    pairing gains, or for scenarios run with different seeds.
    """
    _check_level(level)
    base_idx, other_idx = _by_replication(base, "base"), _by_replication(other, "other")
    rows = []
    for kpi in _kpis(base_idx, other_idx, kpis):
        b = base_idx[kpi].to_numpy(dtype=float)
        o = other_idx[kpi].to_numpy(dtype=float)
        b, o = b[~np.isnan(b)], o[~np.isnan(o)]
        rows.append(_row(kpi, b, o, welch_interval(b, o, level), min(b.size, o.size)))
    return pd.DataFrame(rows, columns=COLUMNS)


def compare_scenarios(
    results: Mapping[str, pd.DataFrame],
    baseline: str,
    kpis: Sequence[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Every scenario against ``baseline`` by :func:`paired_differences`, stacked.

    ``results`` maps scenario names to replication tables (``Results.replications``), all run
    with the same seed and replication numbers. The table has a leading ``scenario`` column and
    one block of rows per non-baseline scenario, in the mapping's order; it is empty (with the
    columns) if the baseline is the only scenario.
    """
    if baseline not in results:
        raise ValueError(f"baseline {baseline!r} is not one of the scenarios {sorted(results)}")
    frames = [
        paired_differences(results[baseline], table, kpis, level).assign(scenario=name)
        for name, table in results.items()
        if name != baseline
    ]
    columns = ["scenario", *COLUMNS]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


@dataclass(frozen=True)
class Equivalence:
    """The outcome of :func:`tost`: is ``other − base`` within ``±margin``?

    ``ci_low`` and ``ci_high`` bound the ``1 − 2·alpha`` interval of the difference (90% for
    ``alpha`` 0.05); the two one-sided tests both reject exactly when it lies inside
    ``(−margin, margin)``. ``p_value`` is the larger of the two one-sided p-values.
    """

    difference: float
    ci_low: float
    ci_high: float
    margin: float
    p_value: float
    equivalent: bool


def tost(
    base: Sequence[float] | np.ndarray,
    other: Sequence[float] | np.ndarray,
    margin: float,
    *,
    alpha: float = 0.05,
    paired: bool = False,
) -> Equivalence:
    """Two one-sided tests (TOST): is the difference ``other − base`` smaller than ``margin``?

    "The interval contains zero" is no evidence of "no difference": it passes more easily the
    noisier (or shorter) the runs are. TOST turns the question round — the null hypothesis is a
    difference of at least ``margin`` either way — so equivalence is shown only by runs precise
    enough to exclude a difference that matters, and a wide interval *fails*.

    ``paired`` uses the per-replication differences (CRN runs, same replication numbers, in the
    same order); otherwise the two samples are independent (Welch, as
    :func:`independent_differences`). NaNs are dropped (pairwise when paired). With fewer than
    two values the result is NaN and not equivalent.
    """
    if not margin > 0.0:
        raise ValueError(f"margin must be > 0, got {margin}")
    if not 0.0 < alpha < 0.5:
        raise ValueError(f"alpha must be in (0, 0.5), got {alpha}")
    b, o = np.asarray(base, dtype=float), np.asarray(other, dtype=float)
    nan = float("nan")
    if paired:
        if b.shape != o.shape:
            raise ValueError(f"paired samples differ in length: {b.size} and {o.size}")
        d = (o - b)[~np.isnan(o) & ~np.isnan(b)]
        if d.size < 2:
            return Equivalence(nan, nan, nan, margin, nan, False)
        difference, se, dof = float(d.mean()), float(d.std(ddof=1) / np.sqrt(d.size)), d.size - 1.0
    else:
        b, o = b[~np.isnan(b)], o[~np.isnan(o)]
        if b.size < 2 or o.size < 2:
            return Equivalence(nan, nan, nan, margin, nan, False)
        difference, variance, dof = welch(b, o)
        se = float(np.sqrt(variance))
    if se == 0.0:
        inside = abs(difference) < margin
        return Equivalence(
            difference, difference, difference, margin, 0.0 if inside else 1.0, inside
        )
    half = t_quantile(1.0 - alpha, dof) * se
    p_lower = float(stats.t.sf((difference + margin) / se, dof))  # H0: difference ≤ −margin
    p_upper = float(stats.t.cdf((difference - margin) / se, dof))  # H0: difference ≥ +margin
    p_value = max(p_lower, p_upper)
    return Equivalence(
        difference, difference - half, difference + half, margin, p_value, p_value < alpha
    )


def _row(
    kpi: str, b: np.ndarray, o: np.ndarray, interval: tuple[float, float, float], n: int
) -> dict[str, object]:
    difference, low, high = interval
    return {
        "kpi": kpi,
        "base_mean": float(b.mean()) if b.size else float("nan"),
        "other_mean": float(o.mean()) if o.size else float("nan"),
        "difference": difference,
        "ci_low": low,
        "ci_high": high,
        "n": n,
        # NaN bounds compare False, so an undefined interval is never "real".
        "real": bool(low > 0.0 or high < 0.0),
    }


def _by_replication(table: pd.DataFrame, label: str) -> pd.DataFrame:
    if "replication" not in table.columns:
        raise ValueError(f"the {label} table has no 'replication' column")
    duplicated = table["replication"][table["replication"].duplicated()].tolist()
    if duplicated:
        raise ValueError(f"the {label} table repeats replications {_few(sorted(duplicated))}")
    return table.set_index("replication").sort_index()


def _kpis(base: pd.DataFrame, other: pd.DataFrame, kpis: Sequence[str] | None) -> list[str]:
    if kpis is None:
        return [k for k in base.columns if k in other.columns]
    if isinstance(kpis, str):
        kpis = [kpis]
    missing = [k for k in kpis if k not in base.columns or k not in other.columns]
    if missing:
        raise ValueError(f"KPIs not in both tables: {missing}")
    return list(kpis)


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")


def _few(values: list[object], limit: int = 10) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    more = f", … ({len(values)} in all)" if len(values) > limit else ""
    return f"[{shown}{more}]"
