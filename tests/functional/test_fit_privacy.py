"""Privacy: nothing identifying from an Annex A extract reaches any output of the fit.

The extract is full of identifying fields (child IDs, dates of birth, worker and team names,
free text in a notes column and in a source cell); the fit is run from the command line on it
as CSVs and as a workbook, refusing it and then with --drop-bad-rows, and every file it writes
and everything it prints is scanned for them. Counts of 1–4 appear only as "<5".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.fit.report import count
from sim.fit.synthetic import write_workbook
from tests.annex_a import SECRETS, bad_rows, clean_rows, write_folder
from tests.console import run_module


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret.lower() in text.lower()]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_no_identifying_field_reaches_any_output(tmp_path: Path, form: str) -> None:
    rows, _ = bad_rows()
    if form == "csv":
        extract = write_folder(rows, tmp_path / "extract")
    else:
        extract = write_workbook(rows, tmp_path / "extract.xlsx")
    refused = run_module("sim.fit.cli", str(extract), "--out", "out", cwd=tmp_path)
    assert refused.returncode == 2
    done = run_module("sim.fit.cli", str(extract), "--out", "out", "--drop-bad-rows", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = refused.stdout + refused.stderr + done.stdout + done.stderr
    assert _leaks(printed) == []
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".yaml", ".md", ".png"}
    assert len(files) == 8  # two group files, the report and its five figures
    for path in files:
        text = path.read_bytes().decode("latin-1")  # PNGs too: their text chunks and bytes
        assert _leaks(text) == [], path


def test_counts_below_five_are_shown_as_less_than_five(tmp_path: Path) -> None:
    assert [count(n) for n in (0, 1, 4, 5, 1234)] == ["0", "<5", "<5", "5", "1,234"]
    rows = clean_rows(60)
    police = [r for r in rows[1][1:] if r[6] == "q) 6: Police"]
    rows[1] = [rows[1][0], *[r for r in rows[1][1:] if r[6] != "q) 6: Police"], *police[:3]]
    rows[3] = [rows[3][0], *[r for r in rows[3][1:] if r[6] != "q) 6: Police"]]
    done = run_module(
        "sim.fit.cli", str(write_folder(rows, tmp_path / "x")), "--out", "out", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "out" / "fit_report" / "local" / "report.md").read_text(encoding="utf-8")
    (line,) = [ln for ln in report.splitlines() if ln.startswith("| police: contacts a year")]
    assert "| <5 |" in line
    assert not re.search(r"\|\s*[1-4]\s*\|", report)  # no bare count of 1–4 anywhere
    (line,) = [ln for ln in report.splitlines() if ln.startswith("| police: conversion")]
    assert "suppressed (<5)" in line
