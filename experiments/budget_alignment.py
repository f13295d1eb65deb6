"""Budget alignment: the cheapest staffing that meets the statutory targets within a budget.

    python -m experiments.budget_alignment [--tiny] [--budget GBP] [--out DIR]

Targets (met by the one-sided 95% bound over replications, sim/optimise.py): at least 95% of
decisions within one working day and at least 85% of assessments within 45 working days
(``--tiny``: the decision target only, on short front-door-only runs). The search varies the
front-door pools and the assessment teams' social workers (sim/optimise.py: greedy add, then
remove). Writes into ``DIR`` (default ``reports/budget_alignment/``): ``evaluations.csv`` (every
staffing tried: cost, KPI means and bounds, met or not), ``recommendation.csv``, ``summary.md``
and ``frontier.png`` (cost against each target KPI's bound, the choice marked).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from experiments.budget_frontier import TINY_RUN, _csv, _gbp, _png, _text
from sim.optimise import Evaluator, SearchResult, Target, Variable, cheapest_staffing

FULL_RUN = ["run.replications=5"]
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


def evaluations_table(result: SearchResult, targets: Sequence[Target]) -> pd.DataFrame:
    rows = []
    for e in result.evaluations:
        row: dict[str, object] = {k.split(".")[-2]: v for k, v in e.staffing.items()}
        row["annual_staff_cost_gbp"] = e.cost_gbp
        for t in targets:
            row[t.kpi] = e.means[t.kpi]
            row[f"{t.kpi}_bound95"] = e.bounds[t.kpi]
        row["meets_targets"] = e.meets
        row["chosen"] = result.best is e
        rows.append(row)
    return pd.DataFrame(rows).sort_values("annual_staff_cost_gbp")


def figure(table: pd.DataFrame, targets: Sequence[Target]) -> plt.Figure:
    fig, axes = plt.subplots(1, len(targets), figsize=(6.5 * len(targets), 4.5), squeeze=False)
    for ax, t in zip(axes[0], targets, strict=False):
        cost = table["annual_staff_cost_gbp"] / 1e3
        met = table["meets_targets"].astype(bool)
        ax.scatter(
            cost[~met], table.loc[~met, f"{t.kpi}_bound95"], c="tab:red", label="misses a target"
        )
        ax.scatter(
            cost[met], table.loc[met, f"{t.kpi}_bound95"], c="tab:green", label="meets all targets"
        )
        chosen = table[table["chosen"].astype(bool)]
        ax.scatter(
            chosen["annual_staff_cost_gbp"] / 1e3,
            chosen[f"{t.kpi}_bound95"],
            s=250,
            marker="*",
            c="k",
            label="recommended",
        )
        ax.axhline(t.value, ls="--", c="grey", label=f"target {t.op} {t.value:g}")
        ax.set_xlabel("annual staff cost to the council (£k)")
        ax.set_ylabel(f"{t.kpi}: one-sided 95% bound")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Staffings tried by the budget-alignment search")
    fig.tight_layout()
    return fig


def summary_markdown(
    result: SearchResult, targets: Sequence[Target], budget: float, run: Sequence[str], tiny: bool
) -> str:
    best = result.best
    head = "# Budget alignment" + (" (tiny run: illustration only)" if tiny else "")
    lines = [
        head,
        "",
        "Targets (one-sided 95% confidence over replications): "
        + "; ".join(str(t) for t in targets)
        + ".",
        f"Budget: {_gbp(budget) if math.isfinite(budget) else 'none'}. "
        f"Run settings: `{' '.join(run)}`.",
        f"Staffings simulated: {len(result.evaluations)}.",
        "",
    ]
    if best is None:
        lines.append("**No staffing within the search bounds fits the budget.**")
    else:
        verdict = (
            "**Cheapest staffing that meets every target**"
            if result.feasible
            else "**No staffing within the budget meets every target; best achievable**"
        )
        lines += [
            f"{verdict}: annual staff cost {_gbp(best.cost_gbp)}.",
            "",
            "| staff | count |",
            "|---|---:|",
        ]
        lines += [f"| `{k}` | {v} |" for k, v in best.staffing.items()]
        lines += ["", "| KPI | mean | 95% bound | target |", "|---|---:|---:|---|"]
        lines += [
            f"| {t.kpi} | {best.means[t.kpi]:.1f} | {best.bounds[t.kpi]:.1f} | {t.op} {t.value:g} |"
            for t in targets
        ]
    lines += [
        "",
        "![search](frontier.png)",
        "",
        "Tables: `evaluations.csv` (every staffing tried), `recommendation.csv`.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> SearchResult:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a few short runs (tests)")
    parser.add_argument("--budget", type=float, default=math.inf, help="annual £ (default none)")
    parser.add_argument("--out", type=Path, default=Path("reports/budget_alignment"))
    args = parser.parse_args(argv)
    run = TINY_ALIGN_RUN if args.tiny else FULL_RUN
    targets = TINY_TARGETS if args.tiny else FULL_TARGETS
    result = cheapest_staffing(Evaluator(run, targets), variables(args.tiny), args.budget)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    table = evaluations_table(result, targets)
    _csv(out / "evaluations.csv", table)
    _csv(out / "recommendation.csv", table[table["chosen"].astype(bool)])
    _png(out / "frontier.png", figure(table, targets))
    _text(out / "summary.md", summary_markdown(result, targets, args.budget, run, args.tiny))
    print(f"wrote {out}/summary.md")
    return result


if __name__ == "__main__":
    main()
