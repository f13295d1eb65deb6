"""The one error type for bad input, so every entry point can turn it into one clear line.

A :class:`ConfigError` names *where* (a config path such as ``run.replications`` or a data
file row), *what* was given and *what is allowed*. The CLI prints ``str(error)`` on one line and
exits with status 2; library callers can catch it like any ``ValueError``.
"""

from __future__ import annotations

from typing import Any

EXIT_BAD_INPUT = 2  # every command line exits with this after the one line about bad input


class ConfigError(ValueError):
    """Bad input: names the key, the value given and what is allowed."""

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"{key}: {value!r} is not allowed; {allowed}")
