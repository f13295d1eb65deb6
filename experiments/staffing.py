"""Staffing: a grid of screening social workers and managers — what does each buy?

python -m experiments.staffing            # full grid
python -m experiments.staffing --tiny     # seconds, for tests
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from .common import Experiment, Option
from .common import main as run_experiment

SOCIAL_WORKERS = (10, 11, 12, 13)
MANAGERS = (3, 4, 5)
TODAY = (11, 4)


def grid(social_workers: tuple[int, ...], managers: tuple[int, ...]) -> list[Option]:
    """Every combination, today's staffing first (the baseline)."""
    cells = [(sw, m) for sw in social_workers for m in managers]
    cells.sort(key=lambda cell: cell != TODAY)
    return [
        Option(
            f"{sw}_sw_{m}_managers",
            (f"staffing.pools.social_workers.staff={sw}", f"staffing.pools.managers.staff={m}"),
        )
        for sw, m in cells
    ]


def experiment(tiny: bool) -> Experiment:
    return Experiment(
        name="staffing",
        question=(
            "What do more (or fewer) screening social workers and managers buy in decision "
            "timeliness, and how busy are they?"
        ),
        options=grid((11, 13), (4,)) if tiny else grid(SOCIAL_WORKERS, MANAGERS),
        kpis=[
            "decision_within_1wd_pct",
            "decision_working_days_mean",
            "utilisation_social_workers",
            "utilisation_managers",
        ],
    )


def main(argv: Sequence[str] | None = None) -> Path:
    """``python -m experiments.staffing [--tiny] …``: the grid (a smaller one with ``--tiny``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    return run_experiment(experiment("--tiny" in args), args)


if __name__ == "__main__":
    main()
