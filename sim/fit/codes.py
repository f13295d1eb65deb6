"""Annex A / CIN census source codes, and the model's source each maps to.

Contact and referral sources are written in the template as ``q) 6: Police``,
``e) 2A: Schools`` — a letter, the CIN census code, its label — or as the bare code (``6``,
``2A``) or label (``Police``). :data:`CODE_TO_SOURCE` maps every CIN code to one of the model's
nine sources (``conf/demand/cheshire_east.yaml``); a council that splits them otherwise passes
its own table (``frontdoor-fit --codes codes.yaml``, a mapping of code to source) and only the
codes it names change. docs/fit.md shows the table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The CIN census codes (DfE, children in need census guide), their labels, and the model's source.
CODES: dict[str, tuple[str, str]] = {
    "1A": ("Individual: family member, relative or carer", "family"),
    "1B": ("Individual: acquaintance", "family"),
    "1C": ("Individual: self", "family"),
    "1D": ("Individual: other", "family"),
    "2A": ("Schools", "schools"),
    "2B": ("Education services", "schools"),
    "3A": ("Health services: GP", "health"),
    "3B": ("Health services: health visitor", "health"),
    "3C": ("Health services: school nurse", "health"),
    "3D": ("Health services: other primary health services", "health"),
    "3E": ("Health services: A&E", "health"),
    "3F": ("Health services: other", "health"),
    "4": ("Housing", "other"),
    "5A": ("LA services: social care (e.g. adults)", "la_internal"),
    "5B": ("LA services: other internal department", "la_internal"),
    "5C": ("LA services: external (other local authority)", "other_la"),
    "5D": ("LA services: early help", "early_help"),
    "6": ("Police", "police"),
    "7": ("Other legal agency (courts, probation, CAFCASS, prison)", "other"),
    "8": ("Other (children's centres, voluntary organisations)", "other"),
    "9": ("Anonymous", "anonymous"),
    "10": ("Unknown", "other"),
}
CODE_TO_SOURCE: dict[str, str] = {code: source for code, (_, source) in CODES.items()}

# "q) 6: Police", "e) 2A: Schools", "6: Police", "6", "2a", "3E - A&E"
_CODED = re.compile(r"^\s*(?:[a-z]{1,2}\s*\)\s*)?(\d{1,2}[a-fA-F]?)\s*(?:[:\-–.]\s*.*)?$")
_LABELS = {
    re.sub(r"[^a-z0-9]+", " ", label.lower()).strip(): code for code, (label, _) in CODES.items()
}
_LABELS.update({"police": "6", "schools": "2A", "school": "2A", "anonymous": "9", "housing": "4"})


def code_of(cell: Any) -> str | None:
    """The CIN code a source cell gives (upper case), or ``None`` if it gives none we know."""
    if cell is None:
        return None
    text = str(cell).strip()
    found = _CODED.match(text)
    if found:
        code = found.group(1).upper()
        return code if code in CODES else None
    label = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    return _LABELS.get(label)


def allowed_codes() -> str:
    """What a source cell may be, for an error message."""
    return "an Annex A source code such as 'q) 6: Police', 'e) 2A: Schools' or '3A' (1A–10)"


def code_table(overrides: Mapping[str, str], sources: list[str]) -> dict[str, str]:
    """The code → source table with a council's ``overrides``; ``ConfigError`` for an unknown
    code or source."""
    from sim.errors import ConfigError

    table = dict(CODE_TO_SOURCE)
    for code, source in overrides.items():
        key = str(code).strip().upper()
        if key not in CODES:
            raise ConfigError(
                f"codes.{code}", source, f"the code must be one of {', '.join(CODES)}"
            )
        if source not in sources:
            raise ConfigError(
                f"codes.{code}", source, f"must be one of the model's sources: {', '.join(sources)}"
            )
        table[key] = str(source)
    return table


def read_code_table(path: str | Path | None, sources: list[str]) -> dict[str, str]:
    """The code table from a YAML file of ``code: source`` lines (or the default)."""
    from sim.errors import ConfigError
    from sim.yamlfile import display, read_yaml

    if path is None:
        return code_table({}, sources)
    document = read_yaml(path)
    if not isinstance(document, dict):
        raise ConfigError(
            display(path), document, "must map Annex A codes to sources, e.g. '5D: early_help'"
        )
    return code_table({str(k): v for k, v in document.items()}, sources)
