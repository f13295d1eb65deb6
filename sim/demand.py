"""Hourly contact rates per source: profile × school holidays × bank holidays, then an annual
volume honoured whatever the modulation, then growth.

For source ``s`` the expected number of contacts in hour ``h`` (hour 0 starts at midnight of
the start date) is

    λ_s(h) = c_s · w_s(h) · f_s(day of h) · (1 + g/100) ** (max(h + 0.5 − h₀, 0) / 8760)

where ``w_s`` is the source's hour-of-week profile (mean 1,
:func:`sim.engine.arrivals.hour_of_week_weights`), ``f_s`` is ``school_holiday_factor`` on a
school-holiday day (:mod:`sim.engine.terms`) times ``bank_holiday_factor`` on a bank holiday (both
on a day that is both, 1 otherwise), and ``c_s`` is chosen so that the first 365 days from the
start bring exactly ``annual_contacts × share`` before growth:

    c_s = annual_contacts × share / Σ_{h < 8760} w_s(h) · f_s(day of h)

So a factor below 1 moves contacts from holidays into term time rather than losing them: the
configured annual volume (what the MI reports) is kept. Growth compounds from hour ``h₀``, the
start of its policy clock (``demand.growth_start``: ``measured`` = the measured window, the
default; ``warmup`` = 0, as :func:`sim.engine.arrivals.hourly_rates` does). The result feeds
:func:`sim.engine.arrivals.poisson_arrivals`.

Partner threshold training (:func:`inappropriate_removal_probability`) removes a rising share of
a source's inappropriate contacts (those not meeting the threshold) after it starts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.engine.arrivals import HOURS_PER_YEAR, hourly_rates
from sim.engine.calendar import MINUTES_PER_DAY, WorkingCalendar
from sim.engine.terms import school_holiday_days, validate_school_terms
from sim.errors import ConfigError

FloatArray = npt.NDArray[np.float64]

DAYS_PER_YEAR = 365
HOURS_PER_DAY = 24
_YEAR_HOURS = int(HOURS_PER_YEAR)  # 8760 = 365 × 24


def _day_factors(
    demand: Any, src: Any, start: dt.date, days: int, bank_holidays: Iterable[dt.date]
) -> FloatArray:
    """The multiplier of each day from ``start``: school-holiday × bank-holiday factors."""
    factor = np.ones(days, dtype=np.float64)
    school = float(src.school_holiday_factor)
    if school != 1.0:
        factor[school_holiday_days(demand.school_terms, start, days)] *= school
    bank = float(src.bank_holiday_factor)
    if bank != 1.0:
        index = np.array(sorted({(day - start).days for day in bank_holidays}), dtype=np.intp)
        index = index[(index >= 0) & (index < days)]
        factor[index] *= bank
    return factor


def source_hourly_rates(
    demand: Any,
    source: str,
    start: dt.date,
    hours: int,
    bank_holidays: Iterable[dt.date],
    *,
    growth_from_hour: float = 0.0,
) -> FloatArray:
    """Expected contacts of ``source`` in each of ``hours`` hours from midnight of ``start``.

    ``demand`` is a :class:`~sim.config.DemandConfig` (or anything with the same attributes).
    ``bank_holidays`` must cover at least ``max(hours / 24, 365)`` days from ``start`` (the
    first year is needed for the normalisation), e.g.
    :attr:`sim.engine.calendar.WorkingCalendar.bank_holiday_dates`; dates outside are ignored.
    Runs longer than a year get each year's school holidays from the rule (or the explicit
    list). See the module docstring for the formula. Growth compounds from hour
    ``growth_from_hour`` (the policy clock, ``demand.growth_start``: the measured window by
    default, so the warm-up is today's demand); before it the rate is the first year's.

    Raises :class:`ConfigError` for an unknown source or profile, or a source whose modulated
    rate is zero throughout its first year while it should bring contacts.
    """
    if hours < 0:
        raise ValueError(f"hours must be >= 0, got {hours}")
    if source not in demand.sources:
        raise ConfigError("demand.sources", source, f"one of {sorted(demand.sources)}")
    src = demand.sources[source]
    if src.profile not in demand.profiles:
        raise ConfigError(
            f"demand.sources.{source}.profile", src.profile, f"one of {sorted(demand.profiles)}"
        )
    days = max(math.ceil(hours / HOURS_PER_DAY), DAYS_PER_YEAR)
    # The hour-of-week weights (mean 1) laid out hour by hour from start's weekday: hourly_rates
    # with an annual volume of 8760 (= 1 contact an hour on average) and no growth.
    shape = hourly_rates(
        demand.profiles[src.profile], HOURS_PER_YEAR, days * HOURS_PER_DAY, start.weekday()
    )
    shape *= np.repeat(_day_factors(demand, src, start, days, bank_holidays), HOURS_PER_DAY)

    annual = float(demand.annual_contacts) * float(src.share)
    first_year = float(shape[:_YEAR_HOURS].sum())
    if first_year <= 0.0:
        if annual == 0.0:
            return np.zeros(hours)
        raise ConfigError(
            f"demand.sources.{source}",
            {
                "profile": src.profile,
                "school_holiday_factor": src.school_holiday_factor,
                "bank_holiday_factor": src.bank_holiday_factor,
            },
            f"the source sends nothing in the 365 days from {start} (its profile's hours all "
            "fall on days whose factor is 0), so its annual volume cannot be placed",
        )
    rates = shape[:hours] * (annual / first_year)
    growth = float(demand.growth_pct_per_year)
    if growth:
        since = np.maximum(np.arange(hours, dtype=np.float64) + 0.5 - growth_from_hour, 0.0)
        rates *= (1.0 + growth / 100.0) ** (since / HOURS_PER_YEAR)
    return rates


def run_hourly_rates(
    demand: Any,
    source: str,
    calendar: WorkingCalendar,
    hours: int,
    *,
    growth_from_hour: float,
    calendar_cfg: Any,
) -> FloatArray:
    """:func:`source_hourly_rates` for a run on ``calendar``, its annual volume counted from
    ``demand.volume_year_from`` (validated: empty, or on or before the start).

    From an earlier date the rates are laid out from there, on that span's bank holidays
    (``calendar_cfg``'s region), and cut at the start, so a run started later — a shared
    warm-up's replications (:mod:`sim.shared_warm_up`) — keeps the earlier run's rates hour by
    hour over the same calendar days.
    """
    start = calendar.start_date
    anchor = dt.date.fromisoformat(demand.volume_year_from or start.isoformat())
    before = (start - anchor).days * HOURS_PER_DAY
    holidays = calendar.bank_holiday_dates
    if before:
        span = max(math.ceil((before + hours) / HOURS_PER_DAY) + 1, DAYS_PER_YEAR + 1)
        holidays = WorkingCalendar.from_config(calendar_cfg, anchor, span).bank_holiday_dates
    rates = source_hourly_rates(
        demand, source, anchor, before + hours, holidays, growth_from_hour=before + growth_from_hour
    )
    return rates[before:]


def inappropriate_removal_probability(training: Any, t_minutes: npt.ArrayLike) -> FloatArray:
    """Probability that an inappropriate contact arriving at ``t_minutes`` is never made.

    With ``d`` the days since the start of the run: 0 before ``start_day``, then
    ``reduction_pct/100 × (1 − exp(−(d − start_day)/learning_lag_days))``; with
    ``learning_lag_days == 0`` the full reduction applies from ``start_day`` on (a step).
    ``training`` is a :class:`~sim.config.ThresholdTrainingConfig` (or alike).
    """
    days = np.asarray(t_minutes, dtype=np.float64) / MINUTES_PER_DAY
    full = float(training.reduction_pct) / 100.0
    start = float(training.start_day)
    lag = float(training.learning_lag_days)
    since = days - start
    # 1 − exp(−x) without cancellation; a zero lag is a step.
    ramp = np.ones_like(since) if lag == 0.0 else -np.expm1(-np.maximum(since, 0.0) / lag)
    return np.where(since >= 0.0, full * ramp, 0.0)


def validate_demand_extras(demand: Any) -> None:
    """Check that each threshold training names a source, and the school terms of ``demand``.

    Raises :class:`ConfigError` naming the key: ``demand.threshold_training.<name>`` (must name
    a source) and ``demand.school_terms.*`` (:func:`sim.engine.terms.validate_school_terms`).
    The ranges of the holiday factors and of each training's ``reduction_pct``, ``start_day``
    and ``learning_lag_days`` are declared on their fields (:mod:`sim.ranges`).
    """
    for name in demand.threshold_training:
        key = f"demand.threshold_training.{name}"
        if name not in demand.sources:
            raise ConfigError(key, name, f"must name a source: one of {sorted(demand.sources)}")
    validate_school_terms(demand.school_terms)
