"""Effective capacity: how many of a pool's staff are actually on duty on a given day.

A pool's ``staff`` is its establishment. Five things keep staff from front-door work
(parameters.md §1g "Workforce and cost", "Productive time"; §3 rows 22 and 25):

- **vacancy** — posts unfilled after agency cover (``vacancy_pct``);
- **sickness** — days lost to sickness absence (``sickness_pct``);
- **annual leave** — days a year each person is on leave (``annual_leave_days_per_year``);
- **supervision** — hours a month each person spends in supervision, times the share of that
  policy actually received (``supervision_compliance``, §3 row 22);
- **training** — days a year each person spends in training.

:func:`availability` turns them into the share ``a`` of the establishment on duty on an average
rota day; :func:`time_availability` is the same without the vacancy, the share ``t`` of a filled
post's rota days its holder is at work::

    a = (1 - vacancy) t
    t = (1 - sickness) (1 - supervision_share - training_share - leave_share)

    supervision_share = supervision_hours_per_month × compliance × 12
                        / (contract_hours_per_week × 52)
    training_share    = training_days_per_year × (contract_hours_per_week / 5)
                        / (contract_hours_per_week × 52)          (= training days / 260)
    leave_share       = annual_leave_days_per_year / 260          (likewise)

**Why a product.** The factors remove time from successively smaller bases: a vacancy removes a
whole post; sickness removes days from the posts that *are* filled (a vacant post cannot be off
sick); leave, supervision and training remove hours from the contracted time of a person in post
(nobody takes leave from a vacant post). Treating them as independent shares of what is left
gives the product; adding the percentages would count the same lost hour twice (e.g. the sickness
of a vacant post). Leave, supervision and training are all shares of the same contracted hours,
so those three add. Sickness multiplies them rather than adding: the DfE rate (§1g, 3.2%) is days
lost as a share of the days people were due at work, which leave has already reduced.

**Bank holidays and the 260-day year.** The calendar's rota already closes the office on bank
holidays, so the leave here is leave taken on working days only (as local-government
entitlements usually are quoted: so many days plus bank holidays). Leave and training days are
entered as days of the contracted year (52 × 5 = 260 days, bank holidays included, as HR counts
them) and become shares of it; the simulation applies the share on each of the calendar's ≈253
rota days, so a day of leave takes 253/260 of a rota day, and :func:`productive_days_per_fte`
comes out about a day above a count by hand (253 − leave − training, less sickness and
supervision). That is well inside the ≈210–215 productive days of §1g "Productive time"
(ESTIMATE), which :func:`productive_days_per_fte` is there to check against.

:func:`daily_on_duty` turns ``staff × a`` into whole heads day by day with the right mean and
as little variance as a whole number allows: ``floor(staff × a)`` every day, plus one more on
a random share of days equal to the fractional part. Leave, supervision and training are spread
over every day this way rather than taken in blocks, which is a simplification: the pool's
on-duty person-minutes are right on average, not on any particular afternoon (and not in the
school holidays, when more leave is taken).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from sim.config import AbsenceConfig
from sim.engine.calendar import MINUTES_PER_DAY, WorkingCalendar

WEEKS_PER_YEAR = 52.0
MONTHS_PER_YEAR = 12.0
WORKING_DAYS_PER_WEEK = 5.0


def supervision_share(absence: AbsenceConfig) -> float:
    """Share of contracted hours spent in supervision (the policy hours actually received)."""
    contract_hours_per_year = absence.contract_hours_per_week * WEEKS_PER_YEAR
    received = absence.supervision_hours_per_month * absence.supervision_compliance
    return received * MONTHS_PER_YEAR / contract_hours_per_year


def training_share(absence: AbsenceConfig) -> float:
    """Share of contracted hours spent in training (a training day is a fifth of a week)."""
    hours_per_day = absence.contract_hours_per_week / WORKING_DAYS_PER_WEEK
    contract_hours_per_year = absence.contract_hours_per_week * WEEKS_PER_YEAR
    return absence.training_days_per_year * hours_per_day / contract_hours_per_year


def leave_share(absence: AbsenceConfig) -> float:
    """Share of contracted hours on annual leave (a day of leave is a fifth of a week)."""
    return absence.annual_leave_days_per_year / (WEEKS_PER_YEAR * WORKING_DAYS_PER_WEEK)


def away_share(absence: AbsenceConfig) -> float:
    """Share of contracted hours in supervision, training and on leave together (they add)."""
    return supervision_share(absence) + training_share(absence) + leave_share(absence)


def time_availability(absence: AbsenceConfig) -> float:
    """Share ``t`` of a filled post's rota days its holder is at work (no vacancy).

    1.0 when every deduction is zero; never below 0. An assessment team's elapsed work stretches
    by ``1 / t`` (:mod:`sim.engine.teams`).
    """
    sickness = absence.sickness_pct / 100.0
    return max(0.0, (1.0 - sickness) * (1.0 - away_share(absence)))


def availability(absence: AbsenceConfig) -> float:
    """Share of a pool's establishment on duty on an average rota day (see the module docstring).

    1.0 when every deduction is zero; never below 0.
    """
    vacancy = absence.vacancy_pct / 100.0
    return max(0.0, (1.0 - vacancy) * time_availability(absence))


def productive_days_per_fte(absence: AbsenceConfig, working_days_per_year: float) -> float:
    """Days a year a person *in post* is at work: ``working_days_per_year × t``.

    ``working_days_per_year`` is the calendar's rota days (≈253 for the ChECS office in England:
    :func:`calendar_working_days`). Supervision is counted in whole days' worth of hours. The
    cross-check is §1g "Productive time": ≈210–215 productive days a year (ESTIMATE).
    """
    return working_days_per_year * time_availability(absence)


def calendar_working_days(calendar: WorkingCalendar, days: float = 365.0) -> float:
    """Working (open) days in the calendar's first ``days`` days, bank holidays excluded."""
    return float(calendar.working_days_between(0.0, days * MINUTES_PER_DAY))


def daily_on_duty(
    staff: int, availability: float, days: int, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """Heads on duty on each of ``days`` days: mean ``staff × availability``, minimal variance.

    Every day has ``floor(staff × availability)`` heads, and each day independently has one more
    with probability equal to the fractional part (one uniform per day from ``rng``, which should
    be the pool's own named stream so that scenarios share the draws). The result is always in
    ``[0, staff]``; when ``staff × availability < 1`` some days have nobody on duty. When the
    expectation is a whole number no random numbers are drawn.
    """
    if staff < 0:
        raise ValueError(f"staff must be >= 0, got {staff}")
    if not (math.isfinite(availability) and 0.0 <= availability <= 1.0):
        raise ValueError(f"availability must be in [0, 1], got {availability}")
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    # Round away float noise (e.g. 10 × 0.3 = 3.0000000000000004) before splitting.
    expected = round(staff * availability, 9)
    base = math.floor(expected)
    extra = expected - base
    heads = np.full(days, base, dtype=np.int64)
    if extra > 0.0:
        heads += rng.random(days) < extra
    return np.clip(heads, 0, staff)
