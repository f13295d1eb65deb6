"""Working time: opening hours, bank holidays and the working-day clock behind statutory deadlines.

The simulation clock is a float: **minutes since midnight at the start of** ``start_date``, in
naive local wall-clock time (Europe/London). Every day is exactly 1440 minutes and
daylight-saving changes are ignored on purpose: opening hours are wall-clock times, so working
time (what every statutory clock measures) is exact; only out-of-hours *elapsed* time is off by
at most one hour, twice a year. Converting to and from :class:`datetime.datetime` therefore
gives naive local times.

Statutory clocks run in working days (a decision on a contact within 1 working day, an
assessment within 45). A working day is a day with opening hours that is neither a bank holiday
nor an extra closure. The *working-day clock* ``D(t)`` counts working days as a continuous
quantity, so that every working day counts exactly 1 however long it is (Friday closes early):

    D(t) = complete working days before t's day + share of t's working day already elapsed

and a deadline "n working days after t" is the earliest instant ``s`` with ``D(s) = D(t) + n``.
At an integer boundary that is the *closing* time of the working day, not the next morning:
a contact on a Sunday is due by Monday's close.

Everything is precomputed into numpy arrays over a fixed span (the requested days plus a margin,
so deadlines computed near the end of the horizon still resolve), so queries are ``O(log n)``
binary searches and accept scalars or arrays. A query outside the span raises ``ValueError``
rather than silently assuming "no bank holidays" beyond it.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from typing import Any, overload

import holidays
import numpy as np
import numpy.typing as npt

from sim.engine.opening_hours import (
    DayHours,
    parse_closures,
    parse_date,
    parse_opening_hours,
    parse_region,
)
from sim.engine.working_time import ScalarQueries

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MINUTES_PER_DAY = 1440

#: Extra days covered beyond the requested horizon. A 45-working-day deadline is about 65
#: calendar days (more over Christmas); 400 days leaves room for anything computed near the end.
DEFAULT_MARGIN_DAYS = 400

# --------------------------------------------------------------------------------------------
# The calendar
# --------------------------------------------------------------------------------------------


def _merge(intervals: list[tuple[int, int]]) -> FloatArray:
    """Sorted intervals as a (k, 2) array, joining those that touch (e.g. across midnight for
    a 24-hour service) so that a rota sees one continuous shift rather than zero-length gaps."""
    merged: list[list[int]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return np.array(merged, dtype=np.float64).reshape(-1, 2)


class WorkingCalendar:
    """Opening hours and closures over a fixed span, with vectorised working-time queries.

    Times are simulation minutes (see the module docstring). Methods accept a float or an
    array of floats and return a float/bool or an array accordingly. Open intervals are
    half-open ``[start, end)``: at closing time the service is closed.
    """

    def __init__(
        self,
        start_date: datetime.date,
        days: float,
        opening_hours: Mapping[str, Sequence[str]],
        bank_holidays: str = "england",
        extra_closures: Sequence[datetime.date | str] = (),
        *,
        margin_days: int = DEFAULT_MARGIN_DAYS,
    ) -> None:
        if not (math.isfinite(float(days)) and days >= 0):
            raise ValueError(f"days must be a finite number >= 0, got {days!r}")
        week = parse_opening_hours(opening_hours)
        region = parse_region(bank_holidays)
        closures = set(parse_closures(extra_closures))

        self.start_date: datetime.date = parse_date(start_date, "start_date")
        self.n_days: int = math.ceil(days) + margin_days
        self.span: float = float(self.n_days * MINUTES_PER_DAY)
        self.end_date: datetime.date = self.start_date + datetime.timedelta(days=self.n_days)
        self._holidays = self._load_holidays(region)
        self._closed_days = self._holidays | closures
        self._build(week)

    @classmethod
    def from_config(cls, cfg: Any, start_date: datetime.date | str, days: float) -> WorkingCalendar:
        """Build from a :class:`~sim.config.CalendarConfig` (or anything with the same
        attributes, such as an OmegaConf ``DictConfig``)."""
        return cls(
            parse_date(start_date, "run.start_date"),
            days,
            cfg.opening_hours,
            cfg.bank_holidays,
            cfg.extra_closures,
        )

    # ---- construction ----------------------------------------------------------------------

    def _load_holidays(self, region: str | None) -> set[datetime.date]:
        """Bank holidays in the span, from the maintained ``holidays`` package."""
        if region is None:
            return set()
        years = range(self.start_date.year, self.end_date.year + 1)
        found = holidays.country_holidays("GB", subdiv=region, years=years)
        return {d for d in found if self.start_date <= d < self.end_date}

    def _build(self, week: list[DayHours]) -> None:
        """Precompute the arrays every query searches.

        ``_starts``/``_ends``: merged open intervals; ``_cum_before[i]``: working minutes before
        interval ``i``. Per day ``k`` (padded with a closed day ``n_days`` so that ``t == span``
        works): ``_day_work[k]`` working minutes, ``_day_start_work[k]`` working minutes before
        day ``k``, ``_cum_days[k]`` working days before day ``k``.
        """
        intervals: list[tuple[int, int]] = []
        day_work = np.zeros(self.n_days + 1, dtype=np.float64)
        for k in range(self.n_days):
            day = self.start_date + datetime.timedelta(days=k)
            if day in self._closed_days:
                continue
            offset = k * MINUTES_PER_DAY
            for start, end in week[day.weekday()]:
                intervals.append((offset + start, offset + end))
                day_work[k] += end - start

        if not intervals:
            raise ValueError(
                f"the service is never open between {self.start_date} and {self.end_date}"
            )
        spans = _merge(intervals)
        self._starts: FloatArray = spans[:, 0].copy()
        self._ends: FloatArray = spans[:, 1].copy()
        lengths = self._ends - self._starts
        self._cum_end: FloatArray = np.cumsum(lengths)
        self._cum_before: FloatArray = self._cum_end - lengths
        self._day_work: FloatArray = day_work
        self._day_start_work: FloatArray = np.concatenate(([0.0], np.cumsum(day_work)[:-1]))
        is_working = day_work > 0
        self._cum_days: FloatArray = np.concatenate(([0.0], np.cumsum(is_working)[:-1]))
        self._working_days: npt.NDArray[np.intp] = np.flatnonzero(is_working)
        self._scalar = ScalarQueries(
            starts=self._starts.tolist(),
            ends=self._ends.tolist(),
            cum_before=self._cum_before.tolist(),
            cum_end=self._cum_end.tolist(),
            day_work=self._day_work.tolist(),
            day_start_work=self._day_start_work.tolist(),
            cum_days=self._cum_days.tolist(),
            working_days=self._working_days.tolist(),
            span=self.span,
            minutes_per_day=MINUTES_PER_DAY,
            outside=self._outside_span,
            beyond=self._beyond_span,
        )

    # ---- input checking ----------------------------------------------------------------------

    def _times(self, t: npt.ArrayLike) -> FloatArray:
        """``t`` as a float array, rejecting NaN and anything outside ``[0, span]``."""
        arr = np.asarray(t, dtype=np.float64)
        bad = ~np.isfinite(arr) | (arr < 0) | (arr > self.span)
        if np.any(bad):
            raise self._outside_span(float(arr[bad].flat[0]))
        return arr

    def _outside_span(self, value: float) -> ValueError:
        return ValueError(
            f"time {value} min is outside the calendar's span [0, {self.span:g}] minutes "
            f"({self.start_date} to {self.end_date}); build the calendar with more days"
        )

    def _beyond_span(self, what: str) -> ValueError:
        return ValueError(
            f"{what} falls after the calendar's span ends ({self.end_date}); "
            "build the calendar with more days"
        )

    # ---- primitive queries (arrays in, arrays out) -----------------------------------------

    def _interval_at(self, t: FloatArray) -> npt.NDArray[np.intp]:
        """Index of the last interval starting at or before ``t`` (-1 if none)."""
        return np.searchsorted(self._starts, t, side="right") - 1

    def _open(self, t: FloatArray) -> BoolArray:
        i = self._interval_at(t)
        return (i >= 0) & (t < self._ends[np.maximum(i, 0)])

    def _next_interval(self, t: FloatArray) -> npt.NDArray[np.intp]:
        """Index of the interval that is open at ``t`` or, if closed, the next one to open."""
        i = self._interval_at(t)
        i = np.where(self._open(t), i, i + 1)
        if np.any(i >= len(self._starts)):
            raise self._beyond_span("the next opening")
        return i

    def _work(self, t: FloatArray) -> FloatArray:
        """W(t): working minutes in [0, t]."""
        i = self._interval_at(t)
        j = np.maximum(i, 0)
        within = np.clip(t - self._starts[j], 0.0, self._ends[j] - self._starts[j])
        return np.where(i >= 0, self._cum_before[j] + within, 0.0)

    def _work_inverse(self, w: FloatArray) -> FloatArray:
        """Earliest instant s with W(s) = w (so a closing time rather than the next opening)."""
        if np.any(w > self._cum_end[-1]):
            raise self._beyond_span("the requested working time")
        i = np.minimum(np.searchsorted(self._cum_end, w, side="left"), len(self._starts) - 1)
        s = self._starts[i] + (w - self._cum_before[i])
        return np.where(w <= 0, 0.0, s)

    def _day_index(self, t: FloatArray) -> npt.NDArray[np.intp]:
        return np.minimum(np.floor(t / MINUTES_PER_DAY), self.n_days).astype(np.intp)

    def _clock(self, t: FloatArray) -> FloatArray:
        """D(t): the working-day clock (see :meth:`working_day_clock`)."""
        k = self._day_index(t)
        work = self._day_work[k]
        elapsed = self._work(t) - self._day_start_work[k]
        frac = np.clip(elapsed / np.where(work > 0, work, 1.0), 0.0, 1.0)
        return self._cum_days[k] + np.where(work > 0, frac, 0.0)

    def _clock_inverse(self, d: FloatArray) -> FloatArray:
        """Earliest instant s with D(s) = d (d >= 0)."""
        idx = np.maximum(np.ceil(d) - 1, 0).astype(np.intp)  # working day the target falls in
        if np.any(idx >= len(self._working_days)):
            raise self._beyond_span("the deadline")
        frac = d - idx  # in (0, 1], or 0 when d == 0
        k = self._working_days[idx]
        return self._work_inverse(self._day_start_work[k] + frac * self._day_work[k])

    # ---- public queries --------------------------------------------------------------------

    @overload
    def is_open(self, t: float) -> bool: ...
    @overload
    def is_open(self, t: npt.ArrayLike) -> BoolArray: ...
    def is_open(self, t: npt.ArrayLike) -> bool | BoolArray:
        """Whether the service is open at ``t`` (closing time itself counts as closed)."""
        if isinstance(t, float | int):
            return self._scalar.is_open(self._scalar.time(t))
        arr = self._times(t)
        return _out_bool(self._open(arr), arr.ndim == 0)

    @overload
    def next_opening(self, t: float) -> float: ...
    @overload
    def next_opening(self, t: npt.ArrayLike) -> FloatArray: ...
    def next_opening(self, t: npt.ArrayLike) -> float | FloatArray:
        """``t`` itself if open, else the start of the next open interval."""
        if isinstance(t, float | int):
            return self._scalar.next_opening(self._scalar.time(t))
        arr = self._times(t)
        result = np.where(self._open(arr), arr, self._starts[self._next_interval(arr)])
        return _out(result, arr.ndim == 0)

    @overload
    def next_closing(self, t: float) -> float: ...
    @overload
    def next_closing(self, t: npt.ArrayLike) -> FloatArray: ...
    def next_closing(self, t: npt.ArrayLike) -> float | FloatArray:
        """End of the open interval containing ``t``, or of the next one if closed."""
        if isinstance(t, float | int):
            return self._scalar.next_closing(self._scalar.time(t))
        arr = self._times(t)
        return _out(self._ends[self._next_interval(arr)], arr.ndim == 0)

    def open_intervals(self) -> FloatArray:
        """All open intervals in the span as a (k, 2) array of (start, end) minutes.

        Intervals that touch (e.g. ``00:00-24:00`` on consecutive days) are merged. The office
        staff pool is on duty in these.
        """
        return np.column_stack((self._starts, self._ends))

    def closed_intervals(self) -> FloatArray:
        """The complement of :meth:`open_intervals` within ``[0, span)``, as a (k, 2) array.

        The out-of-hours staff pool is on duty in these (evenings, weekends, bank holidays).
        """
        starts = np.concatenate(([0.0], self._ends))
        ends = np.concatenate((self._starts, [self.span]))
        keep = ends > starts
        return np.column_stack((starts[keep], ends[keep]))

    @overload
    def working_minutes_between(self, a: float, b: float) -> float: ...
    @overload
    def working_minutes_between(self, a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray: ...
    def working_minutes_between(self, a: npt.ArrayLike, b: npt.ArrayLike) -> float | FloatArray:
        """Working minutes elapsed in ``[a, b]`` (0 if ``b <= a``)."""
        aa, bb = self._times(a), self._times(b)
        result = np.maximum(self._work(bb) - self._work(aa), 0.0)
        return _out(result, aa.ndim == 0 and bb.ndim == 0)

    @overload
    def working_hours_between(self, a: float, b: float) -> float: ...
    @overload
    def working_hours_between(self, a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray: ...
    def working_hours_between(self, a: npt.ArrayLike, b: npt.ArrayLike) -> float | FloatArray:
        """Working hours elapsed in ``[a, b]`` (0 if ``b <= a``)."""
        return self.working_minutes_between(a, b) / 60.0

    @overload
    def working_day_clock(self, t: float) -> float: ...
    @overload
    def working_day_clock(self, t: npt.ArrayLike) -> FloatArray: ...
    def working_day_clock(self, t: npt.ArrayLike) -> float | FloatArray:
        """D(t): complete working days before ``t``'s day plus the share of ``t``'s working day
        already elapsed (working minutes so far that day / that day's working minutes).

        On a closed day, or before opening, it is the count so far; after closing it includes
        the whole day. Every working day counts exactly 1, whatever its length, which is what
        "within n working days" means.
        """
        if isinstance(t, float | int):
            return self._scalar.clock(self._scalar.time(t))
        arr = self._times(t)
        return _out(self._clock(arr), arr.ndim == 0)

    @overload
    def working_days_between(self, a: float, b: float) -> float: ...
    @overload
    def working_days_between(self, a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray: ...
    def working_days_between(self, a: npt.ArrayLike, b: npt.ArrayLike) -> float | FloatArray:
        """``D(b) - D(a)``: working days elapsed from ``a`` to ``b`` (negative if ``b < a``)."""
        aa, bb = self._times(a), self._times(b)
        return _out(self._clock(bb) - self._clock(aa), aa.ndim == 0 and bb.ndim == 0)

    @overload
    def add_working_days(self, t: float, n: float) -> float: ...
    @overload
    def add_working_days(self, t: npt.ArrayLike, n: npt.ArrayLike) -> FloatArray: ...
    def add_working_days(self, t: npt.ArrayLike, n: npt.ArrayLike) -> float | FloatArray:
        """The deadline ``n`` working days after ``t``: the earliest ``s`` with
        ``D(s) = D(t) + n``.

        At a whole working day this is that day's *closing* time (a Sunday contact is due by
        Monday's close, not Tuesday morning). ``n`` may be fractional but not negative;
        ``n = 0`` gives ``t``.
        """
        if isinstance(t, float | int) and isinstance(n, float | int):
            q = self._scalar
            return q.add_working_days(q.time(t), q.amount(n, "n"))
        arr = self._times(t)
        days = _non_negative(n, "n")
        target = self._clock(arr) + days
        result = np.maximum(self._clock_inverse(target), arr)  # guards n == 0 on a closed day
        return _out(result, arr.ndim == 0 and days.ndim == 0)

    @overload
    def add_working_minutes(self, t: float, m: float) -> float: ...
    @overload
    def add_working_minutes(self, t: npt.ArrayLike, m: npt.ArrayLike) -> FloatArray: ...
    def add_working_minutes(self, t: npt.ArrayLike, m: npt.ArrayLike) -> float | FloatArray:
        """The instant at which ``m`` working minutes have elapsed after ``t`` (for delays that
        only progress while the service is open). A delay that ends exactly at closing ends at
        closing time; ``m = 0`` gives ``t``."""
        if isinstance(t, float | int) and isinstance(m, float | int):
            q = self._scalar
            return q.add_working_minutes(q.time(t), q.amount(m, "m"))
        arr = self._times(t)
        minutes = _non_negative(m, "m")
        result = np.maximum(self._work_inverse(self._work(arr) + minutes), arr)
        return _out(result, arr.ndim == 0 and minutes.ndim == 0)

    # ---- dates -------------------------------------------------------------------------------

    def _midnight(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start_date, datetime.time())

    def to_datetime(self, t: float) -> datetime.datetime:
        """Naive local wall-clock time of simulation minute ``t``."""
        return self._midnight() + datetime.timedelta(minutes=float(t))

    def to_minutes(self, dt: datetime.datetime | datetime.date) -> float:
        """Simulation minutes of a naive local datetime, or of midnight starting a date."""
        if not isinstance(dt, datetime.datetime):
            dt = datetime.datetime.combine(dt, datetime.time())
        if dt.tzinfo is not None:
            raise ValueError(f"expected a naive local datetime, got {dt!r} with a timezone")
        return (dt - self._midnight()).total_seconds() / 60.0

    def date_of(self, t: float) -> datetime.date:
        """The calendar date that simulation minute ``t`` falls on."""
        day = int(self._day_index(self._times(t)))
        return self.start_date + datetime.timedelta(days=day)

    def is_working_day(self, d: datetime.date) -> bool:
        """Whether ``d`` has opening hours and is neither a bank holiday nor a closure."""
        k = (d - self.start_date).days
        if not 0 <= k < self.n_days:
            raise ValueError(
                f"{d} is outside the calendar's span ({self.start_date} to {self.end_date})"
            )
        return bool(self._day_work[k] > 0)

    @property
    def bank_holiday_dates(self) -> list[datetime.date]:
        """Bank holidays within the span (including any that fall on a weekend), sorted."""
        return sorted(self._holidays)


def _out(x: FloatArray, scalar: bool) -> float | FloatArray:
    """A Python float for scalar input, else the array."""
    return float(x) if scalar else np.asarray(x, dtype=np.float64)


def _out_bool(x: BoolArray, scalar: bool) -> bool | BoolArray:
    return bool(x) if scalar else np.asarray(x, dtype=np.bool_)


def _non_negative(x: npt.ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr) & (arr >= 0)):
        raise ValueError(f"{name} must be finite and >= 0, got {x!r}")
    return arr
