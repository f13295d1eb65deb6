"""Small Annex A extracts for the fit's tests: a clean one, and the same with bad rows planted.

Every identifying field is planted with a marker (:data:`SECRETS`) so a test can scan every
output file, log and message for it: child IDs, dates of birth, worker and team names, and free
text (in a notes column, and in a source cell of a bad row).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sim.fit.synthetic import HEADERS

CHILD_ID = "ZQCHILD"  # + a number
WORKER = "Wilhelmina Qworker"
TEAM = "Qteam Zebra Locality"
FREE_TEXT = "Mum Qfreetext said the boyfriend"
DOB = "17/09/2011"  # no contact, referral or assessment date in these extracts is in 2011
SECRETS = [CHILD_ID, WORKER, TEAM, "Qfreetext", DOB, "2011-09-17", "17 Sep 2011"]

SOURCES = [
    "q) 6: Police",
    "e) 2A: Schools",
    "g) 3A: Health services",
    "a) 1A: Family",
    "v) 5D: Early help",
]


def _front(i: int) -> list[str]:
    return [f"{CHILD_ID}{i:05d}", "a) Male", "WBRI", DOB, "12"]


def clean_rows(days: int = 120) -> dict[int, list[list[str]]]:
    """Four lists over ``days`` days from 1 April 2024: a few contacts a day, a quarter referred."""
    start = dt.date(2024, 4, 1)
    rows: dict[int, list[list[str]]] = {n: [[*HEADERS[n], "Notes"]] for n in HEADERS}
    i = 0
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        for k in range(4 if day.weekday() < 5 else 1):
            i += 1
            source = SOURCES[(i + k) % len(SOURCES)]
            rows[1].append([*_front(i), f"{day:%d/%m/%Y} {9 + k}:15", source, FREE_TEXT])
            if i % 4:
                continue
            rows[3].append(
                [
                    *_front(i),
                    f"{day:%d/%m/%Y}",
                    source,
                    "b) No" if i % 20 else "a) Yes",
                    "0",
                    TEAM,
                    WORKER,
                    FREE_TEXT,
                ]
            )
            end = day + dt.timedelta(days=20 + i % 50)
            rows[4].append(
                [
                    *_front(i),
                    f"{day:%d/%m/%Y}",
                    "a) Yes",
                    f"{end:%d/%m/%Y}",
                    "a) Yes",
                    TEAM,
                    WORKER,
                    FREE_TEXT,
                ]
            )
            if i % 8 == 0:
                icpc = day + dt.timedelta(days=14 + i % 9)
                rows[5].append(
                    [
                        *_front(i),
                        TEAM,
                        WORKER,
                        f"{day:%d/%m/%Y}",
                        "b) No",
                        f"{icpc:%d/%m/%Y}",
                        "a) Yes",
                        "1",
                        "1",
                        FREE_TEXT,
                    ]
                )
    return rows


def write_folder(rows: dict[int, list[list[str]]], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, table in rows.items():
        with (folder / f"List_{number}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(table)
    return folder


def _set(rows: list[list[str]], row: int, header: str, value: str) -> None:
    """Set a cell by spreadsheet row (the header is row 1) and header."""
    rows[row - 1][rows[0].index(header)] = value


def bad_rows() -> tuple[dict[int, list[list[str]]], list[tuple[str, int | None, str, str]]]:
    """A clean extract with bad rows planted, and what the listing must say of each:
    (list, row, column header, a piece of the message)."""
    rows = clean_rows()
    one, three, four, five = rows[1], rows[3], rows[4], rows[5]
    _set(one, 2, "Date of Contact", "31/02/2024")
    _set(one, 3, "Date of Contact", "01/01/1990")
    _set(one, 4, "Date of Contact", "45123")  # an Excel serial number exported as text
    _set(one, 5, "Contact Source", "q) 66: Police")
    _set(one, 6, "Contact Source", FREE_TEXT)
    _set(one, 7, "Date of Contact", "")
    _set(one, 8, "Date of Contact", "01/01/2099 10:00")
    one.append(list(one[10]))  # a duplicate of row 11
    _set(three, 2, "Referral NFA?", "maybe")
    _set(four, 3, "Continuous Assessment Date of Authorisation", "01/01/2024")  # before its start
    _set(five, 2, "Date of Initial Child Protection Conference", "01/01/2024")
    expected = [
        ("List 1", 2, "Date of Contact", "'31/02/2024' is not allowed; a date dd/mm/yyyy"),
        (
            "List 1",
            3,
            "Date of Contact",
            "'01/01/1990' is not allowed; a real date from 01/01/2000",
        ),
        ("List 1", 4, "Date of Contact", "'45123' is not allowed; a date dd/mm/yyyy"),
        (
            "List 1",
            5,
            "Contact Source",
            "'q) 66: …' (its label withheld) is not allowed; an Annex A source code",
        ),
        (
            "List 1",
            6,
            "Contact Source",
            "withheld: it may identify a child) is not allowed; an Annex A source",
        ),
        ("List 1", 7, "Date of Contact", "an empty cell is not allowed; a date dd/mm/yyyy"),
        ("List 1", 8, "Date of Contact", "'01/01/2099 10:00' is not allowed; a real date"),
        ("List 1", len(one), "(whole row)", "a duplicate of row 11"),
        ("List 3", 2, "Referral NFA?", "'maybe' is not allowed; 'a) Yes' or 'b) No'"),
        (
            "List 4",
            3,
            "Continuous Assessment Date of Authorisation",
            "on or after the assessment's start date",
        ),
        (
            "List 5",
            2,
            "Date of Initial Child Protection Conference",
            "on or after the strategy discussion's date",
        ),
    ]
    return rows, expected


def fit_command(*args: str) -> tuple[int, str, str]:
    """``frontdoor-fit args`` in this process (as the console script calls it): the exit
    status, stdout and stderr. The subprocess tests cover the real command line; this spares
    each further test the ≈5 s of starting Python and importing pandera, scipy and Hydra."""
    import contextlib
    import io

    from sim.fit.cli import main

    out, err = io.StringIO(), io.StringIO()
    status = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return status, out.getvalue(), err.getvalue()
