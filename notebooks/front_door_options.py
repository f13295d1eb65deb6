# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Front-door options: integrated front door and simplified partner requests
#
# The leaders' question: **how do an integrated front door and simplified partner-information
# requests change the time children wait for a decision?** This notebook runs the named
# experiment `experiments/front_door_options.py` at settings chosen so that it takes seconds
# *and* its intervals are narrow enough to answer the question (4 replications of 8 measured
# weeks after a 4-week warm-up), and reads its report. The full experiment
# (`python -m experiments.front_door_options`, settings printed below) runs longer, after the
# 80-week default warm-up that lets caseloads and re-referrals settle, and attributes each
# option's effect to its mechanisms; its answer is in `docs/experiments.md`.
#
# Every option runs with the same seed: replication *r* of every option sees the same children
# (common random numbers), so the paired difference from the baseline is sharp.
#
# What these settings can and cannot show: the front door's own queues fill within days, so the
# share decided within one working day is measured fairly after 4 weeks. KPIs after the decision
# (caseloads, re-referrals) need the long warm-up and are **not** read here. A much smaller run
# (2 replications of 2 weeks, the experiment's `--tiny`) gives intervals of ±30 points, which
# say nothing either way: every sentence below is computed, and says "cannot tell" when the
# interval includes zero.

# %%
from pathlib import Path

import pandas as pd

from experiments.common import FULL, run_options, tidy_results, write_report
from experiments.front_door_options import EXPERIMENT
from sim.analysis.compare import paired_differences
from sim.atomic import write_atomic
from sim.report.plots import kpi_figure

pd.set_option("display.width", 120)
for option in EXPERIMENT.options:
    print(f"{option.name:26s} {' '.join(option.overrides)}")

SETTINGS = [
    "run.replications=4",
    "run.warmup_days=28",
    "run.horizon_days=56",
    "run.drain_days=14",
    "run.jobs=1",
    "run.event_log=false",
    "run.plots=false",
]
print("this notebook:  ", " ".join(SETTINGS))
print("full experiment:", " ".join(FULL), "(default warm-up and drain)")

# %% [markdown]
# ## Run every option on common random numbers

# %%
results = run_options(EXPERIMENT, SETTINGS, progress=False)
out = Path("reports") / "front_door_options_notebook"
summary = write_report(EXPERIMENT, results, out, SETTINGS)
print(summary.read_text(encoding="utf-8").split("\n\n")[2])

# %% [markdown]
# ## Paired differences from the baseline, with 95% CIs
#
# `real` is true when the interval excludes zero.

# %%
KPI = "decision_within_1wd_pct"
diffs = pd.read_csv(out / "differences.csv")
shown = diffs[diffs["kpi"].isin(EXPERIMENT.kpis[:4])]
print(shown[["option", "kpi", "difference", "ci_low", "ci_high", "real"]].round(2).to_string())


def sentence(label: str, row: pd.Series) -> str:
    """What a paired difference says, and only that."""
    ci = f"{row['difference']:+.1f} points (95% CI {row['ci_low']:+.1f} to {row['ci_high']:+.1f})"
    if row["ci_low"] > 0:
        return f"{label} raises decisions within one working day: {ci}."
    if row["ci_high"] < 0:
        return f"{label} lowers decisions within one working day: {ci}."
    return f"{label}: these runs cannot tell it from no change, {ci}."


for _, row in diffs[diffs["kpi"] == KPI].iterrows():
    print(sentence(str(row["option"]), row))

# %% [markdown]
# ## Do both changes together beat the integrated front door alone?
#
# Compared directly, pair by pair (not by eye from two overlapping intervals).

# %%
both = paired_differences(
    results["integrated_front_door"].replications, results["combined"].replications, [KPI]
).iloc[0]
print(sentence("Adding simplified requests to the integrated front door", both))

# %% [markdown]
# ## The KPIs by option
#
# Shown here, and saved next to the notebook as `figures/front_door_options.png`; the report
# folder `reports/front_door_options_notebook/` also holds `kpis.png`, `decision_times.png`,
# `queues.png` and `utilisation.png`.

# %%
fig = kpi_figure(tidy_results(results, EXPERIMENT.kpis), EXPERIMENT.kpis, "Front door options")
path = write_atomic(
    Path("figures") / "front_door_options.png", lambda tmp: fig.savefig(tmp, dpi=90, format="png")
)
print(f"figure saved: {path}; report: {sorted(p.name for p in out.iterdir())}")
fig
