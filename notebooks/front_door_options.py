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
# experiment `experiments/front_door_options.py` in a small version (so it runs in seconds when
# the tests execute it) and reads its report. For the real answer run
# `python -m experiments.front_door_options` (the full version) and open
# `reports/front_door_options/summary.md`.
#
# Every option runs with the same seed: replication *r* of every option sees the same children
# (common random numbers), so the paired difference from the baseline is sharp.

# %%
import tempfile
from pathlib import Path

import pandas as pd

from experiments.common import TINY, run_options, write_report
from experiments.front_door_options import EXPERIMENT

pd.set_option("display.width", 120)
for option in EXPERIMENT.options:
    print(f"{option.name:26s} {' '.join(option.overrides)}")

# %% [markdown]
# ## Run every option on common random numbers (small settings)

# %%
settings = [*TINY, "run.replications=2"]
results = run_options(EXPERIMENT, settings, progress=False)
out = Path(tempfile.mkdtemp()) / "front_door_options"
summary = write_report(EXPERIMENT, results, out, settings)

# %% [markdown]
# ## The answer, as the report opens

# %%
print(summary.read_text(encoding="utf-8").split("\n\n")[2])

# %% [markdown]
# ## Paired differences from the baseline, with 95% CIs
#
# `real` is true when the interval excludes zero. With two short replications most
# intervals are wide; the full experiment runs ten replications over six months.

# %%
diffs = pd.read_csv(out / "differences.csv")
shown = diffs[diffs["kpi"].isin(EXPERIMENT.kpis[:4])]
print(shown[["option", "kpi", "difference", "ci_low", "ci_high", "real"]].round(3).to_string())

# %% [markdown]
# The report folder also holds `kpis.png`, `decision_times.png`, `queues.png` and
# `utilisation.png`.

# %%
print(sorted(p.name for p in out.iterdir()))
