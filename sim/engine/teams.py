"""Assessment teams: social workers who hold cases up to a caseload cap.

Downstream of the front door the binding constraint is not a worker's next free hour but room in
someone's caseload (parameters.md §3 row 13: "assessment SWs with caseload cap ≈16–20 can create
allocation waits"). A :class:`Team` therefore allocates a case to the social worker with the
lightest caseload who has room, or queues it first-come-first-served until a case closes. Each
worker's caseload also stretches the gaps between their visits (row 19), so a full team is slow
twice over: cases wait to be allocated and, once allocated, take longer.

Caseloads count ``other_cases`` (long-term cases not simulated) plus the assessments held, and are
recorded as a time-weighted level for the ``caseload_mean_<team>`` KPI.

**Absence on a caseload team** (``after_decision.assessment.teams.<name>.absence``, the same keys
as a staff pool's, :mod:`sim.engine.capacity`). A team is not a pool of interchangeable hours, so
the deductions act in two ways:

- *vacancy* removes case-holding workers: a vacant post holds no cases, so the team has
  ``round(social_workers × (1 − vacancy))`` workers in post (at least one), and the same
  referrals share fewer caseloads (longer visit gaps, sooner allocation waits). Whole posts,
  rounded half up: the team's caseload is a count of people, not of hours.
- *leave, sickness, training and supervision* leave a worker's caseload in place but take the
  worker away from it: a worker on leave does not visit or write up. They stretch the elapsed
  work of an assessment — the gaps between visits and the write-up — by ``1 / t``, where ``t``
  (:attr:`Team.time_availability`, :func:`sim.engine.capacity.time_availability`) is the share of a
  post-holder's rota days at work. The first visit is not stretched: children are "usually seen
  promptly" (§3 row 19), by whoever is on duty when the allocated worker is away.

Spreading the stretch evenly is the same simplification as for the pools: right on average, not
for the family whose worker is away for a fortnight in August.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.config import AbsenceConfig
from sim.engine.capacity import time_availability
from sim.engine.monitor import StepLevel


def workers_in_post(establishment: int, vacancy_pct: float) -> int:
    """Case-holding workers of a team of ``establishment`` posts: vacant posts removed, rounded
    half up to whole people, at least one."""
    return max(1, math.floor(establishment * (1.0 - vacancy_pct / 100.0) + 0.5))


class Team:
    """A team of social workers with caseloads.

    ``workers`` is the establishment; with ``absence`` its vacant posts hold no cases and the
    rest of the absence sets :attr:`time_availability` (see the module docstring).
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        workers: int,
        cap: int,
        other_cases: float,
        *,
        absence: AbsenceConfig | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"team {name!r} needs at least one social worker, got {workers}")
        absence = absence or AbsenceConfig()
        self.env = env
        self.name = name
        self.cap = cap
        self.other_cases = other_cases
        self.establishment = workers
        self.time_availability = time_availability(absence)
        """Share of a post-holder's rota days at work: elapsed work stretches by its inverse."""
        if not self.time_availability > 0:
            raise ValueError(f"team {name!r} is never at work (time availability 0)")
        self.held = np.zeros(workers_in_post(workers, absence.vacancy_pct), dtype=int)
        self._waiting: deque[simpy.Event] = deque()
        self.caseload = StepLevel(env.now, other_cases)
        self.waiting = StepLevel(env.now, 0.0)

    @property
    def workers(self) -> int:
        """Case-holding workers in post (the establishment less its vacant posts)."""
        return int(self.held.size)

    def caseload_of(self, worker: int) -> float:
        """Cases the worker holds now, long-term cases included."""
        return self.other_cases + float(self.held[worker])

    def _worker_with_room(self) -> int | None:
        room = self.other_cases + self.held < self.cap
        if not room.any():
            return None
        candidates = np.flatnonzero(room)
        return int(candidates[np.argmin(self.held[candidates])])

    def allocate(self) -> Generator[simpy.Event, Any, int]:
        """Wait for a social worker with room; return which one took the case."""
        worker = self._worker_with_room() if not self._waiting else None
        if worker is not None:
            self._take(worker)
            return worker
        turn = self.env.event()
        self._waiting.append(turn)
        self.waiting.change(self.env.now, 1.0)
        granted: int = yield turn  # the slot was taken for us when it was granted
        self.waiting.change(self.env.now, -1.0)
        return granted

    def _take(self, worker: int) -> None:
        self.held[worker] += 1
        self.caseload.change(self.env.now, 1.0 / self.workers)

    def close_case(self, worker: int) -> None:
        """The worker's case closes; the longest-waiting case (if any) is allocated."""
        self.held[worker] -= 1
        self.caseload.change(self.env.now, -1.0 / self.workers)
        if self._waiting:
            nxt = self._worker_with_room()
            if nxt is not None:
                self._take(nxt)  # at once, so no later arrival can jump the queue
                self._waiting.popleft().succeed(nxt)

    def add_backlog(self, worker: int, cases: int) -> None:
        """Start the run with ``cases`` already held by ``worker`` (warm start)."""
        for _ in range(cases):
            self._take(worker)
