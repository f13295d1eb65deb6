"""Does a composed config hold a key its schema does not declare?

Hydra lets ``+key=value`` add a key to a typed node, so a composed config can carry a key no
dataclass declares. :func:`sim.compose.to_spec` used to find such keys by merging the whole config
onto the root schema, which also builds the typed spec — and costs about half a second, more
than everything else in turning a composed config into a spec. The walk here answers the one
question in milliseconds on the plain container; only when it finds a stray key does
``to_spec`` take the merge, which then names the key in its error.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any


@functools.cache
def field_types(schema: type) -> dict[str, Any]:
    """A dataclass's field names and their resolved types (the modules use ``from __future__
    import annotations``, so ``Field.type`` is a string)."""
    return typing.get_type_hints(schema)


def stray_key(value: Any, schema: Any, where: str = "") -> str | None:
    """The dotted name of the first key in ``value`` (a plain container of a composed config)
    that ``schema`` (a dataclass, or a ``dict``/``list``/``tuple``/``Optional`` of one) does not
    declare, else ``None``."""
    if dataclasses.is_dataclass(schema) and isinstance(schema, type):
        if not isinstance(value, dict):
            return None  # a wrong type is the typed nodes' business, not this walk's
        declared = field_types(schema)
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if key not in declared:
                return name
            found = stray_key(item, declared[key], name)
            if found is not None:
                return found
        return None
    origin = typing.get_origin(schema)
    arguments = typing.get_args(schema)
    if origin in (typing.Union, types.UnionType):
        for argument in arguments:
            if argument is not type(None) and _holds_dataclass(argument):
                return stray_key(value, argument, where)
        return None
    if origin is dict and isinstance(value, dict) and len(arguments) == 2:
        for key, item in value.items():
            found = stray_key(item, arguments[1], f"{where}.{key}")
            if found is not None:
                return found
    elif origin in (list, tuple) and isinstance(value, list | tuple) and arguments:
        for index, item in enumerate(value):
            found = stray_key(item, arguments[0], f"{where}[{index}]")
            if found is not None:
                return found
    return None


def _holds_dataclass(schema: Any) -> bool:
    """Whether a type is, or contains, a dataclass (so a walk into it can find a stray key)."""
    if dataclasses.is_dataclass(schema):
        return True
    return any(_holds_dataclass(argument) for argument in typing.get_args(schema))
