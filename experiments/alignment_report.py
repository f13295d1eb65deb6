"""The budget-alignment report: the tables, the figure and the verdict in ``summary.md``.

:mod:`experiments.budget_alignment` runs the search (:mod:`sim.optimise`) and its confirmation
(:mod:`sim.confirmation`); this module only words their results, so the report can change
without touching how the answer is found.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.config import RunConfig
from sim.confirmation import Confirmation, ConfirmTry, recommended, target_met
from sim.optimise import CONFIDENCE, Evaluation, Evaluator, SearchResult, Target
from sim.report.plots import search_figure
from sim.report.words import clipped, number
from sim.report.words import label as kpi_label

from .budget_frontier import finance_csv, gbp
from .common import save_png, save_text


def short(key: str) -> str:
    """``staffing.pools.managers.staff`` → ``managers``: the pool's or team's name."""
    return key.split(".")[-2]


@dataclass
class Alignment:
    """The search, its confirmation on fresh replications, and the staffing recommended."""

    search: SearchResult
    confirmation: Confirmation | None
    recommended: Evaluation | None  # on the search's seeds; see confirmation for fresh ones

    @property
    def best(self) -> Evaluation | None:
        return self.search.best


def kpi_columns(
    e: Evaluation | None, targets: Sequence[Target], prefix: str = ""
) -> dict[str, float]:
    """Each target KPI's mean, 95% CI and one-sided bound (NaN: not simulated)."""
    row: dict[str, float] = {}
    for t in targets:
        low, high = e.ci95.get(t.kpi, (math.nan, math.nan)) if e else (math.nan, math.nan)
        row[f"{prefix}{t.kpi}"] = e.means[t.kpi] if e else math.nan
        row[f"{prefix}{t.kpi}_ci95_low"] = low
        row[f"{prefix}{t.kpi}_ci95_high"] = high
        row[f"{prefix}{t.kpi}_bound"] = e.bounds[t.kpi] if e else math.nan
    return row


def evaluations_table(
    evaluations: Sequence[Evaluation],
    result: SearchResult,
    targets: Sequence[Target],
    today: dict[str, int],
    pick: Evaluation | None = None,
) -> pd.DataFrame:
    """Every staffing simulated on the search's seeds (steps up while confirming included)."""
    rows = []
    for e in evaluations:
        row: dict[str, object] = {short(k): v for k, v in e.staffing.items()}
        row["annual_staff_cost_gbp"] = e.cost_gbp
        row.update(kpi_columns(e, targets))
        row["meets_targets"] = e.meets
        row["chosen"] = result.best is e
        row["recommended"] = pick is e
        row["today"] = e.staffing == today
        row["start"] = result.start is e
        row["ceiling"] = result.ceiling is e
        rows.append(row)
    return pd.DataFrame(rows).sort_values("annual_staff_cost_gbp")


def _tries(check: Confirmation) -> list[tuple[str, ConfirmTry]]:
    named = [(f"step up {i}: {t.how}" if i else t.how, t) for i, t in enumerate(check.tries)]
    return named + ([("today", check.today)] if check.today is not None else [])


def confirmation_table(
    check: Confirmation, targets: Sequence[Target], pick: Evaluation | None = None
) -> pd.DataFrame:
    """Each staffing confirmed (and today's): search-seed and fresh KPIs side by side."""
    rows = []
    for role, t in _tries(check):
        e = t.confirmed
        row: dict[str, object] = {"role": role, **{short(k): v for k, v in e.staffing.items()}}
        row.update(annual_staff_cost_gbp=e.cost_gbp, seed=check.seed)
        row["replications"] = check.replications
        row.update(kpi_columns(t.search, targets, "search_"))
        row["meets_targets_search"] = t.search.meets if t.search is not None else None
        row.update(kpi_columns(e, targets, "confirmation_"))
        row["meets_targets_confirmation"] = e.meets
        row["recommended"] = role != "today" and pick is not None and t.search is pick
        rows.append(row)
    return pd.DataFrame(rows)


def _change(new: dict[str, int], old: dict[str, int]) -> str:
    moved = [f"{short(k)} {v} ({v - old[k]:+d})" for k, v in new.items() if v != old.get(k, v)]
    return ", ".join(moved) or "no change"


def _staffing_rows(pick: Evaluation, choice: Evaluation, today: dict[str, int]) -> list[str]:
    both = pick is not choice
    rows = ["| staff | count |" + (" search's choice |" if both else "") + " today |"]
    rows.append("|---|---:|" + ("---:|" if both else "") + "---:|")
    for k, v in pick.staffing.items():
        mid = f" {choice.staffing[k]} |" if both else ""
        rows.append(f"| `{k}` | {v} |{mid} {today.get(k, '–')} |")
    return rows


def _cells(e: Evaluation | None, t: Target) -> str:
    if e is None:
        return "– | – "
    low, high = clipped(t.kpi, *e.ci95.get(t.kpi, (math.nan, math.nan)))
    shown = (number(v, t.kpi) for v in (e.means[t.kpi], low, high, e.bounds[t.kpi]))
    mean, low_text, high_text, bound = shown
    return f"{mean} ({low_text}–{high_text}) | {bound} "


def _compare_rows(
    entries: Sequence[tuple[str, Evaluation | None, Evaluation | None]],
    targets: Sequence[Target],
    confidence: float,
) -> list[str]:
    """Search against fresh replications: mean (95% CI) and one-sided bound of each KPI."""
    bound = f"{confidence:.0%} bound"
    rows = [
        f"| staffing | KPI | search: mean (95% CI) | search: {bound} | fresh: mean (95% CI) "
        f"| fresh: {bound} | target | met: search / fresh |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for label, search, fresh in entries:
        for t in targets:
            met = [
                "–" if e is None else "yes" if target_met(t, e.bounds[t.kpi]) else "no"
                for e in (search, fresh)
            ]
            rows.append(
                f"| {label} | {kpi_label(t.kpi)} | {_cells(search, t)}| {_cells(fresh, t)}| "
                f"{t.op} {t.value:g} | {met[0]} / {met[1]} |"
            )
    return rows


def _missed(e: Evaluation, targets: Sequence[Target]) -> str:
    return "; ".join(
        f"{kpi_label(t.kpi)} (bound {number(e.bounds[t.kpi], t.kpi)}, target {t.op} {t.value:g})"
        for t in targets
        if not target_met(t, e.bounds[t.kpi])
    )


def verdict(
    result: SearchResult,
    budget: float,
    check: Confirmation | None = None,
    targets: Sequence[Target] = (),
) -> str:
    """The answer in one paragraph: the cheapest feasible staffing and whether it held on fresh
    replications, or why none is feasible and the best achievable."""
    best = result.best
    if best is None:
        return "**No staffing within the search bounds fits the budget.**"
    if result.feasible:
        found = f"Cheapest staffing that meets every target: {gbp(best.cost_gbp)} a year"
        if check is None:
            return (
                f"**{found} on the search's replications. Warning: not confirmed on fresh "
                "replications** (`--confirm-replications 0`): the search tried many staffings "
                "on the same seeds and stopped where the noise favoured it, so its confidence "
                "is overstated (docs/finance.md)."
            )
        n = check.replications
        if check.held:
            return f"**{found}, confirmed on {n} fresh replications.**"
        first = check.tries[0].confirmed
        text = (
            f"**The search's choice did not hold on fresh replications.** The search found "
            f"{gbp(best.cost_gbp)} a year, but on {n} fresh replications it misses "
            f"{_missed(first, targets)}."
        )
        ok = check.accepted
        if ok is not None:
            return text + (
                f" Stepping back up ({ok.how}: {_change(ok.confirmed.staffing, best.staffing)}), "
                "the staffing meets every target on the same fresh replications: "
                f"**recommended {gbp(ok.confirmed.cost_gbp)} a year** "
                f"(+{gbp(ok.confirmed.cost_gbp - best.cost_gbp)} on the search's choice)."
            )
        more = len(check.tries) - 1
        tried = (
            f"Neither did the {more} staffing{'s' if more > 1 else ''} with more staff tried "
            "after it (at most `--confirm-step-ups`, within the bounds and the budget)"
            if more
            else "No staffing with more staff was tried"
        )
        return text + (
            f" {tried}: **no staffing is confirmed**. Rerun with more `--replications` "
            "(or more `--confirm-step-ups`) before budgeting to it."
        )
    ceiling = result.ceiling
    if ceiling is not None and not ceiling.meets:
        return (
            "**No staffing within the search bounds meets every target, whatever the budget.** "
            f"Even the upper bounds ({gbp(ceiling.cost_gbp)} a year) miss: staff of these kinds "
            "are not what limits the missed KPI under this process. Change the process "
            "(`--process`), the targets, or widen the bounds. Best achievable within the budget:"
        )
    return (
        "**No staffing within the budget meets every target.** Best achievable within "
        f"{gbp(budget) if math.isfinite(budget) else 'the bounds'} "
        "(smallest total shortfall, then cheapest):"
    )


def summary_markdown(
    result: SearchResult,
    targets: Sequence[Target],
    budget: float,
    run: Sequence[str],
    tiny: bool,
    *,
    today: dict[str, int],
    today_cost: float,
    confidence: float = CONFIDENCE,
    check: Confirmation | None = None,
    search_run: RunConfig | None = None,
    simulated: int | None = None,
) -> str:
    """The one-page answer: verdict first, the staffing beside today's, search against fresh
    replications with CIs."""
    best = result.best
    search_run = search_run or RunConfig()
    lines = [
        "# Budget alignment" + (" (tiny run: illustration only)" if tiny else ""),
        "",
        verdict(result, budget, check, targets),
        "",
        f"Targets (one-sided {confidence:.0%} confidence over replications): "
        + "; ".join(str(t) for t in targets)
        + ".",
        f"Budget: {gbp(budget) if math.isfinite(budget) else 'none'}. "
        f"Run settings: `{' '.join(run)}`.",
        f"Search: {simulated or len(result.evaluations)} staffings simulated on seed "
        f"{search_run.seed}, {search_run.replications} replications each (common random "
        "numbers). Confirmation: "
        + (
            f"{check.replications} fresh replications on seed {check.seed} (derived from "
            f"run.seed {check.search_seed}; the search never used it), targets judged again."
            if check is not None
            else "skipped."
        ),
        "",
    ]
    pick = recommended(result, check)
    if best is not None and pick is not None:
        label = (
            "Best achievable"
            if not result.feasible
            else "Recommended (held on fresh replications)"
            if check is not None and check.accepted is not None
            else "Search's choice (not confirmed on fresh replications)"
        )
        change = pick.cost_gbp - today_cost
        lines.append(
            f"{label}: annual staff cost {gbp(pick.cost_gbp)} "
            f"({'+' if change >= 0 else '−'}{gbp(abs(change))} against today)."
        )
        lines += ["", *_staffing_rows(pick, best, today), ""]
        entries: list[tuple[str, Evaluation | None, Evaluation | None]]
        if check is not None:
            entries = [
                (f"{role} ({gbp(t.confirmed.cost_gbp)})", t.search, t.confirmed)
                for role, t in _tries(check)
            ]
        else:
            entries = [(f"search's choice ({gbp(best.cost_gbp)})", best, None)]
            today_eval = next((e for e in result.evaluations if e.staffing == today), None)
            if today_eval is not None and today_eval is not best:
                entries.append((f"today ({gbp(today_cost)})", today_eval, None))
        lines += ["## Search against fresh replications", ""]
        lines += _compare_rows(entries, targets, confidence)
    lines += [
        "",
        "![search](frontier.png)",
        "",
        "Tables: `evaluations.csv` (every staffing the search tried), `confirmation.csv` "
        "(fresh replications), `recommendation.csv` (the pick, both runs, `status`).",
        "",
    ]
    return "\n".join(lines)


def status(result: SearchResult, check: Confirmation | None) -> str:
    """The verdict in one word, for ``recommendation.csv``."""
    if result.best is None:
        return "nothing_fits_budget"
    if not result.feasible:
        return "infeasible"
    if check is None:
        return "unconfirmed"
    return "confirmed" if check.held else "stepped_up" if check.accepted else "not_confirmed"


def write_report(
    args: argparse.Namespace,
    alignment: Alignment,
    evaluate: Evaluator,
    run: Sequence[str],
    today: dict[str, int],
) -> str:
    """The report folder (module docstring); returns the text of ``summary.md``."""
    result, check, targets = alignment.search, alignment.confirmation, evaluate.targets
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    table = evaluations_table(
        list(evaluate.cache.values()), result, targets, today, alignment.recommended
    )
    finance_csv(out / "evaluations.csv", table)
    pick = table[table["recommended"].astype(bool)].reset_index(drop=True)
    fresh = None
    if check is not None:
        fresh = confirmation_table(check, targets, alignment.recommended)
        finance_csv(out / "confirmation.csv", fresh)
        same = fresh[fresh["recommended"].astype(bool)]
        extra = same.filter(like="confirmation_").reset_index(drop=True)
        pick = pd.concat([pick, extra], axis=1).assign(confirmed=check.accepted is not None)
    else:
        pick = pick.assign(confirmed=None)
        (out / "confirmation.csv").unlink(missing_ok=True)  # not a stale one from another run
    finance_csv(out / "recommendation.csv", pick.assign(status=status(result, check)))
    save_png(out / "frontier.png", search_figure(table, targets, args.confidence, fresh), dpi=120)
    text = summary_markdown(
        result,
        targets,
        args.budget,
        run,
        args.tiny,
        today=today,
        today_cost=evaluate.cost(today),
        confidence=args.confidence,
        check=check,
        search_run=evaluate.run(),
        simulated=len(evaluate.cache),
    )
    save_text(out / "summary.md", text)
    return text
