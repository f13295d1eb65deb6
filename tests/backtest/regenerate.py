"""Regenerate the back-test's pinned KPIs (run only when a behaviour change is intended)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from sim.compose import load
from sim.runner import simulate_replications

EXPECTED = Path(__file__).with_name("expected") / "baseline_kpis.json"
OVERRIDES = [
    "run.replications=2",
    "run.seed=42",
    "run.warmup_days=7",
    "run.horizon_days=21",
    "run.drain_days=14",
]


def baseline_kpis() -> dict[str, float]:
    """Mean KPIs of the short seeded baseline run."""
    results = simulate_replications(load(OVERRIDES), keep_events=False, progress=False)
    return {name: stats["mean"] for name, stats in results.summary.items()}


def main() -> None:
    kpis = {k: (None if math.isnan(v) else v) for k, v in baseline_kpis().items()}
    EXPECTED.write_text(json.dumps(kpis, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(kpis)} KPIs to {EXPECTED}")


if __name__ == "__main__":
    main()
