"""One error boundary for every YAML file the project reads: a broken file is one line.

A YAML file may be broken in many ways — an unclosed bracket, a tab used for indentation, a key
given twice, binary junk, a NUL byte, text that is not UTF-8. PyYAML reports each with a
multi-line message (and Hydra lets it escape as a traceback). :func:`yaml_error` turns any of
them into one :class:`~sim.errors.ConfigError` naming the file, line and column:

    frontdoor: error: conf/front_door/ours.yaml:5:1: '\\tprobability: 0.5' is not allowed;
    YAML syntax: found character '\\t' that cannot start any token (indent with spaces, not tabs)

:func:`read_yaml` is the strict reader for files the project parses itself (a backlog file, the
data files of later work): UTF-8 only, and a key given twice is an error rather than the last
value silently winning.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from sim.errors import ConfigError

MAX_BYTES = 5_000_000
"""The largest YAML file read (5 MB): a config or backlog file is a few kilobytes."""


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key: the constructor reports it below
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def display(path: str | Path) -> str:
    """``path`` relative to the working folder when below it (as a user would type it)."""
    text = str(path)
    try:
        relative = os.path.relpath(text)
    except ValueError:
        return text
    return text if relative.startswith("..") else relative


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    return line, offset - (before.rfind(b"\n") + 1) + 1


def _line_text(data: bytes, line: int) -> str:
    lines = data.split(b"\n")
    text = lines[line - 1] if 0 < line <= len(lines) else b""
    shown = text.decode("utf-8", errors="replace").strip("\r")
    return shown if len(shown) <= 60 else shown[:57] + "..."


def decode(path: Path, data: bytes) -> str:
    """``data`` as UTF-8 text; a :class:`ConfigError` at the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise ConfigError(
            f"{display(path)}:{line}:{col}",
            _line_text(data, line),
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
        ) from None


def read_yaml(path: str | Path) -> Any:
    """Parse one YAML file strictly (see the module docstring); raise :class:`ConfigError`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(
                display(path), f"{size:,} bytes", f"a YAML file must be at most {MAX_BYTES:,}"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(display(path), "file", f"cannot be read ({exc.strerror})") from None
    text = decode(path, data)
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, [path]) from None


def yaml_error(exc: BaseException, candidates: Iterable[Path] = ()) -> ConfigError:
    """One line for a YAML or decoding error. ``candidates``: files that may hold the bad
    bytes, searched when the error does not name its file (a ``UnicodeDecodeError``)."""
    candidates = list(candidates)
    if isinstance(exc, UnicodeDecodeError):
        for path in candidates:
            try:
                data = path.read_bytes()
            except OSError:
                continue
            decode(path, data)  # raises for the file that is not UTF-8
        return ConfigError("YAML file", "?", f"not UTF-8 text ({exc.reason})")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or getattr(exc, "reason", None) or exc)
    problem = " ".join(problem.split())
    if "'\\t'" in problem:
        problem += " (indent with spaces, not tabs)"
    context, where = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and where is not None and where is not mark:
        problem += f" ({context} at line {where.line + 1}, column {where.column + 1})"
    name = getattr(mark, "name", None) or getattr(exc, "name", None) or "YAML file"
    if str(name).startswith("<") and candidates:  # parsed from a string: name its file
        name = str(candidates[0])
    content = _bytes_of(str(name))
    if mark is not None:
        line, col = mark.line + 1, mark.column + 1
    elif isinstance(position := getattr(exc, "position", None), int) and content is not None:
        prefix = content.decode("utf-8", errors="replace")[:position].encode()
        line, col = _line_col(prefix, len(prefix))
    else:
        line, col = 1, 1
    shown = _line_text(content, line) if content is not None else "?"
    return ConfigError(f"{display(name)}:{line}:{col}", shown, f"YAML syntax: {problem}")


def _bytes_of(name: str) -> bytes | None:
    """The bytes of the file a YAML error names (``None`` for a string or a missing file)."""
    try:
        return Path(name).read_bytes()
    except OSError:
        return None


def yaml_files(folders: Iterable[str | Path]) -> list[Path]:
    """Every ``*.yaml`` file below ``folders`` (for :func:`yaml_error`'s search)."""
    found: list[Path] = []
    for folder in folders:
        found += sorted(Path(folder).rglob("*.yaml"))
    return found
