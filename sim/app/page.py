"""The leaders' page (Streamlit): move a lever, see what it does to children's waits and the budget.

Served by ``make app`` / ``frontdoor-app`` (sim/app/serve.py) on 127.0.0.1. Every number comes
from ``sim.run`` through :mod:`sim.app.answer`; every chart from :mod:`sim.report.plots`; the
levers map to overrides in :mod:`sim.app.levers`. This file only lays the page out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

import matplotlib.pyplot as plt
import pandas as pd
import streamlit as st

from sim.app.answer import PRESETS, Answer, RunCache, answer, presets, today_levers
from sim.app.briefing import briefing_markdown, results_csv
from sim.app.levers import (
    OPENING_HOURS,
    SETTING_RANGES,
    SETTINGS_ENV,
    SETTLE_DAYS,
    Levers,
    RunSettings,
    describe,
    first_settings,
    lever_sentence,
    overrides,
    replace,
    shares_warm_up,
)
from sim.errors import ConfigError
from sim.report import plots
from sim.report.words import change, number, pool_words

BUDGET_DIR = Path("reports/budget_alignment")
FRONTIER_DIR = Path("reports/budget_frontier")
STAFF_MAX = {"managers": 15, "social_workers": 40, "practice_support": 30, "edt": 10}


@st.cache_resource
def shared_cache() -> RunCache:
    """One cache of finished runs for every tab of this server."""
    return RunCache()


def levers_from_sidebar(base: Levers) -> tuple[Levers, RunSettings]:
    """The sidebar's widgets: staffing, process switches, demand, hours; the run's length."""
    bar = st.sidebar
    bar.header("Staff in post")
    staff = {}
    for pool, now in base.staff.items():
        staff[pool] = bar.number_input(
            f"{pool_words(pool).capitalize()} (today {now})",
            min_value=0,
            max_value=STAFF_MAX.get(pool, 40),
            value=now,
            step=1,
            key=f"staff_{pool}",
        )
    teams = {}
    for team, now in base.teams.items():
        teams[team] = bar.number_input(
            f"Social workers, {team} assessment team (today {now})",
            min_value=0,
            max_value=80,
            value=now,
            step=1,
            key=f"team_{team}",
        )
    bar.header("How the front door works")
    integrated = bar.toggle("Integrated front door (partners in the hub)", key="integrated")
    simplified = bar.toggle("Simplified partner-information requests", key="simplified")
    hours = bar.selectbox(
        "Opening hours",
        list(OPENING_HOURS),
        format_func=lambda name: OPENING_HOURS[name][0],
        key="opening_hours",
    )
    bar.header("Demand")
    growth = bar.slider(
        "Demand growth (% a year, from the measured period)",
        0.0,
        15.0,
        float(base.growth_pct_per_year),
        0.5,
        key="growth",
    )
    training = bar.slider(
        "Police threshold training: fewer inappropriate police contacts once learnt (%)",
        0,
        30,
        0,
        5,
        key="police_training",
        help="Learnt over about nine months, so a short measured period sees part of it.",
    )
    first = first_settings(os.environ.get(SETTINGS_ENV))
    with bar.expander("How long to simulate"):
        reps = st.number_input(
            "Replications", *SETTING_RANGES["replications"], first.replications, key="replications"
        )
        horizon = st.number_input(
            "Measured days", *SETTING_RANGES["horizon_days"], first.horizon_days, key="horizon"
        )
        warmup = st.number_input(
            "Warm-up days", *SETTING_RANGES["warmup_days"], first.warmup_days, key="warmup"
        )
        st.caption(
            "More replications or days give narrower intervals and take longer "
            "(docs/app.md). Today and the option always share the same settings."
        )
    levers = replace(
        base,
        integrated_front_door=integrated,
        simplified_partner_info=simplified,
        growth_pct_per_year=float(growth),
        police_training_pct=float(training),
        opening_hours=hours,
        **staff,
        **teams,
    )
    return levers, RunSettings(int(reps), int(horizon), int(warmup))


def progress_reporter(bar: st.delta_generator.DeltaGenerator, what: str):  # type: ignore[no-untyped-def]
    def report(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{what}: {done} of {total} replications")

    return report


def show_headline(result: Answer) -> None:
    st.markdown(f"#### {result.sentence()}")
    table = result.table().set_index("kpi")
    cols = st.columns(4)
    for col, kpi in zip(
        cols,
        (
            "decision_within_1wd_pct",
            "assessment_within_45wd_pct",
            "icpc_within_15wd_pct",
            "annual_staff_cost_gbp",
        ),
        strict=True,
    ):
        if kpi not in table.index:
            continue
        row = table.loc[kpi]
        value = row["option"] if result.changed else row["today"]
        delta = change(float(cast(float, row["change"])), kpi) if result.changed else None
        col.metric(
            str(row["measure"]), number(float(cast(float, value)), kpi), delta, delta_color="normal"
        )


def show_table(result: Answer) -> None:
    table = result.table()
    shown = pd.DataFrame({"measure": table["measure"]})
    for name in ("today", "option", "change") if result.changed else ("today",):
        fmt = change if name == "change" else number
        shown[name] = [
            f"{fmt(v, k)} ({fmt(lo, k)} to {fmt(hi, k)})"
            for k, v, lo, hi in zip(
                table["kpi"],
                table[name],
                table[f"{name}_ci95_low"],
                table[f"{name}_ci95_high"],
                strict=True,
            )
        ]
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption("95% confidence intervals in brackets; changes are paired (same children in both).")
    if shares_warm_up(result.settings):
        st.caption(
            "The replications start from one shared warm-up. The front door forgets it within "
            f"their {SETTLE_DAYS:g} settling days, but re-referrals and the step-up wait carry "
            "some of it, so "
            "their intervals may be too narrow: for those, run the command under *Take away* "
            "without `run.warm_start=snapshot`."
        )


def show_charts(result: Answer) -> None:
    runs = (
        {"today": result.today}
        if not result.changed
        else {"today": result.today, result.option: result.other}
    )
    for figure in (
        plots.decision_times_figure(runs),
        plots.queue_figure(runs),
        plots.utilisation_figure(runs),
    ):
        st.pyplot(figure)
        plt.close(figure)


def show_presets(settings: RunSettings, cache: RunCache) -> None:
    st.write(
        "The mission's central comparison: today's process, an integrated front door, "
        "simplified partner information, and both, with today's staffing."
    )
    if st.button("Compare the four preset scenarios", key="presets"):
        st.session_state["presets_for"] = settings
    if st.session_state.get("presets_for") != settings:
        return
    bar = st.progress(0.0)
    runs, table = presets(settings, cache, progress_reporter(bar, "Presets"))
    bar.empty()
    rows = []
    for kpi in table["kpi"].unique():
        row = {"measure": kpi}
        base = runs["baseline"].summary[kpi]["mean"]
        row["baseline"] = number(base, kpi)
        for name in PRESETS[1:]:
            d = table[(table["scenario"] == name) & (table["kpi"] == kpi)].iloc[0]
            row[name] = f"{number(d['other_mean'], kpi)} ({change(d['difference'], kpi)})"
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    figure = plots.decision_times_figure(runs)
    st.pyplot(figure)
    plt.close(figure)


def show_budget() -> None:
    recommendation = BUDGET_DIR / "recommendation.csv"
    if recommendation.is_file():
        st.write(f"From the budget-alignment experiment's report in `{BUDGET_DIR}`:")
        st.dataframe(pd.read_csv(recommendation), hide_index=True)
        summary = BUDGET_DIR / "summary.md"
        if summary.is_file():
            st.markdown(summary.read_text(encoding="utf-8"))
        if (BUDGET_DIR / "frontier.png").is_file():
            st.image(str(BUDGET_DIR / "frontier.png"))
    else:
        st.info(
            "No budget-alignment report yet. Produce one (it takes tens of minutes) with "
            "`python -m experiments.budget_alignment`, then reload this page."
        )
    if (FRONTIER_DIR / "frontier.png").is_file():
        st.write(f"The budget frontier (`{FRONTIER_DIR}`):")
        st.image(str(FRONTIER_DIR / "frontier.png"))
    else:
        st.caption("The budget frontier: `python -m experiments.budget_frontier`.")


def show_takeaways(result: Answer) -> None:
    st.write("Reproduce this run on the command line:")
    st.code(result.command(), language="bash")
    c1, c2, c3 = st.columns(3)
    c1.download_button("Results (CSV)", results_csv(result), "frontdoor_results.csv", "text/csv")
    c2.download_button("Config (YAML)", result.config_yaml(), "frontdoor_config.yaml", "text/yaml")
    c3.download_button(
        "Briefing (Markdown)", briefing_markdown(result), "frontdoor_briefing.md", "text/markdown"
    )


def main() -> None:
    st.set_page_config(page_title="Front door options", layout="wide")
    st.title("What would a change at the front door do?")
    cache = shared_cache()
    base = today_levers()
    levers, settings = levers_from_sidebar(base)
    option = overrides(levers, base)
    words = describe(levers, base)
    st.caption(f"Option: {words}. Compared with today's front door on the same children.")
    key = (tuple(option), settings)
    if st.session_state.get("cancelled") == key:
        st.warning("Run cancelled. Move a lever, or run this option again.")
        if not st.button("Run again", key="run_again"):
            return
        st.session_state.pop("cancelled")
    bar = st.progress(0.0, text="Starting…")
    stop = st.empty()  # the cancel button shows only while a run goes
    if stop.button("Cancel the run", key="cancel"):
        st.session_state["cancelled"] = key
        st.rerun()
    try:
        result = answer(words, option, settings, cache, progress_reporter(bar, "Simulating"))
    except ConfigError as error:
        bar.empty()
        st.error(lever_sentence(error))
        return
    except Exception as error:  # a failed run leaves the page usable
        bar.empty()
        st.error(f"The run failed: {error}. Try other levers or fewer days.")
        return
    bar.empty()
    stop.empty()
    show_headline(result)
    tabs = st.tabs(["Measures", "Charts", "Four presets", "Cheapest staffing", "Take away"])
    with tabs[0]:
        show_table(result)
    with tabs[1]:
        show_charts(result)
    with tabs[2]:
        show_presets(settings, cache)
    with tabs[3]:
        show_budget()
    with tabs[4]:
        show_takeaways(result)


if __name__ == "__main__":  # Streamlit runs the page as __main__; importing it draws nothing
    main()
