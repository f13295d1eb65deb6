"""A shared warm-up: simulate the warm-up once per run and start every replication from it.

The default warm-up (``run.warmup_days``, 560 days) is long because the slowest quantity to
settle, the share of referrals that are re-referrals, needs the children's histories: a run from
empty has none, and the share creeps up for more than a year (``experiments.re_referral_warmup``).
Simulated by every replication, that warm-up is 59% of a replication-year's cost.

With ``run.warm_start=snapshot`` the run simulates it once instead, on streams of its own
(replication :data:`WARM_UP_REPLICATION`, never a measured one), stops it ``settle_days`` (rounded
to whole weeks) before the measured window, and reads the service off it: the contacts waiting at
each stage of the front door, the requests waiting for the step-up panel, the assessments under
way and waiting for allocation with their ages (:func:`sim.warm_start.snapshot`), and every child
due back with the date of their last referral, their generation and whether a need was missed
(:func:`sim.warm_start.children_due_back`). Each replication then starts from that snapshot on the
snapshot's date, with its own streams drawing the backlog's attributes, runs ``settle_days`` to
let the queues find their own state, and measures the same calendar window as a run warmed up
from empty. Two options compared on common random numbers each warm up once on the same streams,
so the comparison stays paired.

What the snapshot does not carry, it restarts: strategy discussions, section 47 enquiries and
conferences in progress at the snapshot are dropped (they last days to weeks, inside the settle
period), and an assessment's child restarts its chain of returns at generation 0. Every
replication of a run starts from the same snapshot, so the spread between replications no longer
includes the spread of the starting state. ``docs/performance.md`` shows, over 30 replications of
each, that no headline KPI's mean or spread moved beyond its sampling noise, and measures what the
shared start costs: nothing for the front door's KPIs (intra-class correlation ≈ 0), but the
re-referral share inherits the snapshot's children due back (ρ ≈ 0.31), so its interval from one
snapshot is too narrow. That is why ``run.warm_start`` defaults to ``empty``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sim.config import BacklogConfig, Config, WarmStart
from sim.config.run import snapshot_days
from sim.engine.calendar import MINUTES_PER_DAY
from sim.engine.streams import MAX_REPLICATION
from sim.replication import build
from sim.warm_start import ChildDueBack, children_due_back, snapshot

WARM_UP_REPLICATION = MAX_REPLICATION
"""The shared warm-up draws from replication 2³² − 1's streams, which no measured replication
uses (replications are numbered from 0), so it is independent of every one of them."""


@dataclasses.dataclass(frozen=True)
class WarmState:
    """What a shared warm-up hands each replication: the config it runs (started on the
    snapshot's date, with ``settle_days`` of warm-up and the snapshot as its backlog) and the
    children due back."""

    config: Config
    due_back: tuple[ChildDueBack, ...]


def shared_warm_up(cfg: Config, replication: int = WARM_UP_REPLICATION) -> WarmState:
    """Simulate ``cfg``'s warm-up once and return what every replication starts from.

    ``cfg`` is a validated config with ``run.warm_start=snapshot``; the returned config has
    ``run.warm_start=empty``, so it can be run by :func:`sim.runner.run_replication` as it is.
    ``replication`` names the warm-up's streams (another number, another snapshot: how
    ``benchmarks/warm_start_spread.py`` measures what sharing one costs the spread).
    """
    run = cfg.run
    days = snapshot_days(run)
    pilot_cfg = dataclasses.replace(cfg, run=dataclasses.replace(run, warm_start=WarmStart.empty))
    pilot = build(pilot_cfg, replication)
    pilot.run(until=days * MINUTES_PER_DAY)
    backlog = BacklogConfig(**{**snapshot(pilot), "re_referrals_due_days": []})
    due_back = children_due_back(pilot)
    pilot.dispose()
    start = dt.date.fromisoformat(str(run.start_date).strip()) + dt.timedelta(days=days)
    settled = dataclasses.replace(
        run,
        warm_start=WarmStart.empty,
        start_date=start.isoformat(),
        warmup_days=run.warmup_days - days,
    )
    # The contacts of the year from the run's own start, not from the snapshot's date.
    demand = dataclasses.replace(
        cfg.demand, volume_year_from=cfg.demand.volume_year_from or str(run.start_date).strip()
    )
    settled_cfg = dataclasses.replace(cfg, run=settled, backlog=backlog, demand=demand)
    return WarmState(settled_cfg, due_back)
