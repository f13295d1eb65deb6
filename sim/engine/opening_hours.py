"""Opening hours, bank-holiday regions and closures as a council writes them: parsed strictly.

``calendar.opening_hours`` is a list of ``HH:MM-HH:MM`` intervals per weekday,
``calendar.bank_holidays`` a region and ``calendar.extra_closures`` ISO dates. Parsing them is
one concept with two callers: :class:`~sim.engine.calendar.WorkingCalendar` builds from the
parsed values, and :func:`validate_calendar_config` checks a config before any run, naming the
key of the first bad value.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sim.config import WEEKDAYS
from sim.errors import ConfigError

#: ``calendar.bank_holidays`` value → ``holidays`` subdivision of GB (``None`` = no holidays).
BANK_HOLIDAY_REGIONS: dict[str, str | None] = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
    "none": None,
}

_INTERVAL_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_INTERVAL_ALLOWED = "'HH:MM-HH:MM' with 00:00 <= start < end <= 24:00"

# A day's opening hours as (start, end) minutes after midnight, sorted and non-overlapping.
DayHours = list[tuple[int, int]]


def _parse_clock(hours: str, minutes: str, *, allow_24: bool) -> int | None:
    """Minutes after midnight for ``HH:MM``, or ``None`` if it is not a valid clock time."""
    h, m = int(hours), int(minutes)
    if m >= 60:
        return None
    if h < 24 or (allow_24 and h == 24 and m == 0):
        return h * 60 + m
    return None


def _parse_interval(text: Any, key: str) -> tuple[int, int]:
    """Parse one ``"HH:MM-HH:MM"`` interval; ``24:00`` may end a day (for 24-hour services)."""
    match = _INTERVAL_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ConfigError(key, text, f"expected {_INTERVAL_ALLOWED}")
    start = _parse_clock(match[1], match[2], allow_24=False)
    end = _parse_clock(match[3], match[4], allow_24=True)
    if start is None or end is None:
        raise ConfigError(key, text, f"not a valid clock time; expected {_INTERVAL_ALLOWED}")
    if end <= start:
        raise ConfigError(key, text, f"end before start; expected {_INTERVAL_ALLOWED}")
    return start, end


def _parse_day(day: str, intervals: Any) -> DayHours:
    """Parse one weekday's list of intervals and reject overlaps (touching is fine)."""
    key = f"calendar.opening_hours.{day}"
    if isinstance(intervals, str) or not isinstance(intervals, Iterable):
        raise ConfigError(key, intervals, "a list of 'HH:MM-HH:MM' strings ([] = closed)")
    texts = list(intervals)
    parsed = sorted((_parse_interval(text, f"{key}[{i}]"), i) for i, text in enumerate(texts))
    for (prev, prev_i), (cur, cur_i) in itertools.pairwise(parsed):
        if cur[0] < prev[1]:
            first, second = sorted((prev_i, cur_i))
            raise ConfigError(
                f"{key}[{second}]",
                texts[second],
                f"intervals within a day must not overlap ({day}[{first}] is {texts[first]!r})",
            )
    return [interval for interval, _ in parsed]


def parse_opening_hours(opening_hours: Any) -> list[DayHours]:
    """Parse ``calendar.opening_hours`` into a list indexed by weekday (Monday = 0)."""
    key = "calendar.opening_hours"
    if not isinstance(opening_hours, Mapping):
        raise ConfigError(key, opening_hours, "a mapping of weekday name to list of intervals")
    unknown = [name for name in opening_hours if name not in WEEKDAYS]
    if unknown:
        raise ConfigError(f"{key}.{unknown[0]}", unknown[0], f"weekday names: {WEEKDAYS}")
    missing = [day for day in WEEKDAYS if day not in opening_hours]
    if missing:
        raise ConfigError(
            key, sorted(opening_hours), f"all seven weekdays; missing {missing} (use [] if closed)"
        )
    week = [_parse_day(day, opening_hours[day]) for day in WEEKDAYS]
    if not any(week):
        raise ConfigError(key, dict(opening_hours), "at least one weekday with opening hours")
    return week


def parse_region(bank_holidays: Any) -> str | None:
    """Map ``calendar.bank_holidays`` to a ``holidays`` GB subdivision code (or ``None``)."""
    if not isinstance(bank_holidays, str) or bank_holidays.lower() not in BANK_HOLIDAY_REGIONS:
        raise ConfigError(
            "calendar.bank_holidays", bank_holidays, f"one of {list(BANK_HOLIDAY_REGIONS)}"
        )
    return BANK_HOLIDAY_REGIONS[bank_holidays.lower()]


def parse_date(value: Any, key: str) -> datetime.date:
    """A :class:`datetime.date` from a date, a datetime (its date part) or an ISO string."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(key, value, "an ISO date 'YYYY-MM-DD'")


def parse_closures(extra_closures: Any) -> list[datetime.date]:
    """Parse ``calendar.extra_closures`` (whole days closed, e.g. a training day)."""
    key = "calendar.extra_closures"
    if isinstance(extra_closures, str) or not isinstance(extra_closures, Iterable):
        raise ConfigError(key, extra_closures, "a list of ISO dates 'YYYY-MM-DD'")
    return [parse_date(value, f"{key}[{i}]") for i, value in enumerate(extra_closures)]


def validate_calendar_config(cfg: Any) -> None:
    """Check a calendar config (``opening_hours``, ``bank_holidays``, ``extra_closures``)
    without building anything, so the app can reject bad input before a run starts.

    Raises :class:`~sim.errors.ConfigError` naming the offending key.
    """
    parse_opening_hours(cfg.opening_hours)
    parse_region(cfg.bank_holidays)
    parse_closures(cfg.extra_closures)
