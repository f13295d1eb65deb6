"""Does sharing one warm-up narrow the spread between replications? An intra-class correlation.

With ``run.warm_start=snapshot`` every replication of a run starts from the same snapshot, so
if the starting state still mattered in the measured window, the replications would be
correlated through it: their spread, and so the run's confidence intervals, would be too
narrow, and the run's mean would carry the snapshot's own error. This measures it directly:
``K`` snapshots (from ``K`` independent warm-ups), ``N`` replications from each, and for every
headline KPI the one-way random-effects intra-class correlation ρ (ANOVA estimator) with its
95% confidence interval (Searle's F-based interval). ρ near 0 means the snapshot is forgotten.
With ρ > 0, a run of R replications from one snapshot reports an interval narrower than its
mean's true uncertainty by the factor √(1 − ρ) / √(ρ·R + 1 − ρ), which the table shows at the
point estimate for R = 30 (×1.00: the interval is right).

    python benchmarks/warm_start_spread.py [--snapshots 6] [--per-snapshot 5] [--days 365]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.equivalence import HEADLINE


def intra_class(groups: list[np.ndarray]) -> tuple[float, float, float]:
    """ρ and its 95% CI from ``K`` groups of ``n`` values each (one-way ANOVA)."""
    k, n = len(groups), len(groups[0])
    grand = np.mean(np.concatenate(groups))
    msb = n * sum((g.mean() - grand) ** 2 for g in groups) / (k - 1)
    msw = sum(((g - g.mean()) ** 2).sum() for g in groups) / (k * (n - 1))
    if msw == 0.0:
        return math.nan, math.nan, math.nan
    f = msb / msw
    rho = (f - 1) / (f + n - 1)
    f_hi, f_lo = stats.f.ppf([0.975, 0.025], k - 1, k * (n - 1))
    low = (f / f_hi - 1) / (f / f_hi + n - 1)
    high = (f / f_lo - 1) / (f / f_lo + n - 1)
    return float(rho), float(low), float(high)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=6)
    parser.add_argument("--per-snapshot", type=int, default=5)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = parser.parse_args(argv)
    from concurrent.futures import ProcessPoolExecutor

    import sim
    from sim.runner import run_replication
    from sim.shared_warm_up import WARM_UP_REPLICATION, shared_warm_up

    cfg = sim.load([f"run.horizon_days={args.days}", "run.warm_start=snapshot", "run.plots=false"])
    rows = []
    with ProcessPoolExecutor(2) as pool:
        states = list(
            pool.map(
                shared_warm_up,
                [cfg] * args.snapshots,
                [WARM_UP_REPLICATION - k for k in range(args.snapshots)],
            )
        )
        tasks = [
            (k, k * args.per_snapshot + j)
            for k in range(args.snapshots)
            for j in range(args.per_snapshot)
        ]
        results = pool.map(
            run_replication,
            [states[k].config for k, _ in tasks],
            [r for _, r in tasks],
            [False] * len(tasks),
            [states[k].due_back for k, _ in tasks],
        )
        for (k, r), result in zip(tasks, results, strict=True):
            rows.append({"snapshot": k, "replication": r, **result.kpis})
    table = pd.DataFrame(rows)
    kpis = [c for c in HEADLINE if c in table] + sorted(
        c for c in table if c.startswith("utilisation_")
    )
    lines = [
        f"{args.snapshots} snapshots × {args.per_snapshot} replications, {args.days} days measured",
        "",
        "| KPI | ρ (95% CI) | interval of 30 replications from one snapshot, × its true width |",
        "|---|---|---:|",
    ]
    for kpi in kpis:
        groups = [g[kpi].to_numpy(dtype=float) for _, g in table.groupby("snapshot")]
        rho, low, high = intra_class(groups)
        if math.isnan(rho):
            continue
        point = min(max(rho, 0.0), 1.0)
        factor = math.sqrt(1 - point) / math.sqrt(point * 30 + 1 - point)
        lines.append(f"| `{kpi}` | {rho:+.3f} ({low:+.3f} to {high:+.3f}) | ×{factor:.2f} |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
