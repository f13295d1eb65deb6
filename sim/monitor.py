"""Time-weighted levels (staff busy, staff on duty, work waiting) recorded as step functions.

A level is recorded at every change, never sampled on a grid, so its time average over any window
is exact: a task that straddles the warm-up boundary or is still running at the end of the run
contributes only the part of it that lies inside the window (the correction pydesrap_mms makes to
utilisation, done once here for every monitored level).
"""

from __future__ import annotations

from array import array

import numpy as np


class StepLevel:
    """A piecewise-constant level over simulated time, changed by increments."""

    __slots__ = ("_level", "_times", "_values")

    def __init__(self, start_time: float = 0.0, level: float = 0.0) -> None:
        self._times = array("d", [start_time])
        self._values = array("d", [level])
        self._level = level

    @property
    def level(self) -> float:
        """The current level."""
        return self._level

    def change(self, time: float, delta: float) -> None:
        """Move the level by ``delta`` at ``time`` (times must not decrease)."""
        self._level += delta
        if self._times[-1] == time:
            self._values[-1] = self._level
        else:
            self._times.append(time)
            self._values.append(self._level)

    def steps(self) -> tuple[np.ndarray, np.ndarray]:
        """The change times and the level from each of them onwards."""
        return np.frombuffer(self._times, dtype=float), np.frombuffer(self._values, dtype=float)

    def integral(self, start: float, end: float) -> float:
        """The area under the level between ``start`` and ``end`` (level × minutes)."""
        if end <= start:
            return 0.0
        times, values = self.steps()
        edges = np.clip(np.append(times, np.inf), start, end)
        return float(np.sum(values * np.diff(edges)))

    def mean(self, start: float, end: float) -> float:
        """The time-average level over ``[start, end]``."""
        return self.integral(start, end) / (end - start) if end > start else float("nan")

    def integral_by_bins(self, edges: np.ndarray) -> np.ndarray:
        """The area under the level within each ``[edges[i], edges[i+1])`` (vectorised)."""
        times, values = self.steps()
        knots = np.union1d(times, edges)
        knots = knots[(knots >= edges[0]) & (knots <= edges[-1])]
        level_at = values[np.searchsorted(times, knots[:-1], side="right") - 1]
        area = level_at * np.diff(knots)
        which = np.searchsorted(edges, knots[:-1], side="right") - 1
        return np.bincount(which, weights=area, minlength=len(edges) - 1)[: len(edges) - 1]
