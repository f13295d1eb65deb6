"""The KPI table printed at the end of a run (rich), with theory beside it when verifying."""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table

from sim.runner import Results


def _fmt(value: float | None) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def kpi_table(results: Results, theory: dict[str, float] | None = None) -> Table:
    """Mean and 95% CI of every KPI (and the theoretical value, if any)."""
    table = Table(title=f"{results.scenario}: {results.config.run.replications} replications")
    table.add_column("KPI")
    table.add_column("mean", justify="right")
    table.add_column("95% CI", justify="right")
    if theory:
        table.add_column("theory", justify="right")
    for name, stats in results.summary.items():
        row = [name, _fmt(stats["mean"]), f"{_fmt(stats['ci95_low'])} – {_fmt(stats['ci95_high'])}"]
        if theory:
            row.append(_fmt(theory.get(name)))
        table.add_row(*row)
    return table


def print_kpis(results: Results, theory: dict[str, float] | None = None) -> None:
    """Print the KPI table to standard output."""
    Console(width=110).print(kpi_table(results, theory))
