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
from sim.teams import Team

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

    ``seq`` is its position among its source's contacts and ``key`` names its family of draws
    (the source, ``backlog``, or ``<key>#r<generation>`` for a re-referral): together they
    key all its
    random draws. ``generation`` counts re-referrals (0 = a first contact).
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
    generation: int = 0
    key: str = ""
    age_at_start: float = 0.0

    def __post_init__(self) -> None:
        self.key = self.key or self.source


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
    pending_returns: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.streams = Streams(self.cfg.run.seed, self.replication)
        self._started = False
        self._frame: tuple[tuple[int, float], pd.DataFrame] | None = None
        self._source_counts: dict[str, int] = {}
        self._draws: dict[tuple[str, str], np.ndarray] = {}
        for name, pool in self.cfg.staffing.pools.items():
            self.pools[name] = StaffPool(
                self.env, name, pool.staff, None, pool.time_factor, schedule=self._schedule(name)
            )
        self.contacts = self._arrivals()
        self._arrived = len(self.contacts)
        self.teams = {
            name: Team(
                self.env,
                name,
                team.social_workers,
                team.caseload_cap,
                team.other_cases,
                absence=team.absence,
            )
            for name, team in self.cfg.after_decision.assessment.teams.items()
        }

    # -- building -----------------------------------------------------------------------------
    def _schedule(self, name: str) -> np.ndarray:
        """Pool ``name``'s rota as ``(start, end, heads)`` rows over the calendar's span.

        The rota gives the shifts: ``office`` the calendar's open intervals, ``out_of_hours``
        the closed ones, ``always`` one interval over the whole span. A shift takes the heads
        of the day it starts (:func:`sim.capacity.daily_on_duty`, stream ``absence:<pool>``),
        so an overnight EDT shift keeps one set of heads; a shift longer than a day (a weekend,
        a 24/7 rota) is cut at each midnight and every day has its own heads. With no absence
        every row has all the staff, which is exactly the all-or-nothing rota.
        """
        from sim.capacity import availability, daily_on_duty

        pool = self.cfg.staffing.pools[name]
        span = self.calendar.span
        if pool.rota == "office":
            shifts = self.calendar.open_intervals()
        elif pool.rota == "out_of_hours":
            shifts = self.calendar.closed_intervals()
        else:
            shifts = np.array([[0.0, span]])
        starts: list[float] = []
        ends: list[float] = []
        for start, end in shifts.tolist():
            if end - start > MINUTES_PER_DAY:
                first = math.floor(start / MINUTES_PER_DAY) + 1
                last = math.ceil(end / MINUTES_PER_DAY)
                cuts = [day * MINUTES_PER_DAY for day in range(first, last)]
                starts.extend([start, *cuts])
                ends.extend([*cuts, end])
            else:
                starts.append(start)
                ends.append(end)
        days = math.ceil(span / MINUTES_PER_DAY)
        share = availability(pool.absence)
        if share < 1.0:
            by_day = daily_on_duty(pool.staff, share, days, self.streams(f"absence:{name}"))
        else:
            by_day = np.full(days, pool.staff, dtype=np.int64)
        start_array = np.array(starts, dtype=float)
        day = np.minimum((start_array // MINUTES_PER_DAY).astype(np.int64), days - 1)
        return np.column_stack((start_array, np.array(ends, dtype=float), by_day[day]))

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
            "urgency": categorical(self._uniform("urgency", source, n), spec.urgency, URGENCIES),
            "concern": categorical(self._uniform("concern", source, n), spec.concern, CONCERNS),
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
        key = (name, contact.key)
        draws = self._draws.get(key)
        if draws is None:
            n = self._source_counts[contact.key]
            draws = self.streams(f"{name}:{contact.key}").random((n, width))
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
        key = (name, contact.key)
        draws = self._draws.get(key)
        if draws is None:
            n = self._source_counts[contact.key]
            sampler = make_sampler(dist, self.streams(f"{name}:{contact.key}"), name)
            draws = sampler.sample(n * width).reshape(n, width)
            self._draws[key] = draws
        return float(draws[contact.seq, k])

    # -- downstream ---------------------------------------------------------------------------
    def team_for(self, contact: Contact) -> str:
        """The assessment team a referral goes to, by the teams' shares."""
        teams = self.cfg.after_decision.assessment.teams
        u = self.chance("assessment.team", contact)
        total = sum(team.share for team in teams.values())
        running = 0.0
        for name, team in teams.items():
            running += team.share / total
            if u < running:
                return name
        return next(reversed(teams))

    def re_contact(self, contact: Contact) -> Contact | None:
        """A closed case comes back: a new contact from the same family and source.

        It meets the threshold (a re-referral is a referral by definition) and the family is
        known; its urgency and concern are drawn afresh from the source's mixes, keyed by the
        original contact so scenarios stay paired.
        """
        generation = contact.generation + 1
        key = f"{contact.key}#r{generation}"
        self._source_counts.setdefault(key, self._source_counts[contact.key])
        spec = self.cfg.demand.sources[contact.source]
        again = Contact(
            id=len(self.contacts),
            source=contact.source,
            seq=contact.seq,
            arrival=self.env.now,
            urgency="green",
            concern="other",
            unclear=False,
            threshold_met=True,
            known_family=True,
            priority=0,
            generation=generation,
            key=key,
        )
        # Its own draws (keyed by key and seq) decide what it is about.
        urgency = categorical(np.array([self.chance("urgency", again)]), spec.urgency, URGENCIES)
        concern = categorical(np.array([self.chance("concern", again)]), spec.concern, CONCERNS)
        again.urgency = str(urgency[0])
        again.concern = str(concern[0])
        again.unclear = self.chance("unclear", again) < spec.unclear
        again.priority = self.cfg.front_door.priority[again.urgency]
        self.contacts.append(again)
        return again

    # -- time ---------------------------------------------------------------------------------
    def is_open(self) -> bool:
        """Is the front door open now?"""
        return bool(self.calendar.is_open(self.env.now))

    def working_day_deadline(self, start_clock: float, days: float) -> float:
        """The instant ``days`` working days after the working-day clock reading
        ``start_clock`` (which may lie before the run started); now at the earliest."""
        ahead = start_clock + days - float(self.calendar.working_day_clock(0.0))
        return max(self.env.now, self.add_working_days(0.0, max(ahead, 0.0)))

    def add_working_days(self, t: float, days: float) -> float:
        """``calendar.add_working_days``, or a time after the run if that lies beyond the
        calendar (a process that far behind only needs to wait past the end of the run)."""
        try:
            return float(self.calendar.add_working_days(t, days))
        except ValueError:
            return self.window.stop + 1.0 + days * 1440.0

    def wait_until(self, wait: WaitConfig, minutes: float) -> float:
        """The instant a wait of ``minutes`` on ``wait.clock`` ends, starting now."""
        if wait.clock == "working":
            try:
                return float(self.calendar.add_working_minutes(self.env.now, minutes))
            except ValueError:  # beyond the calendar: after the end of the run in any case
                return max(self.env.now, self.window.stop) + 1.0 + minutes
        return self.env.now + minutes

    # -- running ------------------------------------------------------------------------------
    def _release_contacts(self) -> Generator[simpy.Event, Any, None]:
        """Start each contact's journey at its arrival time."""
        from sim.pathway.front_door import contact_journey

        env = self.env
        for contact in self.contacts[: self._arrived]:  # not the backlog or re-referrals
            if contact.arrival > env.now:
                yield env.timeout(contact.arrival - env.now)
            env.process(contact_journey(self, contact))

    def register_key(self, key: str, n: int) -> None:
        """Make room for ``n`` contacts whose draws are keyed ``key`` (e.g. the backlog)."""
        self._source_counts[key] = n

    def run(self, until: float | None = None) -> None:
        """Simulate until ``until`` (default: the end of the drain period)."""
        from sim.backlog import start_from_backlog

        if not self._started:
            self._started = True
            start_from_backlog(self)
            self.env.process(self._release_contacts())
        self.env.run(until=self.window.stop if until is None else until)

    def contact_frame(self) -> pd.DataFrame:
        """The contacts and their attributes (synthetic: nothing here identifies a child).

        Built once per (contacts so far, clock) and shared by every metric that asks: treat it
        as read-only (``set_index`` and friends return new frames).
        """
        key = (len(self.contacts), float(self.env.now))
        if self._frame is None or self._frame[0] != key:
            self._frame = (key, self._build_contact_frame())
        return self._frame[1]

    def _build_contact_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "contact_id": [c.id for c in self.contacts],
                "source": [c.source for c in self.contacts],
                "urgency": [c.urgency for c in self.contacts],
                "concern": [c.concern for c in self.contacts],
                "unclear": [c.unclear for c in self.contacts],
                "threshold_met": [c.threshold_met for c in self.contacts],
                "known_family": [c.known_family for c in self.contacts],
                "generation": [c.generation for c in self.contacts],
                "age_at_start": [c.age_at_start for c in self.contacts],
                "arrival": [c.arrival for c in self.contacts],
            }
        )


def categorical(u: np.ndarray, mix: dict[str, float], names: tuple[str, ...]) -> np.ndarray:
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
