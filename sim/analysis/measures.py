"""The small measures every KPI is made of: a column, a mean, a 90th percentile, a share.

Shared by the front-door KPIs (:mod:`sim.analysis.metrics`) and those after the decision
(:mod:`sim.analysis.downstream`), so an empty selection means NaN, and working days are counted
on the calendar, the same way in both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model import FrontDoor

WITHIN_TOLERANCE = 1e-9
"""Slack for floating-point round-off when comparing an elapsed time with a deadline."""


def column(table: pd.DataFrame, name: str) -> np.ndarray:
    return table[name].to_numpy(dtype=float) if name in table else np.full(len(table), np.nan)


def mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if values.size else float("nan")


def p90(values: np.ndarray) -> float:
    return float(np.percentile(values, 90)) if values.size else float("nan")


def pct(flags: np.ndarray) -> float:
    return float(100.0 * np.mean(flags)) if flags.size else float("nan")


def working_days(door: FrontDoor, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    both = ~np.isnan(start) & ~np.isnan(end)
    return np.asarray(door.calendar.working_days_between(start[both], end[both]), dtype=float)


def in_window(door: FrontDoor, times: np.ndarray) -> np.ndarray:
    return (times >= door.window.start) & (times < door.window.end)
