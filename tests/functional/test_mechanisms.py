"""Each mechanism of the front door moves its KPI the right way, by more than the noise.

Every test runs the Cheshire East baseline and a variant that changes one lever, with the same
seed (common random numbers), and asserts that the paired difference of the KPI — variant minus
baseline, replication by replication — has a 95% confidence interval entirely on the expected
side of zero. ``parameters.md`` §3 row numbers are in the test names' docstrings.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from sim.compose import load
from sim.runner import confidence_interval, simulate_replications

SHORT = [
    "run.replications=4",
    "run.warmup_days=14",
    "run.horizon_days=56",
    "run.drain_days=21",
    "run.plots=false",
]


@cache
def kpis(*overrides: str) -> pd.DataFrame:
    """The replications table of the short baseline with ``overrides`` (cached per variant)."""
    cfg = load([*SHORT, *overrides])
    return simulate_replications(cfg, keep_events=False, progress=False).replications


def paired_change(kpi: str, *overrides: str) -> tuple[float, float, float]:
    """Mean and 95% CI of (variant − baseline) for ``kpi`` over paired replications."""
    difference = kpis(*overrides)[kpi].to_numpy() - kpis()[kpi].to_numpy()
    return confidence_interval(difference)


def assert_lowers(kpi: str, *overrides: str) -> None:
    mean, low, high = paired_change(kpi, *overrides)
    assert high < 0, (
        f"{kpi} should fall with {overrides}: change {mean:.4g} CI [{low:.4g}, {high:.4g}]"
    )


def assert_raises(kpi: str, *overrides: str) -> None:
    mean, low, high = paired_change(kpi, *overrides)
    assert low > 0, (
        f"{kpi} should rise with {overrides}: change {mean:.4g} CI [{low:.4g}, {high:.4g}]"
    )


HALF_PARTNER_REPLIES = [
    "front_door.partner_check.agencies.police.response.duration.median=45",
    "front_door.partner_check.agencies.police.response.duration.percentile_value=255",
    "front_door.partner_check.agencies.health.response.duration.median=75",
    "front_door.partner_check.agencies.health.response.duration.percentile_value=450",
    "front_door.partner_check.agencies.school.response.duration.median=60",
    "front_door.partner_check.agencies.school.response.duration.percentile_value=300",
]


@pytest.mark.long  # ≈9 s: two runs; in make test-long
def test_contact_volume_drives_load() -> None:
    """§1a annual volume: more contacts, busier staff and longer decisions."""
    assert_raises("contacts", "demand.annual_contacts=19000")
    assert_raises("utilisation_social_workers", "demand.annual_contacts=19000")
    assert_raises("decision_working_days_mean", "demand.annual_contacts=19000")


def test_growth_trend_adds_contacts() -> None:
    assert_raises("contacts", "demand.growth_pct_per_year=25")


def test_fewer_inappropriate_police_contacts_help_everyone() -> None:
    """Row 4: inappropriate police contacts consume triage and screening; training that averts
    them lowers screening utilisation, the hours spent on them, and everyone else's waits."""
    training = [
        "demand.threshold_training.police.reduction_pct=60",
        "demand.threshold_training.police.learning_lag_days=0",
    ]
    assert_raises("contacts_averted", *training)
    assert_lowers("contacts_police", *training)
    assert_lowers("utilisation_social_workers", *training)
    assert_lowers("utilisation_practice_support", *training)
    assert_lowers("inappropriate_contact_hours", *training)
    assert_lowers("decision_working_days_mean", *training)
    # The children who still come are seen sooner: referrals' share of the contacts rises.
    assert_raises("conversion_pct_police", *training)


def test_clearer_contacts_need_less_clarification() -> None:
    """Row 2: unclear contacts go round a clarification loop; fewer unclear, quicker decisions."""
    clearer = [f"demand.sources.{s}.unclear=0.2" for s in ("police", "schools", "health")]
    assert_lowers("clarification_pct", *clearer)
    assert_lowers("decision_working_days_mean", *clearer)


def test_longer_referrer_replies_delay_decisions() -> None:
    """Row 2: the wait on the referrer is elapsed time (the worker is free meanwhile)."""
    slower = [
        "front_door.clarification.wait.duration.median=240",
        "front_door.clarification.wait.duration.percentile_value=1020",
    ]
    assert_raises("decision_working_days_mean", *slower)


def test_halving_partner_reply_times_lowers_decision_times() -> None:
    """Row 10: halving the partner agencies' elapsed times shortens the wait and the decision."""
    assert_lowers("partner_info_wait_working_days_mean", *HALF_PARTNER_REPLIES)
    assert_lowers("decision_working_days_mean", *HALF_PARTNER_REPLIES)
    assert_raises("decision_within_1wd_pct", *HALF_PARTNER_REPLIES)


def test_less_partner_request_effort_frees_social_workers() -> None:
    """Row 10: the effort per request is a separate lever from the elapsed time."""
    lighter = [
        "front_door.partner_check.request_effort.low=3",
        "front_door.partner_check.request_effort.mode=5",
        "front_door.partner_check.request_effort.high=8",
    ]
    assert_lowers("utilisation_social_workers", *lighter)


def test_earlier_chase_shortens_partner_waits() -> None:
    """Row 10: the chase/timeout rule caps how long a decision waits for partners."""
    assert_lowers(
        "partner_info_wait_working_days_mean",
        "front_door.partner_check.timeout_working_minutes=255",
    )


def test_integrated_hub_answers_faster() -> None:
    """Row 11: partner staff in the hub answer from their own systems, in working hours."""
    hub = [
        "staffing=integrated_front_door",
        "front_door.partner_check.hub.enabled=true",
        "front_door.partner_check.hub.pool=partner_staff",
        "front_door.partner_check.hub.effort={dist: triangular, low: 10, mode: 15, high: 20}",
    ]
    assert_lowers("partner_info_wait_working_days_mean", *hub)
    assert_lowers("decision_working_days_mean", *hub)
    assert_lowers("utilisation_social_workers", *hub)


@pytest.mark.long
def test_partner_joining_decisions_needs_a_partner_free() -> None:
    """Row 11: a decision with a partner present waits for both (a rendezvous)."""
    joined = [
        "staffing=integrated_front_door",
        "staffing.pools.partner_staff.staff=1",
        "front_door.decision.partner_pool=partner_staff",
    ]
    assert_raises("decision_working_days_mean", *joined)


def test_urgent_contacts_jump_the_queues() -> None:
    """Row 14: priority by urgency; without it red contacts wait like the rest."""
    flat = [
        "front_door.priority.red=1",
        "front_door.priority.amber=1",
        "front_door.priority.green=1",
    ]
    assert_raises("decision_working_days_mean_red", *flat)


def test_emergency_duty_team_decides_red_contacts_out_of_hours() -> None:
    """Row 17: without EDT, red contacts arriving out of hours wait for the morning."""
    assert_lowers("decision_within_1wd_pct_red", "front_door.out_of_hours.enabled=false")


def test_screening_fallback_relieves_a_swamped_pool() -> None:
    """Row 5: skill routing with a fallback — SWs take PSO screening when PSOs are swamped."""
    swamped = [
        "staffing.pools.practice_support.staff=5",
        "front_door.screening.fallback_queue_at_least=3",
    ]
    without = [*swamped, "front_door.screening.fallback_pool=null"]
    difference = (
        kpis(*without)["decision_working_days_mean"] - kpis(*swamped)["decision_working_days_mean"]
    )
    _, low, _ = confidence_interval(difference.to_numpy())
    assert low > 0, "removing the fallback should lengthen decisions when PSOs are swamped"


def test_less_experienced_staff_take_longer() -> None:
    """Row 5: experience as a staffing parameter (time_factor)."""
    assert_raises("utilisation_social_workers", "staffing.pools.social_workers.time_factor=1.15")
    assert_raises("decision_working_days_mean", "staffing.pools.social_workers.time_factor=1.15")


def test_two_more_social_workers_shorten_decisions() -> None:
    """Rows 23–24: the leaders' question — what do two more screeners buy?"""
    assert_lowers("decision_working_days_mean", "staffing.pools.social_workers.staff=14")
    assert_lowers("utilisation_social_workers", "staffing.pools.social_workers.staff=14")


def test_known_families_take_longer_to_check() -> None:
    """Row 8: history checks; known families have more history to collate."""
    assert_raises("utilisation_practice_support", "front_door.history_check.known_family_factor=3")


def test_step_up_documentation_costs_support_time() -> None:
    """Row 3: the step-up route's extra step."""
    assert_lowers("utilisation_practice_support", "front_door.step_up.documentation.enabled=false")


@pytest.mark.long  # ≈9 s: two runs; in make test-long
def test_consent_step_costs_social_work_time_and_records_quality() -> None:
    """Row 9: consent before partner checks (flow), recording compliance (quality KPI only)."""
    assert_lowers("utilisation_social_workers", "front_door.consent.enabled=false")
    assert_raises("consent_recorded_pct", "front_door.consent.recorded_probability=0.95")


def test_closing_inappropriate_contacts_at_triage_saves_screening() -> None:
    """Row 4: contacts closed at triage never reach screening."""
    assert_lowers(
        "utilisation_practice_support", "front_door.triage.close_inappropriate_probability=0.6"
    )


def test_feedback_learning_loop_averts_and_clarifies_contacts() -> None:
    """Row 11: feedback to referrers teaches thresholds over time."""
    learning = [
        "front_door.feedback.probability=0.9",
        "front_door.feedback.learning.enabled=true",
        "+front_door.feedback.learning.inappropriate_reduction_pct.police=30",
        "+front_door.feedback.learning.unclear_reduction_pct.police=40",
        "front_door.feedback.learning.lag_days=10",
    ]
    assert_raises("contacts_averted", *learning)
    assert_lowers("clarification_pct", *learning)


def test_strategy_discussion_share_routes_referrals() -> None:
    """Rows 13–14: referrals split between strategy discussions and assessments."""
    assert_raises(
        "outcome_pct_strategy_discussion", "front_door.decision.strategy_discussion_share.green=0.5"
    )
    assert_lowers(
        "outcome_pct_assessment", "front_door.decision.strategy_discussion_share.green=0.5"
    )


def test_domestic_abuse_victims_referred_for_support() -> None:
    """Row 7: IDVA referrals scale with the configured probability."""
    assert_raises("idva_referrals", "front_door.decision.idva_probability=0.9")


@pytest.mark.parametrize("kpi", ["contacts", "referrals", "conversion_pct_police"])
def test_staffing_levers_do_not_change_demand(kpi: str) -> None:
    """Common random numbers: a staffing change leaves who contacts the front door untouched."""
    np.testing.assert_array_equal(
        kpis("staffing.pools.social_workers.staff=14")[kpi].to_numpy(), kpis()[kpi].to_numpy()
    )
