"""The backlog file format (docs/backlog.md): integers where numbers are meant, each bad entry
named by its key path and value, a path on the command line, an empty file refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.backlog import parse_backlog, read_backlog
from sim.compose import conf_dir, load
from sim.errors import ConfigError
from sim.warm_start import working_minutes_per_day


def write(tmp_path: Path, text: str, name: str = "ours.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_integer_ages_are_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "assessments:\n  north: [1.0, 10.5, 30]\nstep_up_panel: 2.0\n")
    backlog = read_backlog(path)
    assert backlog["assessments"] == {"north": [1.0, 10.5, 30.0]}
    assert backlog["step_up_panel"] == 2


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("assessments:\n  north: [1.0, -3]\n", "backlog.assessments.north[1]", -3),
        ("assessments:\n  north: [1.0, ten]\n", "backlog.assessments.north[1]", "ten"),
        ("assessments:\n  north: 4\n", "backlog.assessments.north", 4),
        ("front_door:\n  triage: 2.5\n", "backlog.front_door.triage", 2.5),
        ("front_door:\n  lobby: 2\n", "backlog.front_door.lobby", 2),
        ("front_door: [1, 2]\n", "backlog.front_door", [1, 2]),
        ("re_referrals_due_days: [1, .nan]\n", "backlog.re_referrals_due_days[1]", None),
        ("waiting: 3\n", "backlog.waiting", 3),
        ("step_up_panel: yes\n", "backlog.step_up_panel", True),
    ],
)
def test_each_bad_entry_is_named_by_its_key_path_and_value(
    tmp_path: Path, text: str, key: str, value: object
) -> None:
    with pytest.raises(ConfigError) as raised:
        read_backlog(write(tmp_path, text))
    assert raised.value.key == key
    if value is not None:
        assert raised.value.value == value
    assert "in 'backlog/" not in str(raised.value)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "{}\n"])
def test_an_empty_file_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="backlog=empty"):
        read_backlog(write(tmp_path, text))


def test_the_example_file_is_valid_and_documented() -> None:
    example = conf_dir() / "backlog" / "example.yaml"
    backlog = read_backlog(example)
    assert backlog["front_door"]["triage"] > 0 and backlog["assessments"]["north"]
    assert "backlog/example.yaml" in (conf_dir().parent / "docs" / "backlog.md").read_text()


@pytest.mark.parametrize("form", ["backlog={}", "backlog.file={}"])
def test_a_path_is_accepted_on_the_command_line(tmp_path: Path, form: str) -> None:
    path = write(tmp_path, "assessments:\n  south: [3, 8]\nfront_door:\n  triage: 4\n")
    spec = load([form.format(path)])
    assert spec.backlog.assessments == {"south": [3.0, 8.0]}
    assert spec.backlog.front_door == {"triage": 4}


def test_a_group_file_with_integer_ages_loads(tmp_path: Path) -> None:
    (tmp_path / "backlog").mkdir()
    write(tmp_path / "backlog", "defaults: [schema, _self_]\nassessments:\n  north: [1, 30]\n")
    spec = load(["backlog=ours"], str(tmp_path))
    assert spec.backlog.assessments == {"north": [1.0, 30.0]}


def test_a_missing_backlog_file_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be an existing backlog file"):
        load([f"backlog={tmp_path / 'nope.yaml'}"])


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(ConfigError, match="must be a mapping"):
        parse_backlog([1, 2], "x.yaml")


def test_a_sweep_over_backlog_files_generates_each_choice(tmp_path: Path) -> None:
    from sim.backlog import GENERATED, backlog_overrides

    mine = write(tmp_path, "assessments:\n  north: [2, 5]\n")
    with backlog_overrides([f"backlog=example,{mine}", "run.seed=1"], [conf_dir()]) as (out, root):
        choices = out[0].removeprefix("backlog=").split(",")
        assert len(choices) == 2 and all(c.startswith(GENERATED) for c in choices)
        assert out[1] == "run.seed=1"
        assert root is not None
        generated = sorted(p.stem for p in (root / "backlog").glob("*.yaml"))
        assert generated == sorted(choices)
    assert not root.exists(), "generated files are removed after the run"


def test_working_minutes_per_day_follow_the_opening_hours() -> None:
    """A case's age in working days becomes work done at the configured hours per open day:
    ChECS's (4 × 510 + 480) / 5 = 504, and a 9-to-5 five-day week gives 480."""
    assert working_minutes_per_day(load([]).calendar.opening_hours) == 504.0
    nine_to_five = {day: ["09:00-17:00"] for day in ("monday", "tuesday", "wednesday")}
    nine_to_five |= {"thursday": ["09:00-12:00", "13:00-18:00"], "friday": ["09:00-17:00"]}
    nine_to_five |= {"saturday": [], "sunday": []}
    assert working_minutes_per_day(nine_to_five) == 480.0
