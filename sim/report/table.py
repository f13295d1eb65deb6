"""The KPI table printed at the end of a run (rich), with theory beside it when verifying.

KPIs are named in words with their units and their numbers written by
:func:`sim.report.words.number`, as on the page and in the reports; the names behind them are
the keys of ``summary.json``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.report.words import clipped, label, number
from sim.runner import Results

HEADLINE = (
    "contacts",
    "referrals",
    "conversion_pct",
    "referral_share_pct_police",
    "out_of_hours_pct",
    "decision_within_1wd_pct",
    "decision_working_days_mean",
    "decision_working_days_p90",
    "decision_within_1wd_pct_red",
    "triage_working_hours_mean",
    "clarification_pct",
    "partner_info_pct",
    "partner_info_wait_working_days_mean",
    "inappropriate_contact_hours",
    "open_at_end",
    "step_up_working_days_mean",
    "strategy_discussion_working_days_mean",
    "strategy_discussion_within_target_pct",
    "icpc_within_15wd_pct",
    "assessment_within_45wd_pct",
    "assessment_working_days_median",
    "allocation_wait_working_days_mean",
    "re_referral_pct",
    "annual_staff_cost_gbp",
    "cost_per_contact_gbp",
    "cost_per_referral_gbp",
    "inappropriate_contact_cost_gbp",
)
"""The KPIs printed after a run, costs last; every KPI is in summary.json and replications.csv."""


def shown_kpis(results: Results, theory: dict[str, float] | None) -> list[str]:
    """Headline KPIs, every utilisation, and (when verifying) every KPI with a theory value."""
    names = [k for k in HEADLINE if k in results.summary]
    names += [k for k in results.summary if k.startswith(("utilisation_", "caseload_mean_"))]
    names += [k for k in (theory or {}) if k in results.summary and k not in names]
    return names


def kpi_table(
    results: Results, theory: dict[str, float] | None = None, overrides: Sequence[str] = ()
) -> Table:
    """Mean and 95% CI of the headline KPIs (and the theoretical value, if any).

    The title names the scenario and the run's ``overrides``, so the tables of a sweep's jobs
    (all of one scenario, perhaps) say which job each is.
    """
    changed = f" [{' '.join(overrides)}]" if overrides else ""
    table = Table(
        title=escape(
            f"{results.scenario}{changed}: {results.config.run.replications} replications"
        ),
        caption=f"{len(results.summary)} KPIs in summary.json by name; CIs cut to what is "
        "possible here, raw there",
    )
    table.add_column("measure (unit)")
    table.add_column("mean", justify="right")
    table.add_column("95% CI", justify="right")
    if theory:
        table.add_column("theory", justify="right")
    for name in shown_kpis(results, theory):
        stats = results.summary[name]
        low, high = clipped(name, stats["ci95_low"], stats["ci95_high"])
        row = [escape(label(name)), number(stats["mean"], name)]
        row.append(f"{number(low, name)} – {number(high, name)}")
        if theory:
            row.append(number(theory.get(name), name))
        table.add_row(*row)
    return table


def print_kpis(
    results: Results, theory: dict[str, float] | None = None, overrides: Sequence[str] = ()
) -> None:
    """Print the KPI table to standard output."""
    Console(width=110).print(kpi_table(results, theory, overrides))


def queue_table(results: Results) -> pd.DataFrame:
    """Mean contacts waiting per pool and hour of week, averaged over replications."""
    if results.queues.empty:
        return pd.DataFrame(columns=["pool", "hour_of_week", "waiting_mean"])
    grouped = results.queues.groupby(["pool", "hour_of_week"], as_index=False)
    table = grouped.agg(waiting_mean=("waiting_mean", "mean"))
    return table.sort_values(["pool", "hour_of_week"])
