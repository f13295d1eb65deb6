"""School holidays: the England rule checked by hand against typical 2025/26 term dates, explicit
lists, ``rule: none`` and validation errors that name the key.

The hand-checked dates follow the pattern of English local authorities' published 2025/26 term
dates (as for Cheshire East): autumn term from early September to Friday 19 December 2025 with
half term 27–31 October; spring term from Monday 5 January 2026 with half term 16–20 February;
Easter 30 March – 10 April 2026; May half term 25–29 May 2026. They are a check of the rule, not
a copy of any authority's calendar (that goes in ``school_terms.holidays``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import numpy as np
import pytest
from dateutil.easter import easter

from sim.config import SchoolTermsConfig
from sim.engine.terms import (
    easter_sunday,
    england_school_holidays,
    school_holiday_days,
    validate_school_terms,
)
from sim.errors import ConfigError

D = dt.date.fromisoformat
START = D("2025-04-01")
SPAN = 800  # days: to June 2027


def flags(cfg: object = None, start: dt.date = START, days: int = SPAN) -> np.ndarray:
    return school_holiday_days(cfg or SchoolTermsConfig(), start, days)


def is_holiday(day: str, cfg: object = None) -> bool:
    return bool(flags(cfg)[(D(day) - START).days])


# -- Easter -----------------------------------------------------------------------------------


def test_easter_matches_dateutil() -> None:
    for year in range(1900, 2200):
        assert easter_sunday(year) == easter(year), year


@pytest.mark.parametrize(
    ("year", "sunday"), [(2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05")]
)
def test_easter_known_dates(year: int, sunday: str) -> None:
    assert easter_sunday(year) == D(sunday)


# -- the England rule, by hand ----------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        "2025-04-07",  # Easter 2025 (late Easter: two weeks before Easter Sunday 20 Apr) ...
        "2025-04-18",  # ... Good Friday
        "2025-04-21",  # ... Easter Monday
        "2025-05-28",  # May half term 2025 (Spring bank holiday 26 May)
        "2025-07-28",  # summer 2025
        "2025-08-01",
        "2025-08-29",
        "2025-10-25",  # Saturday starting October half term 2025
        "2025-10-29",  # Wednesday of October half term 2025
        "2025-11-02",  # Sunday ending it
        "2025-12-20",  # Christmas 2025 starts on the Saturday after the last school day
        "2025-12-25",
        "2026-01-01",
        "2026-01-04",  # ... and ends on the Sunday before school returns
        "2026-02-18",  # February half term 2026 (16–20 Feb)
        "2026-03-30",  # Easter 2026 (Easter Sunday 5 April): the week before ...
        "2026-04-03",  # ... Good Friday
        "2026-04-06",  # ... Easter Monday
        "2026-04-10",  # ... and the week after
        "2026-05-27",  # May half term 2026 (25–29 May)
        "2026-08-12",  # summer 2026
        "2026-12-24",  # Christmas 2026
    ],
)
def test_england_rule_holidays(day: str) -> None:
    assert is_holiday(day)


@pytest.mark.parametrize(
    "day",
    [
        "2025-04-04",  # last school day before Easter 2025
        "2025-04-22",  # pupils back after Easter 2025
        "2025-06-02",  # back after May half term
        "2025-07-18",  # summer term still running
        "2025-09-03",  # autumn term 2025 starts (first Wednesday of September)
        "2025-09-10",
        "2025-10-24",  # the Friday before October half term
        "2025-11-03",  # back after half term
        "2025-11-12",
        "2025-12-19",  # last day of autumn term
        "2026-01-05",  # spring term starts
        "2026-01-07",
        "2026-02-13",  # the Friday before February half term
        "2026-02-23",  # back after it
        "2026-03-11",
        "2026-03-27",  # last day before Easter 2026
        "2026-04-13",  # back after Easter 2026
        "2026-06-17",
        "2026-11-12",
    ],
)
def test_england_rule_term_days(day: str) -> None:
    assert not is_holiday(day)


def test_christmas_2024_is_not_a_week_early() -> None:
    # 20 Dec 2024 is a Friday, the last school day; the holiday is 21 Dec – 5 Jan 2025.
    periods = england_school_holidays(2024)
    assert periods[-1] == (D("2024-12-21"), D("2025-01-05"))


def test_ordinary_weekends_are_not_holidays() -> None:
    assert not is_holiday("2025-11-15")  # Saturday in term
    assert not is_holiday("2026-03-08")  # Sunday in term


@pytest.mark.parametrize("year", range(2000, 2101))
def test_england_rule_shape(year: int) -> None:
    """Every year: six sorted, disjoint periods of the documented lengths, each starting on a
    Saturday, with Good Friday, Easter Monday and the Spring bank holiday inside."""
    periods = england_school_holidays(year)
    assert len(periods) == 6
    for (_, end), (nxt, _) in itertools.pairwise(periods):
        assert end < nxt
    for first, _ in periods:
        assert first.weekday() == 5  # Saturday
        assert first.year == year
    feb, spring, may, summer, october, christmas = periods
    lengths = [(last - first).days + 1 for first, last in periods]
    assert lengths[0] == lengths[2] == lengths[4] == 9
    assert lengths[1] in (16, 17)
    assert 37 <= lengths[3] <= 46
    assert lengths[5] == 16
    assert christmas[0] <= D(f"{year}-12-25") and christmas[1] >= D(f"{year + 1}-01-01")
    e = easter_sunday(year)
    assert spring[0] <= e - dt.timedelta(days=2) and e + dt.timedelta(days=1) <= spring[1]
    assert may[0] <= D(f"{year}-05-25") <= may[1] or may[0] <= D(f"{year}-05-31") <= may[1]
    assert feb[0].month == 2 and october[1] >= D(f"{year}-10-25")
    assert summer[1].weekday() == 6  # Sunday before pupils return


def test_multi_year_runs_get_every_year() -> None:
    start = D("2025-01-01")
    days = 3 * 365 + 1
    got = school_holiday_days(SchoolTermsConfig(), start, days)
    assert got[0]  # 1 Jan 2025: Christmas 2024 reaches into the run
    for day in ("2026-08-05", "2027-08-04", "2027-12-29"):
        assert got[(D(day) - start).days]
    per_year = [int(got[(D(f"{y}-01-01") - start).days :][:365].sum()) for y in (2025, 2026)]
    assert all(90 <= n <= 105 for n in per_year), per_year


def test_flags_match_the_periods_exactly() -> None:
    start = D("2025-01-01")
    got = school_holiday_days(SchoolTermsConfig(), start, 365)
    want = np.zeros(365, dtype=bool)
    for year in (2024, 2025):
        for first, last in england_school_holidays(year):
            for k in range(365):
                day = start + dt.timedelta(days=k)
                want[k] |= first <= day <= last
    np.testing.assert_array_equal(got, want)


def test_rule_name_is_case_insensitive() -> None:
    np.testing.assert_array_equal(flags(SimpleNamespace(rule="England", holidays=[])), flags())


# -- explicit lists and rule none -------------------------------------------------------------


def test_explicit_holidays_replace_the_rule() -> None:
    cfg = SchoolTermsConfig(holidays=["2025-07-23/2025-09-02", "2025-10-27/2025-10-31"])
    assert is_holiday("2025-07-23", cfg) and is_holiday("2025-09-02", cfg)  # inclusive ends
    assert not is_holiday("2025-07-22", cfg) and not is_holiday("2025-09-03", cfg)
    assert is_holiday("2025-10-29", cfg)
    assert not is_holiday("2025-10-25", cfg)  # the rule's weekend is not added
    assert not is_holiday("2025-12-25", cfg)  # the rule is off entirely
    assert not is_holiday("2025-04-07", cfg)
    assert int(flags(cfg).sum()) == 42 + 5


def test_explicit_single_day_and_clipping() -> None:
    cfg = SchoolTermsConfig(rule="none", holidays=["2025-03-20/2025-04-02", "2025-06-13"])
    got = flags(cfg, days=100)
    assert got[0] and got[1] and not got[2]  # 1–2 April from a period starting before
    assert got[(D("2025-06-13") - START).days]  # a one-day period (an INSET day)
    assert int(got.sum()) == 3
    outside = SchoolTermsConfig(holidays=["2030-01-01/2030-01-10"])
    assert not flags(outside).any()


def test_rule_none_has_no_holidays() -> None:
    assert not flags(SchoolTermsConfig(rule="none")).any()


def test_lengths() -> None:
    assert flags(days=0).shape == (0,)
    assert flags(days=1).dtype == np.bool_
    with pytest.raises(ValueError, match="days"):
        flags(days=-1)


# -- validation ------------------------------------------------------------------------------


def test_valid_configs_pass() -> None:
    validate_school_terms(SchoolTermsConfig())
    validate_school_terms(SchoolTermsConfig(rule="none"))
    validate_school_terms(SchoolTermsConfig(holidays=["2025-07-23/2025-09-02", "2025-06-13"]))
    validate_school_terms(SimpleNamespace(rule="england", holidays=None))


@pytest.mark.parametrize("rule", ["wales", "", None, 3])
def test_bad_rule_names_the_key(rule: object) -> None:
    cfg = SimpleNamespace(rule=rule, holidays=[])
    with pytest.raises(ConfigError) as info:
        validate_school_terms(cfg)
    assert info.value.key == "demand.school_terms.rule"
    assert "england" in info.value.allowed
    with pytest.raises(ConfigError):
        school_holiday_days(cfg, START, 10)


@pytest.mark.parametrize(
    ("period", "why"),
    [
        ("2025-09-02/2025-07-23", "end before start"),
        ("2025-02-30/2025-03-02", "not a valid date"),
        ("2025-13-01/2025-13-05", "not a valid date"),
        ("23/07/2025-02/09/2025", "YYYY-MM-DD"),
        ("summer", "not a valid date"),
        ("2025-07-23/", "not a valid date"),
        (20250723, "a string"),
    ],
)
def test_bad_period_names_the_key(period: object, why: str) -> None:
    cfg = SimpleNamespace(rule="england", holidays=["2025-10-27/2025-10-31", period])
    with pytest.raises(ConfigError, match=why) as info:
        validate_school_terms(cfg)
    assert info.value.key == "demand.school_terms.holidays[1]"
    with pytest.raises(ConfigError):
        school_holiday_days(cfg, START, 10)


def test_holidays_must_be_a_list() -> None:
    with pytest.raises(ConfigError) as info:
        validate_school_terms(SimpleNamespace(rule="england", holidays="2025-07-23/2025-09-02"))
    assert info.value.key == "demand.school_terms.holidays"


def test_custom_key_prefix() -> None:
    with pytest.raises(ConfigError) as info:
        validate_school_terms(SimpleNamespace(rule="x", holidays=[]), key="scenario.terms")
    assert info.value.key == "scenario.terms.rule"
