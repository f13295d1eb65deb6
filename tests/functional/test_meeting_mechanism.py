"""Meetings hold no attendee idle, in the integrated front door run through the real model.

A strategy discussion needs a duty social worker, an assessment manager, a police and a health
partner at once; in the integrated front door a partner from the hub also joins the manager's
decision on red and amber contacts. Both are rendezvous (sim/engine/meeting.py): every attendee is
seized in the instant the last is free. So each pool's busy time is exactly its own tasks plus
the meetings it attends — nothing for waiting — and two pools attending the same meetings have
equal utilisation only when their staffing is equal: change one and only its own utilisation
moves.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from sim.compose import load
from sim.replication import build
from sim.runner import confidence_interval, simulate_replications

SHORT = [
    "scenario=integrated_front_door",
    "run.replications=4",
    "run.warmup_days=14",
    "run.horizon_days=56",
    "run.drain_days=21",
    "run.plots=false",
]


def _spans(events: pd.DataFrame, start: str, end: str, stop: float) -> pd.DataFrame:
    """Each (contact, task, pool) start paired with its end in order; unfinished ones end at
    ``stop``. ``start``/``end`` are the event-name suffixes or whole names."""
    names = events["event"].astype(str)
    starts = events[names.str.endswith(start)].copy()
    ends = events[names.str.endswith(end)].copy()
    for part, suffix in ((starts, start), (ends, end)):
        part["task"] = part["event"].astype(str).str.removesuffix(suffix)
        part["pool"] = part["pool"].astype(str)
        part["n"] = part.groupby(["contact_id", "task", "pool"]).cumcount()
    paired = starts.merge(
        ends[["contact_id", "task", "pool", "n", "time"]],
        on=["contact_id", "task", "pool", "n"],
        how="left",
        suffixes=("_start", "_end"),
    )
    paired["minutes"] = paired["time_end"].fillna(stop) - paired["time_start"]
    return paired


def test_busy_time_is_own_tasks_plus_meetings_nothing_held_waiting() -> None:
    cfg = load(SHORT)
    door = build(cfg, 0)
    door.run()
    stop = door.window.stop
    events = door.log.to_frame(0)
    staffed = events[events["pool"].astype(str) != ""]
    tasks = _spans(staffed, "_start", "_end", stop)
    meetings = _spans(events, "strategy_start", "strategy_end", stop)
    attendees = cfg.after_decision.strategy_discussion.attendees
    assert len(meetings) > 100
    decisions = tasks[tasks["task"] == "decision"]
    assert len(tasks[tasks["task"] == "partner_input"]) > 500  # joint decisions happened
    for name, pool in door.pools.items():
        own = tasks.loc[tasks["pool"] == name, "minutes"].sum()
        in_meetings = meetings["minutes"].sum() if name in attendees else 0.0
        assert pool.busy.integral(0.0, stop) == pytest.approx(own + in_meetings, rel=1e-9), name
    # The pools that only attend strategy discussions are busy exactly for the meetings.
    for name in ("duty_social_workers", "police_partners", "health_partners"):
        assert door.pools[name].busy.integral(0.0, stop) == pytest.approx(
            meetings["minutes"].sum(), rel=1e-9
        )
    # A joint decision takes its manager and its partner for the same span: the manager is not
    # held while the partner is found.
    joint = tasks[tasks["task"] == "partner_input"].set_index("contact_id")
    managers = decisions.set_index("contact_id").loc[joint.index]
    np.testing.assert_allclose(managers["time_start"], joint["time_start"], rtol=0, atol=0)
    queued = events[events["event"].astype(str) == "decision_meeting_queued"]
    assert set(queued["contact_id"]) == set(joint.index)


@cache
def _kpis(*overrides: str) -> pd.DataFrame:
    cfg = load([*SHORT, "run.jobs=2", *overrides])
    return simulate_replications(cfg, keep_events=False, progress=False).replications


def _change(kpi: str, *overrides: str) -> tuple[float, float, float]:
    """Mean and 95% CI of (variant − integrated front door), paired on common random numbers."""
    return confidence_interval(_kpis(*overrides)[kpi].to_numpy() - _kpis()[kpi].to_numpy())


@pytest.mark.long  # ≈15 s: two runs; in make test-long
def test_partner_utilisations_follow_their_own_staffing() -> None:
    """Police and health partners attend the same strategy discussions with the same staff, but
    each pool has its own days off (annual leave, stream ``absence:<pool>``), and a meeting
    waits for each pool separately: their utilisations are not equal by construction. A third
    health partner lowers health's utilisation by about a third and leaves police's where it
    was (within a tenth of that)."""
    both = _kpis()
    assert not np.allclose(
        both["utilisation_police_partners"], both["utilisation_health_partners"], rtol=1e-6
    )
    more_health = "staffing.pools.health_partners.staff=3"
    health, low, high = _change("utilisation_health_partners", more_health)
    assert high < 0, f"health utilisation should fall: {health:.4g} [{low:.4g}, {high:.4g}]"
    police, low, high = _change("utilisation_police_partners", more_health)
    assert abs(police) < 0.1 * abs(health), f"police moved {police:.4g} [{low:.4g}, {high:.4g}]"
