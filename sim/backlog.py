"""Backlog files: today's queues and caseloads, read strictly, for a warm start.

A backlog is given as a file (docs/backlog.md, ``conf/backlog/example.yaml``): a group option
``backlog=<name>``, or any path, ``backlog=path/to/file.yaml`` or ``backlog.file=…``.
:func:`backlog_overrides` reads it strictly — every bad entry named by its key path and value,
integers accepted where numbers are meant, an empty file refused — and hands Hydra the checked
backlog as a generated group option. :mod:`sim.warm_start` puts it into a run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from sim.vocabulary import STAGES

# ------------------------------------------------------------------------------------------------
# Backlog files: read strictly, every bad entry named, then handed to Hydra as a group file.

BACKLOG_KEYS = (
    "front_door",
    "step_up_panel",
    "assessments",
    "awaiting_allocation",
    "re_referrals_due_days",
)
GENERATED = "_file_"
"""Prefix of the group options written for backlog files (see :func:`backlog_overrides`)."""


def _label(key: Any) -> str:
    """A key as it can be shown on one line (a control character or an empty key quoted)."""
    text = str(key)
    return text if text and text.isprintable() else repr(text)


def _count(value: Any, key: str) -> int:
    from sim.errors import ConfigError

    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ConfigError(key, value, "must be a whole number of items ≥ 0")
    if value < 0:
        raise ConfigError(key, value, "must be a count ≥ 0")
    return int(value)


def _days(values: Any, key: str, what: str) -> list[float]:
    from sim.errors import ConfigError

    if not isinstance(values, list):
        raise ConfigError(key, values, f"must be a list of {what}, e.g. [1, 10.5, 30]")
    out = []
    for i, value in enumerate(values):
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if number is None or not np.isfinite(number) or number < 0:
            raise ConfigError(f"{key}[{i}]", value, f"must be a number ≥ 0 ({what})")
        out.append(float(number))  # integers are numbers too: 30 is 30.0 days
    return out


def _teams(value: Any, key: str) -> dict[str, list[float]]:
    from sim.errors import ConfigError

    if not isinstance(value, dict):
        raise ConfigError(key, value, "must map each assessment team to a list of ages")
    return {
        str(team): _days(ages, f"{key}.{_label(team)}", "working days since referral")
        for team, ages in value.items()
    }


def parse_backlog(document: Any, where: str) -> dict[str, Any]:
    """The backlog of a parsed YAML document, normalised; :class:`ConfigError` naming the key
    path and value of the first bad entry. ``where`` names the file in messages."""
    from sim.errors import ConfigError

    if document is None or document == {}:
        raise ConfigError(
            where,
            "an empty file",
            f"a backlog file must give at least one of {', '.join(BACKLOG_KEYS)} "
            "(for no backlog, use backlog=empty)",
        )
    if not isinstance(document, dict):
        raise ConfigError(where, document, "must be a mapping of backlog parts (docs/backlog.md)")
    document = {k: v for k, v in document.items() if k != "defaults"}
    unknown = [k for k in document if k not in BACKLOG_KEYS]
    if unknown:
        raise ConfigError(
            f"backlog.{_label(unknown[0])}",
            document[unknown[0]],
            f"must be one of {', '.join(BACKLOG_KEYS)}",
        )
    front_door = document.get("front_door", {}) or {}
    if not isinstance(front_door, dict):
        raise ConfigError("backlog.front_door", front_door, "must map each stage to a count")
    for stage in front_door:
        if stage not in STAGES:
            raise ConfigError(
                f"backlog.front_door.{_label(stage)}",
                front_door[stage],
                f"must be one of {', '.join(STAGES)}",
            )
    return {
        "front_door": {str(s): _count(n, f"backlog.front_door.{s}") for s, n in front_door.items()},
        "step_up_panel": _count(document.get("step_up_panel", 0), "backlog.step_up_panel"),
        "assessments": _teams(document.get("assessments", {}) or {}, "backlog.assessments"),
        "awaiting_allocation": _teams(
            document.get("awaiting_allocation", {}) or {}, "backlog.awaiting_allocation"
        ),
        "re_referrals_due_days": _days(
            document.get("re_referrals_due_days", []) or [],
            "backlog.re_referrals_due_days",
            "days from the start",
        ),
    }


def read_backlog(path: str | Path) -> dict[str, Any]:
    """Read and check a backlog file (the format of docs/backlog.md)."""
    from sim.yamlfile import display, read_yaml

    return parse_backlog(read_yaml(path), display(path))


def _is_path(value: str) -> bool:
    return value.endswith((".yaml", ".yml")) or "/" in value or os.sep in value


def backlog_source(override: str, folders: Sequence[Path]) -> Path | None:
    """The file an override selects the backlog from, or ``None`` if it does not.

    ``backlog=path/to/file.yaml`` and ``backlog.file=path/to/file.yaml`` name a file;
    ``backlog=<name>`` the group file ``backlog/<name>.yaml`` of the config folders (so its
    entries are checked and its integers accepted too).
    """
    from sim.errors import ConfigError

    name, sep, value = override.partition("=")
    if not sep or name not in ("backlog", "backlog.file") or "," in value or not value:
        return None  # a sweep is split into its choices by backlog_overrides
    if name == "backlog.file" or _is_path(value):
        path = Path(value).expanduser()
        if not path.is_file():
            raise ConfigError(name, value, "must be an existing backlog file (docs/backlog.md)")
        return path
    if value.startswith(GENERATED):
        return None
    for folder in folders:
        candidate = folder / "backlog" / f"{value}.yaml"
        if candidate.is_file():
            return candidate
    return None  # not a group option: Hydra lists the options


@contextmanager
def backlog_overrides(
    overrides: Sequence[str], folders: Sequence[Path]
) -> Iterator[tuple[list[str], Path | None]]:
    """``overrides`` with a backlog file replaced by a generated group option, and the folder to
    add to Hydra's search path for it (``None`` if no file was named); the folder is removed on
    leaving the block. The generated ``backlog/_file_<digest>.yaml`` holds the checked,
    normalised backlog, so the run's saved config shows what was simulated."""
    import hashlib
    import json
    import shutil
    import tempfile

    out: list[str] = []
    generated: dict[str, dict[str, Any]] = {}
    for override in overrides:
        name, _, value = override.partition("=")
        # A sweep over backlogs (backlog=a,b.yaml): each choice is read and generated alike.
        choices = [f"{name}={v.strip()}" for v in value.split(",")] if "," in value else [override]
        paths = [backlog_source(choice, folders) for choice in choices]
        if any(path is None for path in paths):
            out.append(override)
            continue
        names = []
        for path in paths:
            assert path is not None
            backlog = read_backlog(path)
            digest = hashlib.sha256(json.dumps(backlog, sort_keys=True).encode()).hexdigest()[:12]
            generated[f"{GENERATED}{digest}"] = backlog
            names.append(f"{GENERATED}{digest}")
        out.append(f"backlog={','.join(names)}")
    if not generated:
        yield out, None
        return
    root = Path(tempfile.mkdtemp(prefix="frontdoor-backlog-"))
    try:
        (root / "backlog").mkdir()
        for name, backlog in generated.items():
            document = {"defaults": ["schema", "_self_"], **backlog}
            text = json.dumps(document, indent=1)  # JSON is YAML
            (root / "backlog" / f"{name}.yaml").write_text(text + "\n", encoding="utf-8")
        yield out, root
    finally:
        shutil.rmtree(root, ignore_errors=True)
