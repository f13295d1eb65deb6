"""What a leader takes away from the page: the results as CSV and a one-page briefing.

The briefing is Markdown: the headline sentence first, then the KPIs with their 95% CIs, the
paired changes in percentage points beside the cost, the command that reproduces the run and
what the run was. It is built from :class:`sim.app.answer.Answer` alone.
"""

from __future__ import annotations

import pandas as pd

from sim.app.answer import Answer
from sim.report.words import change, number


def results_csv(answer: Answer) -> str:
    """The page's KPI table (today, the option, the paired change, 95% CIs) as CSV text."""
    return answer.table().to_csv(index=False, float_format="%.4f")


def _interval(row: pd.Series, name: str, kpi: str, fmt: object) -> str:
    low, high = row.get(f"{name}_ci95_low"), row.get(f"{name}_ci95_high")
    if low is None or pd.isna(low):
        return ""
    show = fmt  # number or change
    return f" ({show(low, kpi)} to {show(high, kpi)})"  # type: ignore[operator]


def briefing_markdown(answer: Answer) -> str:
    """The one-page briefing (Markdown)."""
    s = answer.settings
    lines = [
        f"# Briefing: {answer.option}",
        "",
        answer.sentence(),
        "",
        "| measure | today (95% CI) | "
        + ("option (95% CI) | change (95% CI) |" if answer.changed else "")
        + "",
        "|---|---:|" + ("---:|---:|" if answer.changed else ""),
    ]
    for _, row in answer.table().iterrows():
        kpi = str(row["kpi"])
        cells = [f"{number(row['today'], kpi)}{_interval(row, 'today', kpi, number)}"]
        if answer.changed:
            cells.append(f"{number(row['option'], kpi)}{_interval(row, 'option', kpi, number)}")
            cells.append(f"{change(row['change'], kpi)}{_interval(row, 'change', kpi, change)}")
        lines.append(f"| {row['measure']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Shares are of contacts in the measured period; a change in a share is in percentage "
        "points (pp). Changes are paired: both options saw the same children (common random "
        "numbers), so the interval of the change is narrower than the two intervals suggest. "
        "Costs are the council's annual staff cost of the establishment.",
        "",
        f"Run: {s.replications} replications of {s.horizon_days} measured days after "
        f"{s.warmup_days} days' warm-up (and {s.drain_days} days' drain). Reproduce it with:",
        "",
        "```",
        answer.command(),
        "```",
        "",
    ]
    return "\n".join(lines)
