"""Hourly contact rates per source (school and bank holidays, normalisation, growth), partner
threshold training and the demand validation.

The statistical tests use a fixed seed, so they are deterministic; each is a test that a correct
generator passes with probability 1 - alpha (alpha = 0.001 for each chi-square test; totals
within 4 standard deviations, a two-sided probability of about 6e-5), and the thresholds come
from the sampling distribution of the statistic, not from the output of this seed.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from sim.config import (
    CalendarConfig,
    DemandConfig,
    SchoolTermsConfig,
    SourceConfig,
    ThresholdTrainingConfig,
)
from sim.demand import (
    inappropriate_removal_probability,
    source_hourly_rates,
    validate_demand_extras,
)
from sim.engine.arrivals import HOURS_PER_WEEK, hour_of_week_weights, hourly_rates, poisson_arrivals
from sim.engine.calendar import WorkingCalendar
from sim.engine.terms import school_holiday_days
from sim.errors import ConfigError
from sim.ranges import check_ranges

ALPHA = 0.001
YEAR_HOURS = 8760
D = dt.date.fromisoformat
START = D("2025-04-07")  # a Monday, the default run start (inside the 2025 Easter holidays)


def school_profile() -> list[float]:
    """Monday 00:00 first: contacts 08:00–17:00 on weekdays only, zero otherwise."""
    day = [0.0] * 8 + [1.0, 2.0, 3.0, 3.0, 2.0, 3.0, 3.0, 2.0, 1.0] + [0.0] * 7
    return day * 5 + [0.0] * 48


DAYTIME = [0.3, 0.25, 0.2, 0.2, 0.2, 0.25, 0.35, 0.6, 1.2, 2.0, 2.3, 2.3]
DAYTIME += [2.0, 2.2, 2.3, 2.2, 1.8, 1.2, 0.8, 0.7, 0.6, 0.5, 0.45, 0.35]


def demand(**schools: float) -> DemandConfig:
    return DemandConfig(
        annual_contacts=16000.0,
        sources={
            "schools": SourceConfig(
                share=0.2,
                profile="school",
                school_holiday_factor=schools.get("school", 0.1),
                bank_holiday_factor=schools.get("bank", 0.0),
            ),
            "police": SourceConfig(share=0.8, profile="daytime"),
        },
        profiles={"flat": [1.0], "daytime": DAYTIME, "school": school_profile()},
        growth_pct_per_year=schools.get("growth", 0.0),
    )


def bank_holidays(start: dt.date = START, days: int = 400) -> list[dt.date]:
    return WorkingCalendar(start, days, CalendarConfig().opening_hours).bank_holiday_dates


def day_flags(start: dt.date, hours: int) -> tuple[np.ndarray, np.ndarray]:
    """(school-holiday, bank-holiday) flags for each hour from ``start``."""
    days = math.ceil(hours / 24)
    school = school_holiday_days(SchoolTermsConfig(), start, days)
    bank = np.zeros(days, dtype=bool)
    for day in bank_holidays(start, days):
        if 0 <= (day - start).days < days:
            bank[(day - start).days] = True
    return np.repeat(school, 24)[:hours], np.repeat(bank, 24)[:hours]


def how(start: dt.date, hours: int) -> np.ndarray:
    """Hour of week (Monday 00:00 = 0) of each hour from ``start``."""
    return (start.weekday() * 24 + np.arange(hours)) % HOURS_PER_WEEK


# -- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize("start", [START, D("2025-09-03"), D("2024-02-29"), D("2026-12-31")])
def test_first_year_brings_the_annual_volume(start: dt.date) -> None:
    cfg = demand(school=0.1, bank=0.0)
    for source, share in (("schools", 0.2), ("police", 0.8)):
        rates = source_hourly_rates(cfg, source, start, 2 * YEAR_HOURS, bank_holidays(start, 800))
        assert rates[:YEAR_HOURS].sum() == pytest.approx(16000.0 * share, rel=1e-9)


def test_short_runs_are_normalised_over_a_year() -> None:
    cfg = demand()
    long = source_hourly_rates(cfg, "schools", START, 3 * YEAR_HOURS, bank_holidays(days=1200))
    for hours in (0, 1, 24 * 30, 24 * 182 + 7, YEAR_HOURS):
        short = source_hourly_rates(cfg, "schools", START, hours, bank_holidays())
        assert short.shape == (hours,)
        np.testing.assert_array_equal(short, long[:hours])


def test_holidays_move_contacts_into_term_time() -> None:
    with_holidays = source_hourly_rates(demand(school=0.1), "schools", START, 24 * 7, [])
    without = source_hourly_rates(demand(school=1.0, bank=1.0), "schools", START, 24 * 7, [])
    # 7 April 2025 is in the Easter holidays, so its week runs at 0.1 of the holiday-free rate
    # scaled up by the term-time share of the year.
    ratio = with_holidays.sum() / without.sum()
    assert 0.1 < ratio < 0.2


def test_unmodulated_24_value_profile_matches_hourly_rates() -> None:
    cfg = demand(growth=3.0)
    got = source_hourly_rates(cfg, "police", START, 3 * YEAR_HOURS, bank_holidays(days=1200))
    want = hourly_rates(DAYTIME, 16000.0 * 0.8, 3 * YEAR_HOURS, START.weekday(), 3.0)
    np.testing.assert_allclose(got, want, rtol=1e-12)


# -- modulation -------------------------------------------------------------------------------


def test_zero_at_school_profile_zero_hours_and_on_bank_holidays() -> None:
    hours = 2 * YEAR_HOURS
    rates = source_hourly_rates(demand(), "schools", START, hours, bank_holidays(days=800))
    weights = hour_of_week_weights(school_profile())[how(START, hours)]
    _, bank = day_flags(START, hours)
    assert (weights == 0).any() and bank.any()
    assert (rates[weights == 0] == 0).all()
    assert (rates[bank] == 0).all()
    assert (rates[(weights > 0) & ~bank] > 0).all()
    christmas = (D("2025-12-25") - START).days * 24
    assert (rates[christmas : christmas + 24] == 0).all()


@pytest.mark.parametrize(("school", "bank"), [(0.1, 0.0), (0.5, 0.25), (0.0, 2.0), (3.0, 1.0)])
def test_holiday_to_term_ratio_equals_the_factors_exactly(school: float, bank: float) -> None:
    hours = 3 * YEAR_HOURS  # three years: each year's holidays from the rule
    rates = source_hourly_rates(
        demand(school=school, bank=bank), "schools", START, hours, bank_holidays(days=1200)
    )
    weights = hour_of_week_weights(school_profile())[how(START, hours)]
    in_holiday, on_bank = day_flags(START, hours)
    open_hours = weights > 0
    per_weight = rates[open_hours] / weights[open_hours]
    term = per_weight[~in_holiday[open_hours] & ~on_bank[open_hours]]
    c = term[0]
    np.testing.assert_allclose(term, c, rtol=1e-12)  # the same in every term hour
    expected = np.where(in_holiday, school, 1.0) * np.where(on_bank, bank, 1.0)
    np.testing.assert_allclose(per_weight, c * expected[open_hours], rtol=1e-12, atol=0)
    # Same hour of week, term vs holiday: Wednesday 10:00 on 22 and 29 October 2025.
    wed_term = (D("2025-10-22") - START).days * 24 + 10
    wed_half_term = (D("2025-10-29") - START).days * 24 + 10
    assert rates[wed_half_term] / rates[wed_term] == pytest.approx(school, rel=1e-12)
    # Both on one day: Good Friday 2026 (10:00, weighted as on a Wednesday) is a bank holiday
    # inside the Easter holidays.
    good_friday = (D("2026-04-03") - START).days * 24 + 10
    assert rates[good_friday] == pytest.approx(rates[wed_term] * school * bank, rel=1e-12)


def test_sources_with_factor_one_ignore_holidays() -> None:
    rates = source_hourly_rates(demand(), "police", START, 24 * 14, bank_holidays())
    weights = hour_of_week_weights(DAYTIME)[how(START, 24 * 14)]
    np.testing.assert_allclose(rates / weights, 16000.0 * 0.8 / YEAR_HOURS, rtol=1e-12)


def test_explicit_school_holidays_are_used() -> None:
    cfg = demand(school=0.0, bank=1.0)
    cfg.school_terms = SchoolTermsConfig(holidays=["2025-04-14/2025-04-18"])
    rates = source_hourly_rates(cfg, "schools", START, 24 * 14, [])
    assert rates[: 24 * 5].sum() > 0  # 7–11 April: term under this list
    assert rates[24 * 7 : 24 * 12].sum() == 0


# -- growth -----------------------------------------------------------------------------------


def test_growth_compounds_from_time_zero() -> None:
    hours = 3 * YEAR_HOURS
    flat = source_hourly_rates(demand(), "schools", START, hours, bank_holidays(days=1200))
    grown = source_hourly_rates(
        demand(growth=5.0), "schools", START, hours, bank_holidays(days=1200)
    )
    h = np.arange(hours)
    np.testing.assert_allclose(grown, flat * 1.05 ** ((h + 0.5) / YEAR_HOURS), rtol=1e-12)
    # The normalisation is before growth: the first year brings a little more than annual.
    assert grown[:YEAR_HOURS].sum() / flat[:YEAR_HOURS].sum() == pytest.approx(1.025, abs=2e-3)


# -- errors and edge cases --------------------------------------------------------------------


def test_unknown_source_or_profile() -> None:
    with pytest.raises(ConfigError) as info:
        source_hourly_rates(demand(), "housing", START, 24, [])
    assert info.value.key == "demand.sources"
    cfg = demand()
    cfg.sources["schools"].profile = "missing"
    with pytest.raises(ConfigError) as info:
        source_hourly_rates(cfg, "schools", START, 24, [])
    assert info.value.key == "demand.sources.schools.profile"
    with pytest.raises(ValueError, match="hours"):
        source_hourly_rates(demand(), "schools", START, -1, [])


def test_a_source_silent_all_year_cannot_be_normalised() -> None:
    cfg = demand(school=0.0)
    cfg.school_terms = SchoolTermsConfig(holidays=["2025-01-01/2026-12-31"])
    with pytest.raises(ConfigError, match="sends nothing") as info:
        source_hourly_rates(cfg, "schools", START, 24, [])
    assert info.value.key == "demand.sources.schools"
    cfg.sources["schools"].share = 0.0
    assert (source_hourly_rates(cfg, "schools", START, 48, []) == 0).all()


def test_fast_enough_for_nine_sources() -> None:
    cfg = demand()
    for k in range(7):
        cfg.sources[f"s{k}"] = SourceConfig(share=0.0, profile="school", school_holiday_factor=0.3)
    holidays = bank_holidays(days=500)
    source_hourly_rates(cfg, "schools", START, 10_000, holidays)  # warm up
    began = time.perf_counter()
    for source in cfg.sources:
        source_hourly_rates(cfg, source, START, 10_000, holidays)
    assert (time.perf_counter() - began) / len(cfg.sources) < 0.05  # typically ~1 ms


# -- the process, statistically ---------------------------------------------------------------


def test_arrivals_follow_term_holiday_and_hour_of_week_rates() -> None:
    """20 years of a schools-like source (holiday factor 0.2, bank holidays 0.1)."""
    start = D("2025-01-06")
    hours = 20 * YEAR_HOURS
    cfg = demand(school=0.2, bank=0.1)
    cfg.annual_contacts = 15000.0  # 3000 a year from schools: ~60,000 in all
    rates = source_hourly_rates(cfg, "schools", start, hours, bank_holidays(start, 20 * 366))
    times = poisson_arrivals(rates, np.random.default_rng(20250227))
    hour = (times // 60).astype(np.intp)

    # Totals: Poisson with mean sum(rates); within 4 SD.
    mean = rates.sum()
    assert abs(times.size - mean) < 4 * math.sqrt(mean)
    first_year = int((hour < YEAR_HOURS).sum())
    assert abs(first_year - 3000.0) < 4 * math.sqrt(3000.0)

    # Term, school-holiday and bank-holiday days: chi-square (2 df) at alpha.
    in_holiday, on_bank = day_flags(start, hours)
    kind = np.where(on_bank, 2, np.where(in_holiday, 1, 0))
    observed = np.bincount(kind[hour], minlength=3)
    expected = np.bincount(kind, weights=rates, minlength=3)
    assert observed[1] < observed[0] / 5  # holidays are quiet
    assert stats.chisquare(observed, expected * observed.sum() / expected.sum()).pvalue > ALPHA

    # Hour of week: no contacts in zero hours; chi-square over the rest at alpha.
    hw = how(start, hours)
    observed_hw = np.bincount(hw[hour], minlength=HOURS_PER_WEEK)
    expected_hw = np.bincount(hw, weights=rates, minlength=HOURS_PER_WEEK)
    assert (observed_hw[expected_hw == 0] == 0).all()
    live = expected_hw > 0
    scaled = expected_hw[live] * observed_hw[live].sum() / expected_hw[live].sum()
    assert stats.chisquare(observed_hw[live], scaled).pvalue > ALPHA


# -- threshold training -----------------------------------------------------------------------


def test_removal_probability_by_hand() -> None:
    training = ThresholdTrainingConfig(reduction_pct=20.0, start_day=30.0, learning_lag_days=180.0)
    days = np.array([0.0, 29.999, 30.0, 30.0 + 180.0, 30.0 + 360.0, 30.0 + 1e5])
    got = inappropriate_removal_probability(training, days * 1440.0)
    want = [0.0, 0.0, 0.0, 0.2 * (1 - math.exp(-1)), 0.2 * (1 - math.exp(-2)), 0.2]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert np.all(np.diff(got) >= 0)


def test_removal_probability_step_when_no_lag() -> None:
    training = SimpleNamespace(reduction_pct=15.0, start_day=10.0, learning_lag_days=0.0)
    got = inappropriate_removal_probability(training, np.array([[0.0, 9.99], [10.0, 400.0]]) * 1440)
    np.testing.assert_array_equal(got, [[0.0, 0.0], [0.15, 0.15]])


def test_no_training_removes_nothing() -> None:
    got = inappropriate_removal_probability(ThresholdTrainingConfig(), np.linspace(0, 1e6, 50))
    assert (got == 0).all()


# -- validation ------------------------------------------------------------------------------


def _validate(cfg: DemandConfig) -> None:
    """What validation checks of a demand group: each number's range (declared on its field,
    sim/ranges.py), then the rules spanning keys."""
    check_ranges(cfg, "demand")
    validate_demand_extras(cfg)


def test_valid_demand_passes() -> None:
    validate_demand_extras(DemandConfig())
    cfg = demand()
    cfg.threshold_training = {"police": ThresholdTrainingConfig(20.0, 0.0, 0.0)}
    validate_demand_extras(cfg)


@pytest.mark.parametrize("attr", ["school_holiday_factor", "bank_holiday_factor"])
@pytest.mark.parametrize("value", [-0.1, math.nan, math.inf, "low", None, True])
def test_bad_factors_name_the_key(attr: str, value: object) -> None:
    cfg = demand()
    setattr(cfg.sources["schools"], attr, value)
    with pytest.raises(ConfigError) as info:
        _validate(cfg)
    assert info.value.key == f"demand.sources.schools.{attr}"


@pytest.mark.parametrize(
    ("source", "field", "value", "key"),
    [
        ("housing", None, None, "demand.threshold_training.housing"),
        ("police", "reduction_pct", 101.0, "demand.threshold_training.police.reduction_pct"),
        ("police", "reduction_pct", -1.0, "demand.threshold_training.police.reduction_pct"),
        ("police", "reduction_pct", math.nan, "demand.threshold_training.police.reduction_pct"),
        ("police", "start_day", -1.0, "demand.threshold_training.police.start_day"),
        ("police", "learning_lag_days", -5.0, "demand.threshold_training.police.learning_lag_days"),
        (
            "police",
            "learning_lag_days",
            math.inf,
            "demand.threshold_training.police.learning_lag_days",
        ),
    ],
)
def test_bad_threshold_training_names_the_key(
    source: str, field: str | None, value: float | None, key: str
) -> None:
    cfg = demand()
    training = ThresholdTrainingConfig(reduction_pct=20.0)
    if field is not None:
        setattr(training, field, value)
    cfg.threshold_training = {source: training}
    with pytest.raises(ConfigError) as info:
        _validate(cfg)
    assert info.value.key == key


def test_school_terms_are_validated() -> None:
    cfg = demand()
    cfg.school_terms = SchoolTermsConfig(rule="scotland")
    with pytest.raises(ConfigError) as info:
        validate_demand_extras(cfg)
    assert info.value.key == "demand.school_terms.rule"
    cfg.school_terms = SchoolTermsConfig(holidays=["2025-09-02/2025-07-23"])
    with pytest.raises(ConfigError) as info:
        validate_demand_extras(cfg)
    assert info.value.key == "demand.school_terms.holidays[0]"
