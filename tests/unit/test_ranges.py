"""Each number's range is declared once, on its schema field (sim/ranges.py), and enforced."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest

from sim.config import Config, DistributionConfig, PoolConfig, StaffingConfig
from sim.errors import ConfigError
from sim.ranges import (
    PROBABILITY,
    RANGE,
    Range,
    check_ranges,
    field_ranges,
    integer,
    number,
    share,
)
from tests.console import run_module

# Numbers whose allowed values depend on other keys, checked by hand in sim/validation.py:
# a distribution's parameters depend on its family, visits_max on visits_min, and priorities
# are any integers that order the urgencies.
UNRANGED = {"front_door.priority", "after_decision.assessment.visits_max"}


def _numeric_fields(schema: type, prefix: str = "") -> typing.Iterator[tuple[str, bool]]:
    hints = typing.get_type_hints(schema)
    for f in dataclasses.fields(schema):
        hint, path = hints[f.name], f"{prefix}.{f.name}" if prefix else f.name
        args = typing.get_args(hint)
        if hint is DistributionConfig:
            continue
        if dataclasses.is_dataclass(hint):
            yield from _numeric_fields(hint, path)  # type: ignore[arg-type]
        elif typing.get_origin(hint) is dict and dataclasses.is_dataclass(args[1]):
            yield from _numeric_fields(args[1], f"{path}.<name>")
        elif "float" in str(hint) or "int" in str(hint):
            yield path, RANGE in f.metadata


def test_every_number_of_the_config_declares_its_range() -> None:
    fields = dict(_numeric_fields(Config))
    assert len(fields) > 80  # the whole schema was walked
    missing = sorted(path for path, ranged in fields.items() if not ranged and path not in UNRANGED)
    assert missing == []
    assert set(field_ranges(Config)) == {p for p, ranged in fields.items() if ranged}


def test_the_shipped_defaults_are_in_range() -> None:
    from sim.compose import load

    check_ranges(load([]))
    check_ranges(Config())


@pytest.mark.parametrize(
    ("rng", "text"),
    [
        (PROBABILITY, "must be a probability in [0, 1]"),
        (
            integer(ge=1, at_most=100_000, unit="replications"),
            "must be an integer ≥ 1 and at most 100,000 (replications)",
        ),
        (number(gt=0, unit="days"), "must be a number > 0 (days)"),
        (share(0, 100, high_open=True, what="a percentage"), "must be a percentage in [0, 100)"),
        (
            number(ge=0, unit="minutes", optional="wait for ever"),
            "must be null (wait for ever) or a number ≥ 0 (minutes)",
        ),
    ],
)
def test_a_range_says_itself_in_words(rng: Range, text: str) -> None:
    assert rng.describe() == text


@pytest.mark.parametrize(
    ("rng", "good", "bad"),
    [
        (PROBABILITY, [0, 0.5, 1], [-0.01, 1.01, float("nan"), True, "0.5", None]),
        (integer(ge=1, at_most=3), [1, 3, 2.0], [0, 4, 1.5, float("inf")]),
        (number(gt=0), [1e-9, 1e9], [0, -1, float("-inf")]),
        (share(0, 1, high_open=True), [0, 0.999], [1, 1.5]),
        (number(ge=0, optional="no limit"), [None, 0], [-1]),
    ],
)
def test_a_range_allows_exactly_its_values(rng: Range, good: list, bad: list) -> None:
    assert all(rng.allows(v) for v in good)
    assert not any(rng.allows(v) for v in bad)


def test_the_walker_names_the_key_path_of_a_bad_value_deep_in_dicts_and_lists() -> None:
    cfg = Config()
    cfg.staffing = StaffingConfig(pools={"a": PoolConfig(staff=2), "b": PoolConfig(staff=0)})
    with pytest.raises(ConfigError) as raised:
        check_ranges(cfg)
    assert raised.value.key == "staffing.pools.b.staff"
    assert raised.value.value == 0
    cfg = Config()
    cfg.demand.profiles = {"flat": [1.0], "odd": [1.0, 2.0, -3.0]}
    with pytest.raises(ConfigError, match=r"demand\.profiles\.odd\[2\].*a weight ≥ 0"):
        check_ranges(cfg)


def test_a_range_on_a_shared_schema_holds_for_every_stage_that_uses_it() -> None:
    """StageConfig.probability is declared once; a disabled stage's probability is checked too."""
    cfg = Config()
    cfg.front_door.feedback.enabled = False
    cfg.front_door.feedback.probability = 1.5
    with pytest.raises(ConfigError, match=r"front_door\.feedback\.probability"):
        check_ranges(cfg)


def test_the_cli_refuses_an_out_of_range_override_in_one_line(tmp_path: Path) -> None:
    result = run_module("sim", "front_door.triage.close_inappropriate_probability=2", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "frontdoor: error: front_door.triage.close_inappropriate_probability: 2.0 is not "
        "allowed; must be a probability in [0, 1]"
    ]
