"""One replication of the front door: the SimPy world built from a validated config.

:class:`FrontDoor` owns everything a replication needs — the environment, the working calendar,
the named random streams, the staff pools on their rotas, the contacts and the event log — and
nothing else: no files, no Hydra, no plotting, and nothing of the pathway, which lives above it
in :mod:`sim.pathway` and is started in a world by :func:`sim.replication.build`;
:mod:`sim.analysis.metrics` turns the log into KPIs.

**Common random numbers.** Every random quantity of a contact is keyed by the contact's
*source* and its *position among that source's contacts*, never by the order in which queues
happen to serve it: the k-th police contact gets the k-th draw of each police stream for its
urgency, its screening time, its partner agencies' replies, and so on. Two scenarios run with
the same seed therefore give the same child the same circumstances and the same work, and a
scenario that averts some contacts (threshold training) leaves every other contact unchanged.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Contact", "FrontDoor", "Window", "world"]

import numpy as np
import pandas as pd
import simpy

from sim.config import (
    CONCERNS,
    DEFAULT_CONCERN,
    DEFAULT_URGENCY,
    URGENCIES,
    Config,
    DistributionConfig,
    WaitConfig,
    is_unset,
)
from sim.contacts import Contact, SourceDraws
from sim.demand import inappropriate_removal_probability, run_hourly_rates
from sim.engine.arrivals import poisson_arrivals
from sim.engine.calendar import MINUTES_PER_DAY, WorkingCalendar
from sim.engine.choice import choose, choose_many
from sim.engine.distributions import make_sampler
from sim.engine.eventlog import EventLog
from sim.engine.staff import StaffPool
from sim.engine.streams import Streams
from sim.engine.teams import Team
from sim.learning import ReferrerLearning


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


def _no_pathway(contact: Contact, delay: float, missed_need: bool) -> None:
    raise RuntimeError("this world has no pathway to return to: build it with sim.replication")


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
    #: Children due back: ``(due time, the contact that closed, missed need?)``, so a snapshot
    #: (:mod:`sim.warm_start`) can carry each one's referral history into another run.
    pending_returns: list[tuple[float, Contact, bool]] = field(default_factory=list)
    #: How a child comes back — ``come_back(contact, delay, missed_need)`` — when a case closes
    #: or a missed need resurfaces: the journey's loop (:func:`sim.pathway.journey.come_back`),
    #: handed in by :func:`sim.replication.build` so that the world knows nothing of the pathway.
    come_back: Callable[[Contact, float, bool], None] = field(default=_no_pathway, repr=False)

    def __post_init__(self) -> None:
        self.streams = Streams(self.cfg.run.seed, self.replication)
        self._frame: tuple[tuple[int, float], pd.DataFrame] | None = None
        self._source_counts: dict[str, int] = {}
        # Per (stream name, key): the draws of every contact of that key, ``width`` per contact
        # (row ``seq``), as one flat ``array('d')`` — indexing it is far cheaper than a numpy
        # scalar on the hot path, at 8 bytes a draw where a list takes 32 — and that width.
        self._draws: dict[tuple[str, str], tuple[array[float], int]] = {}
        for name, pool in self.cfg.staffing.pools.items():
            self.pools[name] = StaffPool(
                self.env, name, pool.staff, None, pool.time_factor, schedule=self._schedule(name)
            )
        learning = self.cfg.front_door.feedback.learning
        self.learning: ReferrerLearning | None = None
        if learning.enabled and self.cfg.front_door.feedback.enabled:
            self.learning = ReferrerLearning(
                self.cfg.demand.sources,
                learning.lag_days * MINUTES_PER_DAY,
                self.policy_start(learning.start),
            )
        self._sources = {source: self._source_draws(source) for source in self.cfg.demand.sources}
        self._arrival_order = sorted(
            (float(t), source, seq)
            for source, draws in self._sources.items()
            for seq, t in enumerate(draws.times.tolist())
        )
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

    def policy_start(self, start: str) -> float:
        """The instant a policy's clock starts: the measured window (``measured``) or the start
        of the run (``warmup``)."""
        return self.window.start if start == "measured" else 0.0

    # -- building -----------------------------------------------------------------------------
    def _schedule(self, name: str) -> np.ndarray:
        """Pool ``name``'s rota as ``(start, end, heads)`` rows over the calendar's span.

        The rota gives the shifts: ``office`` the calendar's open intervals, ``out_of_hours``
        the closed ones, ``always`` one interval over the whole span. A shift takes the heads
        of the day it starts (:func:`sim.engine.capacity.daily_on_duty`, stream ``absence:<pool>``),
        so an overnight EDT shift keeps one set of heads; a shift longer than a day (a weekend,
        a 24/7 rota) is cut at each midnight and every day has its own heads. With no absence
        every row has all the staff, which is exactly the all-or-nothing rota.
        """
        from sim.engine.capacity import availability, daily_on_duty

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

    def hourly_rates(self, source: str) -> np.ndarray:
        """Expected contacts of ``source`` in each hour of the run (:func:`run_hourly_rates`)."""
        return run_hourly_rates(
            self.cfg.demand,
            source,
            self.calendar,
            math.ceil(self.window.end / 60.0),
            growth_from_hour=self.policy_start(self.cfg.demand.growth_start) / 60.0,
            calendar_cfg=self.cfg.calendar,
        )

    def _source_draws(self, source: str) -> SourceDraws:
        """A source's contacts for the whole run, from its own streams (one per attribute)."""
        demand = self.cfg.demand
        rates = self.hourly_rates(source)
        times = poisson_arrivals(
            rates,
            self.streams(f"arrivals:{source}"),
            self.streams(f"arrival_minutes:{source}"),
        )
        n = times.size
        self._source_counts[source] = n
        spec = demand.sources[source]
        trained = np.zeros(n)
        training = demand.threshold_training.get(source)
        if training is not None:
            since = times - self.policy_start(training.start)
            trained = inappropriate_removal_probability(training, since)
        # Drawn in this order, each from its own stream, so adding a mechanism never shifts
        # another attribute's draws.
        threshold_met = self._uniform("threshold_met", source, n) < spec.threshold_met
        return SourceDraws(
            times=times,
            urgency=choose_many(
                self._uniform("urgency", source, n), spec.urgency, URGENCIES, empty=DEFAULT_URGENCY
            ),
            concern=choose_many(
                self._uniform("concern", source, n), spec.concern, CONCERNS, empty=DEFAULT_CONCERN
            ),
            unclear_u=self._uniform("unclear", source, n),
            threshold_met=threshold_met,
            known_family=self._uniform("known_family", source, n) < spec.known_family,
            averted_u=self._uniform("averted", source, n),
            trained=trained,
        )

    def make_contact(self, source: str, seq: int, time: float) -> Contact | None:
        """The ``seq``-th contact of ``source``, made at ``time`` — or ``None`` if the referrer,
        having learned the threshold (feedback) or been trained, does not make it.

        Whether it is made and whether it is clear depend on the source's learning level *now*
        (:mod:`sim.learning`), compared with the contact's own uniforms.
        """
        draws = self._sources[source]
        spec = self.cfg.demand.sources[source]
        learning = self.cfg.front_door.feedback.learning
        taught = self.learning.level(source) if self.learning is not None else 0.0
        fewer_unclear = taught * learning.unclear_reduction_pct.get(source, 0.0) / 100.0
        fewer_inappropriate = taught * learning.inappropriate_reduction_pct.get(source, 0.0) / 100.0
        averted_p = 1.0 - (1.0 - fewer_inappropriate) * (1.0 - float(draws.trained[seq]))
        need = bool(draws.threshold_met[seq])
        if not need and draws.averted_u[seq] < averted_p:
            self.averted_arrivals.append(time)
            return None
        urgency = str(draws.urgency[seq])
        contact = Contact(
            id=len(self.contacts),
            source=source,
            seq=seq,
            arrival=time,
            urgency=urgency,
            concern=str(draws.concern[seq]),
            unclear=bool(draws.unclear_u[seq] < spec.unclear * (1.0 - fewer_unclear)),
            threshold_met=need,
            known_family=bool(draws.known_family[seq]),
            priority=self.cfg.front_door.priority[urgency],
        )
        self.contacts.append(contact)
        return contact

    def _uniform(self, name: str, source: str, n: int) -> np.ndarray:
        return self.streams(f"{name}:{source}").random(n)

    # -- draws for the pathway ----------------------------------------------------------------
    def chance(self, name: str, contact: Contact, k: int = 0, width: int = 1) -> float:
        """The contact's own uniform draw ``k`` (of ``width``) from stream ``name``."""
        found = self._draws.get((name, contact.key))
        if found is None:
            n = self._source_counts[contact.key]
            draws = array("d", self.streams(f"{name}:{contact.key}").random(n * width).tobytes())
            found = self._draws[(name, contact.key)] = draws, width
        draws, drawn = found
        if not 0 <= k < drawn:
            raise IndexError(f"draw {k} of {name!r}, drawn {drawn} per contact")
        return draws[contact.seq * drawn + k]

    def minutes(
        self, name: str, dist: DistributionConfig, contact: Contact, k: int = 0, width: int = 1
    ) -> float:
        """The contact's own duration ``k`` (of ``width``) of task ``name``.

        A distribution left unset (``deterministic`` with no ``value``) is zero minutes.
        """
        found = self._draws.get((name, contact.key))
        if found is None:
            n = self._source_counts[contact.key]
            if is_unset(dist):  # no stream: zero minutes for every contact
                draws = array("d", bytes(8 * n * width))
            else:
                sampler = make_sampler(dist, self.streams(f"{name}:{contact.key}"), name)
                draws = array("d", np.asarray(sampler.sample(n * width), dtype=float).tobytes())
            found = self._draws[(name, contact.key)] = draws, width
        draws, drawn = found
        if not 0 <= k < drawn:
            raise IndexError(f"draw {k} of {name!r}, drawn {drawn} per contact")
        return draws[contact.seq * drawn + k]

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

    def re_contact(self, contact: Contact, *, missed_need: bool = False) -> Contact:
        """The child comes back: a new contact from the same family and source.

        Its need is there (a case that closes and returns, or a need the front door missed)
        and the family is known; its urgency and concern are drawn afresh from the source's
        mixes, keyed by the original contact so scenarios stay paired. It remembers when the
        child was last referred (for re-referrals as the DfE counts them).
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
            missed_need_return=missed_need,
            last_referral=contact.last_referral,
        )
        # Its own draws (keyed by key and seq) decide what it is about.
        again.urgency = choose(
            self.chance("urgency", again), spec.urgency, URGENCIES, empty=DEFAULT_URGENCY
        )
        again.concern = choose(
            self.chance("concern", again), spec.concern, CONCERNS, empty=DEFAULT_CONCERN
        )
        taught = self.learning.level(contact.source) if self.learning is not None else 0.0
        fewer = taught * self.cfg.front_door.feedback.learning.unclear_reduction_pct.get(
            contact.source, 0.0
        )
        again.unclear = self.chance("unclear", again) < spec.unclear * (1.0 - fewer / 100.0)
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
    def arrival_order(self) -> list[tuple[float, str, int]]:
        """Every contact's ``(arrival time, source, position among its source's contacts)``,
        in order of arrival: what :func:`sim.pathway.journey.release_contacts` releases."""
        return self._arrival_order

    def register_key(self, key: str, n: int) -> None:
        """Make room for ``n`` contacts whose draws are keyed ``key`` (e.g. the backlog)."""
        self._source_counts[key] = n

    def run(self, until: float | None = None) -> None:
        """Simulate until ``until`` (default: the end of the drain period)."""
        self.env.run(until=self.window.stop if until is None else until)

    def dispose(self) -> None:
        """Let go of what a measured replication holds — its draws, contacts, event log, pools
        and teams — so the memory comes back at once. The world's processes hold the world in
        reference cycles, which Python frees only when its cyclic collector next runs: without
        this, a run of many replications in one process would keep several worlds alive."""
        self._draws.clear()
        self._sources.clear()
        self._arrival_order = []
        self.contacts.clear()
        self.pending_returns.clear()
        self.log = EventLog()
        self.pools.clear()
        self.teams.clear()
        self._frame = None

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
                "missed_need_return": [c.missed_need_return for c in self.contacts],
                "age_at_start": [c.age_at_start for c in self.contacts],
                "arrival": [c.arrival for c in self.contacts],
            }
        )


def world(cfg: Config, replication: int) -> FrontDoor:
    """The world of replication ``replication`` for a validated config, with nothing in it yet
    (:func:`sim.replication.build` starts the pathway)."""
    window = Window.from_config(cfg)
    calendar = WorkingCalendar.from_config(
        cfg.calendar, cfg.run.start_date, math.ceil(window.stop / MINUTES_PER_DAY) + 1
    )
    return FrontDoor(cfg=cfg, replication=replication, calendar=calendar, window=window)
