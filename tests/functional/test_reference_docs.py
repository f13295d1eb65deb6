"""The reference pages cannot fall behind the code (issue 15).

* ``docs/configuration.md``'s table of groups and options is what :mod:`sim.reference`
  generates from ``conf/``: adding a group or an option without regenerating fails here, and an
  option file without its ``# Summary:`` line cannot be generated at all.
* ``docs/kpis.md`` defines every KPI a run reports: each KPI of short runs of the baseline, the
  integrated front door and the combined scenario with threshold training must be named there,
  literally or by a documented pattern (``contacts_<source>``, ``hours_<pool>_<task>`` …).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sim.compose import conf_dir
from sim.reference import BEGIN, END, MissingSummary, groups_markdown
from tests.kpi_runs import VARIANTS, variant_kpis

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "run `python -m sim.reference` and commit docs/configuration.md"


def test_the_configuration_page_lists_every_group_and_option() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    written = page.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"
    assert written == groups_markdown(), REGENERATE
    for group in (p for p in conf_dir().iterdir() if p.is_dir()):
        for option in group.glob("*.yaml"):
            assert f"`{group.name}={option.stem}`" in written


def test_a_new_group_changes_the_table_and_needs_a_summary(tmp_path: Path) -> None:
    conf = tmp_path / "conf"
    shutil.copytree(conf_dir(), conf)
    (conf / "council").mkdir()
    (conf / "council" / "ours.yaml").write_text("# Summary: our own settings.\nx: 1\n")
    table = groups_markdown(conf)
    assert table != groups_markdown(), "the committed page would then be out of date"
    assert "| | `council=ours` | our own settings. |" in table
    (conf / "staffing" / "plus_3.yaml").write_text("# Three more.\ndefaults: [current]\n")
    with pytest.raises(MissingSummary) as missing:
        groups_markdown(conf)
    assert missing.value.args == (
        "conf/staffing/plus_3.yaml: no '# Summary:' line in its header (one sentence saying "
        "what it sets)",
    )


def documented() -> tuple[set[str], list[re.Pattern[str]]]:
    """The KPI names of docs/kpis.md, and its patterns (``<pool>`` = any name)."""
    names = set(re.findall(r"`([a-z0-9_<>]+)`", (ROOT / "docs" / "kpis.md").read_text()))
    patterns = [
        re.compile("^" + re.sub(r"<[a-z_]+>", "[a-z0-9_]+", name) + "$")
        for name in names
        if "<" in name
    ]
    return {n for n in names if "<" not in n}, patterns


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_kpi_a_run_reports_is_defined_in_kpis_md(variant: str) -> None:
    kpis = variant_kpis(variant)
    assert len(kpis) > 150
    names, patterns = documented()
    undocumented = [k for k in kpis if k not in names and not any(p.match(k) for p in patterns)]
    assert not undocumented, f"add them to docs/kpis.md: {undocumented}"


def test_the_kpi_check_would_catch_a_new_kpi() -> None:
    names, patterns = documented()
    assert "decision_within_1wd_pct" in names
    assert not any(p.match("brand_new_kpi") for p in patterns)


def test_every_registry_entry_is_defined_in_kpis_md() -> None:
    """The page names every entry of the KPI registry (:mod:`sim.analysis.kpis`) as written."""
    from sim.analysis.kpis import REGISTRY

    names, patterns = documented()
    missing = [k.name for k in REGISTRY if k.name not in names | {p.pattern for p in patterns}]
    page = (ROOT / "docs" / "kpis.md").read_text()
    missing = [name for name in missing if f"`{name}`" not in page]
    assert not missing, f"add them to docs/kpis.md: {missing}"


KPI_REGENERATE = "run `python -m sim.reference` and commit docs/kpis.md"


def test_the_kpi_page_is_what_the_registry_and_the_stored_baseline_write() -> None:
    from sim.report.kpi_page import page_text

    page = (ROOT / "docs" / "kpis.md").read_text(encoding="utf-8")
    assert page == page_text(ROOT), KPI_REGENERATE


def test_the_stored_baseline_was_run_on_todays_defaults() -> None:
    """A default changed without re-running the baseline leaves the page's figures stale."""
    from sim.report.kpi_page import default_digest, read_baseline

    stored = read_baseline(ROOT)
    assert stored["config_digest"] == default_digest(), (
        "the defaults changed: run `python -m sim.reference --baseline` and commit "
        "docs/kpis_baseline.json and docs/kpis.md"
    )


def test_every_stored_baseline_kpi_has_one_registry_entry() -> None:
    from sim.analysis.kpis import matches, members
    from sim.compose import load
    from sim.report.kpi_page import BASELINE_OVERRIDES, read_baseline

    names = members(load(list(BASELINE_OVERRIDES)))
    kpis = read_baseline(ROOT)["kpis"]
    assert len(kpis) > 150
    wrong = {k: [e.name for e in matches(k, names)] for k in kpis}
    assert not {k: v for k, v in wrong.items() if len(v) != 1}


def test_a_new_registry_entry_or_section_changes_the_generated_page() -> None:
    from sim.analysis.kpis import KPI, REGISTRY
    from sim.compose import load
    from sim.report.kpi_page import MissingBlock, blocks, read_baseline, with_blocks

    page = (ROOT / "docs" / "kpis.md").read_text(encoding="utf-8")
    baseline, cfg = read_baseline(ROOT), load([])
    extra = KPI("brand_new_kpi", "system", "contacts", "a KPI added to the registry")
    grown = with_blocks(page, blocks(baseline, cfg, (*REGISTRY, extra)))
    assert (
        grown != page
        and "| `brand_new_kpi` | contacts | a KPI added to the registry | – |" in grown
    )
    new_section = KPI("brand_new_kpi", "brand_new_section", "contacts", "in a section of its own")
    with pytest.raises(MissingBlock, match="brand_new_section"):
        with_blocks(page, blocks(baseline, cfg, (*REGISTRY, new_section)))


def test_a_kpi_table_cell_and_a_family_breakdown() -> None:
    from sim.analysis.kpis import REGISTRY, members
    from sim.compose import load
    from sim.report.kpi_page import cell, section_markdown

    assert [cell(v) for v in (8008.4, 24.3149, 0.0, None, float("nan"), 0.04832)] == [
        "8,008",
        "24.31",
        "0",
        "NaN",
        "NaN",
        "0.04832",
    ]
    names = members(load([]))
    kpis = {"utilisation_managers": 0.9, "queue_mean_managers": 10.0, "utilisation_edt": 0.05}
    table = section_markdown("utilisation", kpis, names, REGISTRY)
    assert "| `managers` | 0.9 | 10 |" in table
    assert "| `edt` | 0.05 | – |" in table
    assert "`social_workers`" not in table  # a member with no figure is left out
