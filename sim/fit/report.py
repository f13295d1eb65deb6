"""The fit report: a Markdown page of every estimate with its interval, the config key it sets,
the distributions tried for each duration with their goodness of fit, and the notes.

Counts of 1–4 are shown as ``<5``, and a share whose numerator (or the rest) is 1–4 is
suppressed, as the published children-in-need statistics do: a small count could point at a
child. The report names no row, no date of birth, no ID and no name.
"""

from __future__ import annotations

import math

from sim.fit.durations import DurationFit
from sim.fit.estimates import Estimate, Fit

SMALL = 5


def count(n: float) -> str:
    """A count as the report shows it (``<5`` for 1–4)."""
    return "<5" if 0 < n < SMALL else f"{n:,.0f}"


def _value(e: Estimate) -> str:
    if 0 < e.n < SMALL:
        return "suppressed (<5)"
    if e.unit == "%":
        k = round(e.value * e.n / 100)
        if 0 < k < SMALL or 0 < e.n - k < SMALL:
            return "suppressed (<5)"
        return f"{e.value:.1f}% ({e.low:.1f}–{e.high:.1f})"
    if e.unit in ("contacts",):
        return f"{e.value:,.0f} ({e.low:,.0f}–{e.high:,.0f})"
    if e.unit == "WD":
        return f"{e.value:.1f} WD ({e.low:.1f}–{e.high:.1f})"
    return f"{e.value:.3g} ({e.low:.3g}–{e.high:.3g})"


def _durations(fit: DurationFit, title: str, figure: str) -> list[str]:
    lines = [f"### {title}", "", f"![{title}]({figure})", ""]
    lines += [
        f"{count(fit.days.size)} durations; within {fit.limit} WD: "
        f"{fit.within.value:.1f}% ({fit.within.low:.1f}–{fit.within.high:.1f}); median "
        f"{fit.median.value:.1f} WD ({fit.median.low:.1f}–{fit.median.high:.1f}).",
        "",
    ]
    if fit.candidates:
        lines += [
            "| candidate (scipy.stats) | parameters | KS distance | AIC |",
            "|---|---|---|---|",
        ]
        for c in fit.candidates:
            params = ", ".join(f"{p:.4g}" for p in c.params)
            lines.append(f"| {c.name} | {params} | {c.ks:.3f} | {c.aic:,.1f} |")
        lines += ["", f"Chosen by AIC: **{fit.candidates[0].name}**.", ""]
    return lines


def report_markdown(
    fit: Fit,
    name: str,
    figures: dict[str, str],
    *,
    notes: list[str],
    dropped: dict[str, int],
    files: list[str],
) -> str:
    """The report page; ``figures`` maps a figure's role to its file name beside the page."""
    lines = [f"# Fit of the Annex A extract: `{name}`", ""]
    if fit.first and fit.last:
        lines += [f"Period of List 1: {fit.first:%B %Y} to {fit.last:%B %Y}.", ""]
    lines += [
        "Run the model on it:",
        "",
        "```",
        f"frontdoor --config-dir <out> demand={name} after_decision={name}",
        "```",
        "",
    ]
    lines += ["Files written: " + ", ".join(f"`{f}`" for f in files) + ".", ""]
    if any(dropped.values()):
        lines += [
            "Rows dropped (`--drop-bad-rows`): "
            + ", ".join(f"{k}: {count(v)}" for k, v in dropped.items() if v)
            + ".",
            "",
        ]
    lines += [
        "## Estimates",
        "",
        "| estimate | value (95% CI) | rows | sets |",
        "|---|---|---|---|",
    ]
    for e in fit.estimates:
        if not math.isfinite(e.value):
            continue
        sets = f"`{e.drives}`" if e.drives else "report only"
        lines.append(f"| {e.name} | {_value(e)} | {count(e.n)} | {sets} |")
    lines.append("")
    if fit.arrivals is not None:
        lines += ["## Arrivals", ""]
        lines += [
            "Day-of-week multipliers (mean 1 over the week; 95% CI) and the overdispersion of "
            "each source's daily counts (1: Poisson):",
            "",
            "| source | Mon | Tue | Wed | Thu | Fri | Sat | Sun | overdispersion |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for source, s in fit.arrivals.sources.items():
            if s.count < SMALL:
                continue
            days = " | ".join(
                f"{w.value:.2f} ({w.low:.2f}–{w.high:.2f})" for w in s.weekday_intervals
            )
            lines.append(f"| {source} | {days} | {s.dispersion:.2f} |")
        lines.append("")
        lines.append(
            "Hour-of-day profile: "
            + (
                "fitted from the times of day in List 1."
                if fit.arrivals.hour_of_day
                else "List 1 has no times of day; each source keeps its default hour-of-day shape."
            )
        )
        lines.append("")
        for role in ("contacts_by_source", "contacts_by_weekday", "contacts_by_month"):
            if role in figures:
                lines += [f"![{role}]({figures[role]})", ""]
    if fit.assessment is not None and fit.assessment.days.size:
        lines += _durations(
            fit.assessment,
            "Assessment duration (start to authorisation)",
            figures.get("assessment", ""),
        )
        if fit.open_assessments:
            lines += [
                f"{count(fit.open_assessments)} assessments not yet authorised are left out "
                "of the durations.",
                "",
            ]
    if fit.icpc_lead is not None and fit.icpc_lead.days.size:
        lines += _durations(fit.icpc_lead, "Strategy discussion to ICPC", figures.get("icpc", ""))
    if notes:
        lines += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    lines += [
        "Counts of 1–4 are shown as `<5` and shares resting on them are suppressed; figures leave "
        "such bins empty. Nothing identifying from the extract (child IDs, dates of birth, names, "
        "teams, free text) is read into this report.",
        "",
    ]
    return "\n".join(lines)
