"""The attribution's report: a sentence that answers, a table per scenario, the parameters
behind each mechanism with their parameters.md tags, ``decomposition.csv`` and a waterfall
(:func:`sim.report.plots.waterfall_figure`). The numbers come from
:func:`experiments.attribution.decompose`; nothing here runs a simulation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sim.atomic import write_atomic
from sim.report.plots import waterfall_figure

from .attribution import Absent, Attribution, Changes
from .common import save_png, save_text


def _num(value: Any, digits: int = 2) -> str:
    v = float(value)
    return "–" if pd.isna(v) else f"{v:+,.{digits}f}"


def _show(value: Any) -> str:
    """A config value as a reader of the YAML would write it."""
    if isinstance(value, Absent):
        return "–"
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _ci(row: pd.Series) -> str:
    return f"{_num(row['difference'])} ({_num(row['ci_low'])} to {_num(row['ci_high'])})"


def attribution_answer(attribution: Attribution, table: pd.DataFrame) -> str:
    """One clause per scenario: its total and what each mechanism adds, in order."""
    kpi = attribution.kpis[0]
    parts = []
    for scenario in attribution.scenarios:
        rows = table[(table["scenario"] == scenario) & (table["kpi"] == kpi)]
        total = rows[rows["kind"] == "total"].iloc[0]
        steps = [
            f"{r['label']} {_num(r['difference'])} ({_num(100 * r['share_of_total'], 0)}%)"
            for _, r in rows[rows["kind"] == "step"].iterrows()
        ]
        parts.append(f"**{scenario}** {_ci(total)} = " + " + ".join(steps))
    keys = sorted({k for cell in table["parameters"].dropna() for k in str(cell).split(";") if k})
    return (
        f"Each scenario's change in `{kpi}` (95% CI), built up mechanism by mechanism: "
        + "; ".join(parts)
        + f". What the steps change rests on — {attribution.rests_on(keys)} (parameters.md tags)."
    )


def attribution_markdown(
    attribution: Attribution, table: pd.DataFrame, changed: Changes, note: str = ""
) -> str:
    """The attribution section of ``summary.md``."""
    kpis = list(attribution.kpis)
    order = " → ".join(m.label for m in attribution.mechanisms)
    needs = " ".join(
        f"{m.label} alone keeps `{'`, `'.join(m.needs)}` on: it cannot run without."
        for m in attribution.mechanisms
        if m.needs
    )
    lines = [
        "## Attribution: what each mechanism contributes",
        "",
        f"**Answer.** {attribution_answer(attribution, table)}",
        "",
        f"Mechanisms are switched on one at a time, cumulatively, in the order {order}, on "
        "common random numbers: a step is the paired difference from the step before, so a "
        "scenario's steps add up to its total replication by replication. *alone* is the same "
        "mechanism switched on by itself from the baseline; *order effect* = step − alone (how "
        f"much a step depends on what was switched on before it). {needs} {note}".rstrip(),
    ]
    head = " | ".join(f"Δ `{k}` (95% CI)" for k in kpis)
    for scenario in attribution.scenarios:
        rows = table[table["scenario"] == scenario]
        lines += ["", f"### {scenario}", ""]
        lines += [f"| step | {head} | share | alone | order effect | rests on |"]
        lines += ["|---" * (len(kpis) + 5) + "|"]
        for _, group in rows.groupby("order", sort=True):
            by_kpi = group.set_index("kpi")
            first = by_kpi.loc[kpis[0]]
            extra = ["100%", "", ""]
            if first["kind"] == "step":
                share = f"{_num(100 * first['share_of_total'], 0)}%"
                extra = [share, _num(first["alone_difference"]), _num(first["order_effect"])]
            cells = [first["label"], *(_ci(by_kpi.loc[k]) for k in kpis), *extra]
            lines.append("| " + " | ".join([*cells, first["rests_on"]]) + " |")
        sums = rows[rows["kind"] == "step"].groupby("kpi")["difference"].sum()
        lines.append("| sum of steps | " + " | ".join(_num(sums[k]) for k in kpis) + " | | | | |")
    lines += [
        "",
        f"Share, alone and order effect are for `{kpis[0]}`.",
        "",
        "### Parameters behind each mechanism",
        "",
        "| mechanism | parameter | keys: baseline → scenario | cited in conf/ | tag |",
        "|---|---|---|---|---|",
    ]
    for m in attribution.mechanisms:
        groups: dict[tuple[str, str, str], list[str]] = {}
        for key, (base, value) in changed.items():
            if m.owns(key):
                tag = attribution.tag_of(key)
                suffix = key.removeprefix(tag[0]).lstrip(".") or key.rsplit(".", 1)[-1]
                groups.setdefault(tag, []).append(f"{suffix}: {_show(base)} → {_show(value)}")
        for (prefix, source, tag), cells in groups.items():
            lines.append(f"| {m.label} | `{prefix}` | {'; '.join(cells)} | {source} | {tag} |")
    lines += [
        "",
        "A step's size also rests on the baseline values it replaces (e.g. §1f partner reply "
        "times and efforts, ESTIMATE). Figure: `decomposition.png`; table: `decomposition.csv`.",
        "",
    ]
    return "\n".join(lines)


def write_attribution(
    attribution: Attribution, table: pd.DataFrame, changed: Changes, out: Path, note: str = ""
) -> Path:
    """``decomposition.csv``, ``decomposition.png`` and a section appended to ``summary.md``."""
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "decomposition.csv", lambda p: table.to_csv(p, index=False))
    figure = waterfall_figure(table, list(attribution.kpis[:2]), "effect by mechanism")
    save_png(out / "decomposition.png", figure)
    summary = out / "summary.md"
    text = summary.read_text(encoding="utf-8").rstrip("\n") + "\n\n" if summary.exists() else ""
    section = attribution_markdown(attribution, table, changed, note)
    return save_text(summary, text + section)
