"""The shared warm-up (``run.warm_start=snapshot``): one warm-up per run, every replication from it.

The fast tests check what the snapshot hands over and that a run stays reproducible; the long
test (``make test-long``) shows the measured KPIs equivalent to warming every replication up from
empty, by two one-sided tests with the margins of ``test_warm_start.py`` (justified there) plus
the re-referral share, which is what the long warm-up is for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.compare import tost
from sim.compose import load
from sim.config import Config
from sim.model import world
from sim.replication import build
from sim.runner import simulate_replications
from sim.shared_warm_up import WARM_UP_REPLICATION, shared_warm_up
from sim.warm_start import ChildDueBack
from tests.functional.test_warm_start import MARGINS, MEASURE, WARM_UP_DAYS, assert_equivalent

SHORT = [
    "run.warm_start=snapshot",
    "run.warmup_days=126",
    "run.settle_days=28",
    "run.horizon_days=28",
    "run.drain_days=7",
    "run.replications=2",
    "run.plots=false",
]


@pytest.fixture(scope="module")
def short_cfg() -> Config:
    return load(SHORT)


def test_each_replication_starts_on_the_snapshot_date(short_cfg: Config) -> None:
    """The snapshot is read off whole weeks in (so the weekday is kept) and ``settle_days``
    before the measured window, which falls on the same calendar days as without it."""
    state = shared_warm_up(short_cfg)
    run = state.config.run
    assert run.warm_start == "empty" and run.warmup_days == 28.0
    start = dt.date.fromisoformat(short_cfg.run.start_date)
    assert dt.date.fromisoformat(run.start_date) == start + dt.timedelta(days=98)
    assert dt.date.fromisoformat(run.start_date).weekday() == start.weekday()
    measured_from = start + dt.timedelta(days=short_cfg.run.warmup_days)
    assert dt.date.fromisoformat(run.start_date) + dt.timedelta(days=28) == measured_from
    backlog = state.config.backlog
    assert sum(len(v) for v in backlog.assessments.values()) > 20
    assert backlog.re_referrals_due_days == []  # carried with their histories instead


def test_children_due_back_carry_their_referral_histories(short_cfg: Config) -> None:
    """Children come back from closed cases (referred within the last year, so their return is
    a re-referral) and from missed needs, at every generation the warm-up reached."""
    due = shared_warm_up(short_cfg).due_back
    assert len(due) > 50
    assert all(child.due_days > 0 for child in due)
    referred = [c.since_referral_days for c in due if not math.isnan(c.since_referral_days)]
    assert len(referred) > 0.5 * len(due)
    assert all(0 <= days <= 126 for days in referred)
    assert any(c.missed_need for c in due) and any(c.generation > 0 for c in due)


def test_returns_from_the_snapshot_count_as_re_referrals(short_cfg: Config) -> None:
    """The positive control of the histories: children due back who were referred within 12
    months are counted as re-referrals when referred again; with the histories dropped (the
    shape a backlog file's due days give) none of those returns is."""
    state = shared_warm_up(short_cfg)

    def re_referred_returns(due_back: tuple[ChildDueBack, ...]) -> int:
        door = build(state.config, 0, due_back)
        door.run()
        returned = {c.id for c in door.contacts if c.key.startswith("backlog#r")}
        events = door.log.to_frame()
        re_referred = set(events.loc[events["event"] == "re_referred", "contact_id"])
        return len(returned & re_referred)

    with_history = re_referred_returns(state.due_back)
    no_history = tuple(dataclasses.replace(c, since_referral_days=math.nan) for c in state.due_back)
    assert with_history > 10
    assert re_referred_returns(no_history) < with_history / 2


@pytest.mark.parametrize("source", ["police", "schools"])
def test_a_later_start_keeps_the_runs_hourly_rates(source: str) -> None:
    """With ``demand.volume_year_from`` at the original start, a world started 532 days later
    has the original world's expected contacts hour for hour (schools: school holidays and bank
    holidays move its volume, so normalising over the later start's year would give 2.7% fewer
    contacts in the measured year); without it, schools' rates differ."""
    first = world(load(["run.horizon_days=365"]), 0)
    later_overrides = ["run.horizon_days=365", "run.warmup_days=28", "run.start_date=2026-09-21"]
    anchored = world(load([*later_overrides, "demand.volume_year_from=2025-04-07"]), 0)
    offset = 532 * 24
    expected = first.hourly_rates(source)[offset:]
    rates = anchored.hourly_rates(source)
    assert rates.shape == expected.shape
    np.testing.assert_allclose(rates, expected, rtol=1e-12)
    if source == "schools":
        unanchored = world(load(later_overrides), 0).hourly_rates(source)
        assert abs(unanchored[: 365 * 24].sum() / expected[: 365 * 24].sum() - 1) > 0.01


def test_shared_warm_up_is_the_same_serial_or_parallel(short_cfg: Config) -> None:
    """Same config and seed, identical KPIs on one worker or two: the warm-up runs on streams
    of its own, once, before any replication."""
    serial = simulate_replications(
        dataclasses.replace(short_cfg, run=dataclasses.replace(short_cfg.run, jobs=1)),
        keep_events=False,
        progress=False,
    ).replications
    parallel = simulate_replications(
        dataclasses.replace(short_cfg, run=dataclasses.replace(short_cfg.run, jobs=2)),
        keep_events=False,
        progress=False,
    ).replications
    pd.testing.assert_frame_equal(serial, parallel)
    assert WARM_UP_REPLICATION not in set(serial["replication"])


RE_REFERRAL_MARGIN = 3.0
"""``re_referral_pct`` ±3 points of about 22%: the shared warm-up exists to keep the re-referral
share settled without simulating 80 weeks per replication, so the share must match the long
warm-up's to within a seventh of itself (the 90% half-width of 8 vs 8 replications of sixteen
weeks was about 1.2 points when written)."""


@pytest.mark.long
@pytest.mark.slow
def test_shared_warm_up_matches_a_warm_up_per_replication() -> None:
    """Sixteen weeks measured after a year's warm-up, warmed up per replication (A) and shared
    (B): every KPI of ``MARGINS`` and the re-referral share equivalent by TOST."""
    overrides = [f"run.warmup_days={WARM_UP_DAYS}", *MEASURE]
    each = load([*overrides, "run.warm_start=empty"])
    shared = load([*overrides, "run.warm_start=snapshot"])
    a = simulate_replications(each, keep_events=False, progress=False).replications
    b = simulate_replications(shared, keep_events=False, progress=False).replications
    assert_equivalent(a, b)

    share = tost(
        a["re_referral_pct"].to_numpy(), b["re_referral_pct"].to_numpy(), RE_REFERRAL_MARGIN
    )
    assert share.equivalent, share
    assert set(MARGINS) <= set(a.columns)
