"""Charts and summaries a leader can read (issue 13, point 6): the rules each chart keeps.

The figures are sim.report.plots' (shared by the page, the run folder and the experiments'
reports); the numbers are sim.report.words' (one formatter for the page, the printed table and
the reports). Each test states one rule and fails if a chart or a number breaks it.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from sim.compose import load, run
from sim.report import plots
from sim.report.files import summary_markdown
from sim.report.table import kpi_table
from sim.report.words import change, number, plain, pool_colour, pool_words, run_name

TINY = ["run.replications=2", "run.horizon_days=7", "run.warmup_days=0", "run.drain_days=7"]


@pytest.fixture(scope="module")
def results():
    return run(load([*TINY, "run.event_log=false", "run.plots=false"]), progress=False)


def test_numbers_are_written_in_their_units_and_changes_in_points() -> None:
    assert number(81.25, "decision_within_1wd_pct") == "81.2%"
    assert number(0.853, "utilisation_managers") == "85.3%"
    assert number(5_797_818.4, "annual_staff_cost_gbp") == "£5,797,818"
    assert number(1.137, "decision_working_days_mean") == "1.14"
    assert number(float("nan"), "contacts") == "–"
    assert change(1.54, "decision_within_1wd_pct") == "+1.5 pp"
    assert change(-0.02, "utilisation_managers") == "-2.0 pp"
    assert change(-52_000.0, "annual_staff_cost_gbp") == "−£52,000"
    assert change(None, "annual_staff_cost_gbp") == "–"
    assert plain(12_345.6, signed=True) == "+12,346"
    assert plain(3.14159) == "3.14"


def test_two_runs_of_one_scenario_carry_different_titles(results) -> None:
    one = run_name("baseline", ["staffing.pools.social_workers.staff=14", "run.seed=1"])
    other = run_name("baseline", ["run.replications=3"])
    assert one == "baseline with staffing.pools.social_workers.staff=14"
    assert other == "baseline"
    titles = []
    for name in (one, other):
        fig = plots.decision_times_figure({name: results})
        titles.append(fig.axes[0].get_title())
        plt.close(fig)
    assert titles[0] != titles[1]
    assert "staffing.pools.social_workers.staff=14" in titles[0].replace("\n", " ")


def test_the_run_folder_plots_are_titled_from_its_overrides(results, tmp_path: Path) -> None:
    titles: list[str] = []

    def write(path: Path, save) -> Path:  # type: ignore[no-untyped-def]
        save(path)
        return path

    original = plt.Figure.savefig

    def recording(fig, *args, **kwargs):  # type: ignore[no-untyped-def]
        titles.append(fig.axes[0].get_title().replace("\n", " "))
        return original(fig, *args, **kwargs)

    plt.Figure.savefig = recording  # type: ignore[method-assign]
    try:
        written = plots.write_plots(results, tmp_path, write, ["staffing.pools.edt.staff=3"])
    finally:
        plt.Figure.savefig = original  # type: ignore[method-assign]
    assert set(written) == {"plot_decision_times", "plot_utilisation", "plot_queues"}
    assert len(titles) == 3
    assert all("staffing.pools.edt.staff=3" in t for t in titles), titles


def test_decision_times_are_bars_with_the_one_working_day_line(results) -> None:
    fig = plots.decision_times_figure({"today": results})
    ax = fig.axes[0]
    assert len(ax.patches) > 4  # a bar per quarter working day, not only a cumulative curve
    assert [line.get_xdata()[0] for line in ax.get_lines()] == [1.0]
    assert ax.get_ylabel() == "contacts decided (%)"
    plt.close(fig)


def test_legends_sit_beside_the_chart_not_over_it(results) -> None:
    runs = {"today": results, "same again": results}
    for fig in (plots.decision_times_figure(runs), plots.queue_figure(runs)):
        fig.canvas.draw()
        ax = fig.axes[0]
        legend = ax.get_legend()
        assert legend is not None
        assert legend.get_window_extent().x0 >= ax.get_window_extent().x1 - 1
        plt.close(fig)


def test_one_colour_per_pool_and_utilisation_never_above_100(results) -> None:
    fake = SimpleNamespace(
        summary={
            "utilisation_managers": {"mean": 0.95, "ci95_low": 0.7, "ci95_high": 1.6},
            "utilisation_social_workers": {"mean": 0.5, "ci95_low": -0.1, "ci95_high": 0.6},
        }
    )
    fig = plots.utilisation_figure({"today": fake})  # type: ignore[dict-item]
    ax = fig.axes[0]
    colours = [to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colours == [pool_colour("managers").lower(), pool_colour("social_workers").lower()]
    ends = np.concatenate(
        [seg[:, 0] for c in ax.collections for seg in getattr(c, "get_segments", list)()]
    )
    assert ends.max() <= 100.0 and ends.min() >= 0.0  # the CI 70–160% is drawn 70–100%
    plt.close(fig)
    fig = plots.queue_figure({"today": results})
    by_words = {pool_words(p): p for p in plots.FRONT_DOOR_POOLS}
    drawn = {str(line.get_label()): to_hex(line.get_color()) for line in fig.axes[0].get_lines()}
    assert drawn
    assert drawn == {w: pool_colour(by_words[w]).lower() for w in drawn}
    plt.close(fig)


def test_kpi_panels_are_in_words_with_targets_and_possible_intervals() -> None:
    tidy = pd.DataFrame(
        [
            ("today", "decision_within_1wd_pct", 97.0, 92.0, 103.0),
            ("option", "decision_within_1wd_pct", 98.0, 95.0, 101.0),
            ("today", "utilisation_managers", 0.9, 0.7, 1.3),
        ],
        columns=["option", "kpi", "mean", "ci95_low", "ci95_high"],
    )
    fig = plots.kpi_figure(tidy, ["decision_within_1wd_pct", "utilisation_managers"], "Test")
    share, util = fig.axes
    assert share.get_title().startswith("decided within 1 working day (%)")
    assert "target 95%" in share.get_title()
    assert [line.get_xdata()[0] for line in share.get_lines() if line.get_linestyle() == "--"] == [
        95.0
    ]
    for ax, ceiling in ((share, 100.0), (util, 100.0)):
        ends = np.concatenate([seg[:, 0] for c in ax.collections for seg in c.get_segments()])
        assert ends.max() <= ceiling
    assert util.get_title() == "utilisation of managers (% of on-duty time)"
    plt.close(fig)


def _evaluations(meets: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "annual_staff_cost_gbp": [5.0e6, 5.2e6, 5.4e6],
            "decision_within_1wd_pct_bound": [60.0, 70.0, 80.0],
            "meets_targets": [False, False, meets],
            "chosen": [False, False, True],
            "today": [True, False, False],
        }
    )


@pytest.mark.parametrize("meets", [True, False])
def test_the_search_figure_never_marks_as_chosen_a_staffing_that_misses(meets: bool) -> None:
    target = SimpleNamespace(kpi="decision_within_1wd_pct", op=">=", value=95.0)
    fig = plots.search_figure(_evaluations(meets), [target], 0.9)  # type: ignore[list-item]
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert ("chosen (meets every target)" in labels) is meets
    assert ("nearest miss within budget (not chosen)" in labels) is not meets
    plt.close(fig)


def test_the_frontier_cuts_intervals_and_draws_the_target() -> None:
    table = pd.DataFrame(
        {
            "annual_staff_cost_gbp": [5.0e6, 5.5e6],
            "process": ["today", "today"],
            "decision_within_1wd_pct": [90.0, 99.0],
            "decision_within_1wd_pct_ci_low": [85.0, 96.0],
            "decision_within_1wd_pct_ci_high": [95.0, 104.0],
            "pareto_decision_within_1wd_pct": [True, True],
        }
    )
    fig = plots.frontier_figure(table, ["decision_within_1wd_pct"], "Frontier")
    ax = fig.axes[0]
    tops = np.concatenate([seg[:, 1] for c in ax.collections for seg in c.get_segments()])
    assert tops.max() == pytest.approx(100.0)
    assert any(line.get_ydata()[0] == 95.0 for line in ax.get_lines())
    plt.close(fig)


def test_the_printed_table_names_kpis_in_words_with_the_costs(results) -> None:
    table = kpi_table(results, overrides=["staffing.pools.edt.staff=3"])
    measures = list(table.columns[0].cells)
    assert "decided within 1 working day (%)" in measures
    assert "annual staff cost (council) (£ a year)" in measures
    assert "staff cost per contact (£)" in measures
    assert "decision_within_1wd_pct" not in measures
    assert "staffing.pools.edt.staff=3" in str(table.title)
    cis = list(table.columns[2].cells)
    for kpi_label, ci in zip(measures, cis, strict=True):
        high = ci.split(" – ")[-1]
        if kpi_label.endswith("(%)") and high != "–":
            assert float(high.rstrip("%")) <= 100.0, (kpi_label, ci)


def test_the_run_folders_summary_opens_with_the_pages_sentence(results) -> None:
    text = summary_markdown(results, ["staffing.pools.edt.staff=3", "run.seed=5"])
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "# baseline with staffing.pools.edt.staff=3"
    assert paragraphs[1].startswith("Baseline with staffing.pools.edt.staff=3: ")
    assert paragraphs[1].endswith("of contacts are decided within one working day.")
    assert paragraphs[2].startswith("Its annual staff cost to the council is £")
    assert "| decided within 1 working day (%) |" in text
    assert "| staff cost per contact (£) |" in text
    assert "percentage points" in text


def test_the_sweep_table_shows_changes_in_points_and_pounds() -> None:
    from sim.report.sweep import difference_table, interaction_lines

    diffs = pd.DataFrame(
        {
            "job": [1, 1],
            "kpi": ["decision_within_1wd_pct", "annual_staff_cost_gbp"],
            "difference": [4.25, 108_400.0],
            "ci_low": [1.0, 108_400.0],
            "ci_high": [7.5, 108_400.0],
            "real": [True, True],
        }
    )
    base = SimpleNamespace(settings={"staffing": "current"}, name="0")
    table = difference_table(base, diffs, ["staffing"])  # type: ignore[arg-type]
    assert list(table.columns[1].cells) == [
        "decided within 1 working day (%)",
        "annual staff cost (council) (£ a year)",
    ]
    assert list(table.columns[2].cells) == ["+4.2 pp", "+£108,400"]
    assert next(iter(table.columns[3].cells)) == "+1.0 pp to +7.5 pp"
    contrast = pd.DataFrame(
        [
            {
                "kpi": "decision_within_1wd_pct",
                "change": "staffing=plus_2",
                "under": "scenario=combined",
                "instead_of": "scenario=baseline",
                "effect_under": 2.0,
                "effect_under_ci_low": 1.0,
                "effect_under_ci_high": 3.0,
                "effect_instead_of": 5.0,
                "effect_instead_of_ci_low": 4.0,
                "effect_instead_of_ci_high": 6.0,
                "interaction": -3.0,
                "ci_low": -4.5,
                "ci_high": -1.5,
                "real": True,
            }
        ]
    )
    (line,) = interaction_lines(contrast, "decision_within_1wd_pct")
    assert line.startswith("decided within 1 working day (%): staffing=plus_2 adds +2.0 pp")
    assert "interaction -3.0 pp (-4.5 pp to -1.5 pp; a real interaction)" in line
