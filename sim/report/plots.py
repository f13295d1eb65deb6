"""Every chart: the run folder's PNGs, the leaders' page and the experiments' reports.

One module, so a chart reads the same wherever a leader meets it: a title naming the options
shown, KPIs in words with units (:mod:`sim.report.words`), target lines (1, 15 and 45 working
days, 95%), intervals cut to what is possible (no utilisation above 100%), one colour per staff
pool in every chart, legends beside the data rather than over it. Charts read ``Results`` (and
tables made from them); they compute no KPI of their own. Matplotlib runs headless (Agg).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.report.table import queue_table
from sim.report.words import (
    TARGETS,
    clipped,
    label,
    pool_colour,
    pool_words,
    possible_range,
    run_name,
)
from sim.runner import Results

Writer = Callable[[Path, Callable[[Path], None]], Path]
Runs = Mapping[str, Results]

#: Options (not pools) are told apart by these colours and line styles, in order.
OPTION_COLOURS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377")
OPTION_STYLES = ("-", "--", ":", "-.")
TARGET_COLOUR = "#CC3311"
FRONT_DOOR_POOLS = ("managers", "social_workers", "practice_support", "edt")


def names_title(what: str, runs: Runs, width: int = 72) -> str:
    """``what: option A vs option B`` — every title names what it shows, wrapped to fit."""
    return textwrap.fill(f"{what}: {' vs '.join(runs)}", width)


def legend_outside(ax: plt.Axes, **kwargs: object) -> None:
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", **kwargs)


def decision_times_figure(runs: Runs, upper_days: float | None = None) -> plt.Figure:
    """Bars of the share of contacts decided in each quarter working day, with the 1-WD line."""
    days = {
        name: r.decisions["decision_working_days"].dropna().to_numpy() for name, r in runs.items()
    }
    every = np.concatenate([d for d in days.values() if d.size] or [np.zeros(1)])
    upper = upper_days or max(2.0, float(np.ceil(np.percentile(every, 99) * 4) / 4))
    edges = np.arange(0.0, upper + 0.25, 0.25)
    fig, ax = plt.subplots(figsize=(8.5, 4))
    width = 0.25 / max(len(runs), 1)
    for i, (name, d) in enumerate(days.items()):
        if not d.size:
            continue
        counts, _ = np.histogram(np.clip(d, 0, upper), bins=edges)
        share = 100 * counts / d.size
        ax.bar(
            edges[:-1] + i * width,
            share,
            width=width,
            align="edge",
            color=OPTION_COLOURS[i % len(OPTION_COLOURS)],
            label=name,
        )
    target, words = TARGETS["decision_working_days"]
    ax.axvline(target, color=TARGET_COLOUR, linestyle="--", label=words)
    ax.set_xlim(0, upper)
    ax.set_xlabel(f"working days from contact to decision (last bar: {upper:g} or more)")
    ax.set_ylabel("contacts decided (%)")
    ax.set_title(names_title("Time to decision", runs))
    legend_outside(ax)
    fig.tight_layout()
    return fig


def utilisation_figure(runs: Runs, pools: Sequence[str] | None = None) -> plt.Figure:
    """Utilisation of each staff pool (its own colour) by option, 95% CIs cut to 0–100%."""
    first = next(iter(runs.values()))
    names = list(
        pools
        or [k.removeprefix("utilisation_") for k in first.summary if k.startswith("utilisation_")]
    )
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * len(names) * max(len(runs), 1) + 1.6))
    height = 0.8 / max(len(runs), 1)
    hatches = ("", "//", "..", "xx")
    for i, (option, res) in enumerate(runs.items()):
        y = np.arange(len(names)) + i * height
        for j, pool in enumerate(names):
            stats = res.summary.get(f"utilisation_{pool}")
            if stats is None:
                continue
            low, high = clipped(f"utilisation_{pool}", stats["ci95_low"], stats["ci95_high"])
            mean = stats["mean"]
            err = np.nan_to_num([[mean - low], [high - mean]])
            ax.barh(
                y[j],
                100 * mean,
                height=height,
                xerr=100 * err,
                color=pool_colour(pool),
                hatch=hatches[i % len(hatches)],
                edgecolor="#333333",
                capsize=3,
                label=option if j == 0 else None,
            )
    ax.set_yticks(np.arange(len(names)) + 0.4 - height / 2, [pool_words(p) for p in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("utilisation (% of on-duty time, 95% CI)")
    ax.set_title(names_title("Staff utilisation", runs))
    if len(runs) > 1:
        legend_outside(ax)
    fig.tight_layout()
    return fig


def queue_figure(runs: Runs, pools: Sequence[str] | None = None) -> plt.Figure:
    """Contacts waiting for each pool (its own colour) across a typical week, by option."""
    fig, ax = plt.subplots(figsize=(9.5, 4))
    for i, (option, res) in enumerate(runs.items()):
        table = queue_table(res)
        shown = (
            pools
            or [p for p in FRONT_DOOR_POOLS if p in set(table["pool"])]
            or sorted(set(table["pool"]))
        )
        for pool in shown:
            rows = table[table["pool"] == pool]
            ax.plot(
                rows["hour_of_week"],
                rows["waiting_mean"],
                color=pool_colour(pool),
                linestyle=OPTION_STYLES[i % len(OPTION_STYLES)],
                label=f"{pool_words(pool)}" + (f" — {option}" if len(runs) > 1 else ""),
            )
    ax.set_xticks(range(0, 169, 24), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", ""])
    ax.set_xlim(0, 168)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("hour of the week")
    ax.set_ylabel("contacts waiting (mean)")
    ax.set_title(names_title("Queues across a typical week", runs))
    legend_outside(ax)
    fig.tight_layout()
    return fig


def kpi_figure(tidy: pd.DataFrame, kpis: Sequence[str], title: str) -> plt.Figure:
    """Mean and 95% CI (cut to the possible range) of each KPI by option, a panel per KPI.

    ``tidy`` has ``option``, ``kpi``, ``mean``, ``ci95_low``, ``ci95_high``; a KPI with a target
    (:data:`TARGETS`) gets its line.
    """
    kpis = [k for k in kpis if k in set(tidy["kpi"])]
    fig, axes = plt.subplots(
        len(kpis),
        1,
        figsize=(8.5, 1.0 + 0.3 * len(tidy[tidy["kpi"].isin(kpis)]) + 0.7 * len(kpis)),
        squeeze=False,
    )
    for ax, kpi in zip(axes[:, 0], kpis, strict=True):
        rows = tidy[tidy["kpi"] == kpi]
        y = np.arange(len(rows))
        # Utilisation is kept as a fraction; its label says % of on-duty time, so draw it so.
        scale = 100.0 if kpi.startswith("utilisation_") else 1.0
        bounds = [
            clipped(kpi, lo, hi) for lo, hi in zip(rows["ci95_low"], rows["ci95_high"], strict=True)
        ]
        mean = scale * rows["mean"].to_numpy(dtype=float)
        low = scale * np.array([b[0] for b in bounds])
        high = scale * np.array([b[1] for b in bounds])
        err = np.nan_to_num(np.vstack([mean - low, high - mean]))
        ax.errorbar(mean, y, xerr=err, fmt="o", color=OPTION_COLOURS[0], capsize=4)
        heading = label(kpi)
        if kpi in TARGETS:
            value, words = TARGETS[kpi]
            ax.axvline(value, color=TARGET_COLOUR, linestyle="--")
            heading += f"; dashed line: target {words}"
        ax.set_yticks(y, rows["option"])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_title(heading, fontsize="medium")
    fig.suptitle(title)
    fig.tight_layout(rect=(0.0, 0.0, 1.0, 1.0 - 0.3 / fig.get_figheight()))
    return fig


def waterfall_figure(table: pd.DataFrame, kpis: Sequence[str], title: str) -> plt.Figure:
    """Each option's paired effect built up from its mechanisms: one column per option, one
    row per KPI, so a leader sees which mechanism carries the total.

    ``table`` (e.g. ``decomposition.csv``) has ``scenario``, ``kind`` (``step`` — in the order
    switched on —, ``total`` or ``alone``), ``mechanism``, ``label``, ``kpi``, ``difference``,
    ``ci_low`` and ``ci_high``. A step is a bar floating from the sum of the steps before it,
    with its own 95% CI; the total is drawn from zero; a hollow diamond, drawn from the same
    base, marks the mechanism's effect when switched on alone from the baseline, so the gap
    between diamond and bar top is the order effect.
    """
    scenarios = list(dict.fromkeys(table.loc[table["kind"] == "step", "scenario"]))
    fig, axes = plt.subplots(
        len(kpis), len(scenarios), figsize=(4.2 * len(scenarios), 3.2 * len(kpis)), squeeze=False
    )
    alone = table[table["kind"] == "alone"]
    for row, kpi in enumerate(kpis):
        for col, scenario in enumerate(scenarios):
            ax = axes[row, col]
            rows = table[(table["scenario"] == scenario) & (table["kpi"] == kpi)]
            steps, total = rows[rows["kind"] == "step"], rows[rows["kind"] == "total"]
            bottoms = np.concatenate([[0.0], np.cumsum(steps["difference"].to_numpy())[:-1]])
            x = np.arange(len(steps))
            colours = [OPTION_COLOURS[0] if d >= 0 else TARGET_COLOUR for d in steps["difference"]]
            err = np.nan_to_num(
                np.vstack(
                    [steps["difference"] - steps["ci_low"], steps["ci_high"] - steps["difference"]]
                )
            )
            tops = bottoms + steps["difference"].to_numpy()
            ax.bar(x, steps["difference"], bottom=bottoms, color=colours, width=0.6)
            ax.errorbar(x, tops, yerr=err, fmt="none", color="black", capsize=3)
            alone_here = alone[alone["kpi"] == kpi].set_index("mechanism")["difference"]
            marks = bottoms + np.array([alone_here.get(m, np.nan) for m in steps["mechanism"]])
            ax.plot(x, marks, "D", mfc="none", color="#222222", label="the step if alone")
            if not total.empty:
                t = total.iloc[0]
                ax.bar(len(steps), t["difference"], color="#bbbbbb", width=0.6)
                t_err = [[t["difference"] - t["ci_low"]], [t["ci_high"] - t["difference"]]]
                ax.errorbar(
                    len(steps),
                    t["difference"],
                    yerr=np.nan_to_num(t_err),
                    fmt="none",
                    color="black",
                    capsize=3,
                )
            ax.axhline(0.0, color="#888888", linewidth=0.8)
            ax.set_xticks(
                np.arange(len(steps) + (not total.empty)),
                [*steps["label"], *(["total"] if not total.empty else [])],
                rotation=30,
                ha="right",
                fontsize="small",
            )
            ax.set_title(f"{scenario}\n{label(kpi)}", fontsize="small")
    axes[0, 0].legend(fontsize="x-small")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


class _Target(Protocol):
    kpi: str
    op: str
    value: float


def search_figure(
    table: pd.DataFrame,
    targets: Sequence[_Target],
    confidence: float,
    fresh: pd.DataFrame | None = None,
) -> plt.Figure:
    """Cost against each target KPI's one-sided bound for every staffing the search tried.

    ``table`` is ``evaluations.csv`` (experiments/alignment_report.py). A point is marked
    *chosen* only where it meets every target: the search's best within a budget may meet none,
    and is then marked as the nearest miss, never as chosen.
    """
    fig, axes = plt.subplots(1, len(targets), figsize=(7.5 * len(targets), 4.5), squeeze=False)
    cost = table["annual_staff_cost_gbp"] / 1e3
    met = table["meets_targets"].astype(bool)
    chosen = table["chosen"].astype(bool)
    marks = (
        (table["today"].astype(bool), "s", "none", "today's staffing"),
        (chosen & met, "*", "k", "chosen (meets every target)"),
        (chosen & ~met, "X", "#CC6677", "nearest miss within budget (not chosen)"),
    )
    for ax, t in zip(axes[0], targets, strict=False):
        bound = table[f"{t.kpi}_bound"]
        ax.scatter(cost[~met], bound[~met], c="#CC6677", label="misses a target")
        ax.scatter(cost[met], bound[met], c="#228833", label="meets every target")
        for picked, marker, face, words in marks:
            if picked.any():
                ax.scatter(
                    cost[picked], bound[picked], s=220, marker=marker, facecolors=face,
                    edgecolors="k", label=words,
                )  # fmt: skip
        if fresh is not None:
            ax.scatter(
                fresh["annual_staff_cost_gbp"] / 1e3, fresh[f"confirmation_{t.kpi}_bound"],
                s=90, marker="D", facecolors="none", edgecolors=OPTION_COLOURS[0],
                label="on fresh replications",
            )  # fmt: skip
        ax.axhline(t.value, ls="--", c=TARGET_COLOUR, label=f"target {t.op} {t.value:g}")
        ax.set_xlabel("annual staff cost to the council (£ thousand)")
        ax.set_ylabel(textwrap.fill(f"{label(t.kpi)}, one-sided {confidence:.0%} bound", 40))
        ax.grid(alpha=0.3)
        legend_outside(ax)
    fig.suptitle("Staffings tried by the budget-alignment search")
    fig.tight_layout()
    return fig


def frontier_figure(table: pd.DataFrame, kpis: Sequence[str], title: str) -> plt.Figure:
    """Cost against each KPI with 95% CIs (cut to what is possible), a colour per process, the
    Pareto-efficient options joined, and the KPI's target line (``frontier.csv``)."""
    kpis = [k for k in kpis if k in table and table[k].notna().any()]
    fig, axes = plt.subplots(1, len(kpis), figsize=(7.5 * len(kpis), 4.5), squeeze=False)
    cost = table["annual_staff_cost_gbp"] / 1e3
    for ax, kpi in zip(axes[0], kpis, strict=False):
        floor, ceiling = possible_range(kpi)
        low = table[f"{kpi}_ci_low"].clip(lower=floor, upper=ceiling)
        high = table[f"{kpi}_ci_high"].clip(lower=floor, upper=ceiling)
        err = [(table[kpi] - low).clip(lower=0), (high - table[kpi]).clip(lower=0)]
        for i, (process, mine) in enumerate(table.groupby("process")):
            idx = mine.index
            ax.errorbar(
                cost[idx], table.loc[idx, kpi], yerr=[e[idx] for e in err], fmt="o", alpha=0.7,
                capsize=2, color=OPTION_COLOURS[i % len(OPTION_COLOURS)], label=str(process),
            )  # fmt: skip
        eff = table[table[f"pareto_{kpi}"]].sort_values("annual_staff_cost_gbp")
        ax.plot(
            eff["annual_staff_cost_gbp"] / 1e3, eff[kpi], "k-", marker="*", ms=10,
            label="Pareto-efficient",
        )  # fmt: skip
        if kpi in TARGETS:
            value, words = TARGETS[kpi]
            ax.axhline(value, ls="--", c=TARGET_COLOUR, label=f"target {words}")
        ax.set_xlabel("annual staff cost to the council (£ thousand)")
        ax.set_ylabel(textwrap.fill(f"{label(kpi)}, mean and 95% CI", 40))
        ax.grid(alpha=0.3)
        legend_outside(ax)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def write_plots(
    results: Results, folder: Path, write: Writer, overrides: Sequence[str] = ()
) -> dict[str, Path]:
    """Write each figure of one run as PNG through ``write`` (atomic); return the paths.

    Titles name the run's scenario and its overrides (:func:`run_name`).
    """
    runs = {run_name(results.scenario, overrides): results}
    figures = {
        "plot_decision_times": ("decision_times.png", decision_times_figure(runs)),
        "plot_utilisation": ("utilisation.png", utilisation_figure(runs)),
        "plot_queues": ("queue_by_hour_of_week.png", queue_figure(runs)),
    }
    written: dict[str, Path] = {}
    for key, (filename, fig) in figures.items():

        def save(path: Path, figure: plt.Figure = fig) -> None:
            figure.savefig(path, dpi=110, format="png")

        written[key] = write(folder / filename, save)
        plt.close(fig)
    return written
