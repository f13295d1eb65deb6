"""Every chart: the run folder's PNGs, the leaders' page and the experiments' reports.

One module, so a chart reads the same wherever a leader meets it: a title naming the options
shown, KPIs in words with units (:mod:`sim.report.words`), target lines (1, 15 and 45 working
days, 95%), intervals cut to what is possible (no utilisation above 100%), one colour per staff
pool in every chart, legends beside the data rather than over it. Charts read ``Results`` (and
tables made from them); they compute no KPI of their own. Matplotlib runs headless (Agg).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

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
)
from sim.runner import Results

Writer = Callable[[Path, Callable[[Path], None]], Path]
Runs = Mapping[str, Results]

#: Options (not pools) are told apart by these colours and line styles, in order.
OPTION_COLOURS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377")
OPTION_STYLES = ("-", "--", ":", "-.")
TARGET_COLOUR = "#CC3311"
FRONT_DOOR_POOLS = ("managers", "social_workers", "practice_support", "edt")


def names_title(what: str, runs: Runs) -> str:
    """``what: option A vs option B`` — every title names what it shows."""
    return f"{what}: {' vs '.join(runs)}"


def _legend_outside(ax: plt.Axes, **kwargs: object) -> None:
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
    _legend_outside(ax)
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
        _legend_outside(ax)
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
    _legend_outside(ax)
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
        figsize=(8.5, 1.0 + 0.45 * len(tidy) / max(len(kpis), 1) * len(kpis) + 0.9 * len(kpis)),
        squeeze=False,
    )
    for ax, kpi in zip(axes[:, 0], kpis, strict=True):
        rows = tidy[tidy["kpi"] == kpi]
        y = np.arange(len(rows))
        bounds = [
            clipped(kpi, lo, hi) for lo, hi in zip(rows["ci95_low"], rows["ci95_high"], strict=True)
        ]
        low = np.array([b[0] for b in bounds])
        high = np.array([b[1] for b in bounds])
        err = np.nan_to_num(np.vstack([rows["mean"] - low, high - rows["mean"]]))
        ax.errorbar(rows["mean"], y, xerr=err, fmt="o", color=OPTION_COLOURS[0], capsize=4)
        if kpi in TARGETS:
            value, words = TARGETS[kpi]
            ax.axvline(value, color=TARGET_COLOUR, linestyle="--", label=f"target {words}")
            ax.legend(loc="lower right", fontsize="x-small")
        ax.set_yticks(y, rows["option"])
        ax.set_title(label(kpi), fontsize="medium")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def write_plots(results: Results, folder: Path, write: Writer) -> dict[str, Path]:
    """Write each figure of one run as PNG through ``write`` (atomic); return the paths."""
    runs = {results.scenario: results}
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
