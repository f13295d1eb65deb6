"""The run folder: ``summary.json``, ``summary.md``, ``replications.csv``, ``events.parquet``
and plots.

Every file is written atomically — to a temporary name in the same folder, then renamed — so a
crash or an interrupted job never leaves a half-written file that looks complete. Who owns the
folder, and whether its outputs are complete, is :mod:`sim.lifecycle`'s business
(``status.json``): :func:`write_run` only writes the outputs.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

from sim.atomic import write_atomic
from sim.provenance import provenance
from sim.report.table import HEADLINE, queue_table
from sim.report.words import (
    COST_KPI,
    HEADLINE_KPI,
    clipped,
    headline_sentence,
    label,
    money,
    number,
    run_name,
)
from sim.runner import Results


def _json_safe(value: Any) -> Any:
    """NaN and infinity are not JSON: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def summary_document(
    results: Results, overrides: list[str] | None = None, theory: dict[str, float] | None = None
) -> dict[str, Any]:
    """The content of ``summary.json``."""
    document: dict[str, Any] = {
        "scenario": results.scenario,
        "kpis": results.summary,
        "provenance": provenance(results.config, overrides),
    }
    if theory:
        document["theory"] = theory
    return _json_safe(document)


def summary_markdown(results: Results, overrides: list[str] | None = None) -> str:
    """``summary.md``: the page's plain sentence first, then the headline KPIs in words.

    One run compares with nothing, so it states levels (95% CIs cut to what is possible;
    ``summary.json`` keeps them raw); a change — in percentage points, beside its cost — is the
    page's, an experiment's or a sweep's paired comparison on the same seeds.
    """
    name = run_name(results.scenario, overrides or ())
    s = results.summary
    lines = [f"# {name}", ""]
    if HEADLINE_KPI in s:
        lines += [headline_sentence(name, s[HEADLINE_KPI]), ""]
    if COST_KPI in s:
        lines += [f"Its annual staff cost to the council is {money(s[COST_KPI]['mean'])}.", ""]
    lines += ["| measure | mean | 95% CI |", "|---|---:|---:|"]
    for kpi in [k for k in HEADLINE if k in s]:
        low, high = clipped(kpi, s[kpi]["ci95_low"], s[kpi]["ci95_high"])
        ci = f"{number(low, kpi)} to {number(high, kpi)}"
        lines.append(f"| {label(kpi)} | {number(s[kpi]['mean'], kpi)} | {ci} |")
    run = results.config.run
    lines += [
        "",
        f"{run.replications} replications of {run.horizon_days:g} measured days after "
        f"{run.warmup_days:g} days' warm-up, seed {run.seed}. Every KPI is in `summary.json` by "
        "name. To see what a change does, run it beside this one on the same seeds (the "
        "leaders' page, an experiment or a sweep): changes in shares are then given in "
        "percentage points, with the change in cost beside them.",
        "",
    ]
    return "\n".join(lines)


def write_run(
    results: Results,
    folder: Path,
    overrides: list[str] | None = None,
    theory: dict[str, float] | None = None,
) -> dict[str, Path]:
    """Write every output of a run into ``folder``; return the paths written."""
    from sim.report.plots import write_plots

    folder.mkdir(parents=True, exist_ok=True)
    document = summary_document(results, overrides, theory)
    text = json.dumps(document, indent=2, allow_nan=False) + "\n"
    written = {
        "summary": write_atomic(folder / "summary.json", lambda p: _write_text(p, text)),
        "replications": write_atomic(
            folder / "replications.csv",
            lambda p: results.replications.to_csv(p, index=False),
        ),
    }
    report = getattr(results, "replication_report", None)
    if report is not None:  # how the automatic replication count chose n
        written["replication_search"] = write_atomic(
            folder / "replications_search.csv", lambda p: report.table.to_csv(p, index=False)
        )
    markdown = summary_markdown(results, overrides)
    written["summary_md"] = write_atomic(folder / "summary.md", lambda p: _write_text(p, markdown))
    queues = queue_table(results)
    written["queues"] = write_atomic(
        folder / "queue_by_hour_of_week.csv", lambda p: queues.to_csv(p, index=False)
    )
    log = getattr(results, "event_log", None)
    if log is not None:  # streamed to a file as the replications ran: copied, never loaded
        log.close()
        source = log.path

        def copy_log(path: Path) -> None:
            shutil.copyfile(source, path)

        written["events"] = write_atomic(folder / "events.parquet", copy_log)
    if results.config.run.plots:
        written.update(write_plots(results, folder, write_atomic, overrides or ()))
    return written
