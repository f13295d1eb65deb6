"""How many replications? The replications algorithm of Hoad, Robinson & Davies (2010).

The *confidence-interval method* runs replications until the Student-t interval of each KPI's
mean is narrow enough relative to the mean:

    precision(n) = half-width(n) / |mean(n)|  ≤  target      (e.g. 0.05: within ±5% of the mean)

Used alone it can stop too early: with few replications the sample standard deviation is itself
noisy, and a lucky run of similar values makes the interval look narrow for a moment. Hoad,
Robinson & Davies' *replications algorithm* (Journal of the Operational Research Society 61(11),
2010; implemented in sim-tools as ``ReplicationsAlgorithm``) adds a look-ahead: when the
precision is first met at ``n_sol`` replications, run ``f(n_sol)`` more and check the precision
after each; if it is lost, forget ``n_sol`` and carry on. The answer is the ``n_sol`` whose
precision held throughout its look-ahead. The look-ahead (their ``kLimit``) is

    f(n) = look_ahead                       if n ≤ 100
    f(n) = floor(look_ahead × n / 100)      if n > 100

so it is a fixed number of replications for small n and a fixed share (5% by default) beyond
that. Following the paper, checks begin once ``initial`` replications have been run (3 by
default, the Law & McComas rule of thumb), so ``initial`` is also the smallest answer.

Here one answer covers several KPIs: the precision rule must hold for *every* chosen KPI at
``n_sol`` and at each replication of the look-ahead. (sim-tools solves each metric separately;
the joint rule is what a user running one ``run.replications`` for all KPIs needs, and its
answer is never smaller than the largest per-KPI answer.)

A KPI whose running mean is exactly 0 has no relative precision (a wait that is always zero in a
verification preset, a count that never happens); its *absolute* half-width is compared with
``target`` instead, which is 0, and so never blocks convergence, when every value is 0. NaN
values (a KPI undefined in a replication) are left out of that KPI's statistics; a KPI with fewer
than two values has no interval and does not meet the target.

The search is pure: replication ``r`` is ``run_one(r)`` for r = 0, 1, 2, … in order, and
nothing else is random, so with a deterministic ``run_one`` (the model's replications are:
streams come from (seed, r, name)) the report is the same on every run. To choose
``run.replications`` for the model::

    from sim.compose import load
    from sim.runner import run_replication

    cfg = load(["run.horizon_days=182"])
    report = replications_needed(
        lambda r: run_replication(cfg, r, keep_events=False).kpis,
        ["decision_working_days_mean", "utilisation_social_workers"],
    )

The replications run during the search are ``report.values``; with the same seed they are the
first ``len(report.values)`` replications of the real run, so they need not be thrown away.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.intervals import confidence_interval

#: Replications, at or below which the look-ahead is a fixed count rather than a share of n.
LOOK_AHEAD_FIXED_UP_TO = 100


@dataclass(frozen=True)
class ReplicationReport:
    """The outcome of :func:`replications_needed`.

    Attributes
    ----------
    n
        Replications needed: the first ``n`` at which every KPI met the target precision and
        kept meeting it through the look-ahead. If the search did not converge, the number of
        replications run (``cap``) — a lower bound, not an answer.
    converged
        Whether such an ``n`` was found within ``cap`` replications (including its look-ahead).
    table
        One row per KPI per number of replications run: ``n``, ``kpi``, ``mean`` (cumulative
        mean), ``half_width`` (of the ``1 − alpha`` Student-t interval), ``precision``
        (``half_width / |mean|``, or ``half_width`` when the mean is 0; NaN below two values)
        and ``met`` (``precision ≤ target``).
    values
        The replications run, in order: a ``replication`` column and every KPI ``run_one``
        returned (the shape of ``Results.replications``).
    look_ahead
        Replications of look-ahead the answer needed, ``f(n)`` (0 if not converged).
    """

    n: int
    converged: bool
    table: pd.DataFrame
    values: pd.DataFrame
    look_ahead: int = 0

    def precision_at(self, n: int) -> pd.Series:
        """Precision of each KPI after ``n`` replications (indexed by KPI)."""
        rows = self.table[self.table["n"] == n]
        if rows.empty:
            raise ValueError(f"no row for n = {n}: {len(self.values)} replications were run")
        return rows.set_index("kpi")["precision"]


def look_ahead_for(n: int, look_ahead: int = 5) -> int:
    """Hoad et al.'s ``f(kLimit, n)``: ``look_ahead`` up to 100 replications, then a share."""
    if n <= LOOK_AHEAD_FIXED_UP_TO:
        return look_ahead
    return math.floor(look_ahead * n / LOOK_AHEAD_FIXED_UP_TO)


def precision(values: np.ndarray, alpha: float = 0.05) -> tuple[float, float, float]:
    """``(mean, half_width, precision)`` of one KPI's replications (NaNs ignored).

    Precision is ``half_width / |mean|``; when the mean is exactly 0 it is the absolute
    ``half_width``. All three are NaN (or the mean alone is defined) below two values.
    """
    mean, low, high = confidence_interval(values, 1.0 - alpha)
    half = (high - low) / 2.0
    if math.isnan(half):
        return mean, half, half
    return mean, half, half / abs(mean) if mean != 0.0 else half


def replications_needed(
    run_one: Callable[[int], Mapping[str, float]],
    kpis: Sequence[str],
    *,
    target: float = 0.05,
    alpha: float = 0.05,
    initial: int = 3,
    look_ahead: int = 5,
    cap: int = 100,
) -> ReplicationReport:
    """Run replications 0, 1, 2, … until every KPI's interval is precise enough, and stays so.

    Parameters
    ----------
    run_one
        ``run_one(r)`` runs replication ``r`` and returns its KPIs (a mapping that includes every
        name in ``kpis``), e.g. ``lambda r: run_replication(cfg, r, keep_events=False).kpis``.
    kpis
        KPIs that must all reach the precision (the settings after it are keyword-only).
    target
        Largest acceptable relative half-width (0.05: the interval is within ±5% of the mean).
    alpha
        The intervals are ``1 − alpha`` Student-t intervals.
    initial
        Replications run before precision is first checked (at least 2); the smallest answer.
    look_ahead
        Hoad et al.'s ``kLimit``: replications the precision must keep holding for after it is
        first met (scaled up beyond 100 replications, see :func:`look_ahead_for`); 0 turns the
        algorithm into the plain confidence-interval method.
    cap
        Most replications ever run, look-ahead included. If the rule is not satisfied by then
        the report has ``converged=False`` and ``n=cap``.

    Raises
    ------
    ValueError
        For invalid settings, no KPIs, or a ``run_one`` result missing a requested KPI.
    """
    kpis = [kpis] if isinstance(kpis, str) else list(kpis)
    _check(kpis, target=target, alpha=alpha, initial=initial, look_ahead=look_ahead, cap=cap)
    runs: list[dict[str, float]] = []
    table: list[dict[str, object]] = []
    solution: int | None = None
    for r in range(cap):
        result = dict(run_one(r))
        missing = [k for k in kpis if k not in result]
        if missing:
            raise ValueError(f"run_one({r}) returned no value for KPIs {missing}")
        runs.append({"replication": r, **{k: float(v) for k, v in result.items()}})
        n = r + 1
        met_all = True
        for kpi in kpis:
            mean, half, prec = precision(np.array([run[kpi] for run in runs]), alpha)
            met = bool(prec <= target)  # NaN compares False
            met_all &= met
            table.append(
                {
                    "n": n,
                    "kpi": kpi,
                    "mean": mean,
                    "half_width": half,
                    "precision": prec,
                    "met": met,
                }
            )
        if n < initial:
            continue
        if not met_all:
            solution = None
            continue
        if solution is None:
            solution = n
        if n - solution >= look_ahead_for(solution, look_ahead):
            return _report(solution, True, table, runs, look_ahead_for(solution, look_ahead))
    return _report(cap, False, table, runs, 0)


def _report(
    n: int, converged: bool, table: list[dict[str, object]], runs: list[dict[str, float]], k: int
) -> ReplicationReport:
    return ReplicationReport(
        n=n,
        converged=converged,
        table=pd.DataFrame(table, columns=["n", "kpi", "mean", "half_width", "precision", "met"]),
        values=pd.DataFrame(runs),
        look_ahead=k,
    )


def _check(
    kpis: list[str], *, target: float, alpha: float, initial: int, look_ahead: int, cap: int
) -> None:
    if not kpis:
        raise ValueError("name at least one KPI")
    if not target > 0:
        raise ValueError(f"target must be > 0, got {target}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if initial < 2:
        raise ValueError(
            f"initial must be at least 2 (an interval needs two values), got {initial}"
        )
    if look_ahead < 0:
        raise ValueError(f"look_ahead must be >= 0, got {look_ahead}")
    if cap < initial:
        raise ValueError(f"cap ({cap}) must be at least initial ({initial})")
