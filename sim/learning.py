"""Referrers learning the threshold from the feedback they actually receive (§3 row 11).

The letter's case for an integrated front door is that partners "are not consistently made
aware of the outcome of referrals"; telling referrers the outcome should, slowly, teach them
what meets the threshold. An open-loop ramp ``reach × (1 − e^(−t/lag))`` would credit that
learning whether or not feedback was sent; here it is a closed loop instead:

- every decision on a source's contact is an *observation* for that source's referrers: a
  ``1`` when the feedback task is done (the referrer is told, at the moment a practice support
  officer finishes it — so a swamped pool delays learning), a ``0`` at the decision when no
  feedback is sent;
- each source's *learning level* ``K`` is an exponentially weighted share of its observations
  with time constant ``lag`` (calendar time): on an observation ``x`` at time ``t``,
  ``K ← K·e^(−Δt/lag) + x·(1 − e^(−Δt/lag))`` where ``Δt`` is the time since the previous one.

With feedback sent steadily to a share ``p`` of decisions, ``E[K]`` rises from 0 as
``p (1 − e^(−t/lag))``: the old ramp, now earned. Send no feedback and ``K`` stays 0 — nothing
changes. Observations before ``start`` (the policy's clock: the measured window by default) are
ignored, so a scenario's learning starts when the scenario does.

The level is read by the arrival process (:mod:`sim.model`): it scales the source's cited
reductions of inappropriate and unclear contacts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


class ReferrerLearning:
    """Each source's learning level, updated by feedback observations."""

    def __init__(self, sources: Iterable[str], lag_minutes: float, start: float) -> None:
        if not (math.isfinite(lag_minutes) and lag_minutes > 0):
            raise ValueError(f"lag_minutes must be a positive number, got {lag_minutes}")
        self.lag = lag_minutes
        self.start = start
        self._level = dict.fromkeys(sources, 0.0)
        self._at = dict.fromkeys(self._level, start)
        self.observations = dict.fromkeys(self._level, 0)

    def observe(self, source: str, now: float, received: bool) -> None:
        """A decision on one of ``source``'s contacts: did its referrer hear the outcome?"""
        if now < self.start or source not in self._level:
            return
        keep = math.exp(-(now - self._at[source]) / self.lag)
        self._level[source] = self._level[source] * keep + (1.0 - keep) * float(received)
        self._at[source] = now
        self.observations[source] += 1

    def level(self, source: str) -> float:
        """How far ``source``'s referrers have learned (0 = not at all, 1 = every decision fed
        back for long enough)."""
        return self._level.get(source, 0.0)
