"""Conservation: every contact that arrives reaches exactly one outcome or is still open.

Runs the full Cheshire East pathway with **no drain period**, so some contacts are still open
when the run stops, and checks the event log contact by contact: none lost, none counted twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.compose import load
from sim.metrics import contact_table, measured_contacts
from sim.model import build
from sim.pathway.front_door import OUTCOMES


@pytest.fixture(scope="module")
def world() -> tuple[object, pd.DataFrame]:
    cfg = load(["run.warmup_days=7", "run.horizon_days=28", "run.drain_days=0"])
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


def test_decided_plus_open_equals_arrived(world: tuple[object, pd.DataFrame]) -> None:
    door, events = world
    table = contact_table(events)
    measured = measured_contacts(door, table)  # type: ignore[arg-type]
    decided = measured["outcome"].notna()
    assert (~decided).sum() > 0, "no drain: some contacts must still be open"
    assert decided.sum() + (~decided).sum() == len(measured)
    # Every open contact really has no outcome event, and every decided one has one.
    has_outcome = ~np.isnan(table.reindex(measured.index)["outcome"].to_numpy())
    np.testing.assert_array_equal(has_outcome, decided.to_numpy())


def test_every_open_contact_is_somewhere_in_the_pathway(
    world: tuple[object, pd.DataFrame],
) -> None:
    """An open contact's last event is a step still in progress, not a dead end."""
    door, events = world
    last = events.sort_values("time").groupby("contact_id")["event"].last().astype(str)
    table = contact_table(events)
    open_ids = table.index[np.isnan(table["outcome"].to_numpy())]
    in_progress = last.loc[open_ids]
    in_a_step = tuple(n for n in set(last) if n.endswith(("_queued", "_start", "_end")))
    allowed = ("contact", "step_up_request", *in_a_step)
    assert in_progress.isin(allowed).all()
    # Open contacts at the front door arrived recently: the oldest is a few working days old.
    arrival = table.loc[open_ids, "contact"].dropna().to_numpy()
    end = door.window.stop  # type: ignore[attr-defined]
    assert door.calendar.working_days_between(arrival.min(), end) < 5  # type: ignore[attr-defined]
