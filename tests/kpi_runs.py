"""The short runs whose KPIs the documentation tests check (docs/kpis.md and the KPI registry).

Three variants cover every mechanism a KPI can come from; each is run once per test process
(:func:`variant_kpis` is cached), so the page's test and the registry's test share the runs.
"""

from __future__ import annotations

import functools

from sim.compose import load
from sim.config import Config
from sim.runner import run_replication

SHORT = [
    "run.replications=1",
    "run.warmup_days=7",
    "run.horizon_days=7",
    "run.drain_days=3",
    "run.event_log=false",
    "run.plots=false",
]
VARIANTS = {
    "baseline": [],
    "integrated_front_door": ["scenario=integrated_front_door", "staffing=integrated_front_door"],
    "combined_training": [
        "scenario=combined",
        "staffing=integrated_front_door",
        "demand=police_threshold_training",
    ],
}


def variant_config(variant: str) -> Config:
    return load([*SHORT, *VARIANTS[variant]])


@functools.cache
def variant_kpis(variant: str) -> dict[str, float]:
    """Replication 0's KPIs of ``variant`` (treat as read-only: the dict is shared)."""
    return run_replication(variant_config(variant), 0, keep_events=False).kpis
