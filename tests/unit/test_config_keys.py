"""The quick way from a composed config to its spec gives what the merge onto the root schema
gives, and a key no schema declares still takes the merge (which names it)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from omegaconf import OmegaConf

from sim.compose import _root_schema, compose, load, to_spec
from sim.config import Config
from sim.config.keys import stray_key
from sim.errors import ConfigError


@dataclass
class Leaf:
    size: int = 1


@dataclass
class Tree:
    name: str = "a"
    leaf: Leaf = field(default_factory=Leaf)
    leaves: dict[str, Leaf] = field(default_factory=dict)
    row: list[Leaf] = field(default_factory=list)
    maybe: Leaf | None = None


def test_stray_keys_are_found_at_any_depth() -> None:
    assert stray_key({"name": "b", "leaf": {"size": 2}}, Tree) is None
    assert stray_key({"nme": "b"}, Tree) == "nme"
    assert stray_key({"leaf": {"sizes": 2}}, Tree) == "leaf.sizes"
    assert stray_key({"leaves": {"x": {"size": 1}, "y": {"big": 1}}}, Tree) == "leaves.y.big"
    assert stray_key({"row": [{"size": 1}, {"wide": 1}]}, Tree) == "row[1].wide"
    assert stray_key({"maybe": {"tall": 1}}, Tree) == "maybe.tall"
    assert stray_key({"maybe": None}, Tree) is None


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["validation=mmc"],
        ["validation=tandem"],
        ["scenario=combined", "backlog=example"],
        ["after_decision=none", "calendar=always_open", "demand=growth"],
    ],
    ids=lambda o: " ".join(o) or "default",
)
def test_the_quick_spec_equals_the_merged_one(
    overrides: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = compose(overrides)
    plain = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    merged = OmegaConf.to_object(OmegaConf.merge(_root_schema(), plain))
    assert isinstance(merged, Config)

    def no_merge() -> None:
        raise AssertionError("a config composed on the schema took the slow merge")

    monkeypatch.setattr("sim.compose._root_schema", no_merge)
    assert to_spec(cfg, overrides) == merged


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("+run.extra=1", "run.extra"),
        ("+front_door.screening.extra=2", "front_door.screening.extra"),
    ],
)
def test_a_key_added_with_plus_is_refused_by_name(override: str, key: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load([override])
    assert str(refused.value).startswith(f"{key}: ")
    assert "no such key" in str(refused.value)
