"""Assessment teams: social workers who hold cases up to a caseload cap.

Downstream of the front door the binding constraint is not a worker's next free hour but room in
someone's caseload (parameters.md §3 row 13: "assessment SWs with caseload cap ≈16–20 can create
allocation waits"). A :class:`Team` therefore allocates a case to the social worker with the
lightest caseload who has room, or queues it first-come-first-served until a case closes. Each
worker's caseload also stretches the gaps between their visits (row 19), so a full team is slow
twice over: cases wait to be allocated and, once allocated, take longer.

Caseloads count ``other_cases`` (long-term cases not simulated) plus the assessments held, and are
recorded as a time-weighted level for the ``caseload_mean_<team>`` KPI.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.monitor import StepLevel


class Team:
    """A team of social workers with caseloads."""

    def __init__(
        self, env: simpy.Environment, name: str, workers: int, cap: int, other_cases: float
    ) -> None:
        if workers < 1:
            raise ValueError(f"team {name!r} needs at least one social worker, got {workers}")
        self.env = env
        self.name = name
        self.cap = cap
        self.other_cases = other_cases
        self.held = np.zeros(workers, dtype=int)
        self._waiting: deque[simpy.Event] = deque()
        self.caseload = StepLevel(env.now, other_cases)
        self.waiting = StepLevel(env.now, 0.0)

    @property
    def workers(self) -> int:
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
