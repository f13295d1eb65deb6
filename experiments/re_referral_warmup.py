"""Is the warm-up long enough for re-referrals? A pilot from empty with MSER-5.

A re-referral, as the DfE counts it, is a referral within 12 months of the child's previous
one. A run starts with no history, so its first year has too few re-referrals, and — because a
re-referral can itself be re-referred — the share creeps up over more than a year. This pilot
runs the baseline from empty (no warm-up) for several years, takes the share of referrals that
are re-referrals in each 28-day period (averaged over replications), and applies MSER-5
(:func:`sim.analysis.warmup.mser5`) to find where it has settled.

    python -m experiments.re_referral_warmup            # 4 replications × 4 years (minutes)
    python -m experiments.re_referral_warmup --tiny     # seconds, for tests

Writes ``re_referral_warmup.csv`` (period, share by replication, mean), ``summary.md`` and
``re_referral_warmup.png`` into ``--out`` (default ``reports/re_referral_warmup``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from sim.analysis.warmup import RunLengthWarning, mser5
from sim.atomic import write_atomic
from sim.compose import add_config_dir, conf_dir, load
from sim.config import Config
from sim.engine.calendar import MINUTES_PER_DAY
from sim.engine.log_tables import contact_table
from sim.errors import bad_input_exits
from sim.progress import Progress
from sim.replication import build

from .common import OneLineParser, save_png, save_text

PERIOD_DAYS = 28


def re_referral_series(
    overrides: Sequence[str], replications: int, progress: bool | None = None
) -> pd.DataFrame:
    """Share of referrals that are re-referrals in each 28-day period, by replication."""
    cfg = load(list(overrides))
    columns = {}
    with Progress("re_referral_warmup", replications, "replication", show=progress) as counter:
        for r in range(replications):
            columns[f"replication_{r}"] = _shares(cfg, r)
            counter.advance()
    frame = pd.DataFrame(columns)
    frame.insert(0, "day", np.arange(len(frame)) * PERIOD_DAYS)
    frame["mean"] = frame[[c for c in frame if c.startswith("replication_")]].mean(axis=1)
    return frame


def _shares(cfg: Config, r: int) -> np.ndarray:
    """Replication ``r``'s re-referral share of referrals in each period (a long pilot)."""
    door = build(cfg, r)
    door.run()
    table = contact_table(door.log.to_frame())
    referred = np.concatenate(
        [table[c].dropna().to_numpy() for c in ("to_assessment", "to_strategy_discussion")]
    )
    again = table["re_referred"].dropna().to_numpy() if "re_referred" in table else []
    periods = int(cfg.run.horizon_days // PERIOD_DAYS)
    edges = np.arange(periods + 1) * PERIOD_DAYS * MINUTES_PER_DAY
    made = np.histogram(referred, edges)[0]
    re_made = np.histogram(again, edges)[0]
    return np.asarray(100.0 * re_made / np.maximum(made, 1))


def main(argv: Sequence[str] | None = None) -> Path:
    """Run the pilot and write its report folder; returns the folder."""
    parser = OneLineParser(prog="python -m experiments.re_referral_warmup", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="a seconds-long version for tests")
    parser.add_argument("--out", type=Path, default=Path("reports/re_referral_warmup"))
    parser.add_argument("--replications", type=int, default=None)
    add_config_dir(parser)
    parser.add_argument("overrides", nargs="*", help="config overrides, key=value")
    args = parser.parse_args(argv)
    args.overrides = [*args.overrides, *args.config_dir]
    with bad_input_exits("re_referral_warmup"):
        days = 420 if args.tiny else 1456
        replications = args.replications or (1 if args.tiny else 4)
        settings = [
            "run.warmup_days=0",
            f"run.horizon_days={days}",
            "run.drain_days=0",
            "run.event_log=false",
            "run.plots=false",
            *args.overrides,
        ]
        series = re_referral_series(settings, replications)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RunLengthWarning)
        cut = mser5(series["mean"].to_numpy()) * PERIOD_DAYS
    warmup = float(
        OmegaConf.select(OmegaConf.load(conf_dir() / "run" / "default.yaml"), "warmup_days")
    )
    settled = series.loc[series["day"] >= cut, "mean"].mean()
    kept = series.loc[series["day"] >= warmup, "mean"]
    lines = [
        "# Re-referral warm-up pilot",
        "",
        f"{replications} replication(s) of the baseline from empty, {days} days, re-referral "
        f"share of referrals per {PERIOD_DAYS}-day period (mean over replications).",
        "",
        f"- MSER-5 truncation point: **day {cut}**"
        + (" (at the edge of the search: the pilot is too short)" if caught else ""),
        f"- mean share after the MSER-5 point: {settled:.1f}% (published, England 2025: 22.6%)",
        f"- default `run.warmup_days` = {warmup:g}: mean share after it "
        f"{kept.mean() if len(kept) else float('nan'):.1f}%; the default is "
        + ("at least" if warmup >= cut else "**shorter than**")
        + " the MSER-5 point.",
        "",
    ]
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "re_referral_warmup.csv", lambda tmp: series.to_csv(tmp, index=False))
    save_text(out / "summary.md", "\n".join(lines))
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(series["day"], series["mean"], marker="o", ms=3, label="re-referral share (mean)")
    ax.axhline(22.6, color="grey", ls="--", label="published 22.6%")
    ax.axvline(cut, color="tab:red", ls=":", label=f"MSER-5 point (day {cut})")
    ax.axvline(warmup, color="tab:green", ls="-.", label=f"default warm-up (day {warmup:g})")
    ax.set_xlabel("day of the run (from empty)")
    ax.set_ylabel("% of referrals that are re-referrals")
    ax.set_title("Re-referrals settle as the service builds a history")
    ax.legend(loc="lower right", fontsize=8)
    save_png(out / "re_referral_warmup.png", fig)
    plt.close(fig)
    print("\n".join(lines))
    print(f"Outputs: {out}")
    return out


if __name__ == "__main__":
    main()
