"""Effective capacity: how many of a pool's staff are actually on duty on a given day.

A pool's ``staff`` is its establishment. Four things keep staff from front-door work
(parameters.md §1g "Workforce and cost"; §3 rows 22 and 25):

- **vacancy** — posts unfilled after agency cover (``vacancy_pct``);
- **sickness** — days lost to sickness absence (``sickness_pct``);
- **supervision** — hours a month each person spends in supervision;
- **training** — days a year each person spends in training.

:func:`availability` turns them into the share ``a`` of the establishment on duty on an average
rota day::

    a = (1 - vacancy) (1 - sickness) (1 - supervision_share - training_share)

    supervision_share = supervision_hours_per_month × 12 / (contract_hours_per_week × 52)
    training_share    = training_days_per_year × (contract_hours_per_week / 5)
                        / (contract_hours_per_week × 52)          (= training days / 260)

**Why a product.** The three factors remove time from successively smaller bases: a vacancy
removes a whole post; sickness removes days from the posts that *are* filled (a vacant post
cannot be off sick); supervision and training remove hours from the days a person is *at
work* (nobody is supervised in a vacant post or on a sick day). Treating them as independent
shares of what is left gives the product; adding the percentages would count the same lost
hour twice (e.g. the sickness of a vacant post). Supervision and training are both shares of
the same contracted hours, so those two add. Annual leave and bank holidays are not here: the
calendar's rota already closes the office on bank holidays, and leave belongs in ``staff``
(parameters.md §1g "Productive time" is the cross-check: ≈210–215 productive days a year).

:func:`daily_on_duty` turns ``staff × a`` into whole heads day by day with the right mean and
as little variance as a whole number allows: ``floor(staff × a)`` every day, plus one more on
a random share of days equal to the fractional part. Supervision and training are spread over
every day this way rather than taken in blocks, which is a simplification: the pool's
on-duty person-minutes are right on average, not on any particular afternoon.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from sim.config import AbsenceConfig

WEEKS_PER_YEAR = 52.0
MONTHS_PER_YEAR = 12.0
WORKING_DAYS_PER_WEEK = 5.0


def supervision_share(absence: AbsenceConfig) -> float:
    """Share of contracted hours spent in supervision."""
    contract_hours_per_year = absence.contract_hours_per_week * WEEKS_PER_YEAR
    return absence.supervision_hours_per_month * MONTHS_PER_YEAR / contract_hours_per_year


def training_share(absence: AbsenceConfig) -> float:
    """Share of contracted hours spent in training (a training day is a fifth of a week)."""
    hours_per_day = absence.contract_hours_per_week / WORKING_DAYS_PER_WEEK
    contract_hours_per_year = absence.contract_hours_per_week * WEEKS_PER_YEAR
    return absence.training_days_per_year * hours_per_day / contract_hours_per_year


def availability(absence: AbsenceConfig) -> float:
    """Share of a pool's establishment on duty on an average rota day (see the module docstring).

    1.0 when every deduction is zero; never below 0.
    """
    vacancy = absence.vacancy_pct / 100.0
    sickness = absence.sickness_pct / 100.0
    at_work = 1.0 - supervision_share(absence) - training_share(absence)
    return max(0.0, (1.0 - vacancy) * (1.0 - sickness) * at_work)


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
