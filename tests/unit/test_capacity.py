"""Effective capacity: availability by hand, daily heads on duty, validation, and the model's rota.

Hand-checked figures use the default contract of 37 h a week: 37 × 52 = 1924 contracted hours a
year; a training day is 37 / 5 = 7.4 h, so 5 training days are 37 h = 1/52 of the year (= 5/260
working days); 1.5 h of supervision a month is 18 h a year = 18/1924; 28 days of annual leave
are 28 × 7.4 = 207.2 h = 28/260 of the year.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
import simpy

import sim.model
from sim.compose import load
from sim.config import AbsenceConfig, Config
from sim.engine.calendar import MINUTES_PER_DAY, WorkingCalendar
from sim.engine.capacity import (
    availability,
    away_share,
    calendar_working_days,
    daily_on_duty,
    leave_share,
    productive_days_per_fte,
    supervision_share,
    time_availability,
    training_share,
)
from sim.engine.staff import StaffPool
from sim.engine.teams import Team, workers_in_post
from sim.errors import ConfigError
from sim.model import FrontDoor, world
from sim.replication import build
from sim.runner import simulate_replications

SW_DEFAULTS = AbsenceConfig(
    vacancy_pct=5.0, sickness_pct=3.2, supervision_hours_per_month=1.5, training_days_per_year=5.0
)
"""The social-worker defaults of conf/staffing/current.yaml."""

# -- availability ---------------------------------------------------------------------------------


def test_no_absence_is_full_availability() -> None:
    assert availability(AbsenceConfig()) == 1.0


@pytest.mark.parametrize(
    ("absence", "expected"),
    [
        (AbsenceConfig(vacancy_pct=5.0), 0.95),
        (AbsenceConfig(sickness_pct=3.2), 0.968),
        (AbsenceConfig(supervision_hours_per_month=1.5), 1 - 18 / 1924),
        (AbsenceConfig(training_days_per_year=5.0), 1 - 1 / 52),
        # A 35-hour contract: 18 h of supervision is a larger share of 35 × 52 = 1820 h; a
        # training day is 7 h, so 5 days are still 35 h = 1/52 of the year.
        (
            AbsenceConfig(supervision_hours_per_month=1.5, contract_hours_per_week=35.0),
            1 - 18 / 1820,
        ),
        (AbsenceConfig(training_days_per_year=5.0, contract_hours_per_week=35.0), 1 - 1 / 52),
        # Supervision and training add (shares of the same hours): 1 − (18 + 37) / 1924.
        (
            AbsenceConfig(supervision_hours_per_month=1.5, training_days_per_year=5.0),
            1869 / 1924,
        ),
        # Vacancy and sickness multiply: 0.95 × 0.968 = 0.9196, not 1 − 0.082 = 0.918.
        (AbsenceConfig(vacancy_pct=5.0, sickness_pct=3.2), 0.9196),
        # Social-worker defaults: 0.9196 × 1869 / 1924 = 0.893312058...
        (SW_DEFAULTS, 0.8933120582120582),
        # PSO defaults (no supervision): 0.9196 × 51 / 52 = 0.901915384...
        (
            AbsenceConfig(vacancy_pct=5.0, sickness_pct=3.2, training_days_per_year=5.0),
            0.9019153846,
        ),
    ],
)
def test_availability_by_hand(absence: AbsenceConfig, expected: float) -> None:
    assert availability(absence) == pytest.approx(expected, rel=1e-9)


def test_supervision_and_training_shares_by_hand() -> None:
    assert supervision_share(SW_DEFAULTS) == pytest.approx(18 / 1924, rel=1e-12)
    assert training_share(SW_DEFAULTS) == pytest.approx(37 / 1924, rel=1e-12)


# -- annual leave, supervision compliance, productive days -----------------------------------------

SW_WITH_LEAVE = AbsenceConfig(
    vacancy_pct=5.0,
    sickness_pct=3.2,
    supervision_hours_per_month=1.5,
    training_days_per_year=5.0,
    annual_leave_days_per_year=28.0,
)
"""The social-worker defaults of conf/staffing/current.yaml, annual leave included."""


@pytest.mark.parametrize(
    ("absence", "expected"),
    [
        # 26 days of leave are 26/260 = 10% of the contracted year, whatever the contract.
        (AbsenceConfig(annual_leave_days_per_year=26.0), 0.9),
        (AbsenceConfig(annual_leave_days_per_year=26.0, contract_hours_per_week=35.0), 0.9),
        # Leave adds to supervision and training (shares of the same hours):
        # 1 − (18 + 37 + 207.2) / 1924 = 1661.8 / 1924.
        (
            AbsenceConfig(
                supervision_hours_per_month=1.5,
                training_days_per_year=5.0,
                annual_leave_days_per_year=28.0,
            ),
            1661.8 / 1924,
        ),
        # ... and multiplies with sickness and vacancy: 0.95 × 0.968 × 1661.8 / 1924
        # = 0.794278212..., down from 0.893312058 without leave.
        (SW_WITH_LEAVE, 0.7942782120582121),
        # Supervision received at 60% of the 1.5 h policy: 0.9 h a month = 10.8 h a year.
        (
            AbsenceConfig(supervision_hours_per_month=1.5, supervision_compliance=0.6),
            1 - 10.8 / 1924,
        ),
        (AbsenceConfig(supervision_hours_per_month=1.5, supervision_compliance=0.0), 1.0),
    ],
)
def test_availability_with_leave_and_compliance_by_hand(
    absence: AbsenceConfig, expected: float
) -> None:
    assert availability(absence) == pytest.approx(expected, rel=1e-9)


def test_leave_share_and_away_share_by_hand() -> None:
    assert leave_share(SW_WITH_LEAVE) == pytest.approx(207.2 / 1924, rel=1e-12)
    assert away_share(SW_WITH_LEAVE) == pytest.approx(262.2 / 1924, rel=1e-12)


def test_time_availability_is_availability_without_the_vacancy() -> None:
    # 0.968 × 1661.8 / 1924 = 0.836082328...; × 0.95 is availability.
    assert time_availability(SW_WITH_LEAVE) == pytest.approx(0.968 * 1661.8 / 1924, rel=1e-12)
    assert availability(SW_WITH_LEAVE) == pytest.approx(
        0.95 * time_availability(SW_WITH_LEAVE), rel=1e-12
    )
    assert time_availability(AbsenceConfig(vacancy_pct=50.0)) == 1.0


@pytest.mark.parametrize(
    ("absence", "working_days", "expected"),
    [
        # 260 days less 26 days of leave: 234 days at work.
        (AbsenceConfig(annual_leave_days_per_year=26.0), 260.0, 234.0),
        # Vacancy does not count: the days are those of a person in post.
        (AbsenceConfig(vacancy_pct=20.0, annual_leave_days_per_year=26.0), 260.0, 234.0),
        # 250 days at 4% sickness: 240 days.
        (AbsenceConfig(sickness_pct=4.0), 250.0, 240.0),
        # SW defaults over 253 days: 253 × 0.968 × 1661.8 / 1924 = 211.528829...
        (SW_WITH_LEAVE, 253.0, 211.52882910602911),
    ],
)
def test_productive_days_per_fte_by_hand(
    absence: AbsenceConfig, working_days: float, expected: float
) -> None:
    assert productive_days_per_fte(absence, working_days) == pytest.approx(expected, rel=1e-9)


def test_the_calendar_has_253_working_days_in_2025_26() -> None:
    """1 Apr 2025 – 31 Mar 2026: 261 weekdays less England's 8 bank holidays that year (Good
    Friday 18 Apr, Easter Monday 21 Apr, 5 and 26 May, 25 Aug, 25 and 26 Dec, 1 Jan)."""
    cfg = load()
    calendar = WorkingCalendar.from_config(cfg.calendar, "2025-04-01", 365)
    assert calendar_working_days(calendar) == 253.0


def test_default_front_door_pools_have_210_to_215_productive_days_per_fte() -> None:
    """§1g "Productive time": ≈210–215 productive days a year per FTE (ESTIMATE; basis: leave,
    bank holidays, training, 3.2% sickness) over the calendar's working days of 2025/26."""
    cfg = load()
    working_days = calendar_working_days(
        WorkingCalendar.from_config(cfg.calendar, "2025-04-01", 365)
    )
    front_door = ("managers", "social_workers", "practice_support", "edt")
    days = {
        name: productive_days_per_fte(cfg.staffing.pools[name].absence, working_days)
        for name in front_door
    }
    assert all(210.0 <= d <= 215.0 for d in days.values()), days


# -- daily heads on duty --------------------------------------------------------------------------


@pytest.mark.parametrize(("staff", "share"), [(11, 0.8933120582), (4, 0.8933120582), (1, 0.6)])
def test_daily_heads_have_the_right_mean_and_only_two_values(staff: int, share: float) -> None:
    days = 20_000
    heads = daily_on_duty(staff, share, days, np.random.default_rng(1))
    expected = staff * share
    low = math.floor(expected)
    extra = expected - low
    assert heads.dtype.kind == "i" and heads.shape == (days,)
    assert set(np.unique(heads).tolist()) == {low, low + 1}  # minimal variance: two values
    assert heads.min() >= 0 and heads.max() <= staff
    # Each day is floor + Bernoulli(extra): the mean's SE is sqrt(extra (1 − extra) / days)
    # (≤ 0.0036 here). Tolerance 4.5 SE: a false failure about once in 150,000 runs.
    se = math.sqrt(extra * (1 - extra) / days)
    assert abs(heads.mean() - expected) < 4.5 * se
    # The variance is the Bernoulli variance, not more (e.g. not binomial over staff).
    assert heads.var() == pytest.approx(extra * (1 - extra), abs=0.02)


def test_fewer_than_one_head_expected_leaves_some_days_with_nobody() -> None:
    heads = daily_on_duty(1, 0.6, 1_000, np.random.default_rng(2))
    assert (heads == 0).any() and (heads == 1).any()
    assert set(heads.tolist()) <= {0, 1}


@pytest.mark.parametrize(
    ("staff", "share", "every_day"), [(10, 1.0, 10), (10, 0.5, 5), (3, 0.0, 0)]
)
def test_whole_expectations_draw_nothing_and_never_vary(
    staff: int, share: float, every_day: int
) -> None:
    rng = np.random.default_rng(3)
    state = rng.bit_generator.state
    heads = daily_on_duty(staff, share, 50, rng)
    assert (heads == every_day).all()
    assert rng.bit_generator.state == state  # no draws taken


def test_float_noise_in_the_expectation_is_not_a_fraction() -> None:
    # 10 × 0.3 = 3.0000000000000004 in floating point: still exactly 3 every day.
    assert (daily_on_duty(10, 0.3, 100, np.random.default_rng(4)) == 3).all()


def test_higher_availability_never_gives_fewer_heads_on_the_same_draws() -> None:
    # Common random numbers: one uniform per day, so scenarios are coupled day by day.
    low = daily_on_duty(11, 0.85, 500, np.random.default_rng(5))
    high = daily_on_duty(11, 0.89, 500, np.random.default_rng(5))
    assert (high >= low).all() and (high > low).any()


@pytest.mark.parametrize(
    ("staff", "share", "days"),
    [(-1, 0.5, 10), (5, 1.5, 10), (5, -0.1, 10), (5, math.nan, 10), (5, 0.5, -1)],
)
def test_daily_heads_reject_nonsense(staff: int, share: float, days: int) -> None:
    with pytest.raises(ValueError):
        daily_on_duty(staff, share, days, np.random.default_rng(0))


# -- assessment teams -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("establishment", "vacancy_pct", "in_post"),
    [
        (34, 5.0, 32),  # 32.3 → 32
        (28, 5.0, 27),  # 26.6 → 27
        (36, 5.0, 34),  # 34.2 → 34
        (3, 50.0, 2),  # 1.5 → 2: half up, not to even
        (10, 0.0, 10),
        (1, 99.0, 1),  # at least one in post
    ],
)
def test_vacant_posts_hold_no_cases(establishment: int, vacancy_pct: float, in_post: int) -> None:
    assert workers_in_post(establishment, vacancy_pct) == in_post


def test_team_absence_sets_workers_in_post_and_time_availability() -> None:
    env = simpy.Environment()
    absence = AbsenceConfig(
        vacancy_pct=5.0,
        sickness_pct=3.2,
        supervision_hours_per_month=1.5,
        supervision_compliance=0.6,
        training_days_per_year=5.0,
        annual_leave_days_per_year=28.0,
    )
    team = Team(env, "north", 34, 18, 8.0, absence=absence)
    assert team.establishment == 34 and team.workers == 32
    # 0.968 × (1924 − 10.8 − 37 − 207.2) / 1924 = 0.968 × 1669 / 1924 = 0.839704781...
    assert team.time_availability == pytest.approx(0.968 * 1669 / 1924, rel=1e-12)
    untouched = Team(env, "south", 28, 18, 8.0)
    assert untouched.workers == 28 and untouched.time_availability == 1.0


# -- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("vacancy_pct=100", "absence.vacancy_pct"),
        ("vacancy_pct=-1", "absence.vacancy_pct"),
        ("sickness_pct=100", "absence.sickness_pct"),
        ("sickness_pct=nan", "absence.sickness_pct"),
        ("supervision_hours_per_month=-0.5", "absence.supervision_hours_per_month"),
        ("training_days_per_year=inf", "absence.training_days_per_year"),
        ("contract_hours_per_week=0", "absence.contract_hours_per_week"),
        ("training_days_per_year=260", "absence"),  # every contracted hour in training
        ("annual_leave_days_per_year=-1", "absence.annual_leave_days_per_year"),
        ("annual_leave_days_per_year=nan", "absence.annual_leave_days_per_year"),
        ("supervision_compliance=1.5", "absence.supervision_compliance"),
        ("supervision_compliance=-0.1", "absence.supervision_compliance"),
        # 258 days of leave alone are under the 260-day year, but with 5 training days and
        # 18 h of supervision they take 1909.2 + 37 + 18 = 1964.2 of 1924 contracted hours.
        ("annual_leave_days_per_year=258", "absence"),
    ],
)
def test_bad_absence_is_a_config_error_naming_the_key(override: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load([f"staffing.pools.social_workers.absence.{override}"])
    assert caught.value.key == f"staffing.pools.social_workers.{key}"


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("vacancy_pct=100", "absence.vacancy_pct"),
        ("sickness_pct=-3", "absence.sickness_pct"),
        ("annual_leave_days_per_year=-1", "absence.annual_leave_days_per_year"),
        ("supervision_compliance=2", "absence.supervision_compliance"),
        # 255 × 7.4 + 37 h training + 10.8 h supervision (1.5 h × 0.6) = 1934.8 h > 1924 h.
        ("annual_leave_days_per_year=255", "absence"),
    ],
)
def test_bad_team_absence_is_a_config_error_naming_the_key(override: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load([f"after_decision.assessment.teams.north.absence.{override}"])
    assert caught.value.key == f"after_decision.assessment.teams.north.{key}"
    assert caught.value.value is not None and caught.value.allowed


# -- the model's rota -----------------------------------------------------------------------------


def _on_duty_over(door: FrontDoor, name: str) -> tuple[float, float, float]:
    """Time-weighted mean heads on duty over the pool's own rota intervals (before the stop),
    the expected mean staff × availability, and its standard error from the daily Bernoulli
    draws (weights: the rota minutes that take each day's heads)."""
    pool_cfg = door.cfg.staffing.pools[name]
    pool = door.pools[name]
    rows = door._schedule(name)
    stop = door.window.stop
    rows = rows[rows[:, 0] < stop]
    starts, ends = rows[:, 0], np.minimum(rows[:, 1], stop)
    minutes = ends - starts
    area = sum(pool.on_duty.integral(s, e) for s, e in zip(starts, ends, strict=True))
    mean = area / minutes.sum()
    expected = pool_cfg.staff * availability(pool_cfg.absence)
    extra = expected - math.floor(expected)
    weights = np.bincount((starts // MINUTES_PER_DAY).astype(int), weights=minutes)
    se = math.sqrt(extra * (1 - extra) * np.sum(weights**2)) / weights.sum()
    return mean, expected, se


def test_mean_heads_on_duty_over_the_rota_is_staff_times_availability() -> None:
    # The world alone, no pathway started: no task overruns a shift, so on duty is exactly
    # the schedule.
    cfg = load(["run.warmup_days=0", "run.horizon_days=364", "run.drain_days=0"])
    for replication in range(2):
        door = world(cfg, replication)
        door.run()
        for name in ("managers", "social_workers", "practice_support", "edt"):
            mean, expected, se = _on_duty_over(door, name)
            assert 0 < se < 0.06
            # 4.5 SE: each check fails by chance about once in 150,000.
            assert abs(mean - expected) < 4.5 * se, (name, replication, mean, expected, se)
            assert f"absence:{name}" in door.streams.names
        # Office pools are never on duty while the office is closed (nothing overruns here).
        closed = door.calendar.closed_intervals()
        closed = closed[closed[:, 0] < door.window.stop]
        for name in ("managers", "social_workers", "practice_support"):
            on_duty = door.pools[name].on_duty
            assert sum(on_duty.integral(s, e) for s, e in closed) == 0.0
            _, values = on_duty.steps()
            assert values.min() >= 0 and values.max() <= cfg.staffing.pools[name].staff


def test_edt_overnight_shift_keeps_one_set_of_heads_and_weekends_change_at_midnight() -> None:
    cfg = load(["run.warmup_days=0", "run.horizon_days=28", "run.drain_days=0"])
    door = build(cfg, 0)
    rows = door._schedule("edt")
    # Every row lies within one day, except shifts of at most a day (overnight) that start on it.
    lengths = rows[:, 1] - rows[:, 0]
    assert lengths.max() <= MINUTES_PER_DAY
    crossing = (rows[:, 0] // MINUTES_PER_DAY) != ((rows[:, 1] - 1e-9) // MINUTES_PER_DAY)
    assert crossing.any()  # weeknights 17:00 → 08:30 stay whole
    # The rows cover exactly the closed intervals.
    closed = door.calendar.closed_intervals()
    assert lengths.sum() == pytest.approx(np.sum(closed[:, 1] - closed[:, 0]))


# -- zero absence is the model as it was -------------------------------------------------------

ZERO_ABSENCE_KEYS = (
    "vacancy_pct=0",
    "sickness_pct=0",
    "supervision_hours_per_month=0",
    "training_days_per_year=0",
    "annual_leave_days_per_year=0",
)
SHORT = [
    "run.replications=2",
    "run.jobs=1",
    "run.seed=7",
    "run.warmup_days=7",
    "run.horizon_days=14",
    "run.drain_days=7",
    "run.event_log=false",
]


def _zero(cfg_pools: Any) -> list[str]:
    return [
        f"staffing.pools.{name}.absence.{key}" for name in cfg_pools for key in ZERO_ABSENCE_KEYS
    ]


def test_zero_absence_gives_the_same_results_as_the_all_or_nothing_rota(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Office and out-of-hours pools with every absence key 0 run exactly as the rota did before
    schedules existed: whole-pool ``off_duty`` intervals from the calendar."""
    pools = load().staffing.pools
    cfg = load([*SHORT, *_zero(pools)])
    assert all(availability(p.absence) == 1.0 for p in cfg.staffing.pools.values())
    with_schedule = simulate_replications(cfg, keep_events=False, progress=False)

    calendar = build(cfg, 0).calendar

    def all_or_nothing(
        env: Any, name: str, staff: int, off_duty: Any, time_factor: float, *, schedule: Any
    ) -> StaffPool:
        rota = cfg.staffing.pools[name].rota
        off = {
            "office": calendar.closed_intervals(),
            "out_of_hours": calendar.open_intervals(),
        }.get(rota)
        return StaffPool(env, name, staff, off, time_factor)

    monkeypatch.setattr(sim.model, "StaffPool", all_or_nothing)
    before = simulate_replications(cfg, keep_events=False, progress=False)
    pd.testing.assert_frame_equal(with_schedule.replications, before.replications, check_exact=True)


def test_absence_keys_explicitly_zero_equal_absence_omitted() -> None:
    """A preset without absence keys (M/M/c) runs identically with them written out as 0."""
    omitted = load(["validation=mmc", *SHORT])
    assert not omitted.staffing.pools["servers"].absence.vacancy_pct
    explicit = load(["validation=mmc", *SHORT, *_zero(omitted.staffing.pools)])
    a = simulate_replications(omitted, keep_events=False, progress=False)
    b = simulate_replications(explicit, keep_events=False, progress=False)
    pd.testing.assert_frame_equal(a.replications, b.replications, check_exact=True)


def test_absence_takes_capacity_and_raises_utilisation() -> None:
    """The same establishment with and without absence (same seed): less on duty, busier."""
    cfg: Config = load(SHORT)
    none = load([*SHORT, *_zero(cfg.staffing.pools)])
    with_absence = simulate_replications(cfg, keep_events=False, progress=False).replications
    without = simulate_replications(none, keep_events=False, progress=False).replications
    for name in ("managers", "social_workers", "practice_support"):
        column = f"utilisation_{name}"
        assert (with_absence[column] > without[column]).all(), column
