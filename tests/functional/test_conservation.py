"""Conservation: every contact that arrives reaches exactly one outcome or is still open.

Runs the full Cheshire East pathway with **no drain period**, so some contacts are still open
when the run stops, and checks the event log contact by contact: none lost, none counted twice,
every contact's steps in the order of the pathway. Contacts in are counted from the arrival
streams themselves, independently of the model's own contact list and log.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.metrics import measured_contacts
from sim.compose import load
from sim.demand import source_hourly_rates
from sim.engine.log_tables import contact_table
from sim.engine.streams import Streams
from sim.replication import build
from sim.vocabulary import OUTCOMES


@pytest.fixture(scope="module")
def world() -> tuple[object, pd.DataFrame]:
    # Police threshold training with a short lag, so some contacts are averted in the run.
    cfg = load(
        [
            "run.warmup_days=7",
            "run.horizon_days=28",
            "run.drain_days=0",
            "demand=police_threshold_training",
            "demand.threshold_training.police.learning_lag_days=7",
        ]
    )
    door = build(cfg, 0)
    door.run()
    return door, door.log.to_frame(0)


def test_every_contact_made_is_logged_once(world: tuple[object, pd.DataFrame]) -> None:
    """Each contact made appears in the log; each reaches the front door at most once (a
    step-up request waiting for the panel, or kept in early help by it, never does)."""
    door, events = world
    arrivals = events[events["event"] == "contact"]
    assert arrivals["contact_id"].is_unique
    made = sorted(c.id for c in door.contacts)  # type: ignore[attr-defined]
    assert sorted(events["contact_id"].unique()) == made
    requests = set(events.loc[events["event"] == "step_up_request", "contact_id"])
    assert set(made) - set(arrivals["contact_id"]) <= requests


def test_each_contact_has_at_most_one_outcome_and_one_kind(
    world: tuple[object, pd.DataFrame],
) -> None:
    _, events = world
    names = events["event"].astype(str)
    outcomes = events[names == "outcome"].groupby("contact_id").size()
    kinds = events[names.isin([f"to_{k}" for k in OUTCOMES])].groupby("contact_id").size()
    assert outcomes.max() == 1
    assert kinds.max() == 1
    assert set(outcomes.index) == set(kinds.index), "an outcome always has exactly one kind"


def test_contacts_in_equal_logged_plus_averted_by_source(
    world: tuple[object, pd.DataFrame],
) -> None:
    """Contacts in, counted from the arrival streams themselves (each hour's Poisson count, drawn
    again here from a fresh ``Streams``), equal the first contacts that reached the event log
    plus those averted before the front door — source by source. A contact lost, duplicated or
    averted twice changes one side only."""
    door, events = world
    cfg = door.cfg  # type: ignore[attr-defined]
    calendar = door.calendar  # type: ignore[attr-defined]
    hours = math.ceil(door.window.end / 60.0)  # type: ignore[attr-defined]
    streams = Streams(cfg.run.seed, 0)
    frame = door.contact_frame().set_index("contact_id")  # type: ignore[attr-defined]
    first = frame[(frame["generation"] == 0)]
    logged = set(events["contact_id"])
    averted_times = np.asarray(door.averted_arrivals)  # type: ignore[attr-defined]
    assert averted_times.size > 20, "threshold training averts some police contacts"
    total_in = 0
    for source in cfg.demand.sources:
        rates = source_hourly_rates(
            cfg.demand, source, calendar.start_date, hours, calendar.bank_holiday_dates
        )
        arrived = int(streams(f"arrivals:{source}").poisson(rates).sum())
        mine = first.index[(first["source"] == source).to_numpy()]
        assert set(mine) <= logged, f"{source}: contacts never logged"
        made = len(mine)
        averted = arrived - made
        assert averted >= 0, f"{source}: {made} contacts made of {arrived} arrivals"
        if source != "police":
            assert averted == 0, f"{source}: {averted} averted without threshold training"
        total_in += arrived
    assert total_in == len(first) + averted_times.size


def test_decided_and_open_contacts_match_the_log(world: tuple[object, pd.DataFrame]) -> None:
    """The measured contacts' outcome (from the ``to_<kind>`` events) agrees with the separate
    ``outcome`` event; some contacts are still open (no drain) and none is decided twice."""
    door, events = world
    table = contact_table(events)
    measured = measured_contacts(door, table)  # type: ignore[arg-type]
    decided = measured["outcome"].notna().to_numpy()
    assert 0 < (~decided).sum() < 0.2 * decided.sum(), "no drain: a few contacts still open"
    has_outcome = ~np.isnan(table.reindex(measured.index)["outcome"].to_numpy())
    np.testing.assert_array_equal(has_outcome, decided)
    names = events["event"].astype(str)
    per_contact = events[names == "outcome"].groupby("contact_id").size()
    assert per_contact.reindex(measured.index[decided]).eq(1).all()


STEP_ORDER = [
    f"{stage}_{step}"
    for stage in ("triage", "screening", "decision")
    for step in ("queued", "start", "end")
]


def test_each_contacts_events_are_in_pathway_order(world: tuple[object, pd.DataFrame]) -> None:
    """Arrival, then triage, screening and the decision (each queued → start → end), then the
    outcome, for every contact that has them; every step started was queued and every step of a
    decided contact ended."""
    _, events = world
    table = contact_table(events)
    order = [name for name in ["contact", *STEP_ORDER, "outcome"] if name in table]
    assert {"triage_start", "screening_start", "decision_start"} <= set(order)
    times = table[order].to_numpy()
    for i in range(len(order)):
        for j in range(i + 1, len(order)):
            both = ~np.isnan(times[:, i]) & ~np.isnan(times[:, j])
            late = both & (times[:, i] > times[:, j])
            assert not late.any(), f"{order[i]} after {order[j]} for {table.index[late][:5]}"
    decided = table["outcome"].notna()
    for stage in ("triage", "screening", "decision"):
        queued, start, end = (table[f"{stage}_{s}"].notna() for s in ("queued", "start", "end"))
        assert not (start & ~queued).any(), f"{stage} started without queueing"
        assert not (decided & start & ~end).any(), f"{stage} unfinished yet decided"
