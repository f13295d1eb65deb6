"""The fit report's figures: observed beside fitted by source, weekday and month, and each
duration's histogram with the fitted curve.

Every figure shows counts, so a bar or bin standing for 1–4 rows is not drawn (it is left empty
and the caption says so): a small count could point at a child. Nothing else from the extract is
drawn — no dates of birth, no IDs, no names.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.atomic import write_atomic
from sim.fit.arrivals import DAYS, ArrivalFit
from sim.fit.durations import DurationFit

SMALL = 5  # counts below this are not shown


def suppressed(counts: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Counts with 1–4 replaced by NaN (not drawn)."""
    out = np.asarray(counts, dtype=float).copy()
    out[(out > 0) & (out < SMALL)] = np.nan
    return out


def _save(fig: plt.Figure, path: Path) -> Path:
    write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight"))
    plt.close(fig)
    return path


def arrivals_figures(fit: ArrivalFit, folder: Path) -> list[Path]:
    """By source (a year's contacts), by weekday and by month: observed and fitted."""
    sources = list(fit.sources)
    observed = fit.daily[sources]
    fitted = {s: fit.sources[s].expected_by_day for s in sources}
    paths = []
    fig, ax = plt.subplots(figsize=(8, 4))
    x = np.arange(len(sources))
    obs = suppressed([observed[s].sum() for s in sources])
    fitted_total = [fitted[s].sum() for s in sources]
    ax.bar(x - 0.2, obs, 0.4, label="observed (List 1)")
    ax.bar(x + 0.2, fitted_total, 0.4, label="fitted")
    ax.set_xticks(x, sources, rotation=30, ha="right")
    ax.set_ylabel("contacts in the extract")
    ax.set_title("Contacts by source")
    ax.legend()
    paths.append(_save(fig, folder / "contacts_by_source.png"))

    index = pd.DatetimeIndex(observed.index)
    weekday = index.day_of_week
    fig, ax = plt.subplots(figsize=(7, 4))
    total_obs = observed.sum(axis=1).to_numpy()
    total_fit = np.sum([fitted[s] for s in sources], axis=0)
    obs_w = suppressed([total_obs[weekday == d].sum() for d in range(7)])
    fit_w = [total_fit[weekday == d].sum() for d in range(7)]
    ax.bar(np.arange(7) - 0.2, obs_w, 0.4, label="observed")
    ax.bar(np.arange(7) + 0.2, fit_w, 0.4, label="fitted")
    ax.set_xticks(range(7), [d.title() for d in DAYS])
    ax.set_ylabel("contacts")
    ax.set_title("Contacts by day of the week")
    ax.legend()
    paths.append(_save(fig, folder / "contacts_by_weekday.png"))

    months = index.to_period("M")
    labels = sorted(set(months))
    fig, ax = plt.subplots(figsize=(9, 4))
    obs_m = suppressed([total_obs[months == m].sum() for m in labels])
    fit_m = [total_fit[months == m].sum() for m in labels]
    ax.plot(range(len(labels)), obs_m, "o-", label="observed")
    ax.plot(range(len(labels)), fit_m, "s--", label="fitted")
    ax.set_xticks(range(len(labels)), [str(m) for m in labels], rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("contacts")
    ax.set_title("Contacts by month (school and bank holidays, trend)")
    ax.legend()
    paths.append(_save(fig, folder / "contacts_by_month.png"))
    return paths


def duration_figure(fit: DurationFit, title: str, path: Path) -> Path:
    """A histogram of working days with the fitted curve and the statutory limit."""
    days = fit.days
    top = int(max(days.max(initial=0), fit.limit) + 2)
    edges = np.arange(0, top + 1)
    counts, _ = np.histogram(days, bins=edges)
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(edges[:-1], suppressed(counts), width=1.0, align="edge", alpha=0.6, label="observed")
    best = fit.best
    if best is not None:
        grid = np.linspace(0.01, top, 400)
        ax.plot(grid, best.frozen().pdf(grid) * days.size, "r-", label=f"fitted {best.name}")
    ax.axvline(
        fit.limit + 1, color="k", ls=":", label=f"{fit.limit} working days"
    )  # bin d is [d, d+1)
    ax.set_xlabel("working days")
    ax.set_ylabel("count (bins under 5 not drawn)")
    ax.set_title(title)
    ax.legend()
    return _save(fig, path)
