"""Reading an Ofsted ILACS Annex A extract: a workbook (one sheet per list) or a folder of CSVs.

Only the columns the fit needs are kept, the moment a row is read: the child columns (ID, gender,
ethnicity, date of birth, age), the allocated team and worker and every free-text column are
dropped before anything else sees them. The one exception is ``Child Unique ID``, which is kept
as a salted digest (never the ID itself) only to find duplicate rows, and never written anywhere.

Headers are matched leniently: case, spacing, punctuation and the usual variants (the
``liia-tools`` Annex A schema lists the same ones). The row number kept with every row is the
spreadsheet's own (the header row is row 1 unless a title sits above it), so a council can find
a bad row in its file.
"""

from __future__ import annotations

import csv
import hashlib
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

# ------------------------------------------------------------------------------------------------
# The lists and the columns the fit reads from each, with the header variants accepted.


@dataclass(frozen=True)
class Column:
    """A column the fit reads: its name in the model (``key``), the template's header and the
    variants accepted; ``required``: the list cannot be fitted without it."""

    key: str
    header: str
    variants: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class ListSpec:
    """One Annex A list: its number, what a row is, and the columns read from it."""

    number: int
    name: str
    words: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def label(self) -> str:
        return f"List {self.number}"


CHILD_ID = Column(
    "child", "Child Unique ID", ("child id", "unique id", "child unique identifier"), False
)

LISTS: dict[int, ListSpec] = {
    1: ListSpec(
        1,
        "contacts",
        ("contact",),
        (
            CHILD_ID,
            Column(
                "date", "Date of Contact", ("contact date", "date contact", "contact start date")
            ),
            Column("source", "Contact Source", ("source of contact", "contact source code")),
        ),
    ),
    3: ListSpec(
        3,
        "referrals",
        ("referral",),
        (
            CHILD_ID,
            Column("date", "Date of referral", ("referral date", "referral start date")),
            Column("source", "Referral Source", ("source of referral", "referral source code")),
            Column("nfa", "Referral NFA?", ("referral nfa", "nfa", "referral no further action")),
        ),
    ),
    4: ListSpec(
        4,
        "assessments",
        ("assessment",),
        (
            CHILD_ID,
            Column(
                "start",
                "Continuous Assessment Start Date",
                (
                    "assessment start date",
                    "date of assessment start",
                    "continuous assessment start",
                ),
            ),
            Column(
                "authorised",
                "Continuous Assessment Date of Authorisation",
                (
                    "assessment date of authorisation",
                    "assessment authorisation date",
                    "date of authorisation",
                    "continuous assessment authorisation date",
                    "assessment completion date",
                ),
            ),
        ),
    ),
    5: ListSpec(
        5,
        "section 47 enquiries",
        ("section 47", "s47", "child protection"),
        (
            CHILD_ID,
            Column(
                "start",
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                (
                    "strategy discussion initiating s47 enquiry start date",
                    "section 47 enquiry start date",
                    "s47 enquiry start date",
                    "s47 start date",
                    "strategy discussion start date",
                    "date of strategy discussion",
                ),
            ),
            Column(
                "icpc_unnecessary",
                "Was an Initial Child Protection Conference deemed unnecessary?",
                ("icpc deemed unnecessary", "was an icpc deemed unnecessary"),
                required=False,
            ),
            Column(
                "icpc",
                "Date of Initial Child Protection Conference",
                ("icpc date", "date of icpc", "initial child protection conference date"),
            ),
        ),
    ),
}


def normalise(header: Any) -> str:
    """A header as compared: lower case, '&' as 'and', punctuation as spaces, single spaces."""
    text = str(header or "").lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _names(column: Column) -> set[str]:
    return {normalise(column.header), *(normalise(v) for v in column.variants)}


# ------------------------------------------------------------------------------------------------
# What was read: one frame per list, only the columns above, every cell a string (or a datetime
# from an Excel date cell), plus each row's spreadsheet row number.


@dataclass
class ListTable:
    """The rows of one list as read: ``frame`` has a ``row`` column (the spreadsheet's row
    number) and one column per :class:`Column` key found; ``missing`` the required columns not
    found; ``origin`` names the sheet or file (its name only, never its content)."""

    spec: ListSpec
    frame: pd.DataFrame
    missing: list[Column] = field(default_factory=list)
    origin: str = ""


@dataclass
class Extract:
    """An Annex A extract: the lists found (by number) and notes on what was not."""

    lists: dict[int, ListTable]
    notes: list[str]


def _which_list(name: str) -> int | None:
    """The list a sheet or file name is for: 'List 1', 'list_3', 'L4 - Assessments',
    'Annex A List 5 (s47)'; or by its words ('Contacts', 'Referrals', ...)."""
    text = normalise(Path(name).stem)
    found = re.search(r"\blist ?(\d{1,2})\b", text) or re.search(r"\bl ?(\d{1,2})\b", text)
    if found:
        number = int(found.group(1))
        return number if number in LISTS else None
    for number, spec in LISTS.items():
        if any(word in text for word in spec.words):
            return number
    return None


def _header_row(rows: list[list[Any]], spec: ListSpec) -> int:
    """The index (in ``rows``) of the header row: the first of the opening rows that names a
    required column (a title or a blank row may sit above the headers)."""
    wanted = set().union(*(_names(c) for c in spec.columns if c.required))
    for index, row in enumerate(rows):
        if any(normalise(cell) in wanted for cell in row):
            return index
    return 0


def _table(spec: ListSpec, rows: Iterator[list[Any]], origin: str, salt: bytes) -> ListTable:
    """Keep only the columns the fit reads (the child ID as a salted digest), row by row."""
    opening: list[list[Any]] = []
    for row in rows:
        opening.append(list(row))
        if len(opening) == 10:
            break
    at = _header_row(opening, spec)
    headers = [normalise(cell) for cell in opening[at]] if opening else []
    positions: dict[str, int] = {}
    missing: list[Column] = []
    for column in spec.columns:
        names = _names(column)
        index = next((i for i, h in enumerate(headers) if h in names), None)
        if index is None:
            if column.required:
                missing.append(column)
            continue
        positions[column.key] = index
    records: list[dict[str, Any]] = []

    def keep(row: list[Any], number: int) -> None:
        if all(cell is None or str(cell).strip() == "" for cell in row):
            return  # a blank row (common at the end of an export) is not a row
        record: dict[str, Any] = {"row": number}
        for key, index in positions.items():
            cell = row[index] if index < len(row) else None
            if key == "child":
                text = "" if cell is None else str(cell).strip()
                cell = hashlib.sha256(salt + text.encode()).hexdigest() if text else None
            record[key] = cell
        records.append(record)

    for offset, row in enumerate(opening[at + 1 :], start=at + 2):
        keep(row, offset)
    for offset, row in enumerate(rows, start=len(opening) + 1):
        keep(list(row), offset)
    frame = pd.DataFrame.from_records(records, columns=["row", *positions])
    return ListTable(spec, frame, missing, origin)


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        yield from csv.reader(handle)


def _sheets(path: Path) -> Iterable[tuple[str, Iterator[list[Any]]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            yield sheet.title, (list(row) for row in sheet.iter_rows(values_only=True))
    finally:
        book.close()


def read_extract(path: str | Path) -> Extract:
    """Read an Annex A extract: an ``.xlsx`` workbook or a folder of ``.csv`` files.

    Lists 1, 3, 4 and 5 are read; a list not found is noted (the model keeps its defaults for
    what it would have fitted). Raises :class:`~sim.errors.ConfigError` if the path is neither.
    """
    from sim.errors import ConfigError

    source = Path(path).expanduser()
    salt = secrets.token_bytes(16)  # digests of child IDs cannot be matched across runs
    lists: dict[int, ListTable] = {}
    notes: list[str] = []
    if source.is_dir():
        parts: Iterable[tuple[str, Iterator[list[Any]]]] = (
            (p.name, _csv_rows(p)) for p in sorted(source.iterdir()) if p.suffix.lower() == ".csv"
        )
    elif source.is_file() and source.suffix.lower() in (".xlsx", ".xlsm"):
        parts = _sheets(source)
    else:
        raise ConfigError(
            "extract", str(path), "must be an Annex A workbook (.xlsx) or a folder of CSV files"
        )
    try:
        for name, rows in parts:
            number = _which_list(name)
            if number is None:
                continue
            if number in lists:
                notes.append(f"{LISTS[number].label}: a second sheet or file ({name}) was ignored")
                continue
            lists[number] = _table(LISTS[number], rows, name, salt)
    except (OSError, ValueError, KeyError) as exc:  # a corrupt or locked workbook
        raise ConfigError(
            "extract", str(path), f"must be a readable workbook ({type(exc).__name__})"
        ) from None
    for number, spec in LISTS.items():
        if number not in lists:
            notes.append(
                f"{spec.label} ({spec.name}) not found: skipped, the model keeps its defaults "
                "for what it would give"
            )
    return Extract(lists, notes)
