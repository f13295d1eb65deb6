"""The PNG plots of a run: how long decisions took, and how busy each staff pool was.

Plots read the same KPI summary and decision times as every other output; they compute nothing
of their own. Matplotlib runs headless (Agg), so plotting works on servers and in CI.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sim.report.table import queue_table
from sim.runner import Results

Writer = Callable[[Path, Callable[[Path], None]], Path]


def decision_times_figure(results: Results) -> plt.Figure:
    """Histogram of working days from contact to decision, with the 1-working-day target."""
    days = results.decisions["decision_working_days"].dropna().to_numpy()
    fig, ax = plt.subplots(figsize=(7, 4))
    if days.size:
        upper = max(2.0, float(np.percentile(days, 99.5)))
        ax.hist(days, bins=list(np.linspace(0, upper, 41)), color="#4477aa")
    ax.axvline(1.0, color="#cc3311", linestyle="--", label="1 working day")
    ax.set_xlabel("working days from contact to decision")
    ax.set_ylabel("contacts (all replications)")
    ax.set_title(f"{results.scenario}: time to decision")
    ax.legend()
    fig.tight_layout()
    return fig


def utilisation_figure(results: Results) -> plt.Figure:
    """Utilisation of each staff pool with its 95% confidence interval."""
    names = [k for k in results.summary if k.startswith("utilisation_")]
    means = np.array([results.summary[k]["mean"] for k in names], dtype=float)
    low = np.array([results.summary[k]["ci95_low"] for k in names], dtype=float)
    high = np.array([results.summary[k]["ci95_high"] for k in names], dtype=float)
    err = np.nan_to_num(np.vstack([means - low, high - means]))
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(names) + 1.5))
    labels = [k.removeprefix("utilisation_") for k in names]
    ax.barh(labels, 100 * means, xerr=100 * err, color="#228833", capsize=4)
    ax.set_xlim(0, 100)
    ax.set_xlabel("utilisation, % of on-duty time (95% CI)")
    ax.set_title(f"{results.scenario}: staff utilisation")
    fig.tight_layout()
    return fig


def queue_figure(results: Results) -> plt.Figure:
    """Contacts waiting for each pool across a typical week (mean over the measured weeks)."""

    table = queue_table(results)
    fig, ax = plt.subplots(figsize=(9, 4))
    for pool, rows in table.groupby("pool"):
        ax.plot(rows["hour_of_week"], rows["waiting_mean"], label=str(pool))
    ax.set_xticks(range(0, 169, 24), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", ""])
    ax.set_xlim(0, 168)
    ax.set_xlabel("hour of the week")
    ax.set_ylabel("contacts waiting (mean)")
    ax.set_title(f"{results.scenario}: queues across a typical week")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def write_plots(results: Results, folder: Path, write: Writer) -> dict[str, Path]:
    """Write each figure as PNG through ``write`` (atomic); return the paths."""
    figures = {
        "plot_decision_times": ("decision_times.png", decision_times_figure(results)),
        "plot_utilisation": ("utilisation.png", utilisation_figure(results)),
        "plot_queues": ("queue_by_hour_of_week.png", queue_figure(results)),
    }
    written: dict[str, Path] = {}
    for key, (filename, fig) in figures.items():

        def save(path: Path, figure: plt.Figure = fig) -> None:
            figure.savefig(path, dpi=110, format="png")

        written[key] = write(folder / filename, save)
        plt.close(fig)
    return written
