"""The early-help step-up route: non-urgent requests wait for the multi-agency panel.

Cheshire East's step-up/step-down panel sits fortnightly on Wednesdays; the form is due at 4 pm
the Wednesday before, and immediate concerns go straight to ChECS (parameters.md §1e, READ).
The letter finds the route "not as streamlined as it should be" (row 3): this is where a step-up
request spends most of its time, and the ``step_up_working_days_*`` KPIs measure it from the
request to the front door's decision.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim.config import WEEKDAYS, StepUpPanelConfig
from sim.engine.calendar import MINUTES_PER_DAY

if TYPE_CHECKING:
    from sim.contacts import Contact
    from sim.model import FrontDoor


def waits_for_panel(door: FrontDoor, contact: Contact) -> bool:
    """Is this a non-urgent step-up request that goes to the panel?"""
    spec = door.cfg.after_decision.step_up_panel
    return (
        spec.enabled
        and contact.source in spec.sources
        and contact.urgency not in spec.urgent_urgencies
        and contact.generation == 0
    )


def step_up_panel(
    door: FrontDoor, contact: Contact, submitted: bool = False
) -> Generator[simpy.Event, Any, bool]:
    """Wait for the next panel whose deadline the request meets; return whether it steps up.

    ``submitted``: the form was in before the run started (a backlog), so the next sitting.
    """
    spec = door.cfg.after_decision.step_up_panel
    env, log = door.env, door.log
    log.record(contact.id, "step_up_request", env.now)
    sits = next_panel(spec, door.calendar.start_date, env.now, deadline_met=submitted)
    yield env.timeout(sits - env.now)
    log.record(contact.id, "step_up_panel", env.now)
    return door.chance("step_up.accept", contact) < spec.accept_probability


def _minutes(clock: str) -> float:
    hours, minutes = clock.split(":")
    return int(hours) * 60.0 + int(minutes)


def first_panel_day(spec: StepUpPanelConfig, start: dt.date) -> int:
    """Days from the start date to the first panel of the cycle (may be negative)."""
    if spec.first_date is not None:
        return (dt.date.fromisoformat(spec.first_date) - start).days
    return (WEEKDAYS.index(spec.weekday) - start.weekday()) % 7


def next_panel(
    spec: StepUpPanelConfig, start: dt.date, now: float, deadline_met: bool = False
) -> float:
    """When the request made at ``now`` is heard: the first panel whose form deadline
    (``deadline_days_before`` days earlier at ``deadline_time``) is not yet past — or simply
    the next sitting if the deadline is already met."""
    period = 7.0 * spec.every_weeks * MINUTES_PER_DAY
    first = first_panel_day(spec, start) * MINUTES_PER_DAY + _minutes(spec.time)
    lead = spec.deadline_days_before * MINUTES_PER_DAY + _minutes(spec.time)
    lead -= _minutes(spec.deadline_time)
    if deadline_met:
        lead = 0.0
    # The first sitting k with first + k·period − lead ≥ now.
    k = max(0, math.ceil((now + lead - first) / period))
    return first + k * period
