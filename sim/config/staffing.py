"""Staff pools and what keeps staff from front-door work: ``staffing.*``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.choices import Rota
from sim.ranges import MAX_STAFF, PROBABILITY, integer, number, ranged, share


@dataclass
class AbsenceConfig:
    """What keeps a pool's staff from front-door work (``staffing.pools.<name>.absence``).

    ``vacancy_pct``: posts unfilled *after* agency cover (% of ``staff``); ``sickness_pct``:
    sickness absence (% of days); ``supervision_hours_per_month`` and ``training_days_per_year``
    per member of staff, as shares of ``contract_hours_per_week``; ``annual_leave_days_per_year``
    (annual leave and any other leave taken on working days, not bank holidays, which the
    calendar closes) likewise. ``supervision_compliance``: the share (0–1) of the policy
    ``supervision_hours_per_month`` actually received (§3 row 22: the CIN/CP teams "have not
    consistently received supervision"). They combine into the share of ``staff`` on duty on an
    average day (:func:`sim.engine.capacity.availability`). All zero (the default, compliance 1):
    everyone is on duty whenever the rota says so.
    """

    vacancy_pct: float = ranged(0.0, share(0, 100, high_open=True, what="a percentage"))
    sickness_pct: float = ranged(0.0, share(0, 100, high_open=True, what="a percentage"))
    supervision_hours_per_month: float = ranged(0.0, number(ge=0, unit="hours a month"))
    training_days_per_year: float = ranged(0.0, number(ge=0, unit="days a year"))
    contract_hours_per_week: float = ranged(37.0, number(gt=0, unit="hours"))
    annual_leave_days_per_year: float = ranged(0.0, number(ge=0, unit="days a year"))
    supervision_compliance: float = ranged(1.0, PROBABILITY)


@dataclass
class PoolConfig:
    """A staff pool: how many are on duty when its rota says so, and how quickly they work.

    ``rota`` is ``office`` (the calendar's opening hours), ``out_of_hours`` (the complement:
    evenings, weekends, bank holidays) or ``always`` (24/7, used by the verification presets).
    ``time_factor`` multiplies every task this pool does (e.g. 1.15 for staff new to the
    service — parameters.md §3 row 5 "experience is a staffing parameter"). ``absence``
    (vacancies, sickness, annual leave, supervision, training) lowers the heads on duty day by day
    (:mod:`sim.engine.capacity`); ``staff`` is the establishment.
    """

    staff: int = ranged(1, integer(ge=1, at_most=MAX_STAFF, unit="people"))
    rota: Rota = Rota.office
    time_factor: float = ranged(1.0, number(gt=0))
    absence: AbsenceConfig = field(default_factory=AbsenceConfig)


@dataclass
class StaffingConfig:
    """Staff pools by name (``staffing.pools.<name>``)."""

    pools: dict[str, PoolConfig] = field(default_factory=dict)
