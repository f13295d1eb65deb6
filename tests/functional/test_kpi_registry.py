"""Every KPI a run reports has exactly one entry in the KPI registry, and every entry is reported.

Short runs of the baseline, the integrated front door and the combined scenario with threshold
training (the runs ``test_reference_docs.py`` checks docs/kpis.md against): a KPI added to
``sim/analysis/metrics.py`` without a :mod:`sim.analysis.kpis` entry fails here, and so does an
entry no run reports unless it says when it is absent (``KPI.condition``).
"""

from __future__ import annotations

import pytest

from sim.analysis.kpis import REGISTRY, entry, label, matches, members, unit
from sim.compose import load
from tests.kpi_runs import SHORT, VARIANTS, variant_config, variant_kpis


@pytest.fixture(scope="module")
def reported() -> dict[str, list[str]]:
    """``variant → [its KPI names]``; each name checked against the registry in its own config."""
    out: dict[str, list[str]] = {}
    for variant in VARIANTS:
        names = members(variant_config(variant))
        kpis = variant_kpis(variant)
        assert len(kpis) > 150
        wrong = {k: [e.name for e in matches(k, names)] for k in kpis}
        wrong = {k: v for k, v in wrong.items() if len(v) != 1}
        assert not wrong, f"{variant}: each KPI needs exactly one registry entry: {wrong}"
        out[variant] = [entry(k, names).name for k in kpis]  # type: ignore[union-attr]
    return out


def test_every_kpi_matches_one_entry_and_every_entry_is_reported_or_conditional(
    reported: dict[str, list[str]],
) -> None:
    seen = {name for names in reported.values() for name in names}
    silent = [k.name for k in REGISTRY if k.name not in seen and not k.condition]
    assert not silent, f"registered but no run reports them, and no condition says why: {silent}"


def test_the_registry_has_one_entry_per_name_and_words_for_each() -> None:
    names = [k.name for k in REGISTRY]
    assert len(names) == len(set(names))
    assert all(k.unit and k.definition and k.section for k in REGISTRY)
    assert all(k.better in (None, "higher", "lower") for k in REGISTRY)


def test_a_new_kpi_has_no_entry_and_a_family_reads_its_placeholder_from_the_config() -> None:
    names = members(load(SHORT))
    assert matches("brand_new_kpi", names) == []
    assert [k.name for k in matches("hours_social_workers", names)] == ["hours_<pool>"]
    assert [k.name for k in matches("hours_social_workers_screening", names)] == [
        "hours_<pool>_<task>"
    ]
    assert matches("contacts_martians", names) == []
    assert unit("decision_within_1wd_pct") == "%"
    assert unit("hours_social_workers") == "hours a year"
    assert label("contacts_police") == "contacts_police (contacts)"
    assert unit("brand_new_kpi") == ""
