"""Choosing the warm-up period: MSER-5 (White 1997; White, Cobb & Spratt 2000).

The front door starts empty, so the first days of a run have shorter queues than the service
settles into; ``run.warmup_days`` discards them. MSER chooses how much to discard from an output
series ``Y_1 … Y_n`` (e.g. the mean wait of contacts arriving each day) by trading bias against
variance: cutting more removes the initial transient but leaves fewer values to average. For
each candidate truncation point ``d`` it computes

    MSER(d) = Σ_{i>d} (Y_i − Ȳ_d)² / (n − d)²        (Ȳ_d: mean of the values kept)

i.e. the variance of the kept values divided by how many are kept — an estimate of the squared
standard error of the truncated mean — and picks the ``d`` minimising it. A transient inflates
the numerator while it is kept, so the minimum falls where the series has settled.

MSER-5 applies this to the means of consecutive batches of 5 values (a trailing part batch is
dropped), which smooths the statistic and makes it far less prone to cut at a random dip; the
batch index ``d`` is converted back to a position in the original series (``5 d``). Only
``d`` with more than half the batches left are considered (truncating more than half a run
says the run is too short, not where steady state starts); if the minimum is at that edge a
:class:`RunLengthWarning` is issued.

Limits, and how to use it here:

- MSER-5 finds the end of an *initial* transient in a series that then has a steady state. It
  says nothing about runs that never settle (utilisation ≥ 1, growing demand) and is not meant
  for seasonal series: the weekly cycle of an office-hours front door is not a transient. Use
  daily (or weekly) values, so the cycle within a day (or week) is averaged out.
- Decide on a *pilot* run: no warm-up (``run.warmup_days=0``), a horizon several times the
  expected warm-up, a few replications; average the series across replications before
  applying MSER-5 (less noise, one answer), and convert the truncation point to days.
- Choose once and apply to *all* scenarios being compared, so they are measured over the same
  window. Busier scenarios take longer to settle: run the pilot on the busiest scenarios, and
  take the longest truncation across them (rounded up, with a margin) as ``run.warmup_days``.
"""

from __future__ import annotations

import warnings

import numpy as np

BATCH = 5


class RunLengthWarning(UserWarning):
    """MSER's minimum is at the edge of the search: the series may be too short."""


def mser_statistic(series: np.ndarray, batch: int = BATCH) -> np.ndarray:
    """MSER(d) of the batch means of ``series`` for every candidate ``d`` (batches cut).

    Element ``d`` is the statistic after discarding the first ``d`` batches; only ``d`` that
    leave more than half the batches are computed.

    Raises
    ------
    ValueError
        If the series is not one-dimensional, holds NaN or infinite values, or has fewer than
        three whole batches.
    """
    values = np.asarray(series, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"series must be one-dimensional, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("series holds NaN or infinite values")
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")
    batches = values.size // batch
    if batches < 3:
        raise ValueError(
            f"MSER needs at least three batches of {batch} ({3 * batch} values), "
            f"got {values.size} values"
        )
    means = values[: batches * batch].reshape(batches, batch).mean(axis=1)
    # d may go up to the last value leaving more than half the batches.
    last = (batches - 1) // 2
    stats = np.empty(last + 1)
    for d in range(last + 1):
        kept = means[d:]
        stats[d] = np.sum((kept - kept.mean()) ** 2) / kept.size**2
    return stats


def mser(series: np.ndarray, batch: int = BATCH) -> int:
    """Truncation point chosen by MSER on batches of ``batch``: a position in ``series``.

    Discard ``series[:k]`` for the returned ``k``: batch means of ``batch`` consecutive values,
    the ``d`` minimising MSER over the first half of the batches, returned as ``batch · d``.
    Ties go to the smaller truncation. See the module docstring for method and limits.
    """
    stats = mser_statistic(series, batch)
    d = int(np.argmin(stats))
    if d == stats.size - 1 and d > 0:
        warnings.warn(
            f"MSER's minimum is at the largest truncation considered ({d * batch} of "
            f"{np.asarray(series).size} values): the run may be too short to reach steady state",
            RunLengthWarning,
            stacklevel=2,
        )
    return d * batch


mser5 = mser
"""MSER-5 (:func:`mser` with its default batch of 5): the name the experiments use."""
