"""Validation of the feedback loop: each per-source effect size must name a source.

Kept apart from :mod:`sim.validation` (which calls :func:`validate_policies`) so the learning
loop's cross-key rule sits in one place. The ranges of its effect sizes and lag, of the
decision-accuracy factors and of what wrong decisions lead to are declared on their fields
(:mod:`sim.ranges`); the policy clocks' ``start`` is an enum (:class:`sim.config.PolicyStart`).
"""

from __future__ import annotations

from typing import Any

from sim.errors import ConfigError


def validate_policies(cfg: Any) -> None:
    """Raise :class:`ConfigError` for the first rule broken by the policy and decision keys."""
    sources = cfg.demand.sources
    learning = cfg.front_door.feedback.learning
    key = "front_door.feedback.learning"
    for attr in ("inappropriate_reduction_pct", "unclear_reduction_pct"):
        for source, pct in getattr(learning, attr).items():
            if source not in sources:
                raise ConfigError(
                    f"{key}.{attr}.{source}", pct, f"must name a source: one of {sorted(sources)}"
                )
