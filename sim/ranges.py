"""The range of every number in the config, declared once, on the schema field it belongs to.

A field of :mod:`sim.config` states what values it allows beside its default::

    replications: int = ranged(5, integer(ge=1, at_most=MAX_REPLICATIONS, unit="replications"))

and :func:`check_ranges` walks a whole :class:`~sim.config.Config` — nested groups, dicts of
pools and sources, lists — and raises one :class:`~sim.errors.ConfigError` for the first value
outside its range, naming the key path (``staffing.pools.social_workers.staff``), the value and
the range in words. One declaration therefore serves every pool, stage and team that shares a
schema, and the lower bound (meaning: a count ≥ 0) and the upper plausibility limit (a typing
slip of three extra zeros, :mod:`sim.bounds`) are written side by side. Hand-written rules in
:mod:`sim.validation` are left for what one field cannot say: shares summing to 1, names that
must exist, one value below another.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

from sim.errors import ConfigError, is_finite_number

MAX_PERIOD_DAYS = 3650.0
"""Warm-up, horizon and drain: at most ten years each."""
MAX_REPLICATIONS = 100_000
MAX_JOBS = 1024
MAX_ANNUAL_CONTACTS = 1_000_000.0
"""Contacts a year: England's busiest front doors see tens of thousands."""
MAX_STAFF = 10_000
MAX_BACKLOG_ITEMS = 200_000
"""Children in a warm-start backlog, all parts together (and in any one part)."""
MAX_BACKLOG_DAYS = 3650.0
"""Ages (working days since referral) and days until a re-referral returns."""
HOURS_IN_A_YEAR = 8784.0
"""The hours of a leap year: nobody works more in one."""

RANGE = "range"
"""The key of a field's :class:`Range` in its ``dataclasses.field`` metadata."""


@dataclass(frozen=True)
class Range:
    """The values one config number may take, and how to say so in one line.

    ``low``/``high`` bound the value (``None``: unbounded), open when ``low_open``/``high_open``.
    An ``interval`` range is written in interval notation (``a probability in [0, 1]``); any
    other as ``≥ low``, ``> low`` and, for a plausibility limit, ``and at most high``.
    ``each`` applies the range to every number inside the field (a list's items, a dict's values,
    a dict of lists' items), keyed ``field[i]``, ``field.name`` or ``field.name[i]``;
    ``optional`` lets the field be ``null`` (``None``), said as ``null (…) or …``.
    """

    what: str = "a number"
    low: float | None = None
    low_open: bool = False
    high: float | None = None
    high_open: bool = False
    integer: bool = False
    interval: bool = False
    unit: str = ""
    each: bool = False
    optional: str = ""

    def allows(self, value: Any) -> bool:
        if value is None:
            return bool(self.optional)
        if not is_finite_number(value):
            return False
        if self.integer and not float(value).is_integer():
            return False
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return not (
            self.high is not None and (value >= self.high if self.high_open else value > self.high)
        )

    def describe(self) -> str:
        """``must be …``: the range in words, as the error line and the docs give it."""
        if self.interval:
            bounds = (
                f"in {'(' if self.low_open else '['}{_shown(self.low)}, "
                f"{_shown(self.high)}{')' if self.high_open else ']'}"
            )
        else:
            parts = []
            if self.low is not None:
                parts.append(f"{'>' if self.low_open else '≥'} {_shown(self.low)}")
            if self.high is not None:
                parts.append(f"{'below' if self.high_open else 'at most'} {_shown(self.high)}")
            bounds = " and ".join(parts)
        text = f"{self.what} {bounds}".strip()
        if self.unit:
            text += f" ({self.unit})"
        if self.optional:
            text = f"null ({self.optional}) or {text}"
        return f"must be {text}"


def _shown(bound: float | None) -> str:
    if bound is None:
        return ""
    if float(bound).is_integer():
        return f"{bound:,.0f}" if abs(bound) >= 10_000 else f"{bound:.0f}"
    return f"{bound:g}"


def number(
    *,
    ge: float | None = None,
    gt: float | None = None,
    at_most: float | None = None,
    unit: str = "",
    what: str = "a number",
    each: bool = False,
    optional: str = "",
) -> Range:
    """A finite number ``≥ ge`` (or ``> gt``), at most ``at_most`` when given."""
    return Range(
        what=what,
        low=gt if gt is not None else ge,
        low_open=gt is not None,
        high=at_most,
        unit=unit,
        each=each,
        optional=optional,
    )


def integer(
    *,
    ge: float,
    at_most: float | None = None,
    unit: str = "",
    what: str = "an integer",
    each: bool = False,
) -> Range:
    """A whole number ``≥ ge``, at most ``at_most`` when given."""
    return Range(what=what, low=ge, high=at_most, integer=True, unit=unit, each=each)


def share(
    low: float = 0.0,
    high: float = 1.0,
    *,
    high_open: bool = False,
    what: str = "a probability",
    unit: str = "",
    each: bool = False,
) -> Range:
    """A number in an interval (``[0, 1]`` by default): a probability, share or percentage."""
    return Range(
        what=what,
        low=low,
        high=high,
        high_open=high_open,
        interval=True,
        unit=unit,
        each=each,
    )


PROBABILITY = share()
PERCENTAGE = share(0.0, 100.0, what="a percentage")


def ranged(default: Any = dataclasses.MISSING, rng: Range | None = None, **kwargs: Any) -> Any:
    """A dataclass field whose values must lie in ``rng`` (``default_factory=`` for lists)."""
    assert rng is not None
    metadata = {RANGE: rng}
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata=metadata, **kwargs)
    return dataclasses.field(default=default, metadata=metadata, **kwargs)


def check_ranges(node: Any, key: str = "") -> None:
    """Raise :class:`ConfigError` for the first number in ``node`` outside its field's range.

    Walks dataclasses, dicts and lists depth-first in declaration order, so the key path of a
    bad value is the one a user writes on the command line.
    """
    if isinstance(node, dict):
        for name, value in node.items():
            check_ranges(value, f"{key}.{name}" if key else str(name))
        return
    if isinstance(node, list | tuple):
        for i, value in enumerate(node):
            check_ranges(value, f"{key}[{i}]")
        return
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        path = f"{key}.{f.name}" if key else f.name
        rng = f.metadata.get(RANGE)
        if rng is not None:
            _check_value(value, path, rng)
        check_ranges(value, path)


def _check_value(value: Any, key: str, rng: Range) -> None:
    if rng.each and isinstance(value, dict):
        for name, item in value.items():
            _check_value(item, f"{key}.{name}", rng)
    elif rng.each and isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_value(item, f"{key}[{i}]", rng)
    elif not rng.allows(value):
        raise ConfigError(key, value, rng.describe())


def field_ranges(schema: type, prefix: str = "") -> dict[str, Range]:
    """Every ranged field of dataclass ``schema`` and the dataclasses it holds directly.

    For the generated reference in ``docs/configuration.md`` and the tests: the ranges as the
    code declares them, keyed by path (a dict of schemas shows as ``<name>``).
    """
    found: dict[str, Range] = {}
    hints = typing.get_type_hints(schema)
    for f in dataclasses.fields(schema):
        path = f"{prefix}.{f.name}" if prefix else f.name
        rng = f.metadata.get(RANGE)
        if rng is not None:
            found[path] = rng
        inner = _schema_of(hints[f.name])
        if inner is not None:
            sub, keyed = inner
            found.update(field_ranges(sub, f"{path}.<name>" if keyed else path))
    return found


def _schema_of(hint: Any) -> tuple[type, bool] | None:
    """The dataclass a field holds (itself, or a dict's values), and whether it is keyed."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return hint, False
    if typing.get_origin(hint) is dict:
        value = typing.get_args(hint)[1]
        if dataclasses.is_dataclass(value) and isinstance(value, type):
            return value, True
    return None
