"""The config's string choices are enums: composing refuses a bad one naming its key, a Config
built in Python is checked the same way, and saved configs stay readable (``clock: working``)."""

from __future__ import annotations

import dataclasses

import pytest
import yaml
from omegaconf import OmegaConf

from sim.compose import compose, load, to_spec
from sim.config import Clock, Config, Dist, ExecutorKind, Rota, VerificationKind
from sim.engine.distributions import FAMILIES
from sim.errors import ConfigError
from sim.executors import KINDS
from sim.provenance import provenance


def test_enums_match_what_the_engine_implements() -> None:
    assert set(Dist) == set(FAMILIES)
    assert set(ExecutorKind) == set(KINDS)
    for enum in (Dist, Clock, Rota, ExecutorKind, VerificationKind):
        assert all(member.name == member.value for member in enum), enum


def test_a_choice_compares_and_formats_as_its_string() -> None:
    cfg = load([])
    clock = cfg.front_door.decision.handoff.clock
    assert clock == "working" and f"{clock}" == "working" and {"working": 1}[clock] == 1
    assert isinstance(clock, Clock)


def test_bad_choice_on_compose_names_the_key() -> None:
    with pytest.raises(ConfigError) as error:
        load(["staffing.pools.managers.rota=nights"])
    assert str(error.value) == (
        "staffing.pools.managers.rota: 'nights' is not allowed; "
        "must be one of always, office, out_of_hours"
    )


def test_bad_choice_set_in_python_is_refused_too() -> None:
    cfg = load([])
    bad = dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, executor="threads"))  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^run\.executor: 'threads' is not allowed; must be"):
        to_spec(bad)
    # A plain string equal to a member's value is that member.
    fine = dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, executor="serial"))  # type: ignore[arg-type]
    assert to_spec(fine).run.executor == ExecutorKind.serial


def test_saved_config_reads_as_plain_strings_and_round_trips() -> None:
    composed = compose(["front_door.decision.handoff.clock=calendar"])
    text = OmegaConf.to_yaml(composed)
    assert "      clock: calendar\n" in text and "Clock" not in text
    tree = yaml.safe_load(text)
    tree.pop("hydra", None)
    back = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Config), tree))
    assert isinstance(back, Config)
    assert back.front_door.decision.handoff.clock == Clock.calendar
    saved = provenance(load([]), [])["config"]
    assert type(saved["run"]["executor"]) is str  # summary.json holds plain strings
    yaml.safe_dump(saved)  # and they serialise without a custom representer
