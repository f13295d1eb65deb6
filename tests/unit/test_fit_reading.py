"""Reading an Annex A extract: sheets and files found by name, headers matched leniently, only
the columns the fit needs kept, source codes and dates read as the template writes them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from sim.errors import ConfigError
from sim.fit.annex_a import _which_list, normalise, read_extract
from sim.fit.checks import parse_date, shown, yes_no
from sim.fit.codes import CODE_TO_SOURCE, code_of, read_code_table
from sim.fit.synthetic import write_workbook

SOURCES = sorted(set(CODE_TO_SOURCE.values()))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("List 1", 1),
        ("list_3_referrals.csv", 3),
        ("L4 - Assessments", 4),
        ("Annex A List 5 (s47)", 5),
        ("Contacts.csv", 1),
        ("List 2 early help", None),
        ("List 8", None),
        ("notes", None),
    ],
)
def test_lists_are_found_by_their_names(name: str, number: int | None) -> None:
    assert _which_list(name) == number


def test_headers_match_whatever_the_case_spacing_and_punctuation() -> None:
    assert normalise("  Referral  NFA? ") == normalise("referral nfa")
    assert normalise("Date of Contact") == "date of contact"


def test_only_the_columns_the_fit_needs_are_kept(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "List 1.csv",
        [
            ["Annex A extract, produced 01/05/2025"],  # a title row above the headers
            [
                "CHILD UNIQUE ID",
                "Gender",
                "Date of Birth",
                "Contact  Date",
                "Source of contact",
                "Notes",
            ],
            [
                "X1",
                "a) Male",
                "01/01/2015",
                "03/04/2024",
                "q) 6: Police",
                "free text about the child",
            ],
            ["", "", "", "", "", ""],
            ["X2", "b) Female", "02/02/2016", "04/04/2024 09:30", "e) 2A: Schools", ""],
        ],
    )
    extract = read_extract(tmp_path)
    table = extract.lists[1]
    assert table.missing == []
    assert set(table.frame.columns) == {"row", "child", "date", "source"}
    assert list(table.frame["row"]) == [3, 5]  # the spreadsheet's rows; the blank one skipped
    assert "X1" not in table.frame["child"].tolist()  # a digest, never the ID
    assert list(table.frame["date"]) == ["03/04/2024", "04/04/2024 09:30"]
    assert any("List 3" in note for note in extract.notes)  # absent lists are noted


def test_a_workbook_is_read_like_the_csv_folder(tmp_path: Path) -> None:
    rows = {
        1: [["Date of Contact", "Contact Source"], ["03/04/2024", "q) 6: Police"]],
        3: [["Date of referral", "Referral Source", "Referral NFA?"], ["03/04/2024", "6", "b) No"]],
    }
    extract = read_extract(write_workbook(rows, tmp_path / "annex_a.xlsx"))
    assert set(extract.lists) == {1, 3}
    assert extract.lists[3].frame.iloc[0]["nfa"] == "b) No"


def test_a_missing_column_is_recorded(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "List_3.csv", [["Date of referral", "Referral NFA?"], ["03/04/2024", "No"]]
    )
    missing = read_extract(tmp_path).lists[3].missing
    assert [c.header for c in missing] == ["Referral Source"]


def test_neither_a_workbook_nor_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Annex A workbook"):
        read_extract(tmp_path / "nothing.txt")


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("q) 6: Police", "6"),
        ("e) 2A: Schools", "2A"),
        ("g) 3A: Health services", "3A"),
        ("2a", "2A"),
        ("10", "10"),
        ("Police", "6"),
        ("6: Police", "6"),
        ("q) 66: Police", None),
        ("Polise", None),
        (None, None),
    ],
)
def test_source_codes_are_read_as_the_template_writes_them(
    cell: str | None, code: str | None
) -> None:
    assert code_of(cell) == code


def test_the_code_table_can_be_overridden(tmp_path: Path) -> None:
    path = tmp_path / "codes.yaml"
    path.write_text("2B: other\n4: la_internal\n", encoding="utf-8")
    table = read_code_table(path, SOURCES)
    assert (table["2B"], table["4"], table["6"]) == ("other", "la_internal", "police")
    path.write_text("6: constabulary\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"codes\.6"):
        read_code_table(path, SOURCES)


def test_dates_are_day_first_with_an_optional_time() -> None:
    assert parse_date("03/04/2024") == dt.datetime(2024, 4, 3)
    assert parse_date("3/4/2024 17:05") == dt.datetime(2024, 4, 3, 17, 5)
    assert parse_date("2024-04-03") == dt.datetime(2024, 4, 3)
    assert parse_date(dt.datetime(2024, 4, 3, 8, 0)) == dt.datetime(2024, 4, 3, 8)
    for bad in ("31/02/2024", "13/13/2024", "03/04/24", "tomorrow", "03/04/2024 25:00"):
        assert parse_date(bad) is None


def test_yes_no_cells() -> None:
    assert [yes_no(v) for v in ("a) Yes", "Y", "b) No", "n", "c) Unknown", "")] == [
        True,
        True,
        False,
        False,
        None,
        None,
    ]


def test_values_that_could_be_free_text_are_never_shown() -> None:
    assert shown("31/02/2024") == "'31/02/2024'"
    assert shown("Polise") == "'Polise'"
    assert "Smith" not in shown("q) 6: Mrs Smith rang")
    assert "Smith" not in shown("Mrs Smith rang about Jo")
    assert shown(None) == "an empty cell"
