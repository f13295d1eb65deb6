"""The page's levers map to ordinary overrides, and its words come from the numbers.

No Streamlit here: sim.app.levers and sim.report.words are plain functions the page, its AppTest
and these tests share.
"""

from __future__ import annotations

import shlex
import subprocess
import sys

import pytest

from sim.app.levers import (
    RunSettings,
    cli_command,
    describe,
    first_settings,
    lever_sentence,
    overrides,
    replace,
    run_overrides,
    today,
)
from sim.compose import load
from sim.errors import ConfigError
from sim.report.words import clipped, cost_words, headline_sentence, label


@pytest.fixture(scope="module")
def base():
    return today(load([]))


def test_today_is_read_from_the_default_config(base) -> None:
    spec = load([])
    assert base.staff == {p: spec.staffing.pools[p].staff for p in base.staff}
    assert base.staff["social_workers"] == spec.staffing.pools["social_workers"].staff
    assert set(base.teams) == set(spec.after_decision.assessment.teams)
    assert overrides(base, base) == []
    assert describe(base, base) == "today's front door"


def test_each_lever_reaches_the_config_it_names(base) -> None:
    levers = replace(
        base,
        social_workers=base.staff["social_workers"] + 2,
        north=base.teams["north"] - 1,
        integrated_front_door=True,
        simplified_partner_info=True,
        growth_pct_per_year=4.0,
        police_training_pct=15.0,
        opening_hours="weekdays_and_saturday",
    )
    spec = load(overrides(levers, base))
    assert spec.scenario == "combined"
    assert spec.staffing.pools["social_workers"].staff == base.staff["social_workers"] + 2
    assert spec.staffing.pools["managers"].staff == base.staff["managers"]
    assert spec.after_decision.assessment.teams["north"].social_workers == base.teams["north"] - 1
    assert spec.demand.growth_pct_per_year == 4.0
    assert spec.demand.threshold_training["police"].reduction_pct == 15.0
    assert spec.calendar.opening_hours["saturday"] == ["09:00-13:00"]
    assert spec.calendar.opening_hours["sunday"] == []
    words = describe(levers, base)
    assert words.startswith("two more screening social workers, one fewer north assessment")
    assert words.endswith("opening as today, plus Saturday 09:00–13:00")


@pytest.mark.parametrize(
    ("switches", "scenario"),
    [
        ({"integrated_front_door": True}, "integrated_front_door"),
        ({"simplified_partner_info": True}, "simplified_partner_info"),
    ],
)
def test_one_switch_is_its_preset(base, switches, scenario) -> None:
    assert load(overrides(replace(base, **switches), base)).scenario == scenario


def test_the_command_shown_is_the_page_run(base) -> None:
    """The ``frontdoor ...`` line, split as a shell would, composes the page's config."""
    levers = replace(base, practice_support=9, opening_hours="weekdays_8_to_6")
    settings = RunSettings(replications=3, horizon_days=28, warmup_days=14)
    option = overrides(levers, base)
    words = shlex.split(cli_command(option, settings))
    assert words[0] == "frontdoor"
    assert words[1:] == [*option, *run_overrides(settings)]
    spec = load(words[1:])
    assert (spec.run.replications, spec.run.horizon_days, spec.run.warmup_days) == (3, 28, 14)
    assert spec.calendar.opening_hours["monday"] == ["08:00-18:00"]


@pytest.mark.parametrize(("warmup", "shared"), [(364, True), (35, True), (34, False), (14, False)])
def test_the_page_shares_one_warm_up_when_it_is_long_enough(warmup: int, shared: bool) -> None:
    """A warm-up at least a week longer than the 28 settling days is simulated once per run
    (and the command shown says so); a shorter one warms up each replication."""
    settings = RunSettings(replications=2, horizon_days=28, warmup_days=warmup)
    spec = load(run_overrides(settings))
    assert (spec.run.warm_start.value == "snapshot") is shared
    assert ("run.warm_start=snapshot" in cli_command([], settings)) is shared
    assert RunSettings().warmup_days == 364 and spec.run.settle_days == 28


def test_a_refused_lever_is_one_sentence_naming_it(base) -> None:
    with pytest.raises(ConfigError) as caught:
        load(overrides(replace(base, practice_support=0), base))
    sentence = lever_sentence(caught.value)
    assert sentence.startswith("Practice support officers in post: 0 is not allowed;")
    assert "\n" not in sentence
    with pytest.raises(ConfigError) as caught:
        load(overrides(replace(base, south=0), base))
    assert lever_sentence(caught.value).startswith("Social workers in the south assessment team")


def test_the_headline_is_built_from_the_numbers() -> None:
    other = {"mean": 78.2, "ci95_low": 76.1, "ci95_high": 80.4}
    base = {"mean": 69.3, "ci95_low": 67.0, "ci95_high": 71.0}
    diff = {"difference": 8.9, "ci_low": 7.5, "ci_high": 10.3}
    text = headline_sentence("two more screening social workers", other, base, diff, 108_400.0)
    assert text == (
        "With two more screening social workers, 78% (76–80%) of contacts are decided within "
        "one working day, up from 69% (+8.9 percentage points, 95% CI +7.5 to +10.3); "
        "this costs £108,000 a year more."
    )
    unclear = {"difference": 0.4, "ci_low": -1.0, "ci_high": 1.8}
    assert "no clear change" in headline_sentence("x", other, base, unclear, 0.0)
    assert cost_words(-52_000.0) == "this saves £52,000 a year"
    assert cost_words(0.0) == "the staff cost is unchanged"
    # An interval reaching past 100% is cut to what is possible.
    wide = {"mean": 97.0, "ci95_low": 92.0, "ci95_high": 102.5}
    assert "97% (92–100%)" in headline_sentence("today's front door", wide)


def test_labels_are_words_with_units_and_intervals_stay_possible() -> None:
    assert label("decision_within_1wd_pct") == "decided within 1 working day (%)"
    assert label("utilisation_social_workers") == (
        "utilisation of screening social workers (% of on-duty time)"
    )
    assert label("annual_staff_cost_gbp").endswith("(£ a year)")
    assert clipped("utilisation_managers", 0.8, 1.6) == (0.8, 1.0)
    assert clipped("icpc_within_15wd_pct", -3.0, 105.0) == (0.0, 100.0)
    assert clipped("decision_working_days_mean", -0.2, 1.5) == (0.0, 1.5)


def test_the_model_and_the_cli_never_import_streamlit() -> None:
    code = (
        "import sys, sim.cli, sim.compose, sim.runner, sim.report.plots, sim.app.levers;"
        "assert 'streamlit' not in sys.modules, 'streamlit imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_page_opens_with_the_settings_frontdoor_app_was_given() -> None:
    assert first_settings(None) == RunSettings()
    assert first_settings("2,14,0") == RunSettings(2, 14, 0)
    with pytest.raises(ConfigError, match=r"run.replications: 1 is not allowed; must be 2–50"):
        first_settings("1,14,0")
    with pytest.raises(ConfigError, match="three whole numbers"):
        first_settings("2,14")


@pytest.mark.parametrize(
    ("flag", "value", "line"),
    [
        ("--replications", "1", "--replications: 1 is not allowed; must be 2–50"),
        ("--horizon-days", "6", "--horizon-days: 6 is not allowed; must be 7–730"),
        ("--warmup-days", "1101", "--warmup-days: 1101 is not allowed; must be 0–1100"),
    ],
)
def test_frontdoor_app_refuses_a_setting_the_page_would_not_allow(flag, value, line) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sim.app.serve", flag, value],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == f"frontdoor-app: error: {line}"
