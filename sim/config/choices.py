"""The string choices of the config as enums, and the check for a config built in Python.

Composing a config (Hydra, OmegaConf) refuses a bad choice naming its key because these fields
are enums; :func:`check_choices` is the same check for a config built or changed in Python.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from enum import StrEnum
from typing import Any

from sim.errors import ConfigError

# The string choices of the config, as enums so that composing a config rejects a bad value
# naming its key (OmegaConf checks enum fields). Member names equal their values, lower-case:
# OmegaConf saves an enum by name, so a saved config.yaml reads ``clock: working``, and a
# StrEnum member compares, hashes and formats as its value (``clock == "working"`` holds).


class Dist(StrEnum):
    """A distribution family (``dist``); :mod:`sim.engine.distributions` reads each one's keys."""

    exponential = "exponential"
    lognormal = "lognormal"
    gamma = "gamma"
    triangular = "triangular"
    uniform = "uniform"
    deterministic = "deterministic"
    empirical = "empirical"


class Clock(StrEnum):
    """What a wait counts (``clock``): working minutes (paused while closed) or plain minutes."""

    working = "working"
    calendar = "calendar"


class Rota(StrEnum):
    """When a pool is on duty (``rota``): opening hours, closed hours, or 24/7."""

    office = "office"
    out_of_hours = "out_of_hours"
    always = "always"


class ExecutorKind(StrEnum):
    """Where parallel replications run (``run.executor``; :mod:`sim.executors`)."""

    process = "process"
    serial = "serial"
    dask = "dask"
    ray = "ray"


class WarmStart(StrEnum):
    """How each replication reaches a service in its steady state (``run.warm_start``).

    ``empty``: every replication simulates its own warm-up from an empty service. ``snapshot``:
    the run simulates the warm-up once, reads the service off it (queues, assessments under way,
    children due back with their referral histories: :mod:`sim.shared_warm_up`), and every
    replication starts from that snapshot ``run.settle_days`` before the measured window.
    """

    empty = "empty"
    snapshot = "snapshot"


class VerificationKind(StrEnum):
    """Which queueing-theory result a verification preset is checked against."""

    none = "none"
    mmc = "mmc"
    tandem = "tandem"
    deterministic = "deterministic"
    unlimited = "unlimited"
    priority_mmc = "priority_mmc"


class Payer(StrEnum):
    """Who pays a role's staff (``paid_by``, ``costs.partner_staff_paid_by``)."""

    local_authority = "local_authority"
    partner_agencies = "partner_agencies"


class PolicyStart(StrEnum):
    """When a policy clock starts (``start``, ``growth_start``): the measured window or the run."""

    measured = "measured"
    warmup = "warmup"


def check_choices(node: Any, key: str = "") -> None:
    """Raise :class:`ConfigError` for an enum-typed key holding something not of its enum.

    Composing a config (Hydra, OmegaConf) already refuses a bad choice naming its key; this is
    the same check for a config built or changed in Python (``dataclasses.replace(cfg.run,
    executor="threads")``), which nothing else type-checks at run time.
    """
    if isinstance(node, dict):
        for name, value in node.items():
            check_choices(value, f"{key}.{name}" if key else str(name))
        return
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return
    for name, choices in _enum_fields(type(node)).items():
        value = getattr(node, name)
        if value is not None and value not in choices.__members__.values():
            raise ConfigError(
                f"{key}.{name}" if key else name,
                value,
                f"must be one of {', '.join(sorted(choices.__members__))}",
            )
    for f in dataclasses.fields(node):
        check_choices(getattr(node, f.name), f"{key}.{f.name}" if key else f.name)


@functools.cache
def _enum_fields(cls: type) -> dict[str, type[StrEnum]]:
    """The fields of dataclass ``cls`` typed with one of the enums above (or it | None)."""
    found: dict[str, type[StrEnum]] = {}
    for name, hint in typing.get_type_hints(cls).items():
        options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        for option in options:
            if isinstance(option, type) and issubclass(option, StrEnum):
                found[name] = option
    return found


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
