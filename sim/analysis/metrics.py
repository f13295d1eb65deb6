"""KPIs of one replication, computed once, here, from the event log and the pools' records.

Plots, reports, the CLI and the tests all read these numbers, so a KPI has one definition.
Names are stable snake_case (the columns of ``replications.csv``, the keys of
``summary.json``); ``docs/kpis.md`` lists them with their units.

- Contacts are measured if they *arrive* inside the window ``[warm-up end, horizon end)``; the
  run continues through a drain period so their waits are seen in full rather than cut off.
- Working-day KPIs use the working-day clock (:meth:`WorkingCalendar.working_days_between`): a
  decision is *within one working day* when at most one working day has elapsed since the
  contact arrived — measured from the contact, the strictest reading of the statutory clock.
- Staff hours count tasks that *start* in the window, and are given **per year** (scaled by
  365 / horizon days) so runs of any length compare, and finance can use them directly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.downstream import downstream_kpis, meeting_wait_kpis
from sim.analysis.measures import (
    WITHIN_TOLERANCE,
)
from sim.analysis.measures import (
    column as _column,
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
from sim.config import URGENCIES
from sim.engine.log_tables import contact_table, task_times
from sim.model import FrontDoor
from sim.vocabulary import OUTCOMES, REFERRAL_OUTCOMES, STAGES

DAYS_PER_YEAR = 365.0
HOURS_PER_WEEK = 168


def measured_contacts(door: FrontDoor, table: pd.DataFrame) -> pd.DataFrame:
    """The contacts that arrived in the window: attributes, event times, decision and outcome.

    Adds ``decision_working_days`` (NaN while undecided) and ``outcome`` (None while open).
    """
    window = door.window
    attributes = door.contact_frame().set_index("contact_id")
    merged = attributes.join(table, how="left")
    # A contact arrives at the front door when its "contact" event happens: a step-up request
    # reaches ChECS only after the panel, and one the panel keeps in early help never does.
    arrival = _column(merged, "contact")
    measured = merged[(arrival >= window.start) & (arrival < window.end)].copy()
    measured["arrival"] = arrival[(arrival >= window.start) & (arrival < window.end)]
    decision = _column(measured, "outcome")
    working_days = np.full(len(measured), np.nan)
    decided = ~np.isnan(decision)
    working_days[decided] = door.calendar.working_days_between(
        measured["arrival"].to_numpy()[decided], decision[decided]
    )
    measured["decision_time"] = decision
    measured["decision_working_days"] = working_days
    outcome = pd.Series(None, index=measured.index, dtype=object)
    for kind in OUTCOMES:
        outcome[~np.isnan(_column(measured, f"to_{kind}"))] = kind
    measured["outcome"] = outcome
    return measured


def replication_kpis(door: FrontDoor, events: pd.DataFrame) -> dict[str, float]:
    """Every KPI of one replication."""
    table = contact_table(events)
    return kpis_from(door, events, table, measured_contacts(door, table))


def kpis_from(
    door: FrontDoor, events: pd.DataFrame, table: pd.DataFrame, measured: pd.DataFrame
) -> dict[str, float]:
    """Every KPI of one replication from its log, contact table and measured contacts."""
    window = door.window
    kpis: dict[str, float] = {"contacts": float(len(measured))}
    kpis.update(_demand_kpis(door, measured))
    kpis.update(_decision_kpis(door, measured))
    kpis.update(_decision_quality_kpis(measured))
    kpis.update(_process_kpis(door, measured))
    kpis.update(_stage_kpis(measured))
    kpis.update(_system_kpis(door, table))
    kpis.update(_staff_hour_kpis(door, events, measured))
    kpis.update(downstream_kpis(door, table))
    kpis.update(meeting_wait_kpis(door, table, measured))
    for name, pool in door.pools.items():
        kpis[f"utilisation_{name}"] = pool.utilisation(window.start, window.end)
        kpis[f"queue_mean_{name}"] = pool.waiting.mean(window.start, window.end)
    kpis.update(_cost_kpis(door, kpis))
    return kpis


def _cost_kpis(door: FrontDoor, kpis: dict[str, float]) -> dict[str, float]:
    """Staff costs (sim/analysis/costs.py; docs/finance.md), from KPIs already computed.

    Costs are deterministic given the config; contacts and referrals are scaled to a year like
    the staff hours, so ``cost_per_contact_gbp`` divides an annual cost by annual contacts.
    """
    from sim.analysis.costs import cost_kpis, costed

    if not costed(door.cfg):
        return {}
    per_year = DAYS_PER_YEAR / door.cfg.run.horizon_days
    return cost_kpis(
        door.cfg,
        contacts_per_year=kpis["contacts"] * per_year,
        referrals_per_year=kpis.get("referrals", 0.0) * per_year,
        inappropriate_hours={
            pool: kpis[f"inappropriate_contact_hours_{pool}"] for pool in door.pools
        },
    )


def _demand_kpis(door: FrontDoor, measured: pd.DataFrame) -> dict[str, float]:
    """Volumes, out-of-hours share, referrals and conversion overall and by source [4]."""
    window = door.window
    averted = np.asarray(door.averted_arrivals, dtype=float)
    referral = measured["outcome"].isin(REFERRAL_OUTCOMES).to_numpy()
    closed = ~np.asarray(door.calendar.is_open(measured["arrival"].to_numpy()), dtype=bool)
    kpis: dict[str, float] = {
        "contacts_averted": float(
            np.count_nonzero((averted >= window.start) & (averted < window.end))
        ),
        "out_of_hours_pct": _pct(closed),
        "referrals": float(np.count_nonzero(referral)),
        "conversion_pct": _pct(referral),
    }
    decided = measured["outcome"].notna().to_numpy()
    for kind in OUTCOMES:
        kpis[f"outcome_pct_{kind}"] = _pct((measured["outcome"] == kind).to_numpy()[decided])
    total_referrals = max(int(np.count_nonzero(referral)), 1)
    for source in door.cfg.demand.sources:
        mine = (measured["source"] == source).to_numpy()
        kpis[f"contacts_{source}"] = float(np.count_nonzero(mine))
        kpis[f"conversion_pct_{source}"] = _pct(referral[mine])
        kpis[f"referral_share_pct_{source}"] = (
            100.0 * np.count_nonzero(referral & mine) / total_referrals
        )
    return kpis


def censored_p90(decided: np.ndarray, still_open: int) -> float:
    """The 90th percentile of decision times when ``still_open`` contacts are undecided at the
    end of the run: they count as later than every decided one (they are, at least, later than
    the run). NaN if the percentile falls among them — it is then beyond what the run saw."""
    n = decided.size + still_open
    if n == 0:
        return float("nan")
    if still_open == 0:
        return _p90(decided)
    top = float(np.max(decided)) if decided.size else 0.0
    sentinel = top + 1e9
    value = float(np.percentile(np.concatenate((decided, np.full(still_open, sentinel))), 90))
    return value if value <= top else float("nan")


def _decision_kpis(door: FrontDoor, measured: pd.DataFrame) -> dict[str, float]:
    """Time from contact to the front door's decision: working days overall and by urgency.

    Censoring: contacts still undecided when the run stops count in ``decision_within_1wd_pct``
    (as late) and in the percentiles (as later than any decided one, :func:`censored_p90`);
    ``decision_working_days_mean`` covers decided contacts only, and
    ``decision_working_days_mean_incl_open`` adds the open ones at their working days so far —
    a lower bound on the true mean.
    """
    arrival = measured["arrival"].to_numpy()
    decided_at = measured["decision_time"].to_numpy()
    working_days = measured["decision_working_days"].to_numpy()
    decided = ~np.isnan(working_days)
    within = np.zeros(len(measured), dtype=bool)
    within[decided] = working_days[decided] <= 1.0 + WITHIN_TOLERANCE
    so_far = working_days.copy()
    if (~decided).any():
        stop = np.full(np.count_nonzero(~decided), door.window.stop)
        so_far[~decided] = door.calendar.working_days_between(arrival[~decided], stop)
    kpis = {
        "open_at_end": float(np.count_nonzero(~decided)),
        "decision_open_pct": _pct(~decided),
        "decision_working_days_mean": _mean(working_days[decided]),
        "decision_working_days_mean_incl_open": _mean(so_far),
        "decision_working_days_p90": censored_p90(
            working_days[decided], int(np.count_nonzero(~decided))
        ),
        "decision_within_1wd_pct": _pct(within),
        "time_in_system_minutes_mean": _mean(decided_at[decided] - arrival[decided]),
    }
    urgency = measured["urgency"].to_numpy()
    for level in URGENCIES:
        mine = urgency == level
        kpis[f"decision_working_days_mean_{level}"] = _mean(working_days[mine & decided])
        kpis[f"decision_working_days_p90_{level}"] = censored_p90(
            working_days[mine & decided], int(np.count_nonzero(mine & ~decided))
        )
        kpis[f"decision_within_1wd_pct_{level}"] = _pct(within[mine])
    return kpis


def _decision_quality_kpis(measured: pd.DataFrame) -> dict[str, float]:
    """Decisions against the contacts' latent need (docs/model.md "Decisions")."""
    decided = measured["outcome"].notna().to_numpy()
    need = measured["threshold_met"].to_numpy(dtype=bool)
    referred = measured["outcome"].isin(REFERRAL_OUTCOMES).to_numpy()
    return {
        "missed_need_pct": _pct(~referred[decided & need]),
        "over_referral_pct": _pct(~need[decided & referred]),
    }


def _process_kpis(door: FrontDoor, measured: pd.DataFrame) -> dict[str, float]:
    """How contacts went through triage, clarification and partner checks, and quality flags."""
    calendar = door.calendar
    arrival = measured["arrival"].to_numpy()
    triaged = _column(measured, "triage_end")
    has_triage = ~np.isnan(triaged)
    start = _column(measured, "partner_check_start")
    end = _column(measured, "partner_check_end")
    checked = ~np.isnan(start) & ~np.isnan(end)
    partner_days = np.asarray(
        calendar.working_days_between(start[checked], end[checked]), dtype=float
    )
    kpis = {
        "triage_working_hours_mean": _mean(
            np.asarray(calendar.working_hours_between(arrival[has_triage], triaged[has_triage]))
        ),
        "clarification_pct": _pct(~np.isnan(_column(measured, "clarification_start"))),
        "partner_info_pct": _pct(checked),
        "partner_info_wait_working_days_mean": _mean(partner_days),
        "consent_recorded_pct": _pct(
            ~np.isnan(_column(measured, "consent_recorded"))[
                ~np.isnan(_column(measured, "consent_end"))
            ]
        ),
        "outcome_appropriate_pct": _pct(
            ~np.isnan(_column(measured, "outcome_appropriate"))[measured["outcome"].notna()]
        ),
        "idva_referrals": float(np.count_nonzero(~np.isnan(_column(measured, "idva_referral")))),
        "exploitation_panel_referrals": float(
            np.count_nonzero(~np.isnan(_column(measured, "exploitation_panel_referral")))
        ),
    }
    hub = door.cfg.front_door.partner_check.hub
    if hub.enabled:
        hours = np.asarray(calendar.working_hours_between(start[checked], end[checked]))
        target = measured["urgency"].map(hub.rag_target_working_hours).to_numpy(dtype=float)
        kpis["partner_info_within_rag_pct"] = _pct(hours <= target[checked] + WITHIN_TOLERANCE)
    return kpis


def _stage_kpis(measured: pd.DataFrame) -> dict[str, float]:
    """Waits and times at the verification stages (and for diagnosis)."""
    kpis: dict[str, float] = {}
    for stage in STAGES:
        start, end, queued = (_column(measured, f"{stage}_{s}") for s in ("start", "end", "queued"))
        done = ~np.isnan(end)
        if not done.any():
            continue
        entered = np.where(np.isnan(queued), start, queued)
        kpis[f"{stage}_sojourn_minutes_mean"] = _mean(end[done] - entered[done])
        staffed = done & ~np.isnan(queued)
        if staffed.any():
            wait = start[staffed] - queued[staffed]
            kpis[f"{stage}_wait_minutes_mean"] = _mean(wait)
            kpis[f"{stage}_waited_pct"] = _pct(wait > WITHIN_TOLERANCE)
    return kpis


def _system_kpis(door: FrontDoor, table: pd.DataFrame) -> dict[str, float]:
    """Arrival rate and time-average contacts in the front door (for Little's law)."""
    window = door.window
    arrival = _column(table, "contact")
    leave = _column(table, "outcome")[~np.isnan(arrival)]
    arrival = arrival[~np.isnan(arrival)]  # step-up requests not yet at the front door
    leave = np.where(np.isnan(leave), window.stop, leave)
    overlap = np.clip(leave, window.start, window.end) - np.clip(arrival, window.start, window.end)
    span = window.end - window.start
    in_window = (arrival >= window.start) & (arrival < window.end)
    return {
        "arrivals_per_hour": float(np.count_nonzero(in_window) / (span / 60.0)),
        "contacts_in_system_mean": float(overlap.sum() / span),
    }


def _staff_hour_kpis(
    door: FrontDoor, events: pd.DataFrame, measured: pd.DataFrame
) -> dict[str, float]:
    """Staff hours a year by pool and task, and on contacts that did not meet the threshold
    (in all and by pool)."""
    window = door.window
    tasks = task_times(events)
    tasks = tasks[(tasks["start"] >= window.start) & (tasks["start"] < window.end)]
    per_year = DAYS_PER_YEAR / door.cfg.run.horizon_days / 60.0
    hours = (tasks["end"] - tasks["start"]) * per_year
    kpis: dict[str, float] = {}
    by_task = hours.groupby([tasks["pool"], tasks["task"]]).sum()
    for (pool, task), total in zip(by_task.index.tolist(), by_task.to_numpy(), strict=True):
        kpis[f"hours_{pool}_{task}"] = float(total)
    for pool in door.pools:
        kpis[f"hours_{pool}"] = float(hours[tasks["pool"] == pool].sum())
    below = door.contact_frame().set_index("contact_id")["threshold_met"]
    inappropriate = ~below.reindex(tasks["contact_id"]).to_numpy(dtype=bool)
    kpis["inappropriate_contact_hours"] = float(hours[inappropriate].sum())
    for pool in door.pools:  # priced by sim/analysis/costs.py
        mine = inappropriate & (tasks["pool"] == pool).to_numpy()
        kpis[f"inappropriate_contact_hours_{pool}"] = float(hours[mine].sum())
    return kpis


def queue_profile(door: FrontDoor) -> pd.DataFrame:
    """Mean contacts waiting for each pool by hour of the week (Monday 00:00 = hour 0)."""
    window = door.window
    first = np.ceil(window.start / 60.0) * 60.0
    edges = np.arange(first, window.end + 1e-9, 60.0)
    offset = door.calendar.start_date.weekday() * 24
    hour_of_week = ((edges[:-1] // 60).astype(int) + offset) % HOURS_PER_WEEK
    rows = []
    for name, pool in door.pools.items():
        mean_waiting = pool.waiting.integral_by_bins(edges) / 60.0
        by_hour = pd.Series(mean_waiting).groupby(hour_of_week).mean()
        rows.append(
            pd.DataFrame(
                {"pool": name, "hour_of_week": by_hour.index, "waiting_mean": by_hour.to_numpy()}
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
