"""The working calendar's queries for one instant, in plain Python: the simulation's hot path.

:class:`~sim.engine.calendar.WorkingCalendar` answers its queries on numpy arrays, which is right
for the KPIs (thousands of contacts at once) and slow for the simulation, which asks about one
instant at a time — tens of thousands of times a replication ("when does this working-time
wait end?", "is the door open now?"). numpy spends microseconds wrapping each scalar; here the
same precomputed tables are Python lists searched with :mod:`bisect`, and the arithmetic is the
same IEEE operations in the same order, so every answer is bit-for-bit the array answer
(``tests/unit/test_calendar.py`` checks them against each other).

The calendar builds one :class:`ScalarQueries` from its tables and hands scalars to it; nothing
else constructs one.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable


class ScalarQueries:
    """Working-time queries for a single float instant over a calendar's precomputed tables.

    ``starts``/``ends``: the merged open intervals; ``cum_before``/``cum_end``: working minutes
    before/at the end of each; per day: ``day_work`` (working minutes), ``day_start_work``
    (working minutes before it), ``cum_days`` (working days before it); ``working_days``: the
    indices of working days; ``span``: the calendar's span in minutes. ``outside(t)`` and
    ``beyond(what)`` build the calendar's own error for a time outside the span or a result
    after it, so both paths fail with the same message.
    """

    __slots__ = (
        "_beyond",
        "_cum_before",
        "_cum_days",
        "_cum_end",
        "_day_start_work",
        "_day_work",
        "_ends",
        "_last_work",
        "_minutes_per_day",
        "_n_days",
        "_outside",
        "_span",
        "_starts",
        "_working_days",
    )

    def __init__(
        self,
        *,
        starts: list[float],
        ends: list[float],
        cum_before: list[float],
        cum_end: list[float],
        day_work: list[float],
        day_start_work: list[float],
        cum_days: list[float],
        working_days: list[int],
        span: float,
        minutes_per_day: int,
        outside: Callable[[float], ValueError],
        beyond: Callable[[str], ValueError],
    ) -> None:
        self._starts, self._ends = starts, ends
        self._cum_before, self._cum_end = cum_before, cum_end
        self._day_work, self._day_start_work = day_work, day_start_work
        self._cum_days, self._working_days = cum_days, working_days
        self._span, self._n_days = span, len(day_work) - 1
        self._minutes_per_day = minutes_per_day
        self._last_work = cum_end[-1]
        self._outside, self._beyond = outside, beyond

    # -- checks --------------------------------------------------------------------------------
    def time(self, t: float) -> float:
        """``t`` as a float, or the calendar's error if it is NaN or outside ``[0, span]``."""
        t = float(t)
        if not 0.0 <= t <= self._span:  # also False for NaN
            raise self._outside(t)
        return t

    @staticmethod
    def amount(x: float, name: str) -> float:
        """``x`` as a float that is finite and not negative (a duration or a day count)."""
        value = float(x)
        if not (math.isfinite(value) and value >= 0.0):
            raise ValueError(f"{name} must be finite and >= 0, got {x!r}")
        return value

    # -- primitives (mirroring the calendar's array primitives operation for operation) --------
    def is_open(self, t: float) -> bool:
        i = bisect_right(self._starts, t) - 1
        return i >= 0 and t < self._ends[i]

    def next_interval(self, t: float) -> int:
        """The interval open at ``t`` or, if closed, the next one to open."""
        i = bisect_right(self._starts, t) - 1
        if not (i >= 0 and t < self._ends[i]):
            i += 1
        if i >= len(self._starts):
            raise self._beyond("the next opening")
        return i

    def work(self, t: float) -> float:
        """W(t): working minutes in [0, t]."""
        i = bisect_right(self._starts, t) - 1
        if i < 0:
            return 0.0
        start = self._starts[i]
        within = min(max(t - start, 0.0), self._ends[i] - start)
        return self._cum_before[i] + within

    def work_inverse(self, w: float) -> float:
        """Earliest instant s with W(s) = w."""
        if w > self._last_work:
            raise self._beyond("the requested working time")
        i = min(bisect_left(self._cum_end, w), len(self._starts) - 1)
        s = self._starts[i] + (w - self._cum_before[i])
        return 0.0 if w <= 0 else s

    def clock(self, t: float) -> float:
        """D(t): the working-day clock."""
        k = min(math.floor(t / self._minutes_per_day), self._n_days)
        work = self._day_work[k]
        elapsed = self.work(t) - self._day_start_work[k]
        frac = min(max(elapsed / (work if work > 0 else 1.0), 0.0), 1.0)
        return self._cum_days[k] + (frac if work > 0 else 0.0)

    def clock_inverse(self, d: float) -> float:
        """Earliest instant s with D(s) = d (d >= 0)."""
        idx = max(math.ceil(d) - 1, 0)
        if idx >= len(self._working_days):
            raise self._beyond("the deadline")
        k = self._working_days[idx]
        return self.work_inverse(self._day_start_work[k] + (d - idx) * self._day_work[k])

    # -- the calendar's public queries for one instant ---------------------------------------
    def next_opening(self, t: float) -> float:
        return t if self.is_open(t) else self._starts[self.next_interval(t)]

    def next_closing(self, t: float) -> float:
        return self._ends[self.next_interval(t)]

    def add_working_minutes(self, t: float, minutes: float) -> float:
        return max(self.work_inverse(self.work(t) + minutes), t)

    def add_working_days(self, t: float, days: float) -> float:
        return max(self.clock_inverse(self.clock(t) + days), t)
