# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # frontdoor-sim quickstart
#
# This notebook walks through the Python API in a few minutes:
#
# 1. load the baseline scenario and run it,
# 2. read the KPI summary (means with 95% confidence intervals),
# 3. compare a "what if" (more screening social workers) against the baseline on common
#    random numbers,
# 4. check the model against queueing theory with the M/M/c verification preset.
#
# Everything goes through two calls: `sim.load(overrides)` composes `conf/` with the same
# overrides you would type after `frontdoor` on the command line and validates them, and
# `sim.run(cfg)` runs the replications. Nothing is written to disk.
#
# The runs here are deliberately **tiny** (3 replications of 4 simulated weeks) so the notebook
# finishes in seconds; the intervals are wide as a result. For real answers use the defaults
# (`run.replications=5`, a 182-day horizon) or more.
#
# Open it in Jupyter with `jupytext --to ipynb notebooks/quickstart.py`, or run it as a script:
# `python notebooks/quickstart.py`.

# %%
import pandas as pd

import sim
from sim.analysis.theory import expected_kpis
from sim.runner import confidence_interval

try:  # rich tables in Jupyter, plain text when run as a script
    from IPython.display import display
except ImportError:
    display = print

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", None)
pd.set_option("display.precision", 3)

# %% [markdown]
# ## 1. Load and run the baseline
#
# `SMALL` shortens the run: 7 days of warm-up (discarded, the front door starts empty),
# 28 days measured, and 7 days of drain so that contacts arriving near the end are followed
# to their decision. `run.plots=false` because we only want numbers here.

# %%
SMALL = [
    "run.replications=3",
    "run.warmup_days=7",
    "run.horizon_days=28",
    "run.drain_days=7",
    "run.plots=false",
]

baseline_cfg = sim.load(SMALL)
print(f"scenario: {baseline_cfg.scenario}, seed {baseline_cfg.run.seed}")
print({name: pool.staff for name, pool in baseline_cfg.staffing.pools.items()}, "staff per pool")

baseline = sim.run(baseline_cfg, progress=False)

# %% [markdown]
# ## 2. The KPI summary
#
# `results.summary` maps each KPI to its mean over replications and a Student-t 95% confidence
# interval; `results.replications` has one row per replication. A few headline KPIs:

# %%
HEADLINE = [
    "contacts",
    "decision_working_days_mean",
    "decision_working_days_p90",
    "decision_within_1wd_pct",
    "screening_wait_minutes_mean",
    "utilisation_social_workers",
    "utilisation_managers",
]


def summary_table(results: sim.Results, kpis: list[str]) -> pd.DataFrame:
    """Mean and 95% CI of the chosen KPIs as a DataFrame."""
    table = pd.DataFrame(results.summary).T
    return table.loc[[k for k in kpis if k in table.index], ["mean", "ci95_low", "ci95_high", "n"]]


display(summary_table(baseline, HEADLINE))

# %% [markdown]
# The per-replication values behind those intervals:

# %%
display(baseline.replications[["replication", *HEADLINE[:3]]])

# %% [markdown]
# ## 3. What if we had two more screening social workers?
#
# `conf/staffing/current.yaml` has 11 screening social workers, so "two more" is
# `staffing.pools.social_workers.staff=13`. Both scenarios use the **same seed**, so replication *r*
# of each sees exactly the same contacts and the same work per contact (common random numbers).
# The difference per replication then isolates the effect of staffing, and its confidence
# interval is much tighter than comparing the two summaries would suggest.

# %%
extra_cfg = sim.load([*SMALL, "staffing.pools.social_workers.staff=13"])
assert extra_cfg.run.seed == baseline_cfg.run.seed  # common random numbers
extra = sim.run(extra_cfg, progress=False)

KPI = "decision_working_days_mean"
paired = (
    baseline.replications[["replication", KPI]]
    .merge(extra.replications[["replication", KPI]], on="replication", suffixes=("_11", "_13"))
    .rename(
        columns={
            f"{KPI}_11": "11 screening social workers",
            f"{KPI}_13": "13 screening social workers",
        }
    )
)
paired["difference"] = paired["13 screening social workers"] - paired["11 screening social workers"]
display(paired)

mean, low, high = confidence_interval(paired["difference"].to_numpy())
print(f"two more screening social workers change {KPI} by {mean:+.3f} working days")
print(f"95% CI of the paired difference: {low:+.3f} to {high:+.3f}")

# %% [markdown]
# A picture of the same paired differences, shown inline in Jupyter and saved next to the
# notebook as `figures/quickstart.png` (relative to the working folder).

# %%
from pathlib import Path

from matplotlib.figure import Figure

from sim.atomic import write_atomic

fig = Figure(figsize=(5, 3), layout="constrained")
ax = fig.subplots()
ax.bar(paired["replication"].astype(str), paired["difference"], color="tab:blue")
ax.axhline(0.0, color="black", linewidth=0.8)
ax.set_xlabel("replication")
ax.set_ylabel("change in working days")
ax.set_title("13 vs 11 screening social workers: paired difference")
path = write_atomic(Path("figures") / "quickstart.png", lambda t: fig.savefig(t, format="png"))
print(f"figure saved: {path}")
fig

# %% [markdown]
# ## 4. Verification: the model against M/M/c theory
#
# `validation=mmc` reduces the model to a textbook M/M/c queue — Poisson arrivals round the
# clock, exponential screening, `c` servers always on duty, every other stage off — so the mean
# wait must match Erlang C. `sim.analysis.theory.expected_kpis(cfg)` computes the theory from the
# *same* config, so you can change λ, μ or c with overrides and still compare like with like.
#
# With only 3 short replications at ~89% utilisation the simulated mean is noisy (the interval
# can even dip below zero); the verification test suite uses longer runs.

# %%
mmc_cfg = sim.load(["validation=mmc", "run.replications=3", "run.horizon_days=30"])
mmc = sim.run(mmc_cfg, progress=False)
theory = expected_kpis(mmc_cfg)

comparison = pd.DataFrame(
    {
        kpi: {
            "simulated": mmc.summary[kpi]["mean"],
            "ci95_low": mmc.summary[kpi]["ci95_low"],
            "ci95_high": mmc.summary[kpi]["ci95_high"],
            "theory": theory[kpi],
        }
        for kpi in ("screening_wait_minutes_mean", "utilisation_servers", "arrivals_per_hour")
    }
).T
display(comparison)

wait = comparison.loc["screening_wait_minutes_mean"]
print(
    f"screening wait: simulated {wait['simulated']:.1f} min "
    f"(95% CI {wait['ci95_low']:.1f} to {wait['ci95_high']:.1f}), "
    f"Erlang C {wait['theory']:.1f} min"
)

# %% [markdown]
# ## Where next
#
# - The same overrides work on the command line: `frontdoor staffing.pools.social_workers.staff=13`.
# - `results.decisions` has each measured contact's decision time; `results.events` the full
#   event log (one row per thing that happened to a contact).
# - `conf/validation/` holds the other verification presets: `tandem`, `deterministic`,
#   `unlimited`.
