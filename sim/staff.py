"""Staff pools whose on-duty headcount follows a rota.

A pool is a SimPy :class:`~simpy.resources.resource.PriorityResource` with one slot per member of
staff. When the rota takes staff off duty, a *rota hold* (a request at a priority above all work)
is placed on each slot that goes off duty. Because SimPy never pre-empts a plain priority
resource, a task in progress at closing time finishes first and the hold takes the slot only
then; work still waiting at closing waits behind the holds until the next opening. This is the
"obstructor" pattern of the HSMA book, made exact for time-weighted statistics:

- *busy* counts slots doing work;
- *on duty* counts slots not taken by a rota hold — so a worker finishing a task after closing is
  on duty until the task ends, and utilisation (busy / on duty) never exceeds 1;
- *waiting* counts work queued for the pool.

All three are :class:`~sim.monitor.StepLevel` records, so utilisation over a window that cuts
through a task (warm-up end, run end) counts only the part inside the window.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy
from simpy.resources.resource import PriorityRequest

from sim.monitor import StepLevel

ROTA_HOLD_PRIORITY = -1_000_000
"""Priority of a rota hold: lower numbers are served first in SimPy, so holds beat all work."""


class StaffPool:
    """A named pool of interchangeable staff on a rota.

    ``off_duty`` lists the ``(start, end)`` minute intervals when the pool is off duty (empty for
    a 24/7 pool); the rota process places and lifts holds at their edges.
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        staff: int,
        off_duty: np.ndarray | None = None,
        time_factor: float = 1.0,
    ) -> None:
        if staff < 1:
            raise ValueError(f"pool {name!r} needs at least one member of staff, got {staff}")
        self.env = env
        self.name = name
        self.staff = staff
        self.time_factor = time_factor
        self.resource = simpy.PriorityResource(env, capacity=staff)
        self.busy = StepLevel(env.now, 0.0)
        self.on_duty = StepLevel(env.now, float(staff))
        self.waiting = StepLevel(env.now, 0.0)
        self._holds: dict[PriorityRequest, bool] = {}  # hold -> has it taken its slot yet
        off = np.empty((0, 2)) if off_duty is None else np.asarray(off_duty, dtype=float)
        if len(off):
            env.process(self._rota(off))

    def seize(self, priority: int = 0) -> Generator[simpy.Event, Any, PriorityRequest]:
        """Wait for a member of staff (lower ``priority`` first); return the grant to release."""
        request = self.resource.request(priority=priority)
        self.waiting.change(self.env.now, 1.0)
        yield request
        now = self.env.now
        self.waiting.change(now, -1.0)
        self.busy.change(now, 1.0)
        return request

    def release(self, request: PriorityRequest) -> None:
        """Hand the member of staff back to the pool."""
        self.resource.release(request)
        self.busy.change(self.env.now, -1.0)

    @property
    def queue_length(self) -> int:
        """Work waiting for this pool now (rota holds not counted)."""
        return int(self.waiting.level)

    def has_someone_free(self) -> bool:
        """Is a member of staff on duty and idle, with nobody waiting?"""
        return self.queue_length == 0 and len(self.resource.users) < self.staff

    def utilisation(self, start: float, end: float) -> float:
        """Busy time over on-duty time within ``[start, end]``."""
        on_duty = self.on_duty.integral(start, end)
        return self.busy.integral(start, end) / on_duty if on_duty > 0 else float("nan")

    # -- the rota -----------------------------------------------------------------------------
    def _rota(self, off_duty: np.ndarray) -> Generator[simpy.Event, Any, None]:
        """Take the pool off duty over each interval of ``off_duty``, then back on."""
        for start, end in off_duty:
            if start > self.env.now:
                yield self.env.timeout(start - self.env.now)
            self._go_off_duty()
            if end > self.env.now:
                yield self.env.timeout(end - self.env.now)
            self._come_on_duty()

    def _go_off_duty(self) -> None:
        for _ in range(self.staff):
            hold = self.resource.request(priority=ROTA_HOLD_PRIORITY)
            hold.callbacks.append(self._hold_granted)
            self._holds[hold] = False

    def _hold_granted(self, hold: simpy.Event) -> None:
        # A hold lifted in the same instant it was granted never took staff off duty.
        if hold in self._holds:
            self._holds[hold] = True
            self.on_duty.change(self.env.now, -1.0)

    def _come_on_duty(self) -> None:
        for hold, counted in self._holds.items():
            if counted:
                self.on_duty.change(self.env.now, 1.0)
            if hold.triggered:
                self.resource.release(hold)
            else:
                hold.cancel()
        self._holds.clear()
