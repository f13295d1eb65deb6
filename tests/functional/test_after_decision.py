"""After the decision: each downstream mechanism moves its KPI the right way, by more than the
noise, on common random numbers — and every child is in exactly one place at the end.

Like ``test_mechanisms.py``: the baseline and a variant that changes one lever run with the same
seed, and the 95% CI of the paired difference (variant − baseline) must lie on the expected side
of zero. The runs are longer than the front-door ones because assessments take weeks.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from sim.compose import load
from sim.engine.log_tables import contact_table
from sim.replication import build
from sim.runner import confidence_interval, simulate_replications
from sim.vocabulary import OUTCOMES

DOWNSTREAM = [
    "run.replications=4",
    "run.warmup_days=120",
    "run.horizon_days=91",
    "run.drain_days=0",
    "run.plots=false",
]


@cache
def kpis(*overrides: str) -> pd.DataFrame:
    cfg = load([*DOWNSTREAM, *overrides])
    return simulate_replications(cfg, keep_events=False, progress=False).replications


def change(kpi: str, *overrides: str, base: tuple[str, ...] = ()) -> tuple[float, float, float]:
    """Mean and 95% CI of (variant − baseline) for ``kpi``, both run with ``base`` too."""
    difference = kpis(*base, *overrides)[kpi].to_numpy() - kpis(*base)[kpi].to_numpy()
    return confidence_interval(difference)


def assert_lowers(kpi: str, *overrides: str, base: tuple[str, ...] = ()) -> None:
    mean, low, high = change(kpi, *overrides, base=base)
    assert high < 0, f"{kpi} should fall with {overrides}: {mean:.4g} [{low:.4g}, {high:.4g}]"


def assert_raises(kpi: str, *overrides: str, base: tuple[str, ...] = ()) -> None:
    mean, low, high = change(kpi, *overrides, base=base)
    assert low > 0, f"{kpi} should rise with {overrides}: {mean:.4g} [{low:.4g}, {high:.4g}]"


@pytest.mark.long
def test_lower_caseload_cap_raises_allocation_waits() -> None:
    """Row 13: a tighter cap leaves referrals waiting for a social worker with room. A full
    team's queue varies a lot between replications, so this test runs eight of them."""
    tighter = [
        "after_decision.assessment.teams.north.caseload_cap=14",
        "after_decision.assessment.teams.south.caseload_cap=14",
    ]
    eight = ("run.replications=8",)
    assert_raises("allocation_wait_working_days_mean", *tighter, base=eight)
    assert_lowers("assessment_within_45wd_pct", *tighter, base=eight)


@pytest.mark.long
def test_more_partner_availability_shortens_strategy_discussion_waits() -> None:
    """Row 14: strategy discussions need police and health at once; more of them, sooner. A pool
    of one on annual leave leaves whole days with nobody to attend, which varies a lot between
    replications, so this test runs eight of them."""
    fewer = ["staffing.pools.police_partners.staff=1", "staffing.pools.health_partners.staff=1"]
    assert_raises("strategy_discussion_working_days_mean", *fewer, base=("run.replications=8",))


@pytest.mark.long
def test_weekly_panel_shortens_step_up() -> None:
    """Row 3: a weekly instead of fortnightly step-up panel."""
    assert_lowers("step_up_working_days_mean", "after_decision.step_up_panel.every_weeks=1")


@pytest.mark.long
def test_fuller_caseloads_stretch_visit_gaps() -> None:
    """Row 19: the gap between visits widens with the worker's caseload."""
    assert_raises(
        "assessment_working_days_mean", "after_decision.assessment.gap_caseload_elasticity=1.5"
    )


@pytest.mark.long  # ≈19 s: two runs of the whole pathway; in make test-long
def test_write_up_lag_delays_completion() -> None:
    """Row 20: assessments completed weeks after the last visit."""
    assert_raises(
        "last_visit_to_completion_working_days_mean",
        "after_decision.assessment.long_write_up_probability=0.9",
    )


@pytest.mark.long
def test_conference_booking_and_chairs_set_conference_timeliness() -> None:
    """Row 16: conferences booked later, or too few chairs for long conferences, make more of
    them late against the 15-working-day target. One chair, away on a fifth of days (leave,
    sickness, training, vacancy), makes the delay vary a lot: eight replications for that."""
    later = [
        "after_decision.section47.icpc_lead_working_days.values=[12.0,14.0,16.0,18.0,20.0]",
        "after_decision.section47.icpc_lead_working_days.weights=[1.0,1.0,1.0,1.0,1.0]",
    ]
    assert_lowers("icpc_within_15wd_pct", *later)
    one_chair = [
        "staffing.pools.conference_chairs.staff=1",
        "after_decision.section47.conference.duration.low=400",
        "after_decision.section47.conference.duration.mode=450",
        "after_decision.section47.conference.duration.high=480",
    ]
    assert_raises("icpc_working_days_mean", *one_chair, base=("run.replications=8",))


@pytest.mark.long  # ≈17 s: two long runs; in make test-long
def test_re_referrals_feed_the_front_door() -> None:
    """§1d: closed cases come back; without re-referrals the front door sees fewer contacts."""
    assert_lowers("contacts", "after_decision.re_referral.probability=0")


@pytest.mark.long  # ≈10 s: two runs; in make test-long
def test_absence_reduces_effective_capacity() -> None:
    """Effective capacity: more sickness means fewer on duty and slower decisions."""
    assert_raises(
        "utilisation_social_workers", "staffing.pools.social_workers.absence.sickness_pct=15"
    )


# -- conservation across the whole pathway -----------------------------------------------------


@pytest.fixture(scope="module")
def whole() -> tuple[object, pd.DataFrame]:
    cfg = load(["run.warmup_days=60", "run.horizon_days=60", "run.drain_days=0"])
    door = build(cfg, 0)
    door.run()
    return door, contact_table(door.log.to_frame())


PLACES = {
    "step_up_panel": ("step_up_request", "step_up_panel"),
    "front_door": ("contact", "outcome"),
    "handoff": ("handoff_start", "allocation_queued"),
    "awaiting_allocation": ("allocation_queued", "allocated"),
    "in_assessment": ("allocated", "assessment_complete"),
}


def whereabouts(table: pd.DataFrame) -> pd.DataFrame:
    """Where each child is at the end: one column per place, True where the child is there.

    A child is in a place when its entry happened and its exit did not; it is ``closed`` after a
    below-threshold outcome (including a family the panel keeps in early help) or a completed
    assessment. Each place is judged on its own, with no precedence between them, so a child
    whose events put it in two places shows up in two columns.
    """

    def has(name: str) -> np.ndarray:
        return table[name].notna().to_numpy() if name in table else np.zeros(len(table), bool)

    places = {name: has(entered) & ~has(left) for name, (entered, left) in PLACES.items()}
    below = np.zeros(len(table), bool)
    for kind in ("nfa_advice", "universal_services", "early_help"):
        below |= has(f"to_{kind}")
    places["closed"] = below | has("assessment_complete")
    return pd.DataFrame(places, index=table.index)


def test_whereabouts_catches_a_child_in_two_places_or_none() -> None:
    """The check below can fail: a child still at the front door (no outcome) yet allocated to
    a social worker is in two places; a child with no events it understands is in none."""
    nan = np.nan
    table = pd.DataFrame(
        {
            "contact": [0.0, 0.0, nan],
            "outcome": [1.0, nan, nan],
            "to_nfa_advice": [1.0, nan, nan],
            "allocation_queued": [nan, 2.0, nan],
            "allocated": [nan, 3.0, nan],
        },
        index=[1, 2, 3],
    )
    counts = whereabouts(table).sum(axis=1)
    assert counts.to_dict() == {1: 1, 2: 2, 3: 0}


def test_every_child_is_in_exactly_one_place(whole: tuple[object, pd.DataFrame]) -> None:
    door, table = whole
    places = whereabouts(table)
    counts = places.sum(axis=1)
    wrong = places[counts != 1]
    assert wrong.empty, (
        f"children in {counts[counts != 1].value_counts().to_dict()} places:\n{wrong.head()}"
    )
    # Every child made, and only those, has a row (a panel request has no "contact" event).
    assert sorted(table.index) == sorted(c.id for c in door.contacts)  # type: ignore[attr-defined]
    for name in ("front_door", "in_assessment", "closed"):
        assert places[name].any(), f"expected children {name} at the end: {places.sum().to_dict()}"


def test_a_re_referral_comes_back_only_after_its_case_closed(
    whole: tuple[object, pd.DataFrame],
) -> None:
    """Children coming back are closed cases or missed needs: each one's earlier contact (same
    family key and position) had its case closed — assessment signed off or closed with no
    further action — before the re-referral arrived, or, for a missed need, was decided and
    not referred before it came back."""
    door, table = whole
    contacts = door.contacts  # type: ignore[attr-defined]
    by_key = {(c.key, c.seq): c for c in contacts}
    again = [c for c in contacts if c.generation > 0]
    assert len(again) >= 5, "closed cases come back within the run"
    for child in again:
        parent = by_key[(child.key.rsplit("#r", 1)[0], child.seq)]
        assert parent.generation == child.generation - 1
        row = table.loc[parent.id]
        if child.missed_need_return:
            assert row.get("missed_need", np.nan) <= child.arrival, f"{child.id} came back early"
            continue
        closed = np.fmin(row.get("assessment_complete", np.nan), row.get("referral_nfa", np.nan))
        assert closed <= child.arrival, f"re-referral {child.id} before case {parent.id} closed"


def test_each_referral_has_one_outcome_and_at_most_one_assessment(
    whole: tuple[object, pd.DataFrame],
) -> None:
    door, _ = whole
    events = door.log.to_frame()  # type: ignore[attr-defined]
    names = events["event"].astype(str)
    per = (
        events[names.isin(["outcome", "assessment_complete", "allocated"])]
        .groupby(["contact_id", names[names.isin(["outcome", "assessment_complete", "allocated"])]])
        .size()
    )
    assert per.max() == 1
    kinds = events[names.isin([f"to_{k}" for k in OUTCOMES])].groupby("contact_id").size()
    assert kinds.max() == 1
