"""Demand growth: how much more demand can the front door absorb before children wait longer,
and what does police threshold training give back?

    python -m experiments.demand_growth            # full
    python -m experiments.demand_growth --tiny     # seconds, for tests
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .common import Experiment, Option
from .common import main as run_experiment

TODAY = 15150  # conf/demand/cheshire_east.yaml: first-time contacts a year

EXPERIMENT = Experiment(
    name="demand_growth",
    question=(
        "How do decision times and workloads change if contacts grow by 5%, 10% or 20%, and "
        "how much does police threshold training offset 10% growth?"
    ),
    options=[
        Option("today", ()),
        Option("plus_5pct", (f"demand.annual_contacts={round(TODAY * 1.05)}",)),
        Option("plus_10pct", (f"demand.annual_contacts={round(TODAY * 1.10)}",)),
        Option("plus_20pct", (f"demand.annual_contacts={round(TODAY * 1.20)}",)),
        Option(
            "plus_10pct_with_police_training",
            (
                "demand=police_threshold_training",
                f"demand.annual_contacts={round(TODAY * 1.10)}",
            ),
        ),
    ],
    kpis=[
        "decision_within_1wd_pct",
        "decision_working_days_mean",
        "contacts",
        "utilisation_social_workers",
        "utilisation_practice_support",
        "assessment_within_45wd_pct",
        "allocation_wait_working_days_mean",
    ],
)


def main(argv: Sequence[str] | None = None) -> Path:
    """``python -m experiments.demand_growth [--tiny] …``."""
    return run_experiment(EXPERIMENT, argv)


if __name__ == "__main__":
    main()
