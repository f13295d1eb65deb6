"""frontdoor-sim: a discrete-event simulation of a children's services front door.

The Python API in three calls::

    import sim
    cfg = sim.load(["staffing.pools.social_workers.staff=12"])   # compose conf/ + validate
    results = sim.run(cfg)                                  # replications, KPIs with 95% CIs
    results.summary["decision_within_1wd_pct"]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["ConfigError", "Results", "__version__", "load", "run"]

if TYPE_CHECKING:
    from sim.compose import load, run
    from sim.errors import ConfigError
    from sim.runner import Results


def __getattr__(name: str) -> Any:
    """Import lazily so ``import sim`` stays cheap for the CLI's error path."""
    if name == "load":
        from sim.compose import load

        return load
    if name == "run":
        from sim.compose import run

        return run
    if name == "Results":
        from sim.runner import Results

        return Results
    if name == "ConfigError":
        from sim.errors import ConfigError

        return ConfigError
    raise AttributeError(name)
