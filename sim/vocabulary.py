"""The front door's words: stages, outcomes and the name of every event the pathway writes.

The pathway writes events by name (``screening_start``) and the KPIs read them back by name. A
name changed on one side only used to turn a KPI silently into NaN. So every name lives here,
once, and ``tests/unit/test_vocabulary.py`` checks both sides against this registry: every
event a run of every mechanism writes is registered, and every event name the KPI code reads is
one the registry knows.

This module sits at the bottom with the config: the engine, the pathway and the analysis all
import it, and it imports nothing of theirs.
"""

from __future__ import annotations

from sim.config import CONCERNS, URGENCIES

__all__ = [
    "BELOW_THRESHOLD",
    "CONCERNS",
    "EVENTS",
    "MARKS",
    "OUTCOMES",
    "REFERRAL_OUTCOMES",
    "S47_OUTCOMES",
    "STAFFED_STEPS",
    "STAGES",
    "TIMED_STEPS",
    "URGENCIES",
    "is_event",
]

STAGES = ("triage", "screening", "partner_check", "decision")
"""The front door's stages, in order (a warm start can pick a contact up at any of them)."""

BELOW_THRESHOLD = ("nfa_advice", "universal_services", "early_help")
REFERRAL_OUTCOMES = ("strategy_discussion", "assessment")
OUTCOMES = REFERRAL_OUTCOMES + BELOW_THRESHOLD
"""Where the front door's decision sends a child."""

S47_OUTCOMES = ("icpc", "cin_plan", "nfa")
"""What a section 47 enquiry ends in."""

STAFFED_STEPS = (
    "triage",
    "clarification",
    "history_check",
    "screening",
    "consent",
    "partner_request",
    "hub_check",
    "partner_chase",
    "partner_collation",
    "decision",
    "feedback",
    "ooh_emergency",
    "ooh_handover",
    "step_up_documentation",
    "referral_nfa_review",
    "assessment_sign_off",
    "icpc",
)
"""Steps done by a member of a staff pool: each writes ``<step>_queued``, ``_start``, ``_end``."""

TIMED_STEPS = (
    "clarification_wait",
    "partner_check",
    "partner_input",
    "handoff",
    "strategy",
    "strategy_lead_time",
    "s47_see_child",
    "write_up",
)
"""Steps with a start and an end but no queue of their own (waits, meetings, the partner
checks as a whole)."""

MARKS = (
    "contact",
    "backlog_contact",
    "backlog_referral",
    "outcome",
    *(f"to_{outcome}" for outcome in OUTCOMES),
    "outcome_appropriate",
    "missed_need",
    "re_referred",
    "consent_recorded",
    "idva_referral",
    "exploitation_panel_referral",
    "decision_meeting_queued",
    "referral_nfa",
    "step_up_request",
    "step_up_panel",
    "strategy_requested",
    "strategy_queued",
    "s47_start",
    *(f"s47_{outcome}" for outcome in S47_OUTCOMES),
    "allocation_queued",
    "allocated",
    "visit",
    "last_visit",
    "assessment_complete",
    "assessment_in_need",
    "assessment_not_in_need",
)
"""Events that mark an instant."""

EVENTS: frozenset[str] = frozenset(
    [f"{step}_{edge}" for step in STAFFED_STEPS for edge in ("queued", "start", "end")]
    + [f"{step}_{edge}" for step in TIMED_STEPS for edge in ("start", "end")]
    + list(MARKS)
)
"""Every event name the pathway may write."""


def is_event(name: str) -> bool:
    """Is ``name`` an event the pathway writes?"""
    return name in EVENTS
