"""One replication of the front door: the SimPy world built from a validated config.

:class:`FrontDoor` owns everything a replication needs — the environment, the working calendar,
the named random streams, the staff pools on their rotas, the pathway's stages and the event
log — and nothing else: no files, no Hydra, no plotting. :func:`simulate` runs it and hands the
event log and the pools' records to :mod:`sim.metrics`.

Random numbers are drawn **per contact**, not per visit: contact *k* gets the *k*-th routing
draw and the *k*-th duration of each stage, whatever order the queues serve contacts in. Two
scenarios run with the same seed therefore give the same contact the same work, which is what
makes their paired difference sharp (common random numbers).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.arrivals import hourly_rates, poisson_arrivals
from sim.calendar import WorkingCalendar
from sim.config import Config, StageConfig
from sim.distributions import make_sampler
from sim.eventlog import EventLog
from sim.pathway.front_door import STAGES, contact_journey
from sim.staff import StaffPool
from sim.streams import Streams

MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class Window:
    """The measured part of a run, in simulation minutes: after warm-up, before the drain."""

    start: float
    end: float
    stop: float

    @classmethod
    def from_config(cls, cfg: Config) -> Window:
        start = cfg.run.warmup_days * MINUTES_PER_DAY
        end = start + cfg.run.horizon_days * MINUTES_PER_DAY
        return cls(start=start, end=end, stop=end + cfg.run.drain_days * MINUTES_PER_DAY)


@dataclass(slots=True)
class Contact:
    """A contact to the front door: who sent it, when, and how urgently it is worked."""

    id: int
    source: str
    arrival: float
    priority: int = 0


@dataclass
class Step:
    """A stage of the pathway with its staff pool (or none), routing and durations per contact."""

    pool: StaffPool | None
    probability: float
    route_draws: np.ndarray
    durations: np.ndarray

    def routes(self, contact: Contact) -> bool:
        """Does this contact pass through the stage?"""
        return bool(self.route_draws[contact.id] < self.probability)

    def duration_for(self, contact: Contact) -> float:
        """This contact's work (or wait) at the stage, in minutes."""
        return float(self.durations[contact.id])


@dataclass
class FrontDoor:
    """The world of one replication."""

    cfg: Config
    replication: int
    calendar: WorkingCalendar
    window: Window
    env: simpy.Environment = field(default_factory=simpy.Environment)
    log: EventLog = field(default_factory=EventLog)
    pools: dict[str, StaffPool] = field(default_factory=dict)
    stages: dict[str, Step | None] = field(default_factory=dict)
    contacts: list[Contact] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.streams = Streams(self.cfg.run.seed, self.replication)
        for name, pool in self.cfg.staffing.pools.items():
            self.pools[name] = StaffPool(self.env, name, pool.staff, self._off_duty(pool.rota))
        self.contacts = self._arrivals()
        for name in STAGES:
            self.stages[name] = self._step(name, getattr(self.cfg.front_door, name))

    def _off_duty(self, rota: str) -> np.ndarray | None:
        if rota == "office":
            return self.calendar.closed_intervals()
        if rota == "out_of_hours":
            return self.calendar.open_intervals()
        return None

    def _arrivals(self) -> list[Contact]:
        """Every contact of the run, from each source's own stream, in order of arrival."""
        demand = self.cfg.demand
        hours = math.ceil(self.window.end / 60.0)
        start_weekday = dt.date.fromisoformat(self.cfg.run.start_date).weekday()
        times, sources = [], []
        for source, spec in demand.sources.items():
            rates = hourly_rates(
                demand.profiles[spec.profile],
                demand.annual_contacts * spec.share,
                hours,
                start_weekday,
                demand.growth_pct_per_year,
            )
            arrivals = poisson_arrivals(rates, self.streams(f"arrivals.{source}"))
            times.append(arrivals)
            sources.extend([source] * arrivals.size)
        all_times = np.concatenate(times) if times else np.empty(0)
        order = np.argsort(all_times, kind="stable")
        return [
            Contact(id=k, source=sources[i], arrival=float(all_times[i]))
            for k, i in enumerate(order)
        ]

    def _step(self, name: str, spec: StageConfig) -> Step | None:
        if not spec.enabled:
            return None
        n = len(self.contacts)
        key = f"front_door.{name}.duration"
        sampler = make_sampler(spec.duration, self.streams(f"{name}.duration"), key)
        return Step(
            pool=self.pools[spec.pool] if spec.pool is not None else None,
            probability=spec.probability,
            route_draws=self.streams(f"{name}.route").random(n),
            durations=sampler.sample(n),
        )

    def _release_contacts(self) -> simpy.events.ProcessGenerator:
        """Start each contact's journey at its arrival time."""
        env = self.env
        for contact in self.contacts:
            if contact.arrival > env.now:
                yield env.timeout(contact.arrival - env.now)
            env.process(contact_journey(self, contact))

    def run(self) -> None:
        """Simulate until the end of the drain period."""
        self.env.process(self._release_contacts())
        self.env.run(until=self.window.stop)


def build(cfg: Config, replication: int) -> FrontDoor:
    """The world of replication ``replication`` for a validated config."""
    window = Window.from_config(cfg)
    calendar = WorkingCalendar.from_config(
        cfg.calendar, cfg.run.start_date, math.ceil(window.stop / MINUTES_PER_DAY) + 1
    )
    return FrontDoor(cfg=cfg, replication=replication, calendar=calendar, window=window)
