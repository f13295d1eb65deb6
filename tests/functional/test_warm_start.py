"""Warm start: a run started from the steady-state backlog matches a run warmed up from empty.

Run A warms up from empty for a year and measures the next sixteen weeks. Run B starts on the
day the warm-up would end, from backlogs read off independent pilot runs with
:func:`sim.warm_start.snapshot` — one pilot per replication, so B's replications differ in their
starting state as A's do — with no warm-up, and measures the same sixteen calendar weeks.

"The CI of the difference contains zero" is no test of agreement: it passes more easily the
noisier the runs. Each KPI must instead be shown *equivalent* by two one-sided tests
(:func:`sim.analysis.compare.tost`, Welch: the runs are independent, α = 0.05 each, i.e. the 90%
interval
of B − A must lie inside ±margin). The margins (``MARGINS``) are set per KPI as the smallest
difference that would matter when a warm start replaces a year's warm-up, and above what 6 vs 6
replications of sixteen weeks can resolve (the 90% half-widths seen when written are in brackets;
sixteen weeks and eight replications because, with four managers at ≈0.89 utilisation after
annual leave, eight weeks' decision KPIs vary too much between replications to resolve ±5
points):

- ``contacts`` ±300 of about 4,900 in sixteen weeks (6%): re-referrals due from
  the snapshot are the only thing the warm start changes about demand.
- ``decision_within_1wd_pct`` ±5 points (2.3) and ``decision_working_days_mean`` ±0.12 working
  days (0.06): smaller than any staffing option's effect on the statutory measure.
- ``utilisation_*`` ±0.07 (0.03): a third of one person's time in a team of four to eleven.
- ``assessment_within_45wd_pct`` ±6 points (2.2) and ``assessment_working_days_median`` ±5
  working days (1.7): the backlog's assessments carry their ages, so their completion times must
  follow the warm-up's to within a week of the 45-day target.
- ``caseload_mean_<team>`` ±1.5 cases of about 15 (10%; 0.6): a tenth of one worker's cap.
- ``strategy_discussion_working_days_mean`` ±0.15 working days (0.05) against a 1-day target.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from sim.analysis.compare import tost
from sim.compose import load
from sim.config import BacklogConfig, Config
from sim.model import FrontDoor
from sim.replication import build
from sim.runner import run_replication, simulate_replications
from sim.warm_start import snapshot

WARM_UP_DAYS = 365
REPLICATIONS = 8
MEASURE = [
    "run.horizon_days=112",
    "run.drain_days=0",
    f"run.replications={REPLICATIONS}",
    "run.plots=false",
]
MARGINS = {  # equivalence margins, justified in the module docstring
    "contacts": 300.0,
    "decision_within_1wd_pct": 5.0,
    "decision_working_days_mean": 0.12,
    "utilisation_social_workers": 0.07,
    "utilisation_managers": 0.07,
    "assessment_within_45wd_pct": 6.0,
    "assessment_working_days_median": 5.0,
    "caseload_mean_north": 1.5,
    "caseload_mean_south": 1.5,
    "strategy_discussion_working_days_mean": 0.15,
}


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
def backlog() -> BacklogConfig:
    """Pilot replication 0's backlog (the same as ``backlogs[0]``), without the other pilots:
    the equivalence test that needs all of them is in ``make test-long``."""
    return pilot_backlog(0)


@pytest.mark.long
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
    assert_equivalent(a, b)


def assert_equivalent(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Every KPI of ``MARGINS`` equivalent by TOST (B − A, Welch, 90% interval inside ±margin)."""
    failed = []
    for kpi, margin in MARGINS.items():
        result = tost(a[kpi].to_numpy(), b[kpi].to_numpy(), margin)
        if not result.equivalent:
            failed.append(
                f"{kpi}: B − A {result.difference:+.4g}, 90% CI [{result.ci_low:.4g}, "
                f"{result.ci_high:.4g}] not inside ±{margin:g} (TOST p {result.p_value:.3f})"
            )
    assert not failed, "warm start not shown equivalent to warm-up:\n" + "\n".join(failed)


def test_snapshot_has_the_backlog_of_a_busy_service(backlog: BacklogConfig) -> None:
    """A year in, there are assessments under way, pending re-referrals and (at midnight) work
    waiting at the front door; every age is non-negative."""
    assert sum(len(v) for v in backlog.assessments.values()) > 100
    assert len(backlog.re_referrals_due_days) > 100
    assert sum(backlog.front_door.values()) > 0
    assert all(age >= 0 for ages in backlog.assessments.values() for age in ages)


def test_empty_backlog_changes_nothing() -> None:
    """With an empty backlog the warm-start code adds no contacts and draws nothing: after the
    run no contact at all is a backlog one, and every contact is either a first contact of a
    source (made at its arrival, in arrival order) or a child coming back."""
    cfg = load(["run.horizon_days=7", "run.warmup_days=0", "run.drain_days=0"])
    door = build(cfg, 0)
    assert door.contacts == []  # contacts are made at their arrival, none before the run
    door.run()
    assert not any(name.startswith("backlog") for name in door.streams.names)
    assert not any(c.key.startswith("backlog") for c in door.contacts)
    first = [c for c in door.contacts if c.generation == 0]
    assert all(c.key in cfg.demand.sources for c in first)
    assert [c.arrival for c in first] == sorted(c.arrival for c in first)
    assert all("#r" in c.key for c in door.contacts if c.generation > 0)
    names = set(door.log.to_frame()["event"].astype(str))
    assert not names & {"backlog_contact", "backlog_referral"}


SMALL_BACKLOG = BacklogConfig(
    front_door={"triage": 3, "screening": 2},
    assessments={"north": [5.0, 20.0]},
    awaiting_allocation={"south": [1.0]},
    re_referrals_due_days=[0.5],
)


def test_backlog_contacts_are_the_configured_ones() -> None:
    """The positive control of the test above: a small backlog puts exactly its items into the
    world at time 0, with key ``backlog``, their ages and the events that mark them; the
    re-referral due comes back as a ``backlog#r1`` contact; and no ordinary contact changes."""
    cfg = load(["run.horizon_days=7", "run.warmup_days=0", "run.drain_days=0"])
    empty = build(cfg, 0)
    door = build(dataclasses.replace(cfg, backlog=SMALL_BACKLOG), 0)
    door.run()
    backlog = [c for c in door.contacts if c.key == "backlog"]
    assert len(backlog) == 3 + 2 + 2 + 1  # front door, under way, awaiting allocation
    # In the world before any ordinary contact arrives: the first ids, all at time 0.
    assert [c.id for c in backlog] == list(range(len(backlog)))
    assert all(c.arrival == 0.0 for c in backlog)
    assert sorted(c.age_at_start for c in backlog if c.age_at_start > 0) == [1.0, 5.0, 20.0]
    returned = [c for c in door.contacts if c.key == "backlog#r1"]
    assert len(returned) == 1 and returned[0].arrival == pytest.approx(0.5 * 1440.0)
    events = door.log.to_frame()
    first = events.groupby("contact_id")["event"].first().astype(str)
    ids = [c.id for c in backlog]
    assert (first[ids[:5]] == "backlog_contact").all()
    assert (first[ids[5:]] == "backlog_referral").all()
    # Common random numbers: the ordinary contacts are the same children as without a backlog.
    empty.run()

    def ordinary(world: FrontDoor) -> list[tuple[str, int, float, str]]:
        return [
            (c.source, c.seq, c.arrival, c.urgency) for c in world.contacts if c.key == c.source
        ]

    assert len(ordinary(empty)) > 100 and ordinary(door) == ordinary(empty)
