"""Typed configuration: the dataclass schemas behind every ``conf/`` group.

Hydra merges the YAML files in ``conf/`` onto these schemas, so an unknown key or a value of the
wrong type is rejected before anything runs. Domain rules that a type cannot express (a
probability in [0, 1], shares that sum to 1, opening hours that do not overlap) live in
:mod:`sim.validation`. Nothing here knows about SimPy.

Units: durations are in **minutes** unless a key says otherwise; dates are ISO ``YYYY-MM-DD``;
clock times are ``HH:MM`` in local (naive) time.

The schemas live by group in the modules of this package (``run``, ``demand``, ``staffing``,
``tasks``, ``front_door``, ``after_decision``, ``costs``, ``choices``); this module assembles the
root schema, registers it with Hydra, and is the one import path for all of them
(``from sim.config import Config, StageConfig``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore

from sim.config.after_decision import (
    BACKLOG_AGE,
    AfterDecisionConfig,
    AssessmentConfig,
    BacklogConfig,
    MissedNeedConfig,
    ReferralNfaConfig,
    ReReferralConfig,
    Section47Config,
    StepUpPanelConfig,
    StrategyDiscussionConfig,
    TeamConfig,
)
from sim.config.choices import (
    WEEKDAYS,
    Clock,
    Dist,
    ExecutorKind,
    Payer,
    PolicyStart,
    Rota,
    VerificationKind,
    WarmStart,
    check_choices,
)
from sim.config.costs import (
    PAYERS,
    CostsConfig,
    RoleCostConfig,
)
from sim.config.demand import (
    CONCERNS,
    DEFAULT_CONCERN,
    DEFAULT_URGENCY,
    URGENCIES,
    DemandConfig,
    SchoolTermsConfig,
    SourceConfig,
    ThresholdTrainingConfig,
)
from sim.config.front_door import (
    INFORMATION_FACTOR,
    ClarificationConfig,
    ConsentConfig,
    DecisionAccuracyConfig,
    DecisionConfig,
    FeedbackConfig,
    FrontDoorConfig,
    HistoryCheckConfig,
    LearningConfig,
    OutOfHoursConfig,
    PartnerAgencyConfig,
    PartnerCheckConfig,
    PartnerHubConfig,
    ScreeningConfig,
    StepUpConfig,
    TriageConfig,
)
from sim.config.run import (
    AutoReplicationsConfig,
    CalendarConfig,
    RunConfig,
    VerificationConfig,
)
from sim.config.staffing import (
    AbsenceConfig,
    PoolConfig,
    StaffingConfig,
)
from sim.config.tasks import (
    DistributionConfig,
    StageConfig,
    WaitConfig,
    is_unset,
    off,
)


@dataclass
class Config:
    """The whole configuration of a run: what ``frontdoor`` composes from ``conf/``."""

    scenario: str = "baseline"
    run: RunConfig = field(default_factory=RunConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    demand: DemandConfig = field(default_factory=DemandConfig)
    staffing: StaffingConfig = field(default_factory=StaffingConfig)
    front_door: FrontDoorConfig = field(default_factory=FrontDoorConfig)
    after_decision: AfterDecisionConfig = field(default_factory=AfterDecisionConfig)
    backlog: BacklogConfig = field(default_factory=BacklogConfig)
    verification: VerificationConfig = field(default_factory=VerificationConfig)
    costs: CostsConfig = field(default_factory=CostsConfig)


GROUP_SCHEMAS: dict[str, Any] = {
    "run": RunConfig,
    "calendar": CalendarConfig,
    "demand": DemandConfig,
    "staffing": StaffingConfig,
    "front_door": FrontDoorConfig,
    "after_decision": AfterDecisionConfig,
    "backlog": BacklogConfig,
    "verification": VerificationConfig,
    "costs": CostsConfig,
}


@functools.cache
def register_configs() -> None:
    """Register the root schema and one ``schema`` entry per group in Hydra's ConfigStore.

    Once per process: turning the dataclasses into OmegaConf nodes is a third of the cost of
    composing a config, and every :func:`sim.compose.compose` calls this. (The store is Hydra's
    own process-wide registry; the entries never change, so registering again would only
    overwrite them with the same nodes.)
    """
    cs = ConfigStore.instance()
    cs.store(name="frontdoor_schema", node=Config)
    for group, schema in GROUP_SCHEMAS.items():
        cs.store(group=group, name="schema", node=schema)


__all__ = [
    "BACKLOG_AGE",
    "CONCERNS",
    "DEFAULT_CONCERN",
    "DEFAULT_URGENCY",
    "GROUP_SCHEMAS",
    "INFORMATION_FACTOR",
    "PAYERS",
    "URGENCIES",
    "WEEKDAYS",
    "AbsenceConfig",
    "AfterDecisionConfig",
    "AssessmentConfig",
    "AutoReplicationsConfig",
    "BacklogConfig",
    "CalendarConfig",
    "ClarificationConfig",
    "Clock",
    "Config",
    "ConsentConfig",
    "CostsConfig",
    "DecisionAccuracyConfig",
    "DecisionConfig",
    "DemandConfig",
    "Dist",
    "DistributionConfig",
    "ExecutorKind",
    "FeedbackConfig",
    "FrontDoorConfig",
    "HistoryCheckConfig",
    "LearningConfig",
    "MissedNeedConfig",
    "OutOfHoursConfig",
    "PartnerAgencyConfig",
    "PartnerCheckConfig",
    "PartnerHubConfig",
    "Payer",
    "PolicyStart",
    "PoolConfig",
    "ReReferralConfig",
    "ReferralNfaConfig",
    "RoleCostConfig",
    "Rota",
    "RunConfig",
    "SchoolTermsConfig",
    "ScreeningConfig",
    "Section47Config",
    "SourceConfig",
    "StaffingConfig",
    "StageConfig",
    "StepUpConfig",
    "StepUpPanelConfig",
    "StrategyDiscussionConfig",
    "TeamConfig",
    "ThresholdTrainingConfig",
    "TriageConfig",
    "VerificationConfig",
    "VerificationKind",
    "WaitConfig",
    "WarmStart",
    "check_choices",
    "is_unset",
    "off",
    "register_configs",
]
