"""The mechanisms behind the central question, one lever each, paired on common random numbers.

- the feedback loop is closed: feedback that is not sent teaches nobody, so changes nothing;
  feedback that is sent averts a cited source's inappropriate contacts, and only that source's;
- decisions depend on information: partner information received raises decision accuracy;
  wrong decisions have consequences (referral NFA, assessments "not in need", missed needs
  coming back);
- policy clocks start at the measured window by default;
- re-referrals are counted as the DfE counts them (within 12 months of the previous referral);
- timeliness KPIs count contacts still undecided at the end (censoring).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.compose import load
from sim.engine.log_tables import contact_table
from sim.model import FrontDoor
from sim.replication import build
from sim.runner import confidence_interval, simulate_replications
from tests.functional.test_mechanisms import SHORT, kpis

LEARNING = [
    "front_door.feedback.learning.enabled=true",
    "front_door.feedback.learning.lag_days=10",
    "+front_door.feedback.learning.inappropriate_reduction_pct.police=60",
    "+front_door.feedback.learning.unclear_reduction_pct.police=60",
]


def paired_change(kpi: str, variant: tuple[str, ...], base: tuple[str, ...] = ()) -> tuple:
    """Mean and 95% CI of (variant − base) for ``kpi`` over paired replications of the short
    baseline of :mod:`tests.functional.test_mechanisms`."""
    difference = kpis(*variant)[kpi].to_numpy() - kpis(*base)[kpi].to_numpy()
    return confidence_interval(difference)


@pytest.mark.long  # ≈10 s: two runs (feedback that is sent stays); in make test-long
def test_feedback_that_is_not_sent_changes_nothing() -> None:
    """Row 11, closed loop: with learning switched on but no feedback sent, every KPI of every
    replication is exactly what it is with learning off."""
    silent = kpis(*LEARNING, "front_door.feedback.probability=0")
    off = kpis("front_door.feedback.probability=0")
    pd.testing.assert_frame_equal(silent, off)
    assert (silent["contacts_averted"] == 0).all()


def test_feedback_that_is_sent_averts_the_cited_source_only() -> None:
    """Feedback to police referrers (the cited source) averts police contacts below the
    threshold; sources with no effect size send exactly what they sent before."""
    taught = (*LEARNING, "front_door.feedback.probability=1.0")
    mean, low, _ = paired_change("contacts_averted", taught)
    assert low > 0, f"learning should avert contacts: {mean:.1f}"
    mean, _, high = paired_change("contacts_police", taught)
    assert high < 0, f"fewer police contacts expected: {mean:.1f}"
    for source in ("schools", "health", "family"):
        np.testing.assert_array_equal(
            kpis(*taught)[f"contacts_{source}"], kpis()[f"contacts_{source}"]
        )


def _world(*overrides: str) -> FrontDoor:
    door = build(load([*SHORT, "run.replications=1", *overrides]), 0)
    door.run()
    return door


def test_learning_starts_with_the_measured_window_by_default() -> None:
    """Policy clocks: with ``start: measured`` nothing is learned during the warm-up, so no
    contact is averted before the window starts; with ``start: warmup`` some are."""
    taught = (*LEARNING, "front_door.feedback.probability=1.0")
    measured = _world(*taught)
    warm = _world(*taught, "front_door.feedback.learning.start=warmup")
    start = measured.window.start
    assert min(measured.averted_arrivals, default=np.inf) >= start
    assert min(warm.averted_arrivals, default=np.inf) < start


def test_growth_and_training_start_with_the_measured_window() -> None:
    """The warm-up sees today's demand: growth and threshold training start at the window."""
    base = _world()
    grown = _world(
        "demand.growth_pct_per_year=50", "demand.threshold_training.police.reduction_pct=50"
    )
    start = base.window.start
    before = [c.arrival for c in base.contacts if c.generation == 0 and c.arrival < start]
    after = [c.arrival for c in grown.contacts if c.generation == 0 and c.arrival < start]
    assert before == after
    assert all(t >= start for t in grown.averted_arrivals)
    assert len(grown.averted_arrivals) > 0


def test_partner_information_received_raises_decision_accuracy() -> None:
    """Rows 10–12: when partner information helps the decision (factor < 1), the share of
    decisions that match the need rises, on the same children."""
    unhelpful = ("front_door.decision.accuracy.partner_info_received_factor=1.0",)
    helpful = ("front_door.decision.accuracy.partner_info_received_factor=0.2",)
    mean, low, _ = paired_change("outcome_appropriate_pct", helpful, unhelpful)
    assert low > 0, f"accuracy should rise: {mean:.2f}"
    mean, _, high = paired_change("over_referral_pct", helpful, unhelpful)
    assert high < 0, f"fewer over-referrals expected: {mean:.2f}"


def test_decisions_without_errors_match_the_need() -> None:
    """With accuracy off every decision matches the latent need: no missed need, no
    over-referral, every outcome appropriate."""
    exact = kpis("front_door.decision.accuracy.enabled=false")
    assert (exact["missed_need_pct"] == 0).all()
    assert (exact["over_referral_pct"] == 0).all()
    assert (exact["outcome_appropriate_pct"] == 100).all()


def test_over_referrals_end_in_nfa_or_not_in_need() -> None:
    """An over-referral is closed NFA (all of them with probability 1) or assessed and found
    not in need; the event log shows every NFA is an over-referral."""
    door = _world("after_decision.referral_nfa.probability=1.0")
    table = contact_table(door.log.to_frame())
    frame = door.contact_frame().set_index("contact_id")
    nfa = table.index[table["referral_nfa"].notna()]
    assert len(nfa) > 0
    assert not frame.loc[nfa, "threshold_met"].any()
    over = table.index[
        (table["to_assessment"].notna() | table["to_strategy_discussion"].notna())
        & ~frame["threshold_met"].reindex(table.index).to_numpy(dtype=bool)
    ]
    closed = table.loc[over, "referral_nfa"].notna() | table.loc[over, "allocated"].isna()
    assert closed.all(), "with probability 1 no over-referral is allocated for assessment"
    needed = table.index[table["assessment_in_need"].notna()]
    assert frame.loc[needed, "threshold_met"].all()


def test_missed_needs_come_back() -> None:
    """A missed need returns as a new contact of the same family, flagged as such, sooner and
    more often than re-referrals: with return probability 1 every miss decided early enough
    comes back."""
    door = _world("after_decision.missed_need.return_probability=1.0")
    returns = [c for c in door.contacts if c.missed_need_return]
    table = contact_table(door.log.to_frame())
    missed = table["missed_need"].dropna()
    early = missed[missed < door.window.stop - 90 * 1440.0]
    assert len(returns) >= len(early) > 0
    assert all(c.threshold_met and c.known_family for c in returns)


def test_re_referrals_are_within_12_months_of_the_previous_referral() -> None:
    """DfE: a re-referral is a referral within 12 months of the previous one; every return of
    a closed case arrives between the case's closure and 12 months after its referral."""
    door = _world(
        "after_decision.re_referral.probability=1.0",
        "run.warmup_days=60",
        "run.horizon_days=200",
    )
    table = contact_table(door.log.to_frame())
    by_key = {(c.key, c.seq): c for c in door.contacts}
    checked = 0
    for c in door.contacts:
        if c.generation == 0 or c.missed_need_return:
            continue
        parent = by_key.get((c.key.rsplit("#r", 1)[0], c.seq))
        if parent is None or parent.id not in table.index:
            continue
        row = table.loc[parent.id]
        referred = np.nanmin(
            [row.get("to_assessment", np.nan), row.get("to_strategy_discussion", np.nan)]
        )
        closed = np.nanmax(
            [row.get("assessment_complete", np.nan), row.get("referral_nfa", np.nan)]
        )
        assert closed - 1e-6 <= c.arrival <= referred + 365 * 1440.0 + 1e-6
        checked += 1
    assert checked > 50
    again = table["re_referred"].dropna()
    assert len(again) > 0


def test_open_contacts_count_as_late_in_percentiles() -> None:
    """Censoring: with one manager the front door cannot keep up; contacts still undecided at
    the end count as later than any decided one, so the p90 is above the decided contacts'
    p90 (or unknown), and the mean with open contacts is above the mean of the decided."""
    overloaded = kpis("staffing.pools.managers.staff=1")
    assert (overloaded["decision_open_pct"] > 5).all()
    assert (
        overloaded["decision_working_days_mean_incl_open"]
        > overloaded["decision_working_days_mean"]
    ).all()
    cfg = load([*SHORT, "run.replications=1", "staffing.pools.managers.staff=1"])
    result = simulate_replications(cfg, keep_events=False, progress=False)
    decided = result.decisions["decision_working_days"].dropna().to_numpy()
    p90 = result.replications["decision_working_days_p90"].iloc[0]
    assert np.isnan(p90) or p90 > np.percentile(decided, 90)
