"""An empty mix in the config means what docs/configuration.md says it means.

``after_decision.section47.outcomes`` empty: every enquiry ends in no further action (in 0.1.x
the scalar chooser sent an empty mix to its first name, so every enquiry went to a conference).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from sim.compose import load
from sim.replication import build

SHORT = ["run.warmup_days=0", "run.horizon_days=60", "run.drain_days=0", "run.plots=false"]


@cache
def events(empty_s47_outcomes: bool) -> pd.Series:
    """How many of each event one short replication logs."""
    cfg = load(SHORT)
    if empty_s47_outcomes:
        cfg.after_decision.section47.outcomes = {}
    door = build(cfg, 0)
    door.run()
    return door.log.to_frame()["event"].value_counts()


def test_default_s47_outcomes_include_conferences() -> None:
    """The control: with the configured mix, some enquiries lead to a conference."""
    counts = events(False)
    assert counts.get("s47_icpc", 0) > 0 and counts.get("s47_nfa", 0) > 0


def test_empty_s47_outcomes_mean_no_further_action() -> None:
    counts = events(True)
    assert counts.get("s47_nfa", 0) > 0
    assert counts.get("s47_icpc", 0) == 0 and counts.get("s47_cin_plan", 0) == 0
    assert counts.get("icpc_queued", 0) == 0
