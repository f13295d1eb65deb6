"""Did a change to the engine move any headline KPI? Compare two runs replication by replication.

An optimisation that changes the order of events within an instant (or the use of random
numbers) cannot be checked against the back-test pins: every number moves a little. What must
hold instead is that no headline KPI moved beyond its sampling noise. Run the same config before
and after the change (same seed, 30 or more replications each), then::

    python benchmarks/equivalence.py BEFORE_RUN_FOLDER AFTER_RUN_FOLDER [--out table.md]

For every headline KPI (and the utilisation of every pool) it reports both runs' means, the
difference with its 95% confidence interval from Welch's two-sample t-test, and — because the
two runs share their random numbers, so replication r of each saw the same contacts — the
paired difference and its 95% CI, which is the sharper test. A KPI *moved* if an interval
excludes 0 after Holm's correction over all the KPIs compared (about one in twenty would
exclude 0 by chance at the uncorrected 5% level). Exit status 1 if any KPI moved, 2 on bad
input.

With ``--independent`` (two runs that do not share random numbers replication by replication,
e.g. ``run.warm_start=snapshot`` against ``run.warm_start=empty``) the paired column gives way to
the spread: each run's standard deviation over replications and the Brown–Forsythe test of equal
variances, so a change that kept the means but narrowed the intervals is caught too. A KPI then
moved if its Welch or its spread test rejects, after Holm's correction over the KPIs compared.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

HEADLINE = (
    "decision_within_1wd_pct",
    "decision_working_days_mean",
    "decision_working_days_p90",
    "conversion_pct",
    "re_referral_pct",
    "partner_info_wait_working_days_mean",
    "step_up_working_days_mean",
    "assessment_within_45wd_pct",
    "icpc_within_15wd_pct",
    "referral_nfa_pct",
    "annual_staff_cost_gbp",
    "cost_per_contact_gbp",
    "inappropriate_contact_cost_gbp",
)


@dataclass(frozen=True)
class Row:
    kpi: str
    n: int
    before: float
    after: float
    welch: tuple[float, float, float, float]  # difference, low, high, p
    paired: tuple[float, float, float, float]
    spread: tuple[float, float, float] = (math.nan, math.nan, 1.0)  # SD before, after, p


def _interval(result: object, diff: float) -> tuple[float, float, float, float]:
    ci = result.confidence_interval(0.95)  # type: ignore[attr-defined]
    return diff, float(ci.low), float(ci.high), float(result.pvalue)  # type: ignore[attr-defined]


def compare(before: pd.DataFrame, after: pd.DataFrame, kpis: list[str]) -> list[Row]:
    """Welch and paired comparisons of ``kpis`` between two replications tables."""
    rows = []
    merged = before.merge(after, on="replication", suffixes=("_before", "_after"))
    for kpi in kpis:
        pair = merged[[f"{kpi}_before", f"{kpi}_after"]].dropna().to_numpy(dtype=float)
        b, a = pair[:, 0], pair[:, 1]
        if len(pair) < 3:
            continue
        diff = float(a.mean() - b.mean())
        if np.all(a == b):  # e.g. a cost that only the staffing sets: identical by construction
            same = (0.0, 0.0, 0.0, 1.0)
            rows.append(Row(kpi, len(pair), float(b.mean()), float(a.mean()), same, same))
            continue
        welch = _interval(stats.ttest_ind(a, b, equal_var=False), diff)
        paired = _interval(stats.ttest_rel(a, b), diff)
        levene = float(stats.levene(b, a, center="median").pvalue)
        spread = (float(b.std(ddof=1)), float(a.std(ddof=1)), levene)
        rows.append(Row(kpi, len(pair), float(b.mean()), float(a.mean()), welch, paired, spread))
    return rows


def holm(pvalues: list[float]) -> list[float]:
    """Holm-adjusted p-values (step-down), in the input's order."""
    order = np.argsort(pvalues)
    adjusted = np.empty(len(pvalues))
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(pvalues) - rank) * pvalues[index]))
        adjusted[index] = running
    return adjusted.tolist()


def table(rows: list[Row], independent: bool = False) -> tuple[str, bool]:
    """A Markdown table of the comparison, and whether any KPI moved (Holm, 5%).

    The second test is the paired difference, or with ``independent`` the spread."""

    def second(row: Row) -> str:
        if independent:
            return f"{_fmt(row.spread[0])}, {_fmt(row.spread[1])}"
        d, lo, hi, _ = row.paired
        return f"{_fmt(d)} ({_fmt(lo)} to {_fmt(hi)})"

    header, pvalue = (
        ("SD before, after", "spread") if independent else ("paired difference (95% CI)", "paired")
    )
    welch_adj = holm([row.welch[3] for row in rows])
    other_adj = holm([row.spread[2] if independent else row.paired[3] for row in rows])
    lines = [
        f"| KPI | n | before | after | difference (Welch 95% CI) | {header} "
        f"| Holm p (Welch, {pvalue}) | moved? |",
        "|---|---:|---:|---:|---|---|---|---|",
    ]
    moved = False
    for row, pw, po in zip(rows, welch_adj, other_adj, strict=True):
        d, lo, hi, _ = row.welch
        hit = pw < 0.05 or po < 0.05
        moved |= hit
        lines.append(
            f"| `{row.kpi}` | {row.n} | {_fmt(row.before)} | {_fmt(row.after)} "
            f"| {_fmt(d)} ({_fmt(lo)} to {_fmt(hi)}) | {second(row)} "
            f"| {pw:.2f}, {po:.2f} | {'**yes**' if hit else 'no'} |"
        )
    return "\n".join(lines), moved


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "—"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}" if abs(x) < 0.01 else f"{x:.3f}"


def _replications(folder: str) -> pd.DataFrame:
    path = Path(folder) / "replications.csv"
    if not path.is_file():
        print(
            f"equivalence: {folder}: no replications.csv (a run folder is needed)", file=sys.stderr
        )
        raise SystemExit(2)
    return pd.read_csv(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="run folder of the code before the change")
    parser.add_argument("after", help="run folder of the code after the change")
    parser.add_argument("--out", help="also write the Markdown table to this file")
    parser.add_argument(
        "--independent",
        action="store_true",
        help="the runs do not share random numbers: compare spreads instead of pairs",
    )
    args = parser.parse_args(argv)
    before, after = _replications(args.before), _replications(args.after)
    if len(before) != len(after) or len(before) < 30:
        print(
            f"equivalence: replications: before {len(before)}, after {len(after)}; "
            "allowed: the same number in both, 30 or more",
            file=sys.stderr,
        )
        return 2
    kpis = [k for k in HEADLINE if k in before.columns and k in after.columns]
    kpis += sorted(c for c in before.columns if c.startswith("utilisation_") and c in after)
    rows = compare(before, after, kpis)
    text, moved = table(rows, independent=args.independent)
    print(text)
    print(f"\n{'some KPI moved' if moved else 'no headline KPI moved'} (Holm-corrected, 5%)")
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 1 if moved else 0


if __name__ == "__main__":
    raise SystemExit(main())
