"""A gathered sweep as tidy tables: one row per job × KPI, and one per job × replication × KPI.

:mod:`sim.sweep_jobs` reads each job of a sweep into a :class:`~sim.sweep_jobs.Job`; the
tables here are built from those records. The wide ``gathered.csv`` (one row per job) is what a
spreadsheet wants, but an analyst filtering, plotting or pivoting wants *long* tables, where
every number has one row and the swept keys are ordinary columns:

* :func:`long_table` — ``gathered_long.csv`` / ``.parquet``: the swept keys, ``job``, ``kpi``,
  ``mean``, ``ci95_low``, ``ci95_high``, ``n`` and ``status``. A job without KPIs (failed,
  interrupted, incomplete, missing) keeps one row with an empty ``kpi``, so nothing is dropped
  silently;
* :func:`replication_table` — ``gathered_replications.csv`` / ``.parquet``: the swept keys,
  ``job``, ``replication``, ``kpi`` and ``value``, read from each ok job's ``replications.csv``.

Money is in whole pounds (:func:`whole_pounds`): every KPI whose name carries ``_gbp`` is rounded
to the pound, because pence on a simulated annual cost claim a precision the model does not have.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from sim.sweep_jobs import Job

STATS = ("mean", "ci95_low", "ci95_high")
MONEY = "_gbp"


def is_money(kpi: str) -> bool:
    """A KPI in pounds (``annual_staff_cost_gbp``, ``cost_per_contact_gbp`` …)."""
    return MONEY in kpi


def whole_pounds(frame: pd.DataFrame, kpi_column: str | None, columns: Iterable[str]) -> None:
    """Round ``columns`` to whole pounds, in place, on the rows that hold money.

    ``kpi_column`` names the column that holds each row's KPI (a long table); ``None`` means the
    columns themselves are named after KPIs (a wide table), and only money ones are rounded.
    """
    columns = [c for c in columns if c in frame.columns]
    if kpi_column is None:
        for column in columns:
            if is_money(column):
                frame[column] = frame[column].round(0)
        return
    named = frame[kpi_column].astype("string").str.contains(MONEY, regex=False).fillna(False)
    rows = named.to_numpy(dtype=bool)
    for column in columns:
        frame.loc[rows, column] = frame.loc[rows, column].astype(float).round(0)


def swept_keys(jobs: Sequence[Job]) -> list[str]:
    """The override keys whose value differs between jobs, in the order first met.

    With one job (or jobs all alike) every override key is kept, so a row still says what ran.
    """
    keys = list(dict.fromkeys(k for job in jobs for k in job.settings))
    varying = [k for k in keys if len({job.settings.get(k) for job in jobs}) > 1]
    return varying or keys


def long_table(jobs: Sequence[Job]) -> pd.DataFrame:
    """One row per job × KPI (see the module docstring)."""
    keys = swept_keys(jobs)
    rows: list[dict[str, Any]] = []
    for job in jobs:
        head = {"job": job.name, **{k: job.settings.get(k) for k in keys}}
        kpis = job.kpis
        if not kpis:
            rows.append({**head, "kpi": None, "status": job.status})
            continue
        for kpi, stats in kpis.items():
            values = {s: _number(stats.get(s)) for s in STATS}
            n = _number(stats.get("n"))
            rows.append({**head, "kpi": kpi, **values, "n": n, "status": job.status})
    columns = ["job", *keys, "kpi", *STATS, "n", "status"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in STATS:
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    frame["n"] = pd.to_numeric(frame["n"]).astype("Int64")
    whole_pounds(frame, "kpi", STATS)
    return frame


def replication_table(jobs: Sequence[Job]) -> pd.DataFrame:
    """One row per job × replication × KPI: every number behind every interval."""
    keys = swept_keys(jobs)
    frames = []
    for job in jobs:
        table = job.replications()
        if table is None:
            continue
        melted = table.melt(id_vars="replication", var_name="kpi", value_name="value")
        for key in reversed(keys):
            melted.insert(0, key, job.settings.get(key))
        melted.insert(0, "job", job.name)
        frames.append(melted)
    columns = ["job", *keys, "replication", "kpi", "value"]
    if not frames:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(frames, ignore_index=True)[columns]
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    whole_pounds(frame, "kpi", ["value"])
    return frame


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
