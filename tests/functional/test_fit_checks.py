"""A bad Annex A extract: every bad row listed at once (list, row, column, value, what is
allowed) with a count, exit 2 and nothing written; or, with --drop-bad-rows, the rows dropped,
counted, and the fit goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.fit.run import ExtractError, fit_extract
from tests.annex_a import bad_rows, clean_rows, fit_command, write_folder
from tests.console import run_module


def test_every_bad_row_is_listed_with_its_list_row_column_and_value(tmp_path: Path) -> None:
    rows, expected = bad_rows()
    with pytest.raises(ExtractError) as caught:
        fit_extract(write_folder(rows, tmp_path / "extract"), tmp_path / "out", "ours")
    lines = str(caught.value).splitlines()
    for name, row, column, message in expected:
        where = f"{name} row {row}, column {column!r}: "
        assert any(line.startswith(where) and message in line for line in lines), (where, message)
    assert len(caught.value.problems) == len(expected)
    assert (
        lines[-1]
        == f"{len(expected)} problem(s) in the extract (List 1: 8, List 3: 1, List 4: 1, List 5: 1)"
    )
    assert not (tmp_path / "out").exists()


def test_the_command_refuses_a_bad_extract_with_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    rows, expected = bad_rows()
    extract = write_folder(rows, tmp_path / "extract")
    (tmp_path / "out").mkdir()
    done = run_module("sim.fit.cli", str(extract), "--out", "out", "--name", "ours", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{len(expected)} problem(s) in the extract" in done.stderr
    assert "nothing was written" in done.stderr
    assert sum(f"{name} row {row}," in done.stderr for name, row, _, _ in expected) == len(expected)
    assert list((tmp_path / "out").iterdir()) == []


def test_missing_columns_are_listed_with_the_headers_allowed(tmp_path: Path) -> None:
    rows = clean_rows(20)
    at = rows[4][0].index("Continuous Assessment Start Date")
    for table in rows[4]:
        del table[at]
    with pytest.raises(ExtractError) as caught:
        fit_extract(write_folder(rows, tmp_path / "x"), tmp_path / "out", "ours")
    (line,) = [p.line() for p in caught.value.problems]
    assert line.startswith("List 4, column 'Continuous Assessment Start Date': a missing column")


def test_drop_bad_rows_goes_on_and_says_how_many(tmp_path: Path) -> None:
    rows, _ = bad_rows()
    extract = write_folder(rows, tmp_path / "extract")
    out = str(tmp_path / "out")
    status, stdout, stderr = fit_command(
        str(extract), "--out", out, "--name", "ours", "--drop-bad-rows", "--calibrate-rounds", "0"
    )
    assert status == 0, stderr
    assert "List 1: 8 bad row(s) dropped" in stdout
    assert "List 5: 1 bad row(s) dropped" in stdout
    assert (tmp_path / "out" / "demand" / "ours.yaml").is_file()
    report = (tmp_path / "out" / "fit_report" / "ours" / "report.md").read_text(encoding="utf-8")
    assert "Rows dropped (`--drop-bad-rows`): List 1: 8" in report


def test_a_bad_name_or_missing_extract_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run_module("sim.fit.cli", "nowhere", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "frontdoor-fit: error: extract: 'nowhere' is not allowed; must be an Annex A workbook "
        "(.xlsx) or a folder of CSV files"
    ]
    extract = write_folder(clean_rows(10), tmp_path / "x")
    status, _, stderr = fit_command(str(extract), "--out", str(tmp_path / "out"), "--name", "../up")
    assert status == 2
    assert "--name: '../up' is not allowed" in stderr
    assert not (tmp_path / "out").exists()


def test_frontdoor_fit_is_installed_as_a_command() -> None:
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="frontdoor-fit")
    assert script.value == "sim.fit.cli:main"
