"""Validation of the feedback loop, the policy clocks and the decision-accuracy mechanisms.

Kept apart from :mod:`sim.validation` (which calls :func:`validate_policies`) so that each
mechanism's rules sit together: the learning loop's per-source effect sizes, the ``start`` of
every policy clock, the decision-accuracy factors and what wrong decisions lead to.
"""

from __future__ import annotations

import math
from typing import Any

from sim.errors import ConfigError
from sim.errors import is_finite_number as _number


def _in_range(value: Any, key: str, low: float, high: float, allowed: str) -> None:
    if not (_number(value) and low <= value <= high):
        raise ConfigError(key, value, allowed)


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
            _in_range(pct, f"{key}.{attr}.{source}", 0.0, 100.0, "must be a percentage in [0, 100]")
    if learning.enabled:
        _in_range(
            learning.lag_days, f"{key}.lag_days", 1e-9, math.inf, "must be a number > 0 (days)"
        )
    accuracy = cfg.front_door.decision.accuracy
    akey = "front_door.decision.accuracy"
    for attr in ("miss_probability", "over_refer_probability"):
        _in_range(
            getattr(accuracy, attr), f"{akey}.{attr}", 0.0, 1.0, "must be a probability in [0, 1]"
        )
    for attr in (
        "history_checked_factor",
        "consent_sought_factor",
        "partner_info_received_factor",
        "partner_info_timed_out_factor",
        "partners_in_decision_factor",
    ):
        _in_range(
            getattr(accuracy, attr),
            f"{akey}.{attr}",
            0.0,
            1.0,
            "must be a number in [0, 1] (information never makes a wrong decision likelier)",
        )
    after = cfg.after_decision
    _in_range(
        after.referral_nfa.probability,
        "after_decision.referral_nfa.probability",
        0.0,
        1.0,
        "must be a probability in [0, 1]",
    )
    _in_range(
        after.missed_need.return_probability,
        "after_decision.missed_need.return_probability",
        0.0,
        1.0,
        "must be a probability in [0, 1]",
    )
    _in_range(
        after.missed_need.within_days,
        "after_decision.missed_need.within_days",
        1e-9,
        math.inf,
        "must be a number > 0 (days)",
    )
    _in_range(
        after.assessment.not_in_need_probability,
        "after_decision.assessment.not_in_need_probability",
        0.0,
        1.0,
        "must be a probability in [0, 1]",
    )
