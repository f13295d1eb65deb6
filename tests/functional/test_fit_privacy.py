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
from tests.annex_a import SECRETS, bad_rows, clean_rows, fit_command, write_folder
from tests.console import run_module


def _command(*args: str, cwd: Path) -> tuple[int, str, str]:
    """The real command line, in a process of its own (whatever any library prints counts)."""
    done = run_module("sim.fit.cli", *args, cwd=cwd)
    return done.returncode, done.stdout, done.stderr


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret.lower() in text.lower()]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_no_identifying_field_reaches_any_output(tmp_path: Path, form: str) -> None:
    rows, _ = bad_rows()
    if form == "csv":
        extract = write_folder(rows, tmp_path / "extract")
    else:
        extract = write_workbook(rows, tmp_path / "extract.xlsx")
    # The CSVs through the real command line; the workbook in this process (faster).
    out = str(tmp_path / "out")
    refused = (
        _command(str(extract), "--out", out, cwd=tmp_path)
        if form == "csv"
        else fit_command(str(extract), "--out", out)
    )
    assert refused[0] == 2
    args = (str(extract), "--out", out, "--drop-bad-rows")
    # The CSVs with the fit's calibration (its notes reach the report and the console too); the
    # workbook without it, as the same code writes the same files either way.
    done = (
        _command(*args, cwd=tmp_path)
        if form == "csv"
        else fit_command(*args, "--calibrate-rounds", "0")
    )
    assert done[0] == 0, done[2]
    printed = "".join(refused[1:] + done[1:])
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
    status, _, stderr = fit_command(
        str(write_folder(rows, tmp_path / "x")),
        "--out",
        str(tmp_path / "out"),
        "--calibrate-rounds",
        "0",
    )
    assert status == 0, stderr
    report = (tmp_path / "out" / "fit_report" / "local" / "report.md").read_text(encoding="utf-8")
    (line,) = [ln for ln in report.splitlines() if ln.startswith("| police: contacts a year")]
    assert "| <5 |" in line
    assert not re.search(r"\|\s*[1-4]\s*\|", report)  # no bare count of 1–4 anywhere
    (line,) = [ln for ln in report.splitlines() if ln.startswith("| police: conversion")]
    assert "suppressed (<5)" in line
