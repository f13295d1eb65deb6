"""Warm start: a run started from the steady-state backlog matches a run warmed up from empty.

Run A warms up from empty for a year and measures the next eight weeks. Run B starts on the
day the warm-up would end, from backlogs read off independent pilot runs with
:func:`sim.backlog.snapshot` — one pilot per replication, so B's replications differ in their
starting state as A's do — with no warm-up, and measures the same eight calendar weeks. For each
KPI the 95% CI of the difference of the two runs' means (Welch: the runs are independent) must
contain zero.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from sim.backlog import snapshot
from sim.compare import independent_differences
from sim.compose import load
from sim.config import BacklogConfig, Config
from sim.model import build
from sim.runner import run_replication, simulate_replications

WARM_UP_DAYS = 365
REPLICATIONS = 6
MEASURE = [
    "run.horizon_days=56",
    "run.drain_days=0",
    f"run.replications={REPLICATIONS}",
    "run.plots=false",
]
KPIS = [
    "contacts",
    "decision_within_1wd_pct",
    "decision_working_days_mean",
    "utilisation_social_workers",
    "utilisation_managers",
    "assessment_within_45wd_pct",
    "assessment_working_days_median",
    "caseload_mean_north",
    "caseload_mean_south",
    "strategy_discussion_working_days_mean",
]


def pilot_backlog(replication: int) -> BacklogConfig:
    """The backlog of a service a year in, from pilot replication ``replication``."""
    pilot_cfg = load([f"run.warmup_days={WARM_UP_DAYS}", "run.horizon_days=1", "run.seed=99"])
    pilot = build(pilot_cfg, replication)
    pilot.run(until=WARM_UP_DAYS * 1440.0)
    return BacklogConfig(**snapshot(pilot))


@pytest.fixture(scope="module")
def backlogs() -> list[BacklogConfig]:
    return [pilot_backlog(r) for r in range(REPLICATIONS)]


@pytest.fixture(scope="module")
def backlog(backlogs: list[BacklogConfig]) -> BacklogConfig:
    return backlogs[0]


@pytest.mark.slow
def test_warm_start_from_steady_backlog_matches_warm_up(backlogs: list[BacklogConfig]) -> None:
    warmed = load([f"run.warmup_days={WARM_UP_DAYS}", *MEASURE])
    start = dt.date.fromisoformat(warmed.run.start_date) + dt.timedelta(days=WARM_UP_DAYS)
    cold: Config = load([*MEASURE, "run.warmup_days=0", f"run.start_date={start.isoformat()}"])
    a = simulate_replications(warmed, keep_events=False, progress=False).replications
    b = pd.DataFrame(
        [
            {
                "replication": r,
                **run_replication(
                    dataclasses.replace(cold, backlog=start_backlog), r, keep_events=False
                ).kpis,
            }
            for r, start_backlog in enumerate(backlogs)
        ]
    )
    table = independent_differences(a, b, KPIS)
    misses = table[(table["ci_low"] > 0) | (table["ci_high"] < 0)]
    assert misses.empty, f"warm start differs from warm-up:\n{misses.to_string()}"


def test_snapshot_has_the_backlog_of_a_busy_service(backlog: BacklogConfig) -> None:
    """A year in, there are assessments under way, pending re-referrals and (at midnight) work
    waiting at the front door; every age is non-negative."""
    assert sum(len(v) for v in backlog.assessments.values()) > 100
    assert len(backlog.re_referrals_due_days) > 100
    assert sum(backlog.front_door.values()) > 0
    assert all(age >= 0 for ages in backlog.assessments.values() for age in ages)


def test_empty_backlog_changes_nothing() -> None:
    """With an empty backlog the warm-start code adds no contacts and draws nothing."""
    cfg = load(["run.horizon_days=7", "run.warmup_days=0", "run.drain_days=0"])
    door = build(cfg, 0)
    made = len(door.contacts)
    door.run()
    assert "backlog:source" not in door.streams.names
    assert all(c.key != "backlog" for c in door.contacts[:made])
