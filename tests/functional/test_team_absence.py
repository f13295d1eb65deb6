"""An assessment team's absence lengthens its assessments (sim/engine/teams.py, "Absence on a
caseload team"), on common random numbers.

Two checks. The mechanism, exactly: with the caseload stretch and the deadline push switched off,
every assessment's elapsed work after the first visit (the visit gaps and the write-up, in working
minutes) is the same contact's work without absence divided by the team's time availability
``t`` — the same per-contact draws, so the only tolerance is floating point. The effect on the
KPIs, on the defaults: the default team absence (vacancy, leave, sickness, training, part
supervision) against none, both with the same seed; the 95% CI of the paired difference over the
replications must lie on the expected side of zero, as in ``test_after_decision.py``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from sim.compose import load
from sim.engine.capacity import time_availability
from sim.replication import build
from sim.runner import confidence_interval, simulate_replications

TEAMS = ("north", "south")
NO_TEAM_ABSENCE = tuple(
    f"after_decision.assessment.teams.{team}.absence.{key}=0"
    for team in TEAMS
    for key in (
        "vacancy_pct",
        "sickness_pct",
        "supervision_hours_per_month",
        "training_days_per_year",
        "annual_leave_days_per_year",
    )
)

# -- the mechanism, contact by contact -------------------------------------------------------------

PLAIN_TIMELINE = [
    "run.warmup_days=0",
    "run.horizon_days=56",
    "run.drain_days=70",
    # Only the team's absence differs between the runs: gaps do not widen with the caseload
    # (which absence also raises), write-ups are not pulled in to the 45-WD deadline, and no
    # closed case comes back as a re-referral (which would change the later contacts).
    "after_decision.assessment.gap_caseload_elasticity=0",
    "after_decision.assessment.deadline_push_probability=0",
    "after_decision.re_referral.probability=0",
]


def _work_after_first_visit(*overrides: str) -> tuple[pd.Series, float]:
    """Working minutes from each contact's first visit to the end of its write-up, and the
    north team's time availability."""
    cfg = load([*PLAIN_TIMELINE, *overrides])
    door = build(cfg, 0)
    door.run()
    log = door.log.to_frame()
    first = log[log["event"] == "visit"].groupby("contact_id")["time"].min()
    end = log[log["event"] == "write_up_end"].set_index("contact_id")["time"]
    both = first.index.intersection(end.index)
    work = door.calendar.working_minutes_between(
        first.loc[both].to_numpy(), end.loc[both].to_numpy()
    )
    share = time_availability(cfg.after_decision.assessment.teams["north"].absence)
    return pd.Series(work, index=both), share


def test_absence_stretches_visit_gaps_and_write_up_by_one_over_time_availability() -> None:
    with_absence, t = _work_after_first_visit()
    without, t_none = _work_after_first_visit(*NO_TEAM_ABSENCE)
    assert t_none == 1.0
    assert 0.8 < t < 0.9  # the defaults: ≈0.840 (leave, sickness, training, part supervision)
    common = with_absence.index.intersection(without.index)
    # Enough assessments finish in both runs for the check to mean something; those with one
    # visit and no write-up time have nothing to stretch.
    stretched = common[without.loc[common].to_numpy() > 0]
    assert len(stretched) > 300
    ratio = with_absence.loc[stretched].to_numpy() / without.loc[stretched].to_numpy()
    # The same draws, divided by t: exact up to floating point (times are ~1e5 minutes, so
    # rounding is ~1e-11 minutes on spans of thousands of minutes).
    np.testing.assert_allclose(ratio, 1.0 / t, rtol=1e-9)


# -- the KPIs, paired over replications -----------------------------------------------------------

DOWNSTREAM = [
    "run.replications=4",
    "run.warmup_days=120",
    "run.horizon_days=91",
    "run.drain_days=0",
    "run.plots=false",
]


@cache
def _kpis(*overrides: str) -> pd.DataFrame:
    cfg = load([*DOWNSTREAM, *overrides])
    return simulate_replications(cfg, keep_events=False, progress=False).replications


@pytest.mark.long
@pytest.mark.parametrize(
    ("kpi", "direction"),
    [
        ("assessment_working_days_median", +1),
        ("assessment_within_45wd_pct", -1),
        ("caseload_mean_north", +1),  # fewer workers in post hold the same cases for longer
    ],
)
def test_team_absence_lengthens_assessments(kpi: str, direction: int) -> None:
    difference = _kpis()[kpi].to_numpy() - _kpis(*NO_TEAM_ABSENCE)[kpi].to_numpy()
    mean, low, high = confidence_interval(difference)
    if direction > 0:
        assert low > 0, f"{kpi} should rise with team absence: {mean:.4g} [{low:.4g}, {high:.4g}]"
    else:
        assert high < 0, f"{kpi} should fall with team absence: {mean:.4g} [{low:.4g}, {high:.4g}]"
