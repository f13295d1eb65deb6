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
# # Choosing the warm-up period with MSER-5
#
# Every run starts **empty**: no contacts in the front door and no assessments held by the
# downstream teams (only their long-term `other_cases`). Measuring from day 0 would report a
# service that is quieter than the real one, so `run.warmup_days` of simulated time are run and
# thrown away before the measured window starts. How long is long enough?
#
# This notebook runs one long **pilot** replication of the baseline with *no* warm-up
# (`run.warmup_days=0`, `run.horizon_days=540`, `run.drain_days=0`), records daily series from
# the model's time-weighted levels, and applies MSER-5 (`sim.analysis.warmup.mser5`, White 1997):
# the truncation point that minimises the estimated squared standard error of the truncated mean.
#
# It takes about 10 seconds. Run it with `python notebooks/choosing_warmup.py`, or open it in
# Jupyter with `jupytext --to ipynb notebooks/choosing_warmup.py`.

# %%
import math
import warnings
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from omegaconf import OmegaConf

import sim
from sim.analysis.warmup import RunLengthWarning, mser5
from sim.atomic import write_atomic
from sim.compose import conf_dir
from sim.engine.calendar import MINUTES_PER_DAY
from sim.engine.monitor import StepLevel
from sim.replication import build

PILOT_DAYS = 540
PILOT = [
    "run.warmup_days=0",
    f"run.horizon_days={PILOT_DAYS}",
    "run.drain_days=0",
    "run.replications=1",
    "run.event_log=false",
    "run.plots=false",
]

cfg = sim.load(PILOT)
door = build(cfg, 0)  # replication 0 of the baseline, same streams as a real run's first
door.run()
print(f"pilot: scenario {cfg.scenario}, {PILOT_DAYS} days from empty, seed {cfg.run.seed}")

# %% [markdown]
# ## Two daily series
#
# Levels are recorded as step functions (`StepLevel`), so a day's value is the level's
# **time-weighted mean over that day** (its integral over the day ÷ 1440 minutes). Daily means
# also average out the cycle within a day (office hours), which MSER must not mistake for a
# transient.
#
# - **Assessment caseload**: assessments held by the downstream teams, i.e. for each team
#   (mean caseload per worker − long-term `other_cases`) × workers, summed over teams.
# - **Front door**: contacts waiting for any front-door staff pool, summed over pools.


# %%
def daily_means(level: StepLevel, days: int) -> np.ndarray:
    """The level's time-weighted mean on each whole day."""
    return (
        np.array(
            [level.integral(d * MINUTES_PER_DAY, (d + 1) * MINUTES_PER_DAY) for d in range(days)]
        )
        / MINUTES_PER_DAY
    )


caseload = sum(
    (daily_means(team.caseload, PILOT_DAYS) - team.other_cases) * team.workers
    for team in door.teams.values()
)
front_door = sum(daily_means(pool.waiting, PILOT_DAYS) for pool in door.pools.values())
assert isinstance(caseload, np.ndarray) and isinstance(front_door, np.ndarray)

for name, series in (("assessment caseload", caseload), ("front-door queue", front_door)):
    months = ", ".join(f"{series[d : d + 30].mean():.0f}" for d in range(0, PILOT_DAYS, 90))
    print(f"{name}: 30-day means every 90 days from day 0: {months}")

# %% [markdown]
# ## MSER-5 truncation points
#
# `mser5` returns the index of the first value to keep, here a day. MSER only looks at the first
# half of the series; a minimum at that edge raises a `RunLengthWarning` (the pilot was too
# short), which we turn into a printed note rather than an error.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", RunLengthWarning)
    caseload_cut = mser5(caseload)
    front_door_cut = mser5(front_door)
for warning in caught:
    print("note:", warning.message)

print(f"MSER-5 truncation, front-door queue:    day {front_door_cut}")
print(f"MSER-5 truncation, assessment caseload: day {caseload_cut}")

# %% [markdown]
# ## Why the downstream caseload sets the warm-up
#
# The front door is a fast system: a contact is decided within a few working days, so its
# queues forget the empty start within a few weeks (the front-door truncation point above).
# The assessment teams are slow: an assessment is held for weeks to months, so the caseload
# fills only as fast as new cases arrive and old ones close, and it keeps creeping up while
# re-referrals of closed cases return. Caseloads feed back on the front door — a full team
# queues allocations and stretches visit gaps (`sim/engine/teams.py`), and re-referrals come back
# as new
# contacts — so no KPI is in steady state until the **slowest** part is. The warm-up must cover
# the caseload's transient, not the front door's.
#
# ## The recommendation
#
# MSER-5 on one pilot replication is itself a random number: other replications' points differ
# (replications 0–2 of this pilot give roughly 185–265 days), and busier scenarios fill their
# caseloads later. Cutting too little biases every KPI; cutting too much only costs run time. So
# the recommendation adds a **50% margin** to the caseload's point and rounds **up to whole
# weeks** (the measured window then starts on the same weekday as `run.start_date`, a Monday, so
# every run measures the same days of the week):
#
#     recommended = 7 × ceil(1.5 × MSER-5 point / 7)
#
# The default `run.warmup_days` in `conf/run/default.yaml` should be at least the MSER-5 point,
# and preferably at least the recommendation; scenarios to be compared must share one warm-up.

# %%
MARGIN = 1.5
recommended = 7 * math.ceil(MARGIN * caseload_cut / 7)
run_defaults = OmegaConf.load(conf_dir() / "run" / "default.yaml")
default_warmup = float(OmegaConf.select(run_defaults, "warmup_days"))

print(
    f"recommended run.warmup_days: {recommended} "
    f"(MSER-5 day {caseload_cut} × {MARGIN}, up to whole weeks)"
)
print(f"default run.warmup_days in conf/run/default.yaml: {default_warmup:g}")
if default_warmup >= recommended:
    print("the default covers the recommendation")
elif default_warmup >= caseload_cut:
    print("the default covers the MSER-5 point but not the safety margin")
else:
    print("WARNING: the default warm-up is shorter than the MSER-5 point: raise run.warmup_days")

# %% [markdown]
# ## The series and the truncation points
#
# Shown inline in Jupyter, and saved next to the notebook as `figures/choosing_warmup.png`
# (relative to the working folder: `notebooks/` when Jupyter opens it there).

# %%
days = np.arange(PILOT_DAYS)
fig = Figure(figsize=(8, 5), layout="constrained")
top, bottom = fig.subplots(2, 1, sharex=True)
top.plot(days, caseload, color="tab:blue", linewidth=0.9)
top.set_ylabel("assessments held")
top.set_title("Baseline pilot from empty: daily means and MSER-5 truncation points")
bottom.plot(days, front_door, color="tab:orange", linewidth=0.9)
bottom.set_ylabel("contacts waiting\n(front door)")
bottom.set_xlabel("day of the pilot run")
for ax, cut in ((top, caseload_cut), (bottom, front_door_cut)):
    ax.axvline(cut, color="black", linestyle="--", linewidth=1, label=f"MSER-5: day {cut}")
    ax.axvline(default_warmup, color="tab:green", linewidth=1, label="default warm-up")
    ax.legend(loc="lower right")
top.axvline(recommended, color="tab:red", linestyle=":", linewidth=1, label="recommended")
top.legend(loc="lower right")

path = write_atomic(
    Path("figures") / "choosing_warmup.png", lambda tmp: fig.savefig(tmp, dpi=80, format="png")
)
print(f"figure saved: {path} ({path.stat().st_size // 1024} KiB)")
fig
