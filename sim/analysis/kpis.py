"""The KPI registry: every KPI a run can report, matched by name (issue 15).

A run's KPIs are computed in ``sim/analysis/metrics.py``, ``downstream.py`` and ``costs.py``;
their definitions in words are :data:`REGISTRY` (the text of docs/kpis.md's tables).
:func:`entry` finds the one registry entry a KPI name belongs to, reading a family's
``<placeholder>`` as one of the names the config or the vocabulary allows for it, so that
``hours_social_workers`` is ``hours_<pool>`` and not ``hours_<pool>_<task>`` with pool
"social". ``tests/functional/test_kpi_registry.py`` runs the baseline, the integrated front
door and the combined scenario with threshold training and fails on a KPI with no entry (or two),
and on an entry no run reports unless it says why (:attr:`KPI.condition`).

:func:`label` and :func:`unit` read the registry for a report; ``sim/report/words.py`` could
take its fallbacks from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from sim.analysis.kpi_definitions import FRONT_DOOR_KPIS, KPI
from sim.analysis.kpi_definitions_after import AFTER_DECISION_KPIS
from sim.config import Config
from sim.vocabulary import OUTCOMES, STAFFED_STEPS, STAGES, TIMED_STEPS, URGENCIES

__all__ = ["KPI", "REGISTRY", "entry", "label", "members", "unit"]

REGISTRY: tuple[KPI, ...] = FRONT_DOOR_KPIS + AFTER_DECISION_KPIS
_PLACEHOLDER = re.compile(r"<([a-z_]+)>")


def members(cfg: Config) -> dict[str, tuple[str, ...]]:
    """The names each ``<placeholder>`` can stand for in a run of ``cfg``."""
    return {
        "source": tuple(cfg.demand.sources),
        "urgency": tuple(URGENCIES),
        "outcome": tuple(OUTCOMES),
        "stage": tuple(STAGES),
        "pool": tuple(cfg.staffing.pools),
        "task": tuple(STAFFED_STEPS + TIMED_STEPS),
        "team": tuple(cfg.after_decision.assessment.teams),
        "role": tuple(cfg.costs.roles),
    }


def pattern(kpi: KPI, names: Mapping[str, Iterable[str]]) -> re.Pattern[str]:
    """The entry's name as a regular expression, each placeholder one of its ``names``."""
    parts = _PLACEHOLDER.split(kpi.name)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            choices = sorted(names[part], key=len, reverse=True)
            out.append("(?:" + "|".join(re.escape(c) for c in choices) + ")")
        else:
            out.append(re.escape(part))
    return re.compile("^" + "".join(out) + "$")


def matches(name: str, names: Mapping[str, Iterable[str]]) -> list[KPI]:
    """Every registry entry ``name`` matches (exactly one for a registered KPI)."""
    return [k for k in REGISTRY if pattern(k, names).match(name)]


def entry(name: str, names: Mapping[str, Iterable[str]] | None = None) -> KPI | None:
    """The registry entry of KPI ``name``; ``None`` if it has none (or, wrongly, two).

    Without ``names`` a placeholder stands for any name, so the first match wins: good enough for
    a label, not for the registry's test. The entry with fewest placeholders wins.
    """
    if names is None:
        loose = [k for k in REGISTRY if _loose(k).match(name)]
        return min(loose, key=lambda k: k.name.count("<"), default=None)
    found = matches(name, names)
    return found[0] if len(found) == 1 else None


def _loose(kpi: KPI) -> re.Pattern[str]:
    return re.compile("^" + _PLACEHOLDER.sub("[a-z0-9_]+", re.escape(kpi.name)) + "$")


def unit(name: str) -> str:
    """The KPI's unit as the registry gives it (``%``, ``working days``, ``£ a year`` …)."""
    found = entry(name)
    return found.unit if found else ""


def label(name: str) -> str:
    """``name (unit)``: a KPI named with its registry unit."""
    u = unit(name)
    return f"{name} ({u})" if u else name
