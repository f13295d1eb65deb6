"""Replications end to end: reproducibility, serial = parallel, common random numbers,
conservation of contacts, the measured window and the confidence intervals.

Runs use the default front door with a short horizon (20 measured days after 5 days of warm-up)
so the whole module takes a few seconds.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.compose import load
from sim.config import Config
from sim.engine.calendar import MINUTES_PER_DAY
from sim.replication import build
from sim.runner import Results, confidence_interval, simulate_replications, summarise

SMALL = [  # the front door alone: these tests are about the runner, not the downstream teams
    "after_decision=none",
    "run.horizon_days=20",
    "run.warmup_days=5",
    "run.drain_days=5",
    "run.replications=3",
]
WARMUP = 5 * MINUTES_PER_DAY
END = WARMUP + 20 * MINUTES_PER_DAY


def run(*overrides: str) -> Results:
    return simulate_replications(load([*SMALL, *overrides]), keep_events=True, progress=False)


@pytest.fixture(scope="module")
def base() -> Results:
    return run()


@pytest.fixture(scope="module")
def no_drain() -> Results:
    """No drain period: contacts still in the front door at the horizon stay open."""
    return run("run.drain_days=0")


def events_of(results: Results, replication: int) -> pd.DataFrame:
    assert results.events is not None
    frame = results.events[results.events["replication"] == replication]
    return frame.assign(event=frame["event"].astype(str), pool=frame["pool"].astype(str))


def first_time(events: pd.DataFrame, event: str) -> pd.Series:
    """Time of ``event`` per contact (each contact has each event at most once)."""
    rows = events[events["event"] == event]
    assert not rows["contact_id"].duplicated().any(), event
    return rows.set_index("contact_id")["time"].sort_index()


# -- reproducibility ------------------------------------------------------------------------------


def test_same_config_and_seed_give_identical_results(base: Results) -> None:
    again = run()
    assert base.events is not None and again.events is not None
    pd.testing.assert_frame_equal(base.replications, again.replications)
    pd.testing.assert_frame_equal(base.events, again.events)
    pd.testing.assert_frame_equal(base.decisions, again.decisions)
    assert base.replications["replication"].tolist() == [0, 1, 2]
    # ...and the replications are not copies of one another.
    assert not base.replications.drop(columns="replication").duplicated().any()


def test_a_different_seed_gives_different_results(base: Results) -> None:
    other = run("run.seed=1")
    assert not base.replications.equals(other.replications)


def test_serial_and_parallel_are_identical(base: Results) -> None:
    parallel = run("run.jobs=2")
    assert parallel.config.run.jobs == 2
    assert base.events is not None and parallel.events is not None
    pd.testing.assert_frame_equal(base.replications, parallel.replications)
    pd.testing.assert_frame_equal(base.events, parallel.events)
    pd.testing.assert_frame_equal(base.decisions, parallel.decisions)
    assert base.summary == parallel.summary


# -- common random numbers ------------------------------------------------------------------------


def test_staffing_change_keeps_arrivals_and_work_per_contact(base: Results) -> None:
    more = run("staffing.pools.social_workers.staff=13")
    changed_waits = 0
    for r in range(3):
        a, b = events_of(base, r), events_of(more, r)
        arrivals_a, arrivals_b = first_time(a, "contact"), first_time(b, "contact")
        pd.testing.assert_series_equal(arrivals_a, arrivals_b)  # identical, bit for bit
        work_a = first_time(a, "screening_end") - first_time(a, "screening_start")
        work_b = first_time(b, "screening_end") - first_time(b, "screening_start")
        assert work_a.index.equals(work_b.index)  # every contact screened in both (drained)
        # end - start reproduces the duration up to round-off in the absolute clock time
        # (minutes ~ 1e4-1e5, doubles carry ~16 significant digits).
        np.testing.assert_allclose(work_a.to_numpy(), work_b.to_numpy(), rtol=0, atol=1e-8)
        starts_a, starts_b = first_time(a, "screening_start"), first_time(b, "screening_start")
        changed_waits += int((starts_a != starts_b).sum())
    # Not vacuous: two more screeners did change when screening started for many contacts.
    assert changed_waits > 100
    # ... and shortened the wait on average (in a replication whose queue clears every day the
    # two can tie, to within how the same instant's events are ordered).
    assert (
        more.replications["screening_wait_minutes_mean"].mean()
        < 0.9 * base.replications["screening_wait_minutes_mean"].mean()
    )


# -- conservation and the measured window ---------------------------------------------------------


@pytest.mark.parametrize("results_name", ["base", "no_drain"])
def test_each_contact_arrives_once_and_leaves_at_most_once(
    results_name: str, request: pytest.FixtureRequest
) -> None:
    results: Results = request.getfixturevalue(results_name)
    for r in range(3):
        events = events_of(results, r)
        counts = pd.crosstab(events["contact_id"], events["event"])
        assert (counts["contact"] == 1).all()  # every contact with any event has one arrival
        assert (counts["outcome"] <= 1).all()
        arrival = first_time(events, "contact")
        # Ids are given in order of arrival and none is missing from the log.
        np.testing.assert_array_equal(arrival.index, np.arange(len(arrival)))
        assert arrival.is_monotonic_increasing
        outcome = first_time(events, "outcome")
        assert (outcome >= arrival.loc[outcome.index]).all()
        # Every arrival is before the horizon end (no arrivals in the drain period).
        assert arrival.max() < END


def test_open_at_end_counts_measured_contacts_without_an_outcome(no_drain: Results) -> None:
    total_open = 0
    for r in range(3):
        events = events_of(no_drain, r)
        arrival = first_time(events, "contact")
        decided = set(first_time(events, "outcome").index)
        measured = arrival[(arrival >= WARMUP) & (arrival < END)]
        open_ = sum(1 for contact in measured.index if contact not in decided)
        kpis = no_drain.replications.loc[no_drain.replications["replication"] == r].iloc[0]
        assert kpis["open_at_end"] == open_
        assert kpis["contacts"] == len(measured)
        # The decided measured contacts are exactly the ones in the decisions table.
        decisions = no_drain.decisions[no_drain.decisions["replication"] == r]
        assert len(decisions) == len(measured)
        assert decisions["decision_working_days"].isna().sum() == open_
        total_open += open_
    assert total_open > 0  # without a drain some contacts are still open: not vacuous


def test_warmup_contacts_are_not_measured(base: Results) -> None:
    for r in range(3):
        arrival = first_time(events_of(base, r), "contact")
        in_window = int(((arrival >= WARMUP) & (arrival < END)).sum())
        kpis = base.replications.loc[base.replications["replication"] == r].iloc[0]
        assert kpis["contacts"] == in_window
        assert (arrival < WARMUP).sum() > 0  # warm-up contacts exist and were simulated
        assert kpis["arrivals_per_hour"] == pytest.approx(in_window / (20 * 24), rel=1e-12)


def test_staff_start_work_only_while_on_duty(base: Results) -> None:
    """The office rota: no task of an office pool starts while the office is closed (a task may
    run on past closing, but nothing new starts until the next opening); the out-of-hours pool
    (EDT) starts work only while the office is closed."""
    cfg: Config = base.config
    calendar = build(cfg, 0).calendar
    events = events_of(base, 0)
    rota = (
        events["pool"]
        .astype(str)
        .map({name: pool.rota for name, pool in cfg.staffing.pools.items()})
    )
    is_start = events["event"].str.endswith("_start")
    starts = events[is_start & (rota == "office")]
    assert len(starts) > 0
    assert calendar.is_open(starts["time"].to_numpy()).all()
    edt_starts = events[is_start & (rota == "out_of_hours")]
    assert len(edt_starts) > 0
    assert not calendar.is_open(edt_starts["time"].to_numpy()).any()
    ends = events[events["event"].str.endswith("_end") & (rota == "office")]
    assert not calendar.is_open(ends["time"].to_numpy()).all()  # some overrun past closing


# -- confidence intervals -------------------------------------------------------------------------


def test_confidence_interval_hand_computed() -> None:
    # 1..5: mean 3, s = sqrt(2.5), se = sqrt(0.5); t(0.975, 4) = 2.7764451051977987 (tables).
    half = 2.7764451051977987 * math.sqrt(0.5)
    mean, low, high = confidence_interval(np.array([1.0, 2, 3, 4, 5]))
    assert mean == 3.0
    assert low == pytest.approx(3 - half, rel=1e-12)
    assert high == pytest.approx(3 + half, rel=1e-12)
    # 90%: t(0.95, 4) = 2.1318467863266495. NaNs are ignored.
    mean, low, high = confidence_interval(np.array([1.0, np.nan, 2, 3, 4, 5]), level=0.90)
    assert (low, high) == pytest.approx(
        (3 - 2.1318467863266495 * math.sqrt(0.5), 3 + 2.1318467863266495 * math.sqrt(0.5)),
        rel=1e-12,
    )
    # Two values 10 and 14: mean 12, s = 2*sqrt(2), se = 2; t(0.975, 1) = 12.706204736174698.
    mean, low, high = confidence_interval(np.array([10.0, 14.0]))
    assert (mean, low, high) == pytest.approx(
        (12, 12 - 2 * 12.706204736174698, 12 + 2 * 12.706204736174698), rel=1e-12
    )


def test_confidence_interval_undefined_below_two_values() -> None:
    mean, low, high = confidence_interval(np.array([4.2]))
    assert mean == 4.2 and math.isnan(low) and math.isnan(high)
    mean, low, high = confidence_interval(np.array([4.2, np.nan]))
    assert mean == 4.2 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(x) for x in confidence_interval(np.array([])))


def test_summarise_uses_the_confidence_interval(base: Results) -> None:
    summary = summarise(base.replications)
    assert "replication" not in summary
    for name, row in summary.items():
        mean, low, high = confidence_interval(base.replications[name].to_numpy(dtype=float))
        assert row["n"] == base.replications[name].notna().sum()
        np.testing.assert_array_equal(
            [row["mean"], row["ci95_low"], row["ci95_high"]], [mean, low, high]
        )
    assert summary == base.summary
