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
        """The change times and the level from each of them onwards (copies, safe to keep)."""
        times, values = self._views()
        return times.copy(), values.copy()

    def _views(self) -> tuple[np.ndarray, np.ndarray]:
        # Zero-copy views of the buffers. While a view is alive the buffers cannot grow (an
        # ``array`` exporting its buffer refuses to resize), so views never leave this class.
        return np.frombuffer(self._times, dtype=float), np.frombuffer(self._values, dtype=float)

    def integral(self, start: float, end: float) -> float:
        """The area under the level between ``start`` and ``end`` (level × minutes)."""
        if end <= start:
            return 0.0
        times, values = self._views()
        edges = np.clip(np.append(times, np.inf), start, end)
        return float(np.sum(values * np.diff(edges)))

    def mean(self, start: float, end: float) -> float:
        """The time-average level over ``[start, end]``."""
        return self.integral(start, end) / (end - start) if end > start else float("nan")

    def integral_by_bins(self, edges: np.ndarray) -> np.ndarray:
        """The area under the level within each ``[edges[i], edges[i+1])`` (vectorised).

        As in :meth:`integral`, nothing is counted before the level's start time.
        """
        times, values = self._views()
        knots = np.union1d(times, edges)
        knots = knots[(knots >= edges[0]) & (knots <= edges[-1])]
        step = np.searchsorted(times, knots[:-1], side="right") - 1
        level_at = np.where(step >= 0, values[np.maximum(step, 0)], 0.0)
        area = level_at * np.diff(knots)
        which = np.searchsorted(edges, knots[:-1], side="right") - 1
        return np.bincount(which, weights=area, minlength=len(edges) - 1)[: len(edges) - 1]
