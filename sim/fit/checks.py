"""Validating an Annex A extract: every bad row listed at once, then refuse or drop them.

The checks are a pandera schema per list, validated lazily so that one pass finds every bad
cell: dates that cannot be read (``dd/mm/yyyy``, with a time of day where the export has one) or
are impossible (before 2000, or after today), an authorisation before its assessment's start, a
conference before its strategy discussion, source cells that are not Annex A codes, Yes/No cells
that are neither, required cells left empty, and duplicate rows (the same child, dates and
source twice). A required column that is missing altogether is a problem of its own.

Each :class:`Problem` names the list, the spreadsheet row, the column (its template header), the
value and what is allowed. A value is shown only when it cannot identify anyone (a date, a code,
a short word): anything longer or with spaces in it may be free text about a child, and is
replaced by its length (:func:`shown`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from sim.fit.annex_a import ListSpec, ListTable
from sim.fit.codes import allowed_codes, code_of

EARLIEST = dt.date(2000, 1, 1)
DATE_ALLOWED = "a date dd/mm/yyyy (a time of day hh:mm may follow)"

_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")
_SAFE = re.compile(r"^[0-9/:.\-\s]{1,25}$|^[A-Za-z0-9()?.]{1,12}$")
_CODE_SHAPE = re.compile(r"^\s*([a-z]{1,2}\s*\)\s*\d{1,2}[A-Za-z]?)\s*[:\-–]")


def shown(value: Any) -> str:
    """A cell's value as it may appear in a message: dates, numbers and short words as they
    are; anything that could be free text (long, or with words in it) withheld."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "an empty cell"
    if isinstance(value, dt.datetime | dt.date):
        return repr(value.strftime("%d/%m/%Y"))
    text = str(value).strip()
    if text == "":
        return "an empty cell"
    if _SAFE.match(text):
        return repr(text)
    coded = _CODE_SHAPE.match(text)
    if coded:
        return repr(f"{coded.group(1)}: …") + " (its label withheld)"
    return f"a text of {len(text)} characters (withheld: it may identify a child)"


def parse_date(cell: Any) -> pd.Timestamp | None:
    """A cell as a timestamp, or ``None`` if it is not a real date in an accepted form."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return None
    if isinstance(cell, dt.datetime | dt.date):  # an Excel date cell
        return pd.Timestamp(cell)
    text = str(cell)
    found = _DATE.match(text)
    if found:
        day, month, year = (int(found.group(i)) for i in (1, 2, 3))
    else:
        found = _ISO.match(text)
        if not found:
            return None
        year, month, day = (int(found.group(i)) for i in (1, 2, 3))
    hour, minute, second = (int(found.group(i) or 0) for i in (4, 5, 6))
    try:
        return pd.Timestamp(dt.datetime(year, month, day, hour, minute, second))
    except ValueError:  # 31/02/2024, 25:00
        return None


def _possible(cell: Any) -> bool:
    when = parse_date(cell)
    return when is None or EARLIEST <= when.date() <= dt.date.today()


def yes_no(cell: Any) -> bool | None:
    """``a) Yes`` / ``Y`` → True, ``b) No`` / ``N`` → False; anything else (Unknown) → None."""
    text = re.sub(r"^[a-z]\)\s*", "", str(cell or "").strip().lower())
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    return None


YES_NO_ALLOWED = "'a) Yes' or 'b) No' (also Yes/No, Y/N)"
ALLOWED = {
    "date": DATE_ALLOWED,
    "start": DATE_ALLOWED,
    "source": allowed_codes(),
    "nfa": YES_NO_ALLOWED,
}


@dataclass(frozen=True)
class Problem:
    """One bad cell, row or column of an extract."""

    list: str
    row: int | None
    column: str
    value: str
    allowed: str

    def line(self) -> str:
        where = f"{self.list} row {self.row}" if self.row is not None else self.list
        return f"{where}, column {self.column!r}: {self.value} is not allowed; {self.allowed}"


def _element(name: str, error: str, test: Callable[[Any], bool]) -> pa.Check:
    return pa.Check(test, element_wise=True, name=name, error=error)


def _date_column(nullable: bool) -> pa.Column:
    def readable(v: Any) -> bool:
        return parse_date(v) is not None or (nullable and (v is None or str(v).strip() == ""))

    return pa.Column(
        None,
        [
            _element("date", DATE_ALLOWED, readable),
            _element("possible", f"a real date from {EARLIEST:%d/%m/%Y} to today", _possible),
        ],
        nullable=nullable,
        required=False,
    )


def _order(later: str, earlier: str, error: str) -> pa.Check:
    def in_order(frame: pd.DataFrame) -> pd.Series:
        if later not in frame or earlier not in frame:
            return pd.Series(True, index=frame.index)
        pairs = zip(frame[later].map(parse_date), frame[earlier].map(parse_date), strict=True)
        bad = [a is not None and b is not None and a.date() < b.date() for a, b in pairs]
        return ~pd.Series(bad, index=frame.index, dtype=bool)

    return pa.Check(in_order, name=f"order:{later}", error=error)


def schema(spec: ListSpec) -> pa.DataFrameSchema:
    """The pandera schema of one list's frame (as :func:`sim.fit.annex_a.read_extract` keeps it)."""
    source = pa.Column(
        None, _element("source", allowed_codes(), lambda v: code_of(v) is not None), required=False
    )
    nfa = pa.Column(
        None, _element("yes_no", YES_NO_ALLOWED, lambda v: yes_no(v) is not None), required=False
    )
    columns: dict[str, pa.Column] = {}
    checks: list[pa.Check] = []
    if spec.number in (1, 3):
        columns = {"date": _date_column(False), "source": source}
        if spec.number == 3:
            columns["nfa"] = nfa
    elif spec.number == 4:
        columns = {"start": _date_column(False), "authorised": _date_column(True)}
        checks.append(_order("authorised", "start", "on or after the assessment's start date"))
    elif spec.number == 5:
        columns = {"start": _date_column(False), "icpc": _date_column(True)}
        checks.append(_order("icpc", "start", "on or after the strategy discussion's date"))
    return pa.DataFrameSchema(columns, checks=checks)


def _header(spec: ListSpec, key: str) -> str:
    return next(c.header for c in spec.columns if c.key == key)


def _duplicates(table: ListTable) -> list[Problem]:
    frame = table.frame
    if "child" not in frame or frame.empty:
        return []
    keys = [c for c in frame.columns if c != "row"]
    known = frame[frame["child"].notna()]
    first = known.groupby(keys, dropna=False)["row"].transform("min")
    again = known[known["row"] != first]
    spec = table.spec
    return [
        Problem(spec.label, int(r), "(whole row)", f"a duplicate of row {int(f)}", "each row once")
        for r, f in zip(again["row"], first[again.index], strict=True)
    ]


def check_list(table: ListTable) -> list[Problem]:
    """Every problem in one list: missing columns, bad cells, rows out of order, duplicates."""
    spec = table.spec
    problems = [
        Problem(
            spec.label,
            None,
            column.header,
            "a missing column",
            f"a column headed {column.header!r} (or "
            f"{', '.join(repr(v) for v in column.variants[:2])})",
        )
        for column in table.missing
    ]
    frame = table.frame.astype(object).where(table.frame.notna(), None)
    try:
        schema(spec).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[cases["index"].notna()]
        seen: set[tuple[int, str]] = set()
        for _, case in cases.iterrows():
            index, check = int(case["index"]), str(case["check"])
            column = str(case["column"])
            if check.startswith("on or after"):
                column = "authorised" if spec.number == 4 else "icpc"
            if (index, column) in seen or column not in frame:
                continue
            seen.add((index, column))
            allowed = ALLOWED.get(column, check) if check == "not_nullable" else check
            problems.append(
                Problem(
                    spec.label,
                    int(str(frame.at[index, "row"])),
                    _header(spec, column),
                    shown(frame.at[index, column]),
                    allowed,
                )
            )
    problems += _duplicates(table)
    return sorted(problems, key=lambda p: (p.row or 0, p.column))


@dataclass
class Checked:
    """The outcome of checking an extract: every problem, and the rows that passed, by list."""

    problems: list[Problem]
    good: dict[int, pd.DataFrame]
    dropped: dict[int, int]

    def listing(self) -> str:
        """All problems, one a line, then the count by list."""
        lines = [p.line() for p in self.problems]
        by_list: dict[str, int] = {}
        for p in self.problems:
            by_list[p.list] = by_list.get(p.list, 0) + 1
        summary = ", ".join(f"{name}: {n}" for name, n in sorted(by_list.items()))
        lines.append(f"{len(self.problems)} problem(s) in the extract ({summary})")
        return "\n".join(lines)


def check_extract(tables: dict[int, ListTable]) -> Checked:
    """Check every list; the good rows of each (a list missing a required column has none)."""
    problems: list[Problem] = []
    good: dict[int, pd.DataFrame] = {}
    dropped: dict[int, int] = {}
    for number, table in sorted(tables.items()):
        found = check_list(table)
        problems += found
        if table.missing:
            dropped[number] = len(table.frame)
            continue
        bad_rows = {p.row for p in found if p.row is not None}
        keep = ~table.frame["row"].isin(bad_rows)
        good[number] = table.frame[keep].reset_index(drop=True)
        dropped[number] = int((~keep).sum())
    return Checked(problems, good, dropped)
