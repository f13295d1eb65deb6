"""The front-door options' attribution: each mechanism option changes only its own keys, the
cumulative options end exactly at each scenario, and the steps add up to the scenario totals
replication by replication."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.attribution import (
    Attribution,
    changed_keys,
    decompose,
    mechanism_option,
    plain_config,
    run_steps,
    same_model,
    scenario_changes,
)
from experiments.common import TINY, run_options
from experiments.front_door_options import ATTRIBUTION, EXPERIMENT, main, window_overrides
from sim.compose import load
from sim.errors import ConfigError

SHORT = ["run.warmup_days=7", "run.horizon_days=7", "run.drain_days=3", "run.jobs=1"]
SETTINGS = [*TINY, *SHORT]  # 2 replications of a week: enough for exact arithmetic checks


@pytest.fixture(scope="module")
def changed() -> dict:
    return scenario_changes(ATTRIBUTION, SETTINGS)


def test_each_mechanism_option_changes_only_its_own_keys(changed: dict) -> None:
    base = plain_config([*SETTINGS, "scenario=baseline"])
    for mechanism in ATTRIBUTION.mechanisms:
        option = mechanism_option(ATTRIBUTION, {mechanism.name}, changed)
        diff = changed_keys(base, plain_config([*SETTINGS, *option.overrides]))
        stray = [k for k in diff if not mechanism.uses(k)]
        assert not stray, (mechanism.name, stray)
        own = {k for k in changed if mechanism.owns(k)}
        assert own and own <= set(diff), mechanism.name  # all of it on, from the scenario files
    assert all(ATTRIBUTION.tag_of(k)[1] != "not cited" for k in changed)  # each has its source
    feedback = mechanism_option(ATTRIBUTION, {"feedback"}, changed)
    assert load([*SETTINGS, *feedback.overrides]).front_door.feedback.learning.enabled
    hub = mechanism_option(ATTRIBUTION, {"hub"}, changed)
    assert "front_door.feedback.learning.enabled=false" in hub.overrides  # the off switch


@pytest.mark.long
def test_cumulative_options_compose_to_each_scenario(changed: dict) -> None:
    for scenario, names in ATTRIBUTION.scenarios.items():
        option = mechanism_option(ATTRIBUTION, names, changed)
        built = load([*SETTINGS, *option.overrides])
        assert same_model(built, load([*SETTINGS, f"scenario={scenario}"])), scenario
        assert not same_model(built, load([*SETTINGS, "scenario=baseline"]))


def test_a_changed_key_without_a_mechanism_is_refused() -> None:
    partial = Attribution(
        mechanisms=ATTRIBUTION.mechanisms[:3],
        scenarios={"integrated_front_door": ("hub", "decisions", "feedback")},
        top="combined",
        kpis=ATTRIBUTION.kpis,
    )
    with pytest.raises(ConfigError, match=r"front_door\.partner_check\.agencies.*no mechanism"):
        scenario_changes(partial, SETTINGS)


@pytest.mark.long
def test_cumulative_steps_add_up_to_the_scenario_totals(changed: dict) -> None:
    """Built options run on their own (no reuse): the chain must end at the scenario's run."""
    scenarios = run_options(EXPERIMENT, SETTINGS, progress=False)
    totals = {name: res.replications for name, res in scenarios.items()}
    steps = run_steps(ATTRIBUTION, SETTINGS, changed, scenario_tables=None, progress=False)
    baseline = totals["baseline"].set_index("replication")
    kpis = list(ATTRIBUTION.kpis)
    for scenario, names in ATTRIBUTION.scenarios.items():
        cumulative = [frozenset(names[: i + 1]) for i in range(len(names))]
        chain = [baseline, *(steps[on].set_index("replication") for on in cumulative)]
        summed = sum(b[kpis] - a[kpis] for a, b in itertools.pairwise(chain))
        total = totals[scenario].set_index("replication")[kpis] - baseline[kpis]
        assert isinstance(summed, pd.DataFrame)
        np.testing.assert_allclose(summed.to_numpy(), total.to_numpy(), atol=1e-9)
    table = decompose(ATTRIBUTION, steps, totals["baseline"], totals, changed)
    for (scenario, kpi), rows in table[table["scenario"] != ""].groupby(["scenario", "kpi"]):
        step_sum = rows.loc[rows["kind"] == "step", "difference"].sum()
        whole = rows.loc[rows["kind"] == "total", "difference"].iloc[0]
        assert step_sum == pytest.approx(whole, abs=1e-9), (scenario, kpi)
    # (d) is the simplified scenario's only step, so it is that mechanism alone.
    simplified = table[(table["scenario"] == "simplified_partner_info") & (table["kind"] == "step")]
    assert np.allclose(simplified["order_effect"], 0.0)


@pytest.mark.long
def test_tiny_command_writes_the_attribution(tmp_path: Path) -> None:
    summary = main(["--tiny", "--out", str(tmp_path), *SHORT])
    table = pd.read_csv(tmp_path / "decomposition.csv")
    assert (tmp_path / "decomposition.png").stat().st_size > 0
    diffs = pd.read_csv(tmp_path / "differences.csv").set_index(["option", "kpi"])
    steps = table[table["kind"] == "step"].groupby(["scenario", "kpi"])["difference"].sum()
    for (scenario, kpi), step_sum in steps.items():
        assert step_sum == pytest.approx(diffs.loc[(scenario, kpi), "difference"], abs=1e-9)
    assert set(table.loc[table["kind"] == "alone", "mechanism"]) == {
        m.name for m in ATTRIBUTION.mechanisms
    }
    assert set(table["rests_on"].str.split(":").str[0]) == {"ESTIMATE"}
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# ") and "## Attribution: what each mechanism contributes" in text
    assert "(c) feedback and learning" in text.split("## Attribution")[1]


def test_windows_set_the_run_window_and_the_learning_clock() -> None:
    assert window_overrides("standard", TINY) == []
    first = load([*TINY, *window_overrides("first_year", TINY)])
    assert (first.run.warmup_days, first.run.horizon_days) == (21.0, 365.0)
    assert first.front_door.feedback.learning.start == "measured"
    mature = load([*TINY, *window_overrides("maturity", TINY)])
    assert (mature.run.warmup_days, mature.run.horizon_days) == (21.0 + 730.0, 365.0)
    assert mature.front_door.feedback.learning.start == "warmup"
