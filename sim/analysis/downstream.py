"""KPIs after the decision: step-up, strategy discussions, section 47s, conferences,
assessments, what became of referrals, and the waits of meetings.

Each is measured on the events that *end* it inside the window (as the DfE counts completed
assessments in a year), so a long process is not cut off by the horizon. Kept apart from the
front-door KPIs (:mod:`sim.analysis.metrics`, which calls :func:`downstream_kpis` and
:func:`meeting_wait_kpis`) because they read other events and other clocks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.measures import (
    WITHIN_TOLERANCE,
)
from sim.analysis.measures import (
    column as _column,
)
from sim.analysis.measures import (
    in_window as _in_window,
)
from sim.analysis.measures import (
    mean as _mean,
)
from sim.analysis.measures import (
    p90 as _p90,
)
from sim.analysis.measures import (
    pct as _pct,
)
from sim.analysis.measures import (
    working_days as _working_days,
)
from sim.model import FrontDoor


def downstream_kpis(door: FrontDoor, table: pd.DataFrame) -> dict[str, float]:
    """Step-up, strategy discussions, section 47s, conferences, assessments, re-referrals.

    Each is measured on the events that *end* it inside the window (as the DfE counts completed
    assessments in a year), so a long process is not cut off by the horizon.
    """
    spec = door.cfg.after_decision
    kpis: dict[str, float] = {}
    if spec.step_up_panel.enabled:
        request, decided = _column(table, "step_up_request"), _column(table, "outcome")
        mine = _in_window(door, decided) & ~np.isnan(request)
        days = _working_days(door, request[mine], decided[mine])
        kpis["step_up_requests"] = float(np.count_nonzero(mine))
        kpis["step_up_working_days_mean"] = _mean(days)
        kpis["step_up_working_days_p90"] = _p90(days)
    if spec.strategy_discussion.enabled:
        decided, held = _column(table, "outcome"), _column(table, "strategy_start")
        mine = _in_window(door, held)
        days = _working_days(door, decided[mine], held[mine])
        kpis["strategy_discussions"] = float(np.count_nonzero(mine))
        kpis["strategy_discussion_working_days_mean"] = _mean(days)
        kpis["strategy_discussion_within_target_pct"] = _pct(
            days <= spec.strategy_discussion.target_working_days + WITHIN_TOLERANCE
        )
        started = _column(table, "s47_start")
        kpis["s47_enquiries"] = float(np.count_nonzero(_in_window(door, started)))
        seen = _column(table, "s47_see_child_end")
        mine = _in_window(door, seen)
        kpis["s47_child_seen_working_days_mean"] = _mean(
            _working_days(door, started[mine], seen[mine])
        )
        conference = _column(table, "icpc_start")
        mine = _in_window(door, conference)
        days = _working_days(door, _column(table, "strategy_end")[mine], conference[mine])
        kpis["icpcs"] = float(np.count_nonzero(mine))
        kpis["icpc_working_days_mean"] = _mean(days)
        kpis["icpc_within_15wd_pct"] = _pct(days <= 15.0 + WITHIN_TOLERANCE)
    if spec.assessment.enabled:
        kpis.update(_assessment_kpis(door, table))
    kpis.update(_referral_outcome_kpis(door, table))
    return kpis


def _referral_outcome_kpis(door: FrontDoor, table: pd.DataFrame) -> dict[str, float]:
    """What became of referrals, as shares of the referrals made in the window (steady state:
    the events that end them in the window over the referrals made in it, as the DfE's annual
    figures do): re-referrals as the DfE counts them (within 12 months of the previous
    referral), referral NFA, assessments ending "not in need", and missed needs coming back."""
    contacts = door.contact_frame().set_index("contact_id")
    referred = _in_window(door, _column(table, "to_assessment")) | _in_window(
        door, _column(table, "to_strategy_discussion")
    )
    n = max(int(np.count_nonzero(referred)), 1)
    generation = contacts["generation"].reindex(table.index).to_numpy()
    returned = contacts["missed_need_return"].reindex(table.index).to_numpy(dtype=bool)
    arrived = _in_window(door, _column(table, "contact"))

    def share(event: str) -> float:
        return 100.0 * np.count_nonzero(_in_window(door, _column(table, event))) / n

    if not np.count_nonzero(referred):
        return {"re_referrals": float(np.count_nonzero(arrived & (generation > 0)))}
    return {
        "re_referrals": float(np.count_nonzero(arrived & (generation > 0))),
        "re_referral_pct": share("re_referred"),
        "referral_nfa_pct": share("referral_nfa"),
        "assessment_not_in_need_pct": share("assessment_not_in_need"),
        "missed_need_re_referral_pct": 100.0 * np.count_nonzero(referred & returned) / n,
    }


def _assessment_kpis(door: FrontDoor, table: pd.DataFrame) -> dict[str, float]:
    """Assessments completed in the window: working days from referral decision to sign-off."""
    done = _column(table, "assessment_complete")
    mine = _in_window(door, done)
    # Referred at the front door's decision; a backlog referral at the start minus its age.
    age = door.contact_frame().set_index("contact_id")["age_at_start"].reindex(table.index)
    start_clock = np.asarray(door.calendar.working_day_clock(0.0)) - age.to_numpy(dtype=float)
    decided = _column(table, "outcome")
    known = ~np.isnan(decided)
    start_clock[known] = door.calendar.working_day_clock(decided[known])
    end_clock = np.asarray(door.calendar.working_day_clock(done[mine]), dtype=float)
    days = end_clock - start_clock[mine]
    queued, allocated = _column(table, "allocation_queued"), _column(table, "allocated")
    allocated_in = _in_window(door, allocated)
    last_visit = _column(table, "last_visit")
    kpis = {
        "assessments_completed": float(np.count_nonzero(mine)),
        "assessment_within_45wd_pct": _pct(days <= 45.0 + WITHIN_TOLERANCE),
        "assessment_working_days_mean": _mean(days),
        "assessment_working_days_median": (float(np.median(days)) if days.size else float("nan")),
        "assessment_working_days_p25": (
            float(np.percentile(days, 25)) if days.size else float("nan")
        ),
        "assessment_working_days_p75": (
            float(np.percentile(days, 75)) if days.size else float("nan")
        ),
        "allocation_wait_working_days_mean": _mean(
            _working_days(door, queued[allocated_in], allocated[allocated_in])
        ),
        "last_visit_to_completion_working_days_mean": _mean(
            _working_days(door, last_visit[mine & (last_visit > 0)], done[mine & (last_visit > 0)])
        ),
    }
    window = door.window
    for name, team in door.teams.items():
        kpis[f"caseload_mean_{name}"] = team.caseload.mean(window.start, window.end)
        kpis[f"allocation_queue_mean_{name}"] = team.waiting.mean(window.start, window.end)
    return kpis


def meeting_wait_kpis(
    door: FrontDoor, table: pd.DataFrame, measured: pd.DataFrame
) -> dict[str, float]:
    """How long meetings waited for all their attendees at once (``sim/engine/meeting.py``).

    Strategy discussions: queued after the lead time (``strategy_queued``) → every attendee
    seized (``strategy_start``), in working hours, over meetings that started in the window (as
    the other strategy KPIs). Joint decisions with a partner (only when
    ``decision.partner_pool`` is set): ``decision_meeting_queued`` → ``decision_start``, in
    minutes, over measured contacts (as ``decision_wait_minutes_mean``).
    """
    kpis: dict[str, float] = {}
    if door.cfg.after_decision.strategy_discussion.enabled:
        queued, held = _column(table, "strategy_queued"), _column(table, "strategy_start")
        mine = _in_window(door, held) & ~np.isnan(queued)
        hours = np.asarray(door.calendar.working_hours_between(queued[mine], held[mine]))
        kpis["strategy_meeting_wait_working_hours_mean"] = _mean(hours)
        kpis["strategy_meeting_waited_pct"] = _pct(held[mine] - queued[mine] > WITHIN_TOLERANCE)
    if door.cfg.front_door.decision.partner_pool is not None:
        queued = _column(measured, "decision_meeting_queued")
        start = _column(measured, "decision_start")
        both = ~np.isnan(queued) & ~np.isnan(start)
        kpis["decision_meeting_wait_minutes_mean"] = _mean(start[both] - queued[both])
    return kpis
