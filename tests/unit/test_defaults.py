"""One source of defaults: each group's dataclass defaults (sim/config/) are the values of
its default YAML option (conf/config.yaml's defaults list), so ``RunConfig()`` and
``frontdoor`` agree and the two cannot drift apart again.

``front_door`` and ``after_decision`` are left out on purpose: their default options
(``checs``, ``cheshire_east``) are Cheshire East's calibration laid over a neutral schema, and
the verification presets (``front_door=mmc`` …, ``after_decision=none``) start from that
neutral schema, so there the dataclass default is deliberately the "off" value. Mapping-valued
keys are left out too: they default to empty on purpose (docs/configuration.md, "Named
entries"), since OmegaConf merges a YAML mapping into the default one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from omegaconf import OmegaConf

from sim.compose import compose
from sim.config import GROUP_SCHEMAS, CostsConfig, VerificationConfig

SCHEMAS = {**GROUP_SCHEMAS, "costs": CostsConfig}
CALIBRATED = {"front_door", "after_decision"}


def leaves(tree: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """``(path, value)`` of every non-mapping value below a mapping."""
    for key, value in tree.items():
        sub = f"{path}.{key}" if path else str(key)
        if isinstance(value, dict):
            yield from leaves(value, sub)
        else:
            yield sub, value


def plain(node: Any) -> Any:
    return OmegaConf.to_container(node, resolve=True, enum_to_str=True)


@pytest.fixture(scope="module")
def composed() -> dict[str, Any]:
    tree = plain(compose([]))
    assert isinstance(tree, dict)
    return tree


@pytest.mark.parametrize("group", sorted(set(SCHEMAS) - CALIBRATED))
def test_dataclass_defaults_are_the_default_yaml(group: str, composed: dict[str, Any]) -> None:
    schema = plain(OmegaConf.structured(SCHEMAS[group]))
    given = dict(leaves(composed.get(group) or {}))
    if SCHEMAS[group] is VerificationConfig:  # `validation: null`: no file, the schema itself
        assert group not in composed or composed[group] == schema
    differ = {
        key: (default, given[key])
        for key, default in leaves(schema)
        if key in given and given[key] != default
    }
    assert not differ, f"{group}: dataclass default vs default YAML: {differ}"


def test_the_comparison_sees_the_run_group(composed: dict[str, Any]) -> None:
    """The check above can fail: the composed run group has every RunConfig field."""
    schema = dict(leaves(plain(OmegaConf.structured(SCHEMAS["run"]))))
    assert set(schema) <= set(dict(leaves(composed["run"]))) and len(schema) > 10
