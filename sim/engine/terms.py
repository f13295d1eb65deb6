"""School holidays in England: when school contacts fall away.

Schools send about a fifth of referrals, and far fewer in the holidays (parameters.md §2 note 3),
so each source's rate is multiplied by its ``school_holiday_factor`` on school-holiday days
(:mod:`sim.demand`). This module says which days those are, from ``demand.school_terms``:

- ``holidays``: explicit inclusive periods ``"YYYY-MM-DD/YYYY-MM-DD"`` (a single
  ``"YYYY-MM-DD"`` is a one-day period, e.g. an INSET day). When given they **replace** the rule
  entirely, so they must cover the whole run. A local authority should paste its own published
  term dates here: the rule below is only a typical pattern.
- ``rule: england`` (used when ``holidays`` is empty): a typical English local-authority year,
  derived for every year the run touches — see :func:`england_school_holidays`.
- ``rule: none``: no school holidays.

Every day inside a holiday period is flagged, including its weekends. Weekends are *not*
holidays in themselves: the hour-of-week profile already brings school contacts near zero at
weekends, so whether a weekend is flagged only matters for sources with weekend contacts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.errors import ConfigError

RULES = ("england", "none")
PERIOD_FORMAT = "'YYYY-MM-DD/YYYY-MM-DD' (inclusive, end not before start) or 'YYYY-MM-DD'"

#: Easter Sunday on or after this day of April counts as a *late* Easter (see the rule).
LATE_EASTER_APRIL_DAY = 16

_ONE_DAY = dt.timedelta(days=1)
MONDAY, WEDNESDAY, SATURDAY = 0, 2, 5

Period = tuple[dt.date, dt.date]


# --------------------------------------------------------------------------------------------
# Date helpers
# --------------------------------------------------------------------------------------------


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday (Western, Gregorian calendar) by the Anonymous Gregorian algorithm."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _week_around(monday: dt.date) -> Period:
    """A Monday–Friday half term with the weekends either side: Saturday to Sunday, 9 days."""
    return monday - dt.timedelta(days=2), monday + dt.timedelta(days=6)


# --------------------------------------------------------------------------------------------
# The England rule
# --------------------------------------------------------------------------------------------


def england_school_holidays(year: int) -> list[Period]:
    """Typical English school holidays that start in ``year``, as inclusive (first, last) days.

    A pattern, not any authority's published dates (those go in ``school_terms.holidays``).
    Each Monday–Friday half term is widened to the Saturday before and the Sunday after.

    - **February half term**: the week of the third Monday of February (Sat–Sun, 9 days).
    - **Easter**: two school weeks placed by the date of Easter Sunday ``E``
      (Good Friday ``E−2`` and Easter Monday ``E+1`` always fall inside):

      - usual case: the week of Good Friday and the week after Easter — from the Saturday
        before Good Friday's week (``E−8`` = Good Friday − 6) to the Sunday after Easter
        Monday's week (``E+7``), 16 days. 2026 (E = 5 Apr): 28 Mar – 12 Apr.
      - late Easter (``E`` on or after 16 April): the two weeks *before* Easter plus Easter
        Monday, from ``E−15`` (a Saturday) to ``E+1``, 17 days — the pattern many English
        authorities follow in late-Easter years rather than run the summer term short.
        2025 (E = 20 Apr): 5 Apr – 21 Apr (pupils back Tuesday 22 April).

    - **May half term**: the week of the Spring bank holiday, the last Monday of May.
    - **Summer**: from the Saturday on or after 20 July to the Sunday before the first
      Wednesday of September (pupils return that week; the Monday and Tuesday, often INSET
      days, count as term). 2025: 26 Jul – 31 Aug.
    - **October half term**: the week of the last Monday of October.
    - **Christmas**: two weeks, from the Saturday on or after 17 December (the day after the
      last school Friday, which falls 16–22 December) to the Sunday 15 days later, which is the
      first Sunday on or after 1 January: 16 days. 2024: 21 Dec – 5 Jan 2025; 2025: 20 Dec –
      4 Jan 2026. When 1–3 January is a (substitute) bank holiday after that Sunday, the
      bank-holiday factor covers it. This period starts in ``year`` and ends in ``year + 1``.
    """
    easter = easter_sunday(year)
    if easter >= dt.date(year, 4, LATE_EASTER_APRIL_DAY):
        easter_period = (easter - dt.timedelta(days=15), easter + _ONE_DAY)
    else:
        easter_period = (easter - dt.timedelta(days=8), easter + dt.timedelta(days=7))
    third_monday_feb = _on_or_after(dt.date(year, 2, 1), MONDAY) + dt.timedelta(weeks=2)
    spring_bank_holiday = _on_or_before(dt.date(year, 5, 31), MONDAY)
    last_monday_oct = _on_or_before(dt.date(year, 10, 31), MONDAY)
    first_wednesday_sep = _on_or_after(dt.date(year, 9, 1), WEDNESDAY)
    christmas = _on_or_after(dt.date(year, 12, 17), SATURDAY)
    return [
        _week_around(third_monday_feb),
        easter_period,
        _week_around(spring_bank_holiday),
        (
            _on_or_after(dt.date(year, 7, 20), SATURDAY),
            first_wednesday_sep - dt.timedelta(days=3),
        ),
        _week_around(last_monday_oct),
        (christmas, christmas + dt.timedelta(days=15)),
    ]


# --------------------------------------------------------------------------------------------
# Parsing and validation
# --------------------------------------------------------------------------------------------


def _parse_rule(rule: Any, key: str) -> str:
    if not isinstance(rule, str) or rule.strip().lower() not in RULES:
        raise ConfigError(f"{key}.rule", rule, f"one of {list(RULES)}")
    return rule.strip().lower()


def _parse_period(text: Any, key: str) -> Period:
    """One ``"YYYY-MM-DD/YYYY-MM-DD"`` (or ``"YYYY-MM-DD"``) period, inclusive."""
    if not isinstance(text, str):
        raise ConfigError(key, text, f"a string {PERIOD_FORMAT}")
    parts = text.split("/")
    if len(parts) > 2:
        raise ConfigError(key, text, PERIOD_FORMAT)
    try:
        first, last = (dt.date.fromisoformat(part.strip()) for part in (parts[0], parts[-1]))
    except ValueError:
        raise ConfigError(key, text, f"not a valid date; {PERIOD_FORMAT}") from None
    if last < first:
        raise ConfigError(key, text, f"end before start; {PERIOD_FORMAT}")
    return first, last


def _parse_periods(periods: Any, key: str) -> list[Period]:
    if periods is None:
        return []
    if isinstance(periods, str) or not isinstance(periods, Iterable):
        raise ConfigError(key, periods, f"a list of periods {PERIOD_FORMAT}")
    return [_parse_period(text, f"{key}[{i}]") for i, text in enumerate(periods)]


def validate_school_terms(cfg: Any, key: str = "demand.school_terms") -> None:
    """Check ``rule`` and every ``holidays`` period; :class:`ConfigError` names the key
    (``<key>.rule`` or ``<key>.holidays[i]``)."""
    _parse_rule(cfg.rule, key)
    _parse_periods(cfg.holidays, f"{key}.holidays")


# --------------------------------------------------------------------------------------------
# Day flags
# --------------------------------------------------------------------------------------------


def holiday_periods(cfg: Any, first: dt.date, last: dt.date) -> list[Period]:
    """The school-holiday periods in force between ``first`` and ``last`` (inclusive) under
    ``cfg`` (explicit ``holidays`` if any, else the rule). Periods may reach outside the range."""
    explicit = _parse_periods(cfg.holidays, "demand.school_terms.holidays")
    if explicit:
        return explicit
    if _parse_rule(cfg.rule, "demand.school_terms") == "none":
        return []
    # Christmas of the year before reaches into January.
    return [
        period
        for year in range(first.year - 1, last.year + 1)
        for period in england_school_holidays(year)
    ]


def school_holiday_days(cfg: Any, start: dt.date, days: int) -> npt.NDArray[np.bool_]:
    """One flag per day from ``start``: ``True`` on a school-holiday day.

    ``cfg`` is a :class:`~sim.config.SchoolTermsConfig` (or anything with ``rule`` and
    ``holidays``). Raises :class:`ConfigError` for a bad rule or period.
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    flags = np.zeros(days, dtype=np.bool_)
    if days == 0:
        return flags
    last = start + dt.timedelta(days=days - 1)
    for first_day, last_day in holiday_periods(cfg, start, last):
        lo = max((first_day - start).days, 0)
        hi = min((last_day - start).days + 1, days)
        if lo < hi:
            flags[lo:hi] = True
    return flags
