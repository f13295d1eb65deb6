"""One replication of the front door: the SimPy world built from a validated config.

:class:`FrontDoor` owns everything a replication needs — the environment, the working calendar,
the named random streams, the staff pools on their rotas, the contacts and the event log — and
nothing else: no files, no Hydra, no plotting. The pathway itself lives in
:mod:`sim.pathway.front_door`; :mod:`sim.metrics` turns the log into KPIs.

**Common random numbers.** Every random quantity of a contact is keyed by the contact's
*source* and its *position among that source's contacts*, never by the order in which queues
happen to serve it: the k-th police contact gets the k-th draw of each police stream for its
urgency, its screening time, its partner agencies' replies, and so on. Two scenarios run with
the same seed therefore give the same child the same circumstances and the same work, and a
scenario that averts some contacts (threshold training) leaves every other contact unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import simpy

from sim.arrivals import poisson_arrivals
from sim.calendar import WorkingCalendar
from sim.config import CONCERNS, URGENCIES, Config, DistributionConfig, WaitConfig, is_unset
from sim.demand import inappropriate_removal_probability, source_hourly_rates
from sim.distributions import make_sampler
from sim.eventlog import EventLog
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
    """A contact to the front door: who sent it, when, and what it is about.

    ``seq`` is its position among its source's contacts: the key of all its random draws.
    """

    id: int
    source: str
    seq: int
    arrival: float
    urgency: str
    concern: str
    unclear: bool
    threshold_met: bool
    known_family: bool
    priority: int


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
    contacts: list[Contact] = field(default_factory=list)
    averted_arrivals: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.streams = Streams(self.cfg.run.seed, self.replication)
        self._source_counts: dict[str, int] = {}
        self._draws: dict[tuple[str, str], np.ndarray] = {}
        for name, pool in self.cfg.staffing.pools.items():
            self.pools[name] = StaffPool(
                self.env, name, pool.staff, self._off_duty(pool.rota), pool.time_factor
            )
        self.contacts = self._arrivals()

    # -- building -----------------------------------------------------------------------------
    def _off_duty(self, rota: str) -> np.ndarray | None:
        if rota == "office":
            return self.calendar.closed_intervals()
        if rota == "out_of_hours":
            return self.calendar.open_intervals()
        return None

    def _arrivals(self) -> list[Contact]:
        """Every contact of the run, from each source's own streams, in order of arrival."""
        demand = self.cfg.demand
        start = self.calendar.start_date
        hours = math.ceil(self.window.end / 60.0)
        bank_holidays = self.calendar.bank_holiday_dates
        made: list[tuple[float, str, int, dict[str, Any]]] = []
        for source in demand.sources:
            rates = source_hourly_rates(demand, source, start, hours, bank_holidays)
            times = poisson_arrivals(
                rates,
                self.streams(f"arrivals:{source}"),
                self.streams(f"arrival_minutes:{source}"),
            )
            self._source_counts[source] = times.size
            attributes = self._attributes(source, times)
            averted = attributes.pop("averted")
            self.averted_arrivals.extend(times[averted].tolist())
            for seq in np.flatnonzero(~averted):
                made.append(
                    (
                        float(times[seq]),
                        source,
                        int(seq),
                        {k: v[seq] for k, v in attributes.items()},
                    )
                )
        made.sort(key=lambda item: item[0])
        priority = self.cfg.front_door.priority
        return [
            Contact(
                id=k,
                source=source,
                seq=seq,
                arrival=time,
                urgency=str(attrs["urgency"]),
                concern=str(attrs["concern"]),
                unclear=bool(attrs["unclear"]),
                threshold_met=bool(attrs["threshold_met"]),
                known_family=bool(attrs["known_family"]),
                priority=priority[str(attrs["urgency"])],
            )
            for k, (time, source, seq, attrs) in enumerate(made)
        ]

    def _attributes(self, source: str, times: np.ndarray) -> dict[str, np.ndarray]:
        """What each of a source's contacts is about, one named stream per attribute."""
        spec = self.cfg.demand.sources[source]
        n = times.size
        learning = self.cfg.front_door.feedback.learning
        taught = np.zeros(n)
        if learning.enabled and self.cfg.front_door.feedback.enabled:
            reach = self.cfg.front_door.feedback.probability
            ramp = 1.0 - np.exp(-times / (max(learning.lag_days, 1e-9) * MINUTES_PER_DAY))
            taught = reach * ramp
        unclear_p = spec.unclear * (1.0 - taught * learning.unclear_reduction_pct / 100.0)
        averted_p = taught * learning.inappropriate_reduction_pct / 100.0
        training = self.cfg.demand.threshold_training.get(source)
        if training is not None:
            trained = inappropriate_removal_probability(training, times)
            averted_p = 1.0 - (1.0 - averted_p) * (1.0 - trained)
        threshold_met = self._uniform("threshold_met", source, n) < spec.threshold_met
        return {
            "urgency": _categorical(self._uniform("urgency", source, n), spec.urgency, URGENCIES),
            "concern": _categorical(self._uniform("concern", source, n), spec.concern, CONCERNS),
            "unclear": self._uniform("unclear", source, n) < unclear_p,
            "threshold_met": threshold_met,
            "known_family": self._uniform("known_family", source, n) < spec.known_family,
            "averted": ~threshold_met & (self._uniform("averted", source, n) < averted_p),
        }

    def _uniform(self, name: str, source: str, n: int) -> np.ndarray:
        return self.streams(f"{name}:{source}").random(n)

    # -- draws for the pathway ----------------------------------------------------------------
    def chance(self, name: str, contact: Contact, k: int = 0, width: int = 1) -> float:
        """The contact's own uniform draw ``k`` (of ``width``) from stream ``name``."""
        key = (name, contact.source)
        draws = self._draws.get(key)
        if draws is None:
            n = self._source_counts[contact.source]
            draws = self.streams(f"{name}:{contact.source}").random((n, width))
            self._draws[key] = draws
        return float(draws[contact.seq, k])

    def minutes(
        self, name: str, dist: DistributionConfig, contact: Contact, k: int = 0, width: int = 1
    ) -> float:
        """The contact's own duration ``k`` (of ``width``) of task ``name``.

        A distribution left unset (``deterministic`` with no ``value``) is zero minutes.
        """
        if is_unset(dist):
            return 0.0
        key = (name, contact.source)
        draws = self._draws.get(key)
        if draws is None:
            n = self._source_counts[contact.source]
            sampler = make_sampler(dist, self.streams(f"{name}:{contact.source}"), name)
            draws = sampler.sample(n * width).reshape(n, width)
            self._draws[key] = draws
        return float(draws[contact.seq, k])

    # -- time ---------------------------------------------------------------------------------
    def is_open(self) -> bool:
        """Is the front door open now?"""
        return bool(self.calendar.is_open(self.env.now))

    def wait_until(self, wait: WaitConfig, minutes: float) -> float:
        """The instant a wait of ``minutes`` on ``wait.clock`` ends, starting now."""
        if wait.clock == "working":
            return float(self.calendar.add_working_minutes(self.env.now, minutes))
        return self.env.now + minutes

    # -- running ------------------------------------------------------------------------------
    def _release_contacts(self) -> Generator[simpy.Event, Any, None]:
        """Start each contact's journey at its arrival time."""
        from sim.pathway.front_door import contact_journey

        env = self.env
        for contact in self.contacts:
            if contact.arrival > env.now:
                yield env.timeout(contact.arrival - env.now)
            env.process(contact_journey(self, contact))

    def run(self) -> None:
        """Simulate until the end of the drain period."""
        self.env.process(self._release_contacts())
        self.env.run(until=self.window.stop)

    def contact_frame(self) -> pd.DataFrame:
        """The contacts and their attributes (synthetic: nothing here identifies a child)."""
        return pd.DataFrame(
            {
                "contact_id": [c.id for c in self.contacts],
                "source": [c.source for c in self.contacts],
                "urgency": [c.urgency for c in self.contacts],
                "concern": [c.concern for c in self.contacts],
                "unclear": [c.unclear for c in self.contacts],
                "threshold_met": [c.threshold_met for c in self.contacts],
                "known_family": [c.known_family for c in self.contacts],
                "arrival": [c.arrival for c in self.contacts],
            }
        )


def _categorical(u: np.ndarray, mix: dict[str, float], names: tuple[str, ...]) -> np.ndarray:
    """Map uniforms to category names by the cumulative mix (names in a fixed order).

    An empty mix puts everything in the last category (green; "other").
    """
    if not mix:
        return np.full(u.shape, names[-1], dtype=object)
    probabilities = np.array([mix.get(name, 0.0) for name in names], dtype=float)
    edges = np.cumsum(probabilities / probabilities.sum())
    index = np.minimum(np.searchsorted(edges, u, side="right"), len(names) - 1)
    return np.asarray(names, dtype=object)[index]


def build(cfg: Config, replication: int) -> FrontDoor:
    """The world of replication ``replication`` for a validated config."""
    window = Window.from_config(cfg)
    calendar = WorkingCalendar.from_config(
        cfg.calendar, cfg.run.start_date, math.ceil(window.stop / MINUTES_PER_DAY) + 1
    )
    return FrontDoor(cfg=cfg, replication=replication, calendar=calendar, window=window)
