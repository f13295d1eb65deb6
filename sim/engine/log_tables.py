"""The event log as the two tables every KPI is computed from: one row per contact, one per
staffed task.

Both work on the log's integer codes, never on its strings: a replication-year holds about half
a million rows, and turning each row's categorical event into a string (to test its suffix)
cost more than every KPI computed afterwards. Here the string work is done once per *category*
(a few dozen names) and the rows are handled as numpy arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def contact_table(events: pd.DataFrame) -> pd.DataFrame:
    """One row per contact (sorted by id), one column per event that happened (in the log's
    category order): the time the event first happened, NaN if it never did."""
    event = events["event"].cat
    names = np.asarray(event.categories, dtype=object)
    codes = event.codes.to_numpy()
    contacts, row = np.unique(events["contact_id"].to_numpy(), return_inverse=True)
    seen = np.unique(codes[codes >= 0])
    column = np.searchsorted(seen, codes)
    times = np.full((contacts.size, seen.size), np.inf)
    valid = codes >= 0
    np.minimum.at(times, (row[valid], column[valid]), events["time"].to_numpy()[valid])
    times[np.isinf(times)] = np.nan
    return pd.DataFrame(
        times,
        index=pd.Index(contacts, name="contact_id"),
        columns=pd.Index([str(name) for name in names[seen]], name="event"),
    )


def task_times(events: pd.DataFrame) -> pd.DataFrame:
    """Every staffed task: contact, start, pool, task, repeat number ``n`` and end (a task's
    repeats — clarification rounds — paired in order)."""
    pool = events["pool"].cat
    pool_names = np.asarray([str(name) for name in pool.categories], dtype=object)
    pool_codes = pool.codes.to_numpy()
    staffed = (pool_codes >= 0) & (pool_names[np.maximum(pool_codes, 0)] != "")
    event = events["event"].cat
    event_names = [str(name) for name in event.categories]
    event_codes = event.codes.to_numpy()
    parts = []
    for kind in ("start", "end"):
        suffix = f"_{kind}"
        task_of = np.array(
            [name.removesuffix(suffix) if name.endswith(suffix) else "" for name in event_names],
            dtype=object,
        )
        is_kind = np.array([name.endswith(suffix) for name in event_names] + [False])
        mask = staffed & is_kind[event_codes]  # code -1 (missing) indexes the False at the end
        part = pd.DataFrame(
            {
                "contact_id": events["contact_id"].to_numpy()[mask],
                kind: events["time"].to_numpy()[mask],
                "pool": pool_names[pool_codes[mask]],
                "task": task_of[event_codes[mask]],
            },
            index=events.index[mask],
        )
        part["n"] = part.groupby(["contact_id", "task"]).cumcount()
        parts.append(part)
    starts, ends = parts
    return starts.merge(ends[["contact_id", "task", "n", "end"]], on=["contact_id", "task", "n"])
