"""Tests for sim.engine.calendar: working time, bank holidays and the working-day clock.

Expected values are worked out by hand in the comments. The clock is minutes since midnight at
the start of 2025-04-07 (a Monday), so a day ``k`` days later starts at minute ``1440 k``.
ChECS hours: Mon-Thu 08:30-17:00 (510 working minutes), Fri 08:30-16:30 (480).
"""

from __future__ import annotations

import datetime

import holidays
import numpy as np
import pytest
from omegaconf import OmegaConf

from sim.config import CalendarConfig
from sim.engine.calendar import WorkingCalendar
from sim.engine.opening_hours import validate_calendar_config
from sim.errors import ConfigError

START = datetime.date(2025, 4, 7)  # a Monday

CHECS_HOURS = {
    "monday": ["08:30-17:00"],
    "tuesday": ["08:30-17:00"],
    "wednesday": ["08:30-17:00"],
    "thursday": ["08:30-17:00"],
    "friday": ["08:30-16:30"],
    "saturday": [],
    "sunday": [],
}


def at(year: int, month: int, day: int, hour: int = 0, minute: float = 0) -> float:
    """Simulation minute of a wall-clock time, computed independently of the code under test."""
    days = (datetime.date(year, month, day) - START).days
    return days * 1440.0 + hour * 60 + minute


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar(START, 365, CHECS_HOURS, "england")


def hours_with(**changes: list[str]) -> dict[str, list[str]]:
    return {**CHECS_HOURS, **changes}


# ---- the helper itself ---------------------------------------------------------------------


def test_at_helper_matches_hand_values() -> None:
    assert at(2025, 4, 7, 8, 30) == 510.0  # 8.5 h after the start
    assert at(2025, 4, 12) == 5 * 1440.0  # Saturday: five days on
    assert at(2025, 12, 25) == 262 * 1440.0  # 24 days of April + 31+30+31+31+30+31+30 + 24


# ---- bank holidays and working days ------------------------------------------------------------

ENGLAND_2025_26 = [
    datetime.date(2025, 4, 18),  # Good Friday
    datetime.date(2025, 4, 21),  # Easter Monday
    datetime.date(2025, 5, 5),  # Early May bank holiday
    datetime.date(2025, 12, 25),  # Christmas Day
    datetime.date(2025, 12, 26),  # Boxing Day
    datetime.date(2026, 1, 1),  # New Year's Day
]


def test_holidays_package_gives_england_dates() -> None:
    england = holidays.country_holidays("GB", subdiv="ENG", years=[2025, 2026])
    for day in ENGLAND_2025_26:
        assert day in england


def test_bank_holidays_are_not_working_days(cal: WorkingCalendar) -> None:
    for day in ENGLAND_2025_26:
        assert day in cal.bank_holiday_dates
        assert not cal.is_working_day(day)
    assert cal.bank_holiday_dates == sorted(cal.bank_holiday_dates)
    assert all(START <= d < cal.end_date for d in cal.bank_holiday_dates)


def test_weekends_are_not_working_days_and_weekdays_are(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(datetime.date(2025, 4, 12))  # Saturday
    assert not cal.is_working_day(datetime.date(2025, 4, 13))  # Sunday
    assert cal.is_working_day(datetime.date(2025, 4, 11))  # Friday
    assert cal.is_working_day(datetime.date(2025, 12, 24))  # Christmas Eve, a Wednesday


def test_region_none_and_scotland() -> None:
    none = WorkingCalendar(START, 365, CHECS_HOURS, "none")
    assert none.bank_holiday_dates == []
    assert none.is_working_day(datetime.date(2025, 4, 18))  # Good Friday, but no holidays
    scotland = WorkingCalendar(START, 365, CHECS_HOURS, "scotland")
    assert not scotland.is_working_day(datetime.date(2026, 1, 2))  # 2 Jan holiday in Scotland
    assert scotland.is_working_day(datetime.date(2025, 4, 21))  # no Easter Monday in Scotland


def test_extra_closures_close_the_whole_day() -> None:
    cal = WorkingCalendar(START, 30, CHECS_HOURS, extra_closures=["2025-04-09"])
    assert not cal.is_working_day(datetime.date(2025, 4, 9))
    assert not cal.is_open(at(2025, 4, 9, 12))
    # Tuesday 10:00 + 1 working day skips the closed Wednesday: Thursday 10:00.
    assert cal.add_working_days(at(2025, 4, 8, 10), 1) == at(2025, 4, 10, 10)


# ---- is_open, next_opening, next_closing -----------------------------------------------------


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (at(2025, 4, 7, 8, 29), False),  # Monday before opening
        (at(2025, 4, 7, 8, 30), True),  # opening time is open
        (at(2025, 4, 7, 16, 59), True),
        (at(2025, 4, 7, 17, 0), False),  # closing time is closed
        (at(2025, 4, 11, 16, 29), True),  # Friday
        (at(2025, 4, 11, 16, 30), False),  # Friday closes at 16:30
        (at(2025, 4, 12, 12), False),  # Saturday
        (at(2025, 4, 18, 12), False),  # Good Friday
        (at(2025, 4, 22, 12), True),  # Tuesday after Easter
    ],
)
def test_is_open(cal: WorkingCalendar, t: float, expected: bool) -> None:
    assert cal.is_open(t) is expected


def test_next_opening(cal: WorkingCalendar) -> None:
    # Saturday 10:00 -> Monday 08:30.
    assert cal.next_opening(at(2025, 4, 12, 10)) == at(2025, 4, 14, 8, 30)
    # Monday 07:00 -> 08:30 the same day.
    assert cal.next_opening(at(2025, 4, 14, 7)) == at(2025, 4, 14, 8, 30)
    # Inside hours -> the same instant.
    assert cal.next_opening(at(2025, 4, 14, 11, 15)) == at(2025, 4, 14, 11, 15)
    # Thursday 17 Apr 17:30, before Easter -> Tuesday 22 Apr 08:30.
    assert cal.next_opening(at(2025, 4, 17, 17, 30)) == at(2025, 4, 22, 8, 30)


def test_next_closing(cal: WorkingCalendar) -> None:
    assert cal.next_closing(at(2025, 4, 11, 9)) == at(2025, 4, 11, 16, 30)  # Friday
    assert cal.next_closing(at(2025, 4, 12, 9)) == at(2025, 4, 14, 17)  # Saturday -> Monday
    assert cal.next_closing(at(2025, 4, 14, 17)) == at(2025, 4, 15, 17)  # at closing: next day


def test_open_and_closed_intervals(cal: WorkingCalendar) -> None:
    opened = cal.open_intervals()
    closed = cal.closed_intervals()
    # Mon 7 Apr 08:30-17:00 is minutes 510-1020; Tue is 1440 later.
    np.testing.assert_array_equal(opened[:2], [[510, 1020], [1950, 2460]])
    np.testing.assert_array_equal(closed[:2], [[0, 510], [1020, 1950]])
    # Fri 11 Apr 16:30 (4*1440 + 990 = 6750) to Mon 14 Apr 08:30 (7*1440 + 510 = 10590).
    assert [6750, 10590] in closed.tolist()
    # Together they tile [0, span) exactly.
    both = np.concatenate((opened, closed))
    both = both[np.argsort(both[:, 0])]
    assert both[0, 0] == 0 and both[-1, 1] == cal.span
    np.testing.assert_array_equal(both[1:, 0], both[:-1, 1])


def test_always_open_calendar_is_one_interval() -> None:
    always = {day: ["00:00-24:00"] for day in CHECS_HOURS}
    cal = WorkingCalendar(START, 10, always, "none")
    np.testing.assert_array_equal(cal.open_intervals(), [[0, cal.span]])
    assert cal.closed_intervals().shape == (0, 2)
    assert cal.add_working_days(600.0, 1) == 600.0 + 1440  # a working day is a whole day
    assert cal.working_hours_between(0.0, 1440.0 * 3) == 72.0


# ---- working time between instants -----------------------------------------------------------


def test_working_hours_across_a_weekend(cal: WorkingCalendar) -> None:
    # Fri 11 Apr 15:00 -> Mon 14 Apr 10:00: Fri 15:00-16:30 (90 min) + Mon 08:30-10:00 (90 min).
    a, b = at(2025, 4, 11, 15), at(2025, 4, 14, 10)
    assert cal.working_minutes_between(a, b) == 180.0
    assert cal.working_hours_between(a, b) == 3.0
    assert cal.working_minutes_between(b, a) == 0.0  # b <= a


def test_working_hours_over_a_full_week(cal: WorkingCalendar) -> None:
    # Mon 7 Apr 00:00 -> Mon 14 Apr 00:00: 4 × 8.5 h + 8 h = 42 h.
    assert cal.working_hours_between(at(2025, 4, 7), at(2025, 4, 14)) == 42.0


def test_add_working_minutes(cal: WorkingCalendar) -> None:
    # Fri 16:00 + 60 working min: 30 min to Friday's close, 30 from Monday 08:30 -> 09:00.
    assert cal.add_working_minutes(at(2025, 4, 11, 16), 60) == at(2025, 4, 14, 9)
    # Ending exactly at closing time stays at closing time, not Monday morning.
    assert cal.add_working_minutes(at(2025, 4, 11, 16), 30) == at(2025, 4, 11, 16, 30)
    # Saturday + 0 stays put; Saturday + 10 -> Monday 08:40.
    assert cal.add_working_minutes(at(2025, 4, 12, 9), 0) == at(2025, 4, 12, 9)
    assert cal.add_working_minutes(at(2025, 4, 12, 9), 10) == at(2025, 4, 14, 8, 40)


# ---- the working-day clock and deadlines -----------------------------------------------------


def test_working_day_clock_hand_values(cal: WorkingCalendar) -> None:
    assert cal.working_day_clock(at(2025, 4, 7, 7)) == 0.0  # before the first opening
    assert cal.working_day_clock(at(2025, 4, 7, 10)) == pytest.approx(90 / 510)
    assert cal.working_day_clock(at(2025, 4, 7, 17, 30)) == 1.0  # Monday done
    assert cal.working_day_clock(at(2025, 4, 13, 12)) == 5.0  # Sunday: Mon-Fri done
    # Fri 11 Apr 16:00: 4 days done + 450 of Friday's 480 minutes.
    assert cal.working_day_clock(at(2025, 4, 11, 16)) == pytest.approx(4.9375)
    # Tuesday 22 Apr 00:00: 9 days (Mon 7 - Thu 17, minus Good Friday), Easter Monday closed.
    assert cal.working_day_clock(at(2025, 4, 22)) == 9.0


def test_deadline_monday_10am_is_tuesday_10am(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(at(2025, 4, 7, 10), 1) == pytest.approx(at(2025, 4, 8, 10))


def test_deadline_friday_after_closing_is_monday_close(cal: WorkingCalendar) -> None:
    # Friday 16:59 is after the 16:30 close, so Friday counts as done: due Monday 17:00.
    assert cal.add_working_days(at(2025, 4, 11, 16, 59), 1) == at(2025, 4, 14, 17)


def test_deadline_friday_after_closing_skips_bank_holiday_monday(cal: WorkingCalendar) -> None:
    # Fri 2 May 2025 16:59; Monday 5 May is the Early May bank holiday -> Tuesday 6 May 17:00.
    assert cal.add_working_days(at(2025, 5, 2, 16, 59), 1) == at(2025, 5, 6, 17)


def test_deadline_sunday_contact_is_monday_close(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(at(2025, 4, 13, 12), 1) == at(2025, 4, 14, 17)


def test_deadline_friday_4pm_uses_the_share_of_the_day(cal: WorkingCalendar) -> None:
    # 450/480 = 0.9375 of Friday done, so the deadline is 0.9375 × 510 = 478.125 minutes
    # after Monday's 08:30 opening: 16:28:07.5.
    expected = at(2025, 4, 14, 8, 30) + 478.125
    assert cal.add_working_days(at(2025, 4, 11, 16), 1) == pytest.approx(expected, abs=1e-9)
    assert cal.to_datetime(expected) == datetime.datetime(2025, 4, 14, 16, 28, 7, 500000)


def test_deadline_skips_easter(cal: WorkingCalendar) -> None:
    # Thursday 17 Apr 10:00 + 1: Good Friday and Easter Monday closed -> Tuesday 22 Apr 10:00.
    assert cal.add_working_days(at(2025, 4, 17, 10), 1) == pytest.approx(at(2025, 4, 22, 10))


def test_deadline_skips_christmas_and_new_year(cal: WorkingCalendar) -> None:
    # Wed 24 Dec 2025 after close: Thu 25, Fri 26 closed, weekend -> Monday 29 Dec 17:00.
    assert cal.add_working_days(at(2025, 12, 24, 17, 30), 1) == at(2025, 12, 29, 17)
    # Wed 31 Dec after close: Thu 1 Jan closed -> Friday 2 Jan 16:30.
    assert cal.add_working_days(at(2025, 12, 31, 18), 1) == at(2026, 1, 2, 16, 30)


def test_45_working_day_deadline_across_christmas(cal: WorkingCalendar) -> None:
    # Contact Mon 1 Dec 2025 10:00. Working days after it:
    #   Dec 2-5: 4 (4); Dec 8-12: 5 (9); Dec 15-19: 5 (14); Dec 22-24: 3 (17);
    #   25, 26 Dec bank holidays; Dec 29-31: 3 (20); 1 Jan bank holiday; Fri 2 Jan: 1 (21);
    #   Jan 5-9, 12-16, 19-23, 26-30: 20 (41); Mon 2 Feb 42, Tue 43, Wed 44, Thu 5 Feb 45.
    # Same share of a Mon-Thu day (90/510), so 10:00 on Thursday 5 Feb 2026.
    t = at(2025, 12, 1, 10)
    deadline = cal.add_working_days(t, 45)
    assert deadline == pytest.approx(at(2026, 2, 5, 10), abs=1e-9)
    assert cal.working_days_between(t, deadline) == pytest.approx(45, abs=1e-9)
    # Calendar days elapsed: 66, versus 63 without the three bank holidays.
    assert cal.date_of(deadline) - cal.date_of(t) == datetime.timedelta(days=66)


def test_working_days_between(cal: WorkingCalendar) -> None:
    # Fri 16:00 (4.9375) to Mon 14 Apr 10:00 (5 + 90/510).
    a, b = at(2025, 4, 11, 16), at(2025, 4, 14, 10)
    assert cal.working_days_between(a, b) == pytest.approx(5 + 90 / 510 - 4.9375)
    assert cal.working_days_between(b, a) == pytest.approx(-(5 + 90 / 510 - 4.9375))


def test_add_zero_working_days_is_identity(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(at(2025, 4, 12, 9), 0) == at(2025, 4, 12, 9)  # Saturday
    assert cal.add_working_days(at(2025, 4, 7, 3), 0) == at(2025, 4, 7, 3)  # before 1st opening
    assert cal.add_working_days(0.0, 1) == at(2025, 4, 7, 17)


def test_add_working_days_rejects_negative(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="n must be"):
        cal.add_working_days(600.0, -1)


def test_clock_and_deadline_are_inverse(cal: WorkingCalendar) -> None:
    rng = np.random.default_rng(20250407)
    t = rng.uniform(0, 365 * 1440, size=2000)
    t[:200] = np.round(t[:200] / 30) * 30  # include instants on the half hour (openings/closes)
    n = np.concatenate((rng.integers(1, 46, size=1000), rng.uniform(0, 45, size=1000)))
    s = cal.add_working_days(t, n)
    np.testing.assert_allclose(cal.working_days_between(t, s), n, rtol=0, atol=1e-9)
    assert np.all(s >= t)
    # Earliest such instant: a moment earlier the clock has not got there yet.
    positive = n > 0
    earlier = cal.working_day_clock(s[positive] - 1e-3)
    assert np.all(earlier < cal.working_day_clock(t[positive]) + n[positive])
    # Deadlines land on open time or exactly at a closing time, never in closed time.
    assert np.all(cal.is_open(s) | np.isin(s, cal.open_intervals()[:, 1]))


def test_working_minutes_inverse(cal: WorkingCalendar) -> None:
    rng = np.random.default_rng(7)
    t = rng.uniform(0, 365 * 1440, size=1000)
    m = rng.uniform(0, 5000, size=1000)
    s = cal.add_working_minutes(t, m)
    np.testing.assert_allclose(cal.working_minutes_between(t, s), m, rtol=0, atol=1e-6)


# ---- vectorisation -----------------------------------------------------------------------------


def test_vectorised_calls_equal_scalar_calls(cal: WorkingCalendar) -> None:
    rng = np.random.default_rng(1)
    t = rng.uniform(0, 300 * 1440, size=50)
    b = t + rng.uniform(0, 10 * 1440, size=50)
    n = rng.uniform(0, 20, size=50)
    checks = {
        "is_open": (cal.is_open(t), [cal.is_open(float(x)) for x in t]),
        "next_opening": (cal.next_opening(t), [cal.next_opening(float(x)) for x in t]),
        "next_closing": (cal.next_closing(t), [cal.next_closing(float(x)) for x in t]),
        "clock": (cal.working_day_clock(t), [cal.working_day_clock(float(x)) for x in t]),
        "minutes": (
            cal.working_minutes_between(t, b),
            [cal.working_minutes_between(float(x), float(y)) for x, y in zip(t, b, strict=True)],
        ),
        "days": (
            cal.add_working_days(t, n),
            [cal.add_working_days(float(x), float(k)) for x, k in zip(t, n, strict=True)],
        ),
    }
    for name, (vector, scalars) in checks.items():
        assert isinstance(vector, np.ndarray), name
        assert vector.shape == (50,), name
        np.testing.assert_array_equal(vector, scalars, err_msg=name)


def test_scalar_calls_return_python_scalars(cal: WorkingCalendar) -> None:
    assert type(cal.is_open(600.0)) is bool
    assert type(cal.next_opening(600.0)) is float
    assert type(cal.add_working_days(600, 1)) is float
    assert isinstance(cal.working_day_clock(np.array([600.0])), np.ndarray)


# ---- dates -------------------------------------------------------------------------------------


def test_date_conversions(cal: WorkingCalendar) -> None:
    assert cal.to_minutes(datetime.datetime(2025, 4, 8, 10)) == 1440 + 600
    assert cal.to_minutes(datetime.date(2025, 4, 9)) == 2 * 1440
    assert cal.to_datetime(2040.0) == datetime.datetime(2025, 4, 8, 10)
    assert cal.date_of(2040.0) == datetime.date(2025, 4, 8)
    assert cal.date_of(1439.999) == datetime.date(2025, 4, 7)
    with pytest.raises(ValueError, match="naive"):
        cal.to_minutes(datetime.datetime(2025, 4, 8, tzinfo=datetime.UTC))


def test_from_config_accepts_dataclass_and_dictconfig() -> None:
    direct = WorkingCalendar(START, 100, CHECS_HOURS)
    from_dataclass = WorkingCalendar.from_config(CalendarConfig(), "2025-04-07", 100)
    from_omegaconf = WorkingCalendar.from_config(OmegaConf.structured(CalendarConfig), START, 100)
    for other in (from_dataclass, from_omegaconf):
        np.testing.assert_array_equal(other.open_intervals(), direct.open_intervals())
        assert other.bank_holiday_dates == direct.bank_holiday_dates


# ---- the span ----------------------------------------------------------------------------------


def test_span_covers_days_plus_margin() -> None:
    cal = WorkingCalendar(START, 10, CHECS_HOURS)
    assert cal.span == (10 + 400) * 1440
    assert cal.end_date == START + datetime.timedelta(days=410)
    # A 45-working-day deadline from the last simulated day still resolves.
    assert cal.add_working_days(at(2025, 4, 16, 12), 45) > at(2025, 4, 16, 12)


def test_queries_beyond_the_span_raise(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="outside the calendar's span"):
        cal.is_open(cal.span + 1)
    with pytest.raises(ValueError, match="outside the calendar's span"):
        cal.working_day_clock(-1.0)
    with pytest.raises(ValueError, match="outside the calendar's span"):
        cal.next_opening(np.array([600.0, float("nan")]))
    with pytest.raises(ValueError, match="span"):
        cal.add_working_days(cal.span - 1440, 45)  # deadline would fall after the end
    with pytest.raises(ValueError, match="span"):
        cal.next_opening(cal.span - 1)  # no opening left
    with pytest.raises(ValueError, match="span"):
        cal.is_working_day(cal.end_date)


# ---- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "key", "message"),
    [
        (
            hours_with(monday=["08:30-12:30", "12:00-17:00"]),
            "calendar.opening_hours.monday[1]",
            "overlap",
        ),
        (hours_with(friday=["16:30-08:30"]), "calendar.opening_hours.friday[0]", "end before"),
        (hours_with(friday=["09:00-09:00"]), "calendar.opening_hours.friday[0]", "end before"),
        (hours_with(tuesday=["8.30 to 17"]), "calendar.opening_hours.tuesday[0]", "HH:MM"),
        (hours_with(tuesday=["08:30-25:00"]), "calendar.opening_hours.tuesday[0]", "clock"),
        (hours_with(tuesday="08:30-17:00"), "calendar.opening_hours.tuesday", "list"),  # type: ignore[arg-type]
        ({**CHECS_HOURS, "funday": []}, "calendar.opening_hours.funday", "weekday"),
        (
            {k: v for k, v in CHECS_HOURS.items() if k != "sunday"},
            "calendar.opening_hours",
            "sunday",
        ),
    ],
)
def test_bad_opening_hours_name_the_key(
    hours: dict[str, list[str]], key: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as excinfo:
        WorkingCalendar(START, 10, hours)
    assert excinfo.value.key == key
    cfg = CalendarConfig(opening_hours=hours)
    with pytest.raises(ConfigError) as excinfo:
        validate_calendar_config(cfg)
    assert excinfo.value.key == key


def test_overlap_error_names_both_intervals() -> None:
    hours = hours_with(monday=["12:00-17:00", "08:30-12:30"])
    with pytest.raises(ConfigError) as excinfo:
        validate_calendar_config(CalendarConfig(opening_hours=hours))
    assert excinfo.value.key == "calendar.opening_hours.monday[1]"
    assert "monday[0]" in excinfo.value.allowed


def test_never_open_is_rejected() -> None:
    with pytest.raises(ConfigError, match="at least one weekday") as excinfo:
        WorkingCalendar(START, 10, {day: [] for day in CHECS_HOURS})
    assert excinfo.value.key == "calendar.opening_hours"


def test_touching_intervals_are_allowed() -> None:
    hours = hours_with(monday=["08:30-12:00", "12:00-17:00"])
    cal = WorkingCalendar(START, 10, hours)
    assert cal.open_intervals()[0].tolist() == [510, 1020]  # merged into one shift


def test_unknown_region_names_the_key() -> None:
    with pytest.raises(ConfigError, match="england") as excinfo:
        WorkingCalendar(START, 10, CHECS_HOURS, "cornwall")
    assert excinfo.value.key == "calendar.bank_holidays"
    assert excinfo.value.value == "cornwall"


def test_bad_extra_closure_names_the_key() -> None:
    with pytest.raises(ConfigError, match="YYYY-MM-DD") as excinfo:
        validate_calendar_config(CalendarConfig(extra_closures=["2025-12-24", "24/12/2025"]))
    assert excinfo.value.key == "calendar.extra_closures[1]"


def test_valid_configs_pass_validation() -> None:
    validate_calendar_config(CalendarConfig())
    validate_calendar_config(OmegaConf.structured(CalendarConfig))


def _edge_times(cal: WorkingCalendar, rng: np.random.Generator) -> np.ndarray:
    """Random instants plus the first opening and closing edges, a hair either side, and 0."""
    edges = cal.open_intervals().reshape(-1)[:400]
    return np.concatenate(
        ([0.0], edges, edges - 1e-9, edges + 1e-9, rng.uniform(0, cal.span * 0.6, 3000))
    ).clip(0.0, cal.span)


def test_scalar_queries_are_bit_identical_to_the_array_queries(cal: WorkingCalendar) -> None:
    """The simulation asks about one instant at a time through the plain-Python path
    (:mod:`sim.engine.working_time`); the KPIs ask on arrays. Both must give the same floats,
    exactly, or a run would depend on which path a query took."""
    rng = np.random.default_rng(7)
    times = _edge_times(cal, rng)
    minutes = rng.exponential(600.0, times.size) * (rng.random(times.size) < 0.9)
    whole = rng.integers(0, 46, times.size).astype(float)  # statutory clocks: whole days
    days = np.where(rng.random(times.size) < 0.5, whole, rng.uniform(0, 45, times.size))
    pairs = [
        (cal.is_open, (times,)),
        (cal.next_opening, (times,)),
        (cal.next_closing, (times,)),
        (cal.working_day_clock, (times,)),
        (cal.add_working_minutes, (times, minutes)),
        (cal.add_working_days, (times, days)),
    ]
    for query, args in pairs:
        vector = np.asarray(query(*args))
        scalar = np.array([query(*(float(a[i]) for a in args)) for i in range(times.size)])
        mismatch = np.flatnonzero(vector != scalar)
        assert mismatch.size == 0, (
            f"{query.__name__}: scalar and array answers differ at "
            f"{[tuple(float(a[i]) for a in args) for i in mismatch[:3]]}"
        )


def test_scalar_queries_refuse_what_the_array_queries_refuse(cal: WorkingCalendar) -> None:
    for bad in (-1.0, cal.span + 1.0, float("nan")):
        with pytest.raises(ValueError, match="outside the calendar's span") as scalar:
            cal.add_working_minutes(bad, 10.0)
        with pytest.raises(ValueError, match="outside the calendar's span") as vector:
            cal.add_working_minutes(np.array([bad]), np.array([10.0]))
        assert str(scalar.value) == str(vector.value)
    for bad_minutes in (-1.0, float("inf")):
        with pytest.raises(ValueError, match="m must be finite and >= 0"):
            cal.add_working_minutes(100.0, bad_minutes)
    with pytest.raises(ValueError, match="falls after the calendar's span"):
        cal.add_working_days(cal.span - 1.0, 30.0)
