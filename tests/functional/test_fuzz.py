"""Fuzzing the input boundary: every config leaf, malformed YAML, random backlog files.

Each case must end in one of two ways: accepted (a legal value, which must then also survive
what used to crash later — the calendar for run and calendar values), or refused with one
:class:`~sim.errors.ConfigError` line. Anything else is a crash. The tests collect every crash
before failing, and report their counts (``tried``, ``rejected cleanly``, ``legal``,
``crashes``) in the "fuzz counts" section of the terminal summary (tests/conftest.py). Two CLI
runs check the same promise end to end: exit 2, one line, no traceback, nothing written.
"""

from __future__ import annotations

import dataclasses
import math
import re
import traceback
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from omegaconf._utils import get_yaml_loader

from sim.backlog import BACKLOG_KEYS, read_backlog
from sim.compose import conf_dir, load
from sim.config import BacklogConfig, Config
from sim.engine.calendar import WorkingCalendar
from sim.errors import ConfigError
from sim.model import Window
from sim.validation import validate
from sim.vocabulary import STAGES
from sim.yamlfile import read_yaml, yaml_error
from tests.console import run_module

FUZZ = settings(
    max_examples=150,
    derandomize=True,  # the same cases every run: a failure is reproducible
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclasses.dataclass
class Tally:
    """Outcomes of one fuzzer."""

    name: str
    tried: int = 0
    rejected: int = 0
    legal: int = 0
    crashes: list[str] = dataclasses.field(default_factory=list)

    def run(self, case: str, attempt: Callable[[], None]) -> None:
        """``attempt()`` must return (legal) or raise a one-line ConfigError (rejected)."""
        self.tried += 1
        try:
            attempt()
        except ConfigError as error:
            if "\n" in str(error) or not str(error).strip():
                self.crashes.append(f"{case}: not one line: {str(error)!r}")
            else:
                self.rejected += 1
            return
        except Exception:
            self.crashes.append(f"{case}: {traceback.format_exc().strip().splitlines()[-1]}")
            return
        self.legal += 1

    def line(self) -> str:
        return (
            f"{self.name}: tried {self.tried}, rejected cleanly {self.rejected}, "
            f"legal {self.legal}, crashes {len(self.crashes)}"
        )

    def report(self, record_property: Callable[[str, object], None]) -> None:
        record_property("fuzz", self.line())
        print(self.line())
        assert not self.crashes, "\n".join(self.crashes[:20])


# -- every config leaf --------------------------------------------------------------------------

HOSTILE: dict[type, list[Any]] = {
    float: [-1.0, 0.0, 1e20, math.nan, math.inf, -math.inf, 1e-300],
    int: [-1, 0, 10**20, 2**63],
    str: ["", "../../../../elsewhere", "nope", "9999-12-30", "\x00", "a" * 5000],
    bool: [True, False],
}


def leaves(obj: Any, path: str = "") -> Iterator[tuple[Any, Any, str]]:
    """``(parent, key, path)`` of every leaf: a scalar, a list, or an empty mapping."""
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            sub = f"{path}.{f.name}" if path else f.name
            if dataclasses.is_dataclass(value) or (isinstance(value, dict) and value):
                yield from leaves(value, sub)
            else:
                yield obj, f.name, sub
    elif isinstance(obj, dict):
        for key, value in obj.items():
            sub = f"{path}.{key}"
            if dataclasses.is_dataclass(value) or (isinstance(value, dict) and value):
                yield from leaves(value, sub)
            else:
                yield obj, key, sub


def _get(parent: Any, key: Any) -> Any:
    return parent[key] if isinstance(parent, dict) else getattr(parent, key)


def _set(parent: Any, key: Any, value: Any) -> None:
    if isinstance(parent, dict):
        parent[key] = value
    else:
        setattr(parent, key, value)


def declared(parent: Any, key: Any) -> type:
    """The schema type of an unset (``None``) leaf: ``X`` of ``X | None``."""
    hint = (
        typing.get_type_hints(type(parent)).get(key) if dataclasses.is_dataclass(parent) else None
    )
    for arg in typing.get_args(hint) or (hint,):
        if arg in HOSTILE:
            return typing.cast(type, arg)
    return float


def hostile_values(value: Any, index: int, kind: type = float) -> list[Any]:
    """Three values of the leaf's own type (what the schema lets through), cycling through the
    type's list so that every hostile value is used somewhere."""
    if value is None:
        pool: list[Any] = HOSTILE[kind]
    elif isinstance(value, list):
        first = value[0] if value else 0.0
        return [[], [hostile_values(first, index)[0]], [*value, *value, *value]]
    elif isinstance(value, dict):
        return [{}]
    else:  # an enum-typed choice gets hostile strings (sim.config.check_choices refuses them)
        pool = HOSTILE[str if isinstance(value, str) else type(value)]
    return [pool[(index + k) % len(pool)] for k in range(min(3, len(pool)))]


def calendar_survives(spec: Config) -> None:
    """What used to overflow after validation: the run's calendar."""
    window = Window.from_config(spec)
    WorkingCalendar.from_config(
        spec.calendar, spec.run.start_date, math.ceil(window.stop / 1440.0) + 1
    )


@pytest.mark.long  # ≈18 s: 2,700 composed configs; the YAML and backlog fuzzers stay
def test_fuzz_every_config_leaf(record_property: Callable[[str, object], None]) -> None:
    spec = load([])
    tally = Tally("config leaves")
    found = list(leaves(spec))
    assert len(found) > 500, "the fuzzer must see every leaf of the config"
    for index, (parent, key, path) in enumerate(found):
        original = _get(parent, key)
        for value in hostile_values(original, index, declared(parent, key)):
            _set(parent, key, value)

            def attempt(path: str = path) -> None:
                validate(spec)
                if path.startswith(("run.", "calendar.")):
                    calendar_survives(spec)

            tally.run(f"{path}={value!r:.40}", attempt)
        _set(parent, key, original)
    validate(spec)  # every leaf restored
    assert tally.rejected > 1000 and tally.legal > 100
    tally.report(record_property)


# -- malformed YAML -----------------------------------------------------------------------------

NASTY = [b"\t", b"\x00", b"[", b"{", b"]", b":", b": :", b"\xff", b"\xe9", b"\n  - ", b"'", b"&a",
         b"*b", b"!!python/object:os.system", b"\r", b"\x1b", b"---\n", b"%YAML 9\n"]  # fmt: skip
BASE = (
    b"defaults:\n  - checs\n  - _self_\npartner_check:\n  probability: 0.5\n"
    b"screening:\n  duration: {dist: lognormal, median: 30}\n"
)
mutations = st.lists(
    st.tuples(st.integers(0, len(BASE)), st.sampled_from(NASTY)), min_size=1, max_size=3
)


def mutate(base: bytes, edits: list[tuple[int, bytes]]) -> bytes:
    data = base
    for position, text in edits:
        data = data[:position] + text + data[position:]
    return data


LOCATED = re.compile(r"^[^:]+\.yaml:\d+:\d+: ")


def hydra_parse(path: Path) -> None:
    """Parse ``path`` as Hydra does (OmegaConf's loader), behind sim.compose's boundary."""
    try:
        text = path.read_text(encoding="utf-8")
        yaml.load(text, Loader=get_yaml_loader())
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        error = yaml_error(exc, [path])
        assert LOCATED.match(str(error)), str(error)
        raise error from None


def test_fuzz_malformed_yaml(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    tally = Tally("malformed YAML")
    path = tmp_path / "ours.yaml"

    @FUZZ
    @given(edits=mutations)
    def one(edits: list[tuple[int, bytes]]) -> None:
        path.write_bytes(mutate(BASE, edits))
        tally.run(f"hydra {edits!r}", lambda: hydra_parse(path))
        tally.run(f"strict {edits!r}", lambda: _strict(path))

    one()
    assert tally.tried >= 200 and tally.rejected > 50
    tally.report(record_property)


def _strict(path: Path) -> None:
    try:
        read_yaml(path)
    except ConfigError as error:
        assert LOCATED.match(str(error)), str(error)
        raise


# -- random backlog files -----------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**25), 10**25)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=4)
)
keys = st.sampled_from([*BACKLOG_KEYS, *STAGES, "north", "south", "east", "defaults"]) | st.text(
    max_size=3
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
)  # fmt: skip
documents = st.dictionaries(keys, values, max_size=5) | values


def test_fuzz_backlog_files(tmp_path: Path, record_property: Callable[[str, object], None]) -> None:
    tally = Tally("backlog files")
    base_spec = load([])
    path = tmp_path / "backlog.yaml"

    def attempt() -> None:
        backlog = read_backlog(path)
        validate(dataclasses.replace(base_spec, backlog=BacklogConfig(**backlog)))

    @FUZZ
    @given(document=documents)
    def random_document(document: Any) -> None:
        path.write_text(yaml.safe_dump(document, allow_unicode=False), encoding="utf-8")
        tally.run(f"{document!r:.60}", attempt)

    example = (conf_dir() / "backlog" / "example.yaml").read_bytes()

    @FUZZ
    @given(edits=st.lists(st.tuples(st.integers(0, 400), st.sampled_from(NASTY)), max_size=3))
    def malformed_example(edits: list[tuple[int, bytes]]) -> None:
        path.write_bytes(mutate(example, edits))
        tally.run(f"example {edits!r}", attempt)

    random_document()
    malformed_example()
    assert tally.tried >= 200 and tally.rejected > 100 and tally.legal
    tally.report(record_property)


# -- the same promise at the command line -------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "args", "expected"),
    [
        (
            {"local/front_door/ours.yaml": b"defaults: [checs, _self_]\npartner_check:\n\tx: 1\n"},
            ["--config-dir", "local", "front_door=ours"],
            r"frontdoor: error: local/front_door/ours\.yaml:3:1: .*indent with spaces",
        ),
        (
            {"ours.yaml": b"assessments:\n  north: [1, \xe9]\n"},
            ["backlog=ours.yaml"],
            r"frontdoor: error: ours\.yaml:2:14: .* not UTF-8",
        ),
        (
            {"local/scenario/away.yaml": b"# @package _global_\nscenario: ../../../../elsewhere\n"},
            ["--config-dir", "local", "scenario=away"],
            r"frontdoor: error: scenario: '\.\./\.\./\.\./\.\./elsewhere' is not allowed",
        ),
        ({}, ["--config-dir", "nowhere"], r"frontdoor: error: --config-dir: 'nowhere'"),
    ],
    ids=["tab-in-config-dir", "latin1-backlog", "scenario-path", "missing-config-dir"],
)
def test_a_broken_file_at_the_command_line_is_one_line_and_exit_2(
    files: dict[str, bytes], args: list[str], expected: str, tmp_path: Path
) -> None:
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    result = run_module("sim", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.match(expected, lines[0]), lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "outputs").exists(), "nothing may be written for bad input"
