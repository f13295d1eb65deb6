"""Budget alignment: the cheapest staffing that meets the statutory targets within a budget.

    python -m experiments.budget_alignment [--tiny] [--budget GBP] [--process NAME]
        [--target 'KPI>=VALUE' ...] [--replications N] [--confidence P] [--start current|low]
        [--out DIR] [override ...]

Default targets (met by the one-sided bound at ``--confidence``, default 95%, over the
replications; sim/optimise.py): at least 95% of decisions within one working day and at least
85% of assessments within 45 working days (``--tiny``: the decision target only, on short
front-door-only runs). ``--process`` picks a ``conf/scenario`` preset (today's process is
``baseline``). The search varies the front-door pools and the assessment teams' social
workers from today's staffing (``--start current``) or from the lower bounds (sim/optimise.py:
ceiling check, greedy add, then remove). Writes into ``DIR`` (default
``reports/budget_alignment/``): ``evaluations.csv`` (every staffing tried: cost, KPI means,
95% CIs and bounds, met or not), ``recommendation.csv``, ``summary.md`` and ``frontier.png``
(cost against each target KPI's bound, the choice marked). Bad input (an override, a target,
a process) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from experiments.budget_frontier import TINY_RUN, finance_csv, gbp
from experiments.common import (
    OneLineParser,
    check_kpis,
    check_out,
    save_png,
    save_text,
    with_replications,
)
from sim.compose import load
from sim.errors import ConfigError, bad_input_exits
from sim.optimise import (
    CONFIDENCE,
    Evaluation,
    Evaluator,
    SearchResult,
    Target,
    Variable,
    cheapest_staffing,
)

FULL_RUN = ["run.replications=6"]  # six fill three waves of two workers, as five would
FULL_TARGETS = [
    Target("decision_within_1wd_pct", ">=", 95.0),
    Target("assessment_within_45wd_pct", ">=", 85.0),
]
TINY_TARGETS = [Target("decision_within_1wd_pct", ">=", 50.0)]
TINY_ALIGN_RUN = [o for o in TINY_RUN if not o.startswith("run.replications")] + [
    "run.replications=3"
]
POOL = "staffing.pools.{}.staff"
TEAM = "after_decision.assessment.teams.{}.social_workers"
SCENARIOS = Path(__file__).resolve().parents[1] / "conf" / "scenario"
TARGET = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(>=|<=)\s*([-+0-9.eE]+)\s*$")


def variables(tiny: bool) -> list[Variable]:
    if tiny:
        return [Variable(POOL.format("managers"), 3, 6)]
    return [
        Variable(POOL.format("managers"), 3, 8),
        Variable(POOL.format("social_workers"), 8, 16),
        Variable(POOL.format("practice_support"), 5, 10),
        Variable(TEAM.format("north"), 28, 44),
        Variable(TEAM.format("south"), 22, 36),
    ]


def parse_target(text: str) -> Target:
    """``'decision_within_1wd_pct>=90'`` → a :class:`Target`; :class:`ConfigError` if malformed."""
    match = TARGET.match(text)
    if match is None:
        raise ConfigError("--target", text, "must be KPI>=VALUE or KPI<=VALUE")
    kpi, op, value = match.groups()
    try:
        number = float(value)
    except ValueError:
        raise ConfigError("--target", text, "VALUE must be a number") from None
    if not math.isfinite(number):
        raise ConfigError("--target", text, "VALUE must be a finite number")
    return Target(kpi, op, number)


def process_overrides(name: str) -> list[str]:
    """The overrides of a ``conf/scenario`` preset; :class:`ConfigError` if there is none."""
    known = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
    if name not in known:
        raise ConfigError("--process", name, f"must be one of {', '.join(known)}")
    return [] if name == "baseline" else [f"+scenario@_global_={name}"]


def current_staffing(run: Sequence[str], vs: Sequence[Variable]) -> dict[str, int]:
    """Today's counts of the search variables in the composed config (the default start)."""
    cfg = load(list(run))
    values: dict[str, int] = {}
    for v in vs:
        node: object = cfg
        for part in v.key.split("."):
            node = node[part] if isinstance(node, dict) else getattr(node, part)
        values[v.key] = int(node)  # type: ignore[call-overload]
    return values


def progress_line(e: Evaluation) -> None:
    """One line per staffing simulated, so a search of many minutes shows where it is."""
    staff = " ".join(f"{k.split('.')[-2]}={v}" for k, v in e.staffing.items())
    kpis = " ".join(f"{k}={e.means[k]:.1f} (bound {e.bounds[k]:.1f})" for k in e.means)
    verdict = "meets" if e.meets else "misses"
    print(f"  {staff}: {gbp(e.cost_gbp)}; {kpis}; {verdict}", file=sys.stderr, flush=True)


def evaluations_table(
    result: SearchResult, targets: Sequence[Target], today: dict[str, int]
) -> pd.DataFrame:
    rows = []
    for e in result.evaluations:
        row: dict[str, object] = {k.split(".")[-2]: v for k, v in e.staffing.items()}
        row["annual_staff_cost_gbp"] = e.cost_gbp
        for t in targets:
            row[t.kpi] = e.means[t.kpi]
            low, high = e.ci95.get(t.kpi, (math.nan, math.nan))
            row[f"{t.kpi}_ci95_low"] = low
            row[f"{t.kpi}_ci95_high"] = high
            row[f"{t.kpi}_bound"] = e.bounds[t.kpi]
        row["meets_targets"] = e.meets
        row["chosen"] = result.best is e
        row["today"] = e.staffing == today
        row["start"] = result.start is e
        row["ceiling"] = result.ceiling is e
        rows.append(row)
    return pd.DataFrame(rows).sort_values("annual_staff_cost_gbp")


def figure(table: pd.DataFrame, targets: Sequence[Target], confidence: float) -> plt.Figure:
    fig, axes = plt.subplots(1, len(targets), figsize=(6.5 * len(targets), 4.5), squeeze=False)
    for ax, t in zip(axes[0], targets, strict=False):
        cost = table["annual_staff_cost_gbp"] / 1e3
        met = table["meets_targets"].astype(bool)
        bound = table[f"{t.kpi}_bound"]
        ax.scatter(cost[~met], bound[~met], c="tab:red", label="misses a target")
        ax.scatter(cost[met], bound[met], c="tab:green", label="meets all targets")
        for flag, marker, label in (("today", "s", "today's staffing"), ("chosen", "*", "chosen")):
            rows = table[table[flag].astype(bool)]
            ax.scatter(
                rows["annual_staff_cost_gbp"] / 1e3,
                rows[f"{t.kpi}_bound"],
                s=220,
                marker=marker,
                facecolors="none" if marker == "s" else "k",
                edgecolors="k",
                label=label,
            )
        ax.axhline(t.value, ls="--", c="grey", label=f"target {t.op} {t.value:g}")
        ax.set_xlabel("annual staff cost to the council (£k)")
        ax.set_ylabel(f"{t.kpi}: one-sided {confidence:.0%} bound")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Staffings tried by the budget-alignment search")
    fig.tight_layout()
    return fig


def _staffing_rows(best: Evaluation, today: dict[str, int]) -> list[str]:
    rows = ["| staff | count | today |", "|---|---:|---:|"]
    rows += [f"| `{k}` | {v} | {today.get(k, '–')} |" for k, v in best.staffing.items()]
    return rows


def _kpi_rows(best: Evaluation, targets: Sequence[Target], confidence: float) -> list[str]:
    rows = [
        f"| KPI | mean | 95% CI | one-sided {confidence:.0%} bound | target | met |",
        "|---|---:|---|---:|---|---|",
    ]
    for t in targets:
        low, high = best.ci95.get(t.kpi, (math.nan, math.nan))
        ok = (best.bounds[t.kpi] >= t.value) if t.op == ">=" else (best.bounds[t.kpi] <= t.value)
        rows.append(
            f"| {t.kpi} | {best.means[t.kpi]:.1f} | {low:.1f}–{high:.1f} | "
            f"{best.bounds[t.kpi]:.1f} | {t.op} {t.value:g} | {'yes' if ok else 'no'} |"
        )
    return rows


def verdict(result: SearchResult, budget: float) -> str:
    """The answer in one paragraph: cheapest feasible, or why none is, and the best achievable."""
    best = result.best
    if best is None:
        return "**No staffing within the search bounds fits the budget.**"
    if result.feasible:
        return f"**Cheapest staffing that meets every target: {gbp(best.cost_gbp)} a year.**"
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
) -> str:
    """The one-page answer: verdict, the chosen staffing beside today's, KPIs with CIs."""
    best = result.best
    today_eval = next((e for e in result.evaluations if e.staffing == today), None)
    head = "# Budget alignment" + (" (tiny run: illustration only)" if tiny else "")
    lines = [
        head,
        "",
        f"Targets (one-sided {confidence:.0%} confidence over replications): "
        + "; ".join(str(t) for t in targets)
        + ".",
        f"Budget: {gbp(budget) if math.isfinite(budget) else 'none'}. "
        f"Run settings: `{' '.join(run)}`.",
        f"Staffings simulated: {len(result.evaluations)} (common random numbers).",
        "",
        verdict(result, budget),
        "",
    ]
    if best is not None:
        lines.append(f"Annual staff cost {gbp(best.cost_gbp)}")
        change = best.cost_gbp - today_cost
        lines[-1] += f" ({'+' if change >= 0 else '−'}{gbp(abs(change))} against today)."
        lines += ["", *_staffing_rows(best, today), ""]
        lines += _kpi_rows(best, targets, confidence)
    if today_eval is not None and today_eval is not best:
        lines += ["", f"Today's staffing ({gbp(today_cost)} a year):", ""]
        lines += _kpi_rows(today_eval, targets, confidence)
    lines += [
        "",
        "![search](frontier.png)",
        "",
        "Tables: `evaluations.csv` (every staffing tried), `recommendation.csv`.",
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = OneLineParser(
        prog="python -m experiments.budget_alignment", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--tiny", action="store_true", help="a few short runs (tests)")
    parser.add_argument("--budget", type=float, default=math.inf, help="annual £ (default none)")
    parser.add_argument("--process", default="baseline", help="a conf/scenario preset")
    parser.add_argument(
        "--target", action="append", default=None, help="KPI>=VALUE or KPI<=VALUE (repeatable)"
    )
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--confidence", type=float, default=CONFIDENCE)
    parser.add_argument("--start", choices=("current", "low"), default="current")
    parser.add_argument("--out", type=Path, default=Path("reports/budget_alignment"))
    parser.add_argument("overrides", nargs="*", help="extra config overrides for every run")
    return parser.parse_args(argv)


def align(args: argparse.Namespace) -> SearchResult:
    """Run the search the arguments describe and write the report folder."""
    if not 0.5 <= args.confidence < 1:
        raise ConfigError("--confidence", args.confidence, "must be in [0.5, 1)")
    if math.isnan(args.budget) or args.budget <= 0:
        raise ConfigError("--budget", args.budget, "must be a positive amount of £ a year")
    run = with_replications(TINY_ALIGN_RUN if args.tiny else FULL_RUN, args.replications)
    run += process_overrides(args.process) + list(args.overrides)
    targets = (
        [parse_target(t) for t in args.target]
        if args.target
        else (TINY_TARGETS if args.tiny else FULL_TARGETS)
    )
    check_out(args.out)  # every argument checked before the first simulated minute
    check_kpis([t.kpi for t in targets], run, key="target")
    vs = variables(args.tiny)
    today = current_staffing(run, vs)
    evaluate = Evaluator(run, targets, confidence=args.confidence, report=progress_line)
    start = today if args.start == "current" else None
    result = cheapest_staffing(evaluate, vs, args.budget, start=start)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    table = evaluations_table(result, targets, today)
    finance_csv(out / "evaluations.csv", table)
    finance_csv(out / "recommendation.csv", table[table["chosen"].astype(bool)])
    save_png(out / "frontier.png", figure(table, targets, args.confidence), dpi=120)
    text = summary_markdown(
        result,
        targets,
        args.budget,
        run,
        args.tiny,
        today=today,
        today_cost=evaluate.cost(today),
        confidence=args.confidence,
    )
    save_text(out / "summary.md", text)
    print(text.split("![search]")[0].rstrip())
    print(f"\nReport: {out}/summary.md")
    return result


def main(argv: Sequence[str] | None = None) -> SearchResult:
    args = parse_args(argv)
    with bad_input_exits("budget_alignment"):
        return align(args)


if __name__ == "__main__":
    main()
