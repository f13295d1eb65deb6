"""Attribution of a scenario's effect to its mechanisms, on common random numbers.

A scenario file changes many keys at once; its total effect hides which change carries it. An
:class:`Attribution` names the mechanisms (each owns some of the keys the scenarios change) and
switches them on one at a time, cumulatively, in a stated order. Step *k* is the paired
difference between the runs with the first *k* and the first *k − 1* mechanisms on, so the steps
add up to the scenario's total replication by replication (the sum telescopes). Because the
order matters when mechanisms interact, each mechanism is also switched on alone from the
baseline, and ``order_effect`` = step − alone shows the interaction.

Every option is composed from the scenario files themselves: the scenario that holds every
mechanism (``top``) with the mechanisms *not* switched on set back to the baseline's values.
Which keys a mechanism owns is found by comparing the two composed configs, so no value is
copied here and a key added to a scenario file without an owner is refused
(:func:`scenario_changes`). A named entry the baseline lacks (a staff pool) is deleted whole
(``~key``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from omegaconf import OmegaConf

from sim.analysis.compare import paired_differences
from sim.compose import compose, load
from sim.config import Config
from sim.errors import ConfigError

from .common import Experiment, Option, run_options


def _under(key: str, prefixes: Iterable[str]) -> bool:
    return any(key == p or key.startswith(p + ".") for p in prefixes)


@dataclass(frozen=True)
class Mechanism:
    """One mechanism: the config keys (or key prefixes) it owns in the scenario files, and keys
    of another mechanism it cannot run without (``needs``: kept on when it runs alone)."""

    name: str
    label: str
    keys: tuple[str, ...]
    needs: tuple[str, ...] = ()

    def owns(self, key: str) -> bool:
        return _under(key, self.keys)

    def uses(self, key: str) -> bool:
        return _under(key, self.keys) or _under(key, self.needs)


@dataclass(frozen=True)
class Attribution:
    """Mechanisms in the order they are switched on; each scenario as its mechanisms (in that
    order); ``top`` the scenario holding them all; ``tags``: (key prefix, what the conf comment
    cites, parameters.md tag), the longest prefix applying to a key."""

    mechanisms: tuple[Mechanism, ...]
    scenarios: Mapping[str, tuple[str, ...]]
    top: str
    kpis: tuple[str, ...]
    tags: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    def mechanism(self, name: str) -> Mechanism:
        return next(m for m in self.mechanisms if m.name == name)

    def option_name(self, on: Iterable[str]) -> str:
        names = [m.name for m in self.mechanisms if m.name in set(on)]
        return "+".join(names) if names else "baseline"

    def step_sets(self) -> list[frozenset[str]]:
        """Every set of mechanisms needed: each scenario's cumulative steps, then each mechanism
        alone (the baseline, the empty set, left out)."""
        sets = [frozenset(n[: i + 1]) for n in self.scenarios.values() for i in range(len(n))]
        sets += [frozenset({m.name}) for m in self.mechanisms]
        return list(dict.fromkeys(sets))

    def tag_of(self, key: str) -> tuple[str, str, str]:
        """(parameter, what the conf cites, tag) of a key: the longest matching prefix in
        ``tags`` is the parameter; a key none matches is a parameter of its own, ESTIMATE."""
        hits = [t for t in self.tags if _under(key, [t[0]])]
        return max(hits, key=lambda t: len(t[0])) if hits else (key, "not cited", "ESTIMATE")

    def rests_on(self, keys: Sequence[str]) -> str:
        """How much rests on ESTIMATEs, e.g. ``ESTIMATE: 4 of 4 parameters`` (a parameter is a
        ``tags`` entry: one distribution or pool, not each of its keys)."""
        tagged = {self.tag_of(k)[0]: self.tag_of(k)[2] for k in keys}
        estimates = sum(tag == "ESTIMATE" for tag in tagged.values())
        return f"ESTIMATE: {estimates} of {len(tagged)} parameters"


@dataclass(frozen=True)
class Absent:
    """The baseline has no such key: ``root`` is the named entry it lacks (a staff pool)."""

    root: str

    def __str__(self) -> str:
        return "–"


Changes = Mapping[str, tuple[Any, Any]]


# -- composing the options ------------------------------------------------------------------
def plain_config(overrides: Sequence[str]) -> dict[str, Any]:
    """The composed config as plain nested dicts (what an option's overrides change)."""
    tree = OmegaConf.to_container(compose(overrides), resolve=True)
    assert isinstance(tree, dict)
    tree.pop("hydra", None)
    return {str(k): v for k, v in tree.items()}


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a.b.c": leaf}``; an empty dict is a leaf."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, path))
        else:
            out[path] = value
    return out


def changed_keys(base: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Every leaf whose value differs: ``key → (base value, other value)``, an :class:`Absent`
    base value where the baseline lacks the key; the ``scenario`` label left out."""
    fb, fo = flatten(base), flatten(other)
    present = {".".join(k.split(".")[:i]) for k in fb for i in range(1, k.count(".") + 2)}

    def absent(key: str) -> Absent:
        parts = key.split(".")
        prefixes = (".".join(parts[:i]) for i in range(1, len(parts) + 1))
        return Absent(next(p for p in prefixes if p not in present))

    return {
        k: (fb[k] if k in fb else absent(k), fo.get(k))
        for k in sorted(set(fb) | set(fo))
        if k != "scenario" and (k not in fb or k not in fo or fb[k] != fo[k])
    }


def scenario_changes(attribution: Attribution, settings: Sequence[str]) -> dict[str, Any]:
    """What the top scenario changes from the baseline; every key owned by one mechanism."""
    changed = changed_keys(
        plain_config([*settings, "scenario=baseline"]),
        plain_config([*settings, f"scenario={attribution.top}"]),
    )
    for key in changed:
        owners = [m.name for m in attribution.mechanisms if m.owns(key)]
        if len(owners) != 1:
            raise ConfigError(key, f"owned by {owners or 'no mechanism'}", "exactly one owner")
    return changed


def hydra_value(value: Any) -> str:
    """``value`` in Hydra's override grammar (strings quoted, so none is re-typed)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{k}:{hydra_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ",".join(hydra_value(v) for v in value) + "]"
    raise TypeError(f"no override syntax for {value!r}")


def switch_off(keys: Iterable[str], changed: Changes) -> list[str]:
    """Overrides setting ``keys`` back to the baseline's values (``~root`` for an entry the
    baseline lacks)."""
    out: list[str] = []
    for key in keys:
        base = changed[key][0]
        if isinstance(base, Mapping) and not base:
            continue  # an empty mapping in the baseline: its entries are removed one by one
        override = f"~{base.root}" if isinstance(base, Absent) else f"{key}={hydra_value(base)}"
        if override not in out:
            out.append(override)
    return out


def mechanism_option(attribution: Attribution, on: Iterable[str], changed: Changes) -> Option:
    """The top scenario with every mechanism not in ``on`` switched back to the baseline."""
    chosen = [attribution.mechanism(n) for n in on]
    off = [k for k in changed if not any(m.uses(k) for m in chosen)]
    overrides = (f"scenario={attribution.top}", *switch_off(off, changed))
    return Option(attribution.option_name(on), overrides)


def same_model(a: Config, b: Config) -> bool:
    """Two specs that simulate the same (the ``scenario`` label aside)."""
    return dataclasses.replace(a, scenario="") == dataclasses.replace(b, scenario="")


def run_steps(
    attribution: Attribution,
    settings: Sequence[str],
    changed: Changes,
    scenario_tables: Mapping[str, pd.DataFrame] | None = None,
    progress: bool | None = None,
) -> dict[frozenset[str], pd.DataFrame]:
    """Replication tables of every step set. A set equal to a scenario whose table is given
    reuses it when its composed config is the scenario's: the same model, seed and streams give
    the same replications (tests/functional/test_attribution.py runs both and compares)."""
    tables: dict[frozenset[str], pd.DataFrame] = {}
    todo: list[tuple[frozenset[str], Option]] = []
    given = dict(scenario_tables or {})
    for on in attribution.step_sets():
        option = mechanism_option(attribution, on, changed)
        scenario = next((s for s, n in attribution.scenarios.items() if frozenset(n) == on), "")
        if scenario in given and same_model(
            load([*settings, *option.overrides]), load([*settings, f"scenario={scenario}"])
        ):
            tables[on] = given[scenario]
        else:
            todo.append((on, option))
    if todo:
        extra = Experiment("attribution", "", [o for _, o in todo], list(attribution.kpis))
        results = run_options(extra, settings, progress=progress)
        tables.update({on: results[o.name].replications for on, o in todo})
    return tables


# -- the table ------------------------------------------------------------------------------
def decompose(
    attribution: Attribution,
    steps: Mapping[frozenset[str], pd.DataFrame],
    baseline: pd.DataFrame,
    totals: Mapping[str, pd.DataFrame],
    changed: Changes,
) -> pd.DataFrame:
    """One row per (scenario, step or total, KPI) and per (mechanism alone, KPI): the paired
    difference with its 95% CI, the step's share of the total, the mechanism alone, the order
    effect (step − alone), the keys it changes and how much of it rests on ESTIMATEs."""
    kpis = list(attribution.kpis)
    runs = {frozenset(): baseline, **steps}
    cols = ["difference", "ci_low", "ci_high", "n", "real"]

    def paired(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        return paired_differences(a, b, kpis).set_index("kpi")

    def row(keys: Sequence[str], kpi: Any, d: pd.Series, **extra: Any) -> dict[str, Any]:
        return {
            **extra,
            "kpi": kpi,
            **d[cols].to_dict(),
            "parameters": ";".join(keys),
            "rests_on": attribution.rests_on(keys),
        }

    owned = {m.name: [k for k in changed if m.owns(k)] for m in attribution.mechanisms}
    alone = {m.name: paired(baseline, runs[frozenset({m.name})]) for m in attribution.mechanisms}
    rows: list[dict[str, Any]] = []
    for m in attribution.mechanisms:
        keys = [k for k in changed if m.uses(k)]
        head = {"scenario": "", "kind": "alone", "order": 0, "mechanism": m.name}
        for kpi, d in alone[m.name].iterrows():
            rows.append(row(keys, kpi, d, **head, label=m.label, switched_on=m.name))
    for scenario, names in attribution.scenarios.items():
        total = paired(baseline, totals[scenario])
        on: frozenset[str] = frozenset()
        for order, name in enumerate(names, 1):
            step, on = paired(runs[on], runs[on | {name}]), on | {name}
            head = {"scenario": scenario, "kind": "step", "order": order, "mechanism": name}
            for kpi, d in step.iterrows():
                lone = float(alone[name].loc[kpi, "difference"])
                whole = float(total.loc[kpi, "difference"])
                rows.append(
                    row(
                        owned[name],
                        kpi,
                        d,
                        **head,
                        label=attribution.mechanism(name).label,
                        switched_on=attribution.option_name(on),
                        share_of_total=d["difference"] / whole if whole else float("nan"),
                        alone_difference=lone,
                        order_effect=d["difference"] - lone,
                    )
                )
        keys = [k for n in names for k in owned[n]]
        head = {"scenario": scenario, "kind": "total", "order": len(names) + 1, "mechanism": ""}
        for kpi, d in total.iterrows():
            rows.append(
                row(
                    keys,
                    kpi,
                    d,
                    **head,
                    label="total",
                    switched_on=attribution.option_name(names),
                    share_of_total=1.0,
                )
            )
    return pd.DataFrame(rows)
