"""KPIs of one replication, computed once, here, from the event log and the pools' records.

Plots, reports, the CLI and the tests all read these numbers, so a KPI has one definition.
Names are stable snake_case (they are the columns of ``replications.csv`` and the keys of
``summary.json``). Contacts are measured if they *arrive* inside the window ``[warm-up end,
horizon end)``; the run then continues through a drain period so their waits are seen in full
rather than cut off at the horizon (cutting them off would bias waits downwards).

Working-day KPIs use the working-day clock (:meth:`WorkingCalendar.working_days_between`):
a decision is *within one working day* when at most one working day has elapsed since the contact
arrived.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model import FrontDoor
from sim.pathway.front_door import STAGES

WITHIN_TOLERANCE = 1e-9
"""Slack for floating-point round-off when comparing an elapsed time with a deadline."""


def contact_table(events: pd.DataFrame) -> pd.DataFrame:
    """One row per contact, one column per event: the time the event (first) happened."""
    table = events.groupby(["contact_id", "event"], observed=True)["time"].min().unstack()
    table.columns = table.columns.astype(str)
    return table


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if values.size else float("nan")


def _pct(flags: np.ndarray) -> float:
    return float(100.0 * np.mean(flags)) if flags.size else float("nan")


def measured_contacts(door: FrontDoor, table: pd.DataFrame) -> pd.DataFrame:
    """The contacts of ``table`` that arrived in the window, with their decision time.

    Adds ``decision_working_days`` (NaN while undecided) to the event-time columns.
    """
    window = door.window
    arrival = table["contact"].to_numpy()
    measured = table[(arrival >= window.start) & (arrival < window.end)].copy()
    decision = (
        measured["outcome"].to_numpy() if "outcome" in measured else np.full(len(measured), np.nan)
    )
    working_days = np.full(len(measured), np.nan)
    decided = ~np.isnan(decision)
    working_days[decided] = door.calendar.working_days_between(
        measured["contact"].to_numpy()[decided], decision[decided]
    )
    measured["decision_working_days"] = working_days
    return measured


def replication_kpis(door: FrontDoor, events: pd.DataFrame) -> dict[str, float]:
    """Every KPI of one replication."""
    table = contact_table(events)
    return kpis_from(door, table, measured_contacts(door, table))


def kpis_from(door: FrontDoor, table: pd.DataFrame, measured: pd.DataFrame) -> dict[str, float]:
    """Every KPI of one replication from its contact table and measured contacts."""
    window = door.window
    kpis: dict[str, float] = {"contacts": float(len(measured))}
    kpis.update(_decision_kpis(measured))
    kpis.update(_stage_kpis(measured))
    kpis.update(_system_kpis(door, table))
    for name, pool in door.pools.items():
        kpis[f"utilisation_{name}"] = pool.utilisation(window.start, window.end)
        kpis[f"queue_mean_{name}"] = pool.waiting.mean(window.start, window.end)
    return kpis


def _decision_kpis(measured: pd.DataFrame) -> dict[str, float]:
    """Time from contact to the manager's decision, in working days and in minutes."""
    arrival = measured["contact"].to_numpy()
    outcome = (
        measured["outcome"].to_numpy() if "outcome" in measured else np.full(len(measured), np.nan)
    )
    decided = ~np.isnan(outcome)
    working_days = measured["decision_working_days"].to_numpy()[decided]
    within = np.zeros(len(measured), dtype=bool)
    within[decided] = working_days <= 1.0 + WITHIN_TOLERANCE
    return {
        "open_at_end": float(np.count_nonzero(~decided)),
        "decision_working_days_mean": _mean(working_days),
        "decision_working_days_p90": (
            float(np.percentile(working_days, 90)) if working_days.size else float("nan")
        ),
        "decision_within_1wd_pct": _pct(within),
        "time_in_system_minutes_mean": _mean(outcome[decided] - arrival[decided]),
    }


def _stage_kpis(measured: pd.DataFrame) -> dict[str, float]:
    """Waits and times at each stage, for the verification presets and for diagnosis."""
    kpis: dict[str, float] = {}
    for stage in STAGES:
        start_col, end_col, queued_col = f"{stage}_start", f"{stage}_end", f"{stage}_queued"
        if end_col not in measured:
            continue
        done = measured[measured[end_col].notna()]
        entered = done[queued_col] if queued_col in done else done[start_col]
        kpis[f"{stage}_sojourn_minutes_mean"] = _mean((done[end_col] - entered).to_numpy())
        if queued_col in done:
            wait = (done[start_col] - done[queued_col]).to_numpy()
            kpis[f"{stage}_wait_minutes_mean"] = _mean(wait)
            kpis[f"{stage}_waited_pct"] = _pct(wait > WITHIN_TOLERANCE)
    return kpis


def _system_kpis(door: FrontDoor, table: pd.DataFrame) -> dict[str, float]:
    """Arrival rate and time-average contacts in the front door (for Little's law)."""
    window = door.window
    arrival = table["contact"].to_numpy()
    leave = table["outcome"].to_numpy() if "outcome" in table else np.full(arrival.size, np.nan)
    leave = np.where(np.isnan(leave), window.stop, leave)
    overlap = np.clip(leave, window.start, window.end) - np.clip(arrival, window.start, window.end)
    span = window.end - window.start
    in_window = (arrival >= window.start) & (arrival < window.end)
    return {
        "arrivals_per_hour": float(np.count_nonzero(in_window) / (span / 60.0)),
        "contacts_in_system_mean": float(overlap.sum() / span),
    }
