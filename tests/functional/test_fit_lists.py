"""An absent list is skipped with a note, and the model keeps its defaults for what it would
have given; the files written are whole group files the model runs."""

from __future__ import annotations

from pathlib import Path

import yaml

import sim
from sim.fit.run import fit_extract
from tests.annex_a import clean_rows, write_folder

CONF = Path(__file__).resolve().parents[2] / "conf"


def _group(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_with_list_1_alone_only_arrivals_are_fitted(tmp_path: Path) -> None:
    rows = clean_rows(90)
    extract = write_folder({1: rows[1]}, tmp_path / "extract")
    result = fit_extract(extract, tmp_path / "out", "only1")
    notes = "\n".join(result.notes)
    for label in ("List 3 (referrals) not found", "List 4 (assessments) not found", "List 5"):
        assert label in notes
    demand = _group(tmp_path / "out" / "demand" / "only1.yaml")
    base = _group(CONF / "demand" / "cheshire_east.yaml")
    assert demand["annual_contacts"] != base["annual_contacts"]
    for source, cfg in demand["sources"].items():  # no List 3: conversion kept at its default
        assert cfg["threshold_met"] == base["sources"][source]["threshold_met"]
    after = _group(tmp_path / "out" / "after_decision" / "only1.yaml")
    assert after["referral_nfa"] == {"probability": 0.7, "review": after["referral_nfa"]["review"]}
    assert after["assessment"]["deadline_push_probability"] == 0.75
    assert after["section47"]["outcomes"] == {"icpc": 0.31, "cin_plan": 0.39, "nfa": 0.3}
    assert after["assessment"]["teams"]["north"]["social_workers"] == 36
    # The files run as they are: composed and validated with the rest of conf/.
    cfg = sim.load(["demand=only1", "after_decision=only1"], extra_config_dir=str(tmp_path / "out"))
    assert cfg.demand.annual_contacts == demand["annual_contacts"]
    assert cfg.demand.sources["police"].profile == "only1_police"


def test_without_list_1_demand_keeps_its_defaults(tmp_path: Path) -> None:
    rows = clean_rows(90)
    extract = write_folder({n: rows[n] for n in (3, 4, 5)}, tmp_path / "extract")
    result = fit_extract(extract, tmp_path / "out", "no1", calibrate_rounds=0)
    assert any("List 1 (contacts) not found" in note for note in result.notes)
    assert any("conversion by source needs Lists 1 and 3" in note for note in result.notes)
    demand = _group(tmp_path / "out" / "demand" / "no1.yaml")
    base = _group(CONF / "demand" / "cheshire_east.yaml")
    assert demand["annual_contacts"] == base["annual_contacts"]
    after = _group(tmp_path / "out" / "after_decision" / "no1.yaml")
    assert after["referral_nfa"]["probability"] != 0.7  # List 3 gave the NFA share
    assert after["section47"]["icpc_lead_working_days"]["dist"] == "empirical"
