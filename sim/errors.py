"""The one error type for bad input, so every entry point can turn it into one clear line.

A :class:`ConfigError` names *where* (a config path such as ``run.replications`` or a data
file row), *what* was given and *what is allowed*. The CLI prints ``str(error)`` on one line and
exits with status 2; library callers can catch it like any ``ValueError``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any

EXIT_BAD_INPUT = 2  # every command line exits with this after the one line about bad input


def is_finite_number(value: Any) -> bool:
    """A number a config key can hold: an int or float, finite, and not a bool (YAML's
    ``true`` is an int to Python, but never a sensible share, rate or duration)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class ConfigError(ValueError):
    """Bad input: names the key, the value given and what is allowed."""

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        shown = value.value if isinstance(value, Enum) else value  # 'office', not Rota.office
        super().__init__(f"{key}: {shown!r} is not allowed; {allowed}")


@contextmanager
def bad_input_exits(prog: str) -> Iterator[None]:
    """Inside, a :class:`ConfigError` becomes ``prog: error: <line>`` on stderr and exit 2.

    Every command line (``frontdoor``, the experiments) meets bad input the same way: one line
    naming the key, the value and what is allowed, and no traceback.
    """
    try:
        yield
    except ConfigError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
