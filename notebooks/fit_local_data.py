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
# # Fitting the model to a council's own Annex A lists
#
# This notebook does what `frontdoor-fit` and `python -m experiments.validation --extract`
# do, step by step, on the **synthetic** Annex A extract shipped in `data/synthetic_annex_a`
# (generated from known parameters by `sim/fit/synthetic.py`; no real child is in it):
#
# 1. fit the extract: `sim.fit.fit_extract` reads Lists 1, 3, 4 and 5, checks every row and
#    writes a `demand` and an `after_decision` config group plus a fit report;
# 2. read the fitted estimates, each with its 95% interval and the config key it drives;
# 3. show the report's figures (observed vs fitted by source, weekday, month; durations);
# 4. run the model on the fitted config and set it beside the extract's own figures.
#
# With your own extract, change `EXTRACT` (an `.xlsx` workbook or a folder of CSVs) — see
# docs/local-data.md. The model runs here are **tiny** (seconds), so their intervals are wide.

# %%
from pathlib import Path

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import pandas as pd

import sim
from experiments.validation import observed_table
from sim.atomic import write_atomic
from sim.fit import fit_extract

REPO = Path(sim.__file__).resolve().parents[1]
EXTRACT = REPO / "data" / "synthetic_annex_a"
OUT = Path("fitted_config")  # a folder of config groups: frontdoor --config-dir fitted_config

# %% [markdown]
# ## 1. Fit
# A bad row stops the fit with the full listing (or, with `drop_bad_rows=True`, is dropped and
# counted). Nothing but aggregates is written: no child ID, date of birth, team or worker.
#
# The fit then calibrates the assessment on the model: it runs the config it is about to write
# (up to three short runs, about half a minute here) and corrects the phase scale and the
# deadline push until the model's assessment median and share over 45 WD match the extract's
# within the run's and the extract's 95% half-widths (`calibrate_rounds=0` skips it).

# %%
result = fit_extract(EXTRACT, OUT, "synthetic")
for path in result.files:
    print("wrote", path)
for note in result.notes:
    print("note:", note)

# %% [markdown]
# ## 2. The estimates and what each drives

# %%
estimates = pd.DataFrame(
    [
        {
            "estimate": e.name,
            "value": e.value,
            "95% low": e.low,
            "95% high": e.high,
            "rows": e.n if e.n >= 5 else "<5",
            "unit": e.unit,
            "drives": e.drives or "(report)",
        }
        for e in result.fit.estimates
    ]
)
print(estimates.head(20).to_string(index=False, float_format=lambda v: f"{v:,.2f}"))

# %% [markdown]
# ## 3. The fit report's figures

# %%
report = OUT / "fit_report" / "synthetic"
pngs = sorted(report.glob("*.png"))
fig, axes = plt.subplots(len(pngs), 1, figsize=(9, 4.5 * len(pngs)), squeeze=False)
for ax, png in zip(axes[:, 0], pngs, strict=True):
    ax.imshow(mpimg.imread(png))
    ax.set_title(png.name, fontsize="small")
    ax.axis("off")
fig.tight_layout()
Path("figures").mkdir(exist_ok=True)
write_atomic(
    Path("figures") / "fit_local_data.png", lambda tmp: fig.savefig(tmp, dpi=80, format="png")
)

# %% [markdown]
# ## 4. The model on the fitted config beside the extract
# Two replications of eight weeks after four of warm-up: enough to see the shape, not to
# judge (the validation experiment's defaults do that: `python -m experiments.validation
# --extract data/synthetic_annex_a`).

# %%
cfg = sim.load(
    [
        "demand=synthetic",
        "after_decision=synthetic",
        "run.replications=2",
        "run.warmup_days=28",
        "run.horizon_days=56",
        "run.drain_days=14",
        "run.jobs=1",
        "run.event_log=false",
        "run.plots=false",
    ],
    extra_config_dir=str(OUT),
)
table = observed_table(sim.run(cfg, progress=False), result.fit)
print(
    table[
        ["label", "model_mean", "model_ci95_low", "model_ci95_high", "target", "target_n"]
    ].to_string(index=False, float_format=lambda v: f"{v:,.1f}")
)
