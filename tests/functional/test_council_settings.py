"""A council's own settings folder (``--config-dir``) reaches every command (issue 15).

The worked example ``docs/examples/council/`` holds ``costs/ours.yaml`` (its own salaries),
``staffing/ours.yaml`` and ``demand/ours.yaml``. ``frontdoor`` has Hydra's ``--config-dir``;
the experiments take the same option (:func:`sim.compose.add_config_dir`), so ``costs=ours``
must change the costs an experiment reports, not only those of ``frontdoor``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import experiments.budget_alignment as alignment
import experiments.budget_frontier as frontier
from experiments import common, fit_ratios, front_door_options, re_referral_warmup, staffing
from sim.analysis.costs import annual_staff_cost
from sim.compose import config_dir_override, load
from sim.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
COUNCIL = ROOT / "docs" / "examples" / "council"


def council_file(group: str) -> dict[str, Any]:
    document = yaml.safe_load((COUNCIL / group / "ours.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def test_the_example_folder_composes_every_group() -> None:
    cfg = load(["costs=ours", "staffing=ours", "demand=ours", config_dir_override(COUNCIL)])
    salaries = council_file("costs")["roles"]
    for role, entry in salaries.items():
        assert cfg.costs.roles[role].salary_gbp == entry["salary_gbp"]
    assert cfg.costs.roles["emergency_duty_worker"].salary_gbp == 46100, "the rest is default"
    pools = council_file("staffing")["pools"]
    assert cfg.staffing.pools["social_workers"].staff == pools["social_workers"]["staff"]
    assert cfg.demand.annual_contacts == council_file("demand")["annual_contacts"]


def test_a_folder_that_does_not_exist_is_one_config_error() -> None:
    with pytest.raises(ConfigError, match=r"--config-dir: '/no/such' is not allowed"):
        config_dir_override("/no/such")


MAINS: dict[str, Callable[[list[str]], Any]] = {
    "staffing": lambda argv: common.main(staffing.experiment(True), argv),
    "front_door_options": front_door_options.main,
    "budget_alignment": alignment.main,
    "budget_frontier": frontier.main,
    "re_referral_warmup": re_referral_warmup.main,
    "fit_ratios": fit_ratios.main,
}


@pytest.mark.parametrize("name", MAINS)
def test_every_experiment_refuses_a_missing_folder_in_one_line(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        MAINS[name](["--tiny", "--config-dir", "/no/such"])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"python -m experiments.{name}: error: argument --config-dir")
    assert "'/no/such'" in err[0]


@pytest.mark.long  # ≈20 s: a whole (tiny) budget alignment; in make test-long
def test_budget_alignment_uses_the_folders_salaries(tmp_path: Path) -> None:
    """``python -m experiments.budget_alignment --config-dir <example> costs=ours``."""
    out = tmp_path / "align"
    argv = ["--tiny", "--confirm-replications", "0", "--out", str(out)]
    alignment.main([*argv, "--config-dir", str(COUNCIL), "costs=ours"])
    table = pd.read_csv(out / "evaluations.csv")
    today = table[table["today"].astype(bool)].iloc[0]
    ours = load([*alignment.TINY_ALIGN_RUN, "costs=ours", config_dir_override(COUNCIL)])
    default = load(alignment.TINY_ALIGN_RUN)
    assert today["annual_staff_cost_gbp"] == pytest.approx(annual_staff_cost(ours), abs=1.0)
    # The folder's pay is higher than the defaults (team managers £60k, not £56k).
    assert today["annual_staff_cost_gbp"] > annual_staff_cost(default) + 50_000


@pytest.mark.long  # ≈11 s: a whole tiny experiment; in make test-long
def test_a_named_experiment_uses_the_folders_settings(tmp_path: Path) -> None:
    out = tmp_path / "staffing"
    argv = ["--tiny", "--out", str(out), "--config-dir", str(COUNCIL), "costs=ours"]
    common.main(staffing.experiment(True), argv)
    replications = pd.read_csv(out / "replications.csv")
    baseline = replications[replications["option"] == "11_sw_4_managers"]
    settings = [*common.TINY, "costs=ours", config_dir_override(COUNCIL)]
    expected = annual_staff_cost(load([*settings, "staffing.pools.social_workers.staff=11"]))
    assert baseline["annual_staff_cost_gbp"].tolist() == pytest.approx([expected] * 2)
    assert "hydra.searchpath" in (out / "summary.md").read_text(), "the settings say so"
