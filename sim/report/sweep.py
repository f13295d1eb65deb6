"""The paired differences of a gathered sweep, printed: the few KPIs a reader looks at first.

Every number is in ``gathered_differences.csv`` and ``gathered_interactions.csv``; this table
shows, for the headline KPIs, each job's paired difference from the baseline with its 95% CI
and whether it is real (the CI excludes 0), then, for a factorial sweep, one sentence per
interaction contrast of the first KPI.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from sim.report.words import change, label

if TYPE_CHECKING:
    import pandas as pd

    from sim.sweep_jobs import Job

SHOWN = ("decision_within_1wd_pct", "decision_working_days_mean", "annual_staff_cost_gbp")
"""The KPIs printed; the tables hold every KPI."""


def _ci(low: object, high: object, kpi: str) -> str:
    return f"{change(low, kpi)} to {change(high, kpi)}"


def difference_table(base: Job, differences: pd.DataFrame, keys: Sequence[str]) -> Table:
    """Each job against the baseline, for the KPIs of :data:`SHOWN`: one row per job and KPI."""
    shown = [k for k in SHOWN if k in set(differences["kpi"])]
    named = " ".join(f"{k}={base.settings.get(k)}" for k in keys) or f"job {base.name}"
    table = Table(
        title=f"Paired differences from {named}",
        caption="95% CIs on common random numbers; every KPI is in gathered_differences.csv",
    )
    for column in ("job", "measure (unit)", "difference", "95% CI", "real"):
        table.add_column(column, justify="right" if column in ("difference", "95% CI") else "left")
    for job, rows in differences.groupby("job", sort=False):
        by_kpi = rows.set_index("kpi")
        for kpi in shown:
            r = by_kpi.loc[kpi]
            real = "yes" if r["real"] else "no"
            interval = _ci(r["ci_low"], r["ci_high"], kpi)
            table.add_row(str(job), label(kpi), change(r["difference"], kpi), interval, real)
    return table


def job_legend(differences: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """``job 1: staffing=plus_2_social_workers``: what each job of the table changed."""
    first = differences.drop_duplicates("job")
    return [
        f"job {r['job']}: " + " ".join(f"{k}={r[k]}" for k in keys) for _, r in first.iterrows()
    ]


def interaction_lines(interactions: pd.DataFrame, kpi: str) -> list[str]:
    """One sentence per contrast: what a change adds under another change and without it."""
    lines = []
    for _, r in interactions[interactions["kpi"] == kpi].iterrows():
        verdict = "a real interaction" if r["real"] else "no interaction shown"
        lines.append(
            f"{label(kpi)}: {r['change']} adds {change(r['effect_under'], kpi)} "
            f"({_ci(r['effect_under_ci_low'], r['effect_under_ci_high'], kpi)}) with {r['under']}, "
            f"{change(r['effect_instead_of'], kpi)} "
            f"({_ci(r['effect_instead_of_ci_low'], r['effect_instead_of_ci_high'], kpi)}) with "
            f"{r['instead_of']}: interaction {change(r['interaction'], kpi)} "
            f"({_ci(r['ci_low'], r['ci_high'], kpi)}; {verdict})"
        )
    return lines


def print_differences(
    base: Job, differences: pd.DataFrame, interactions: pd.DataFrame, keys: Sequence[str]
) -> None:
    """Print the difference table and, if the sweep is factorial, the interactions."""
    console = Console()
    if not differences.empty:
        for line in job_legend(differences, keys):
            console.print(line, highlight=False)
        console.print(difference_table(base, differences, keys))
    if not interactions.empty:
        for line in interaction_lines(interactions, SHOWN[0]):
            console.print(line, highlight=False)
