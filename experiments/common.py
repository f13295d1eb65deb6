"""What every named experiment shares: run options on common random numbers, compare each with
the baseline, and write a report folder a leader can read.

An experiment is a question, a list of named options (each a list of ordinary config
overrides) and the KPIs that answer it. Every option runs with the same seed, so replication
*r* of every option sees the same children (common random numbers) and the paired difference
from the baseline is sharp (:mod:`sim.analysis.compare`). The report folder holds:

- ``results.csv`` — tidy: one row per option and KPI, mean and 95% CI;
- ``differences.csv`` — one row per option and KPI: paired difference from the baseline, its
  95% CI, and ``real`` (the CI excludes zero);
- ``replications.csv`` — every replication of every option;
- ``summary.md`` — the answer first, then a table with CIs;
- ``kpis.png``, ``decision_times.png``, ``queues.png``, ``utilisation.png``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis.compare import paired_differences
from sim.atomic import write_atomic
from sim.compose import add_config_dir, load
from sim.errors import EXIT_BAD_INPUT, ConfigError, bad_input_exits
from sim.progress import Progress
from sim.report.table import queue_table
from sim.runner import Results, simulate_replications

TINY = [
    "run.replications=2",
    "run.warmup_days=21",
    "run.horizon_days=14",
    "run.drain_days=7",
    "run.event_log=false",
    "run.plots=false",
]
FULL = [
    "run.replications=6",
    "run.horizon_days=91",
    "run.event_log=false",
    "run.plots=false",
]


@dataclass(frozen=True)
class Option:
    """One option of an experiment: a name and the config overrides that make it."""

    name: str
    overrides: tuple[str, ...] = ()


@dataclass
class Experiment:
    """A named question, its options (the first is the baseline) and the KPIs that answer it."""

    name: str
    question: str
    options: list[Option]
    kpis: list[str]
    lower_is_better: set[str] = field(default_factory=set)


def run_options(
    experiment: Experiment, settings: Sequence[str], progress: bool | None = None
) -> dict[str, Results]:
    """Run every option with the same seed (common random numbers).

    One progress (:mod:`sim.progress`) counts every replication of every option: a bar at a
    terminal, else one line per replication naming its option, with the time left.
    """
    specs = {option.name: load([*settings, *option.overrides]) for option in experiment.options}
    total = sum(spec.run.replications for spec in specs.values())
    with Progress(experiment.name, total, "replication", show=progress) as counter:
        return {
            name: simulate_replications(
                spec, keep_events=False, on_replication=functools.partial(counter.advance, name)
            )
            for name, spec in specs.items()
        }


def tidy_results(results: dict[str, Results], kpis: Sequence[str]) -> pd.DataFrame:
    """One row per option and KPI: mean, 95% CI and n."""
    rows = [
        {"option": name, "kpi": kpi, **res.summary[kpi]}
        for name, res in results.items()
        for kpi in kpis
        if kpi in res.summary
    ]
    return pd.DataFrame(rows)


def differences(results: dict[str, Results], baseline: str, kpis: Sequence[str]) -> pd.DataFrame:
    """Each option against the baseline: paired difference of every KPI with its 95% CI."""
    base = results[baseline].replications
    frames = []
    for name, res in results.items():
        if name == baseline:
            continue
        table = paired_differences(base, res.replications, [k for k in kpis if k in base])
        table.insert(0, "option", name)
        frames.append(table)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _fmt(value: float, digits: int = 2) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:,.{digits}f}"


def headline(experiment: Experiment, diffs: pd.DataFrame, kpi: str) -> str:
    """One sentence that answers the question for ``kpi``, honest about the noise."""
    if diffs.empty:
        return "Only the baseline was run."
    parts = []
    for _, row in diffs[diffs["kpi"] == kpi].iterrows():
        verdict = "a real change" if row["real"] else "not distinguishable from no change"
        parts.append(
            f"**{row['option']}** changes `{kpi}` by {_fmt(row['difference'])} "
            f"(95% CI {_fmt(row['ci_low'])} to {_fmt(row['ci_high'])}; {verdict})"
        )
    return "Compared with the baseline, " + "; ".join(parts) + "."


def summary_markdown(
    experiment: Experiment,
    results: dict[str, Results],
    tidy: pd.DataFrame,
    diffs: pd.DataFrame,
    settings: Sequence[str],
) -> str:
    """The report a leader reads: the answer first, then the numbers with their intervals."""
    baseline = experiment.options[0].name
    any_result = next(iter(results.values()))
    run = any_result.config.run
    lines = [
        f"# {experiment.name.replace('_', ' ').capitalize()}",
        "",
        f"**Question.** {experiment.question}",
        "",
        f"**Answer.** {headline(experiment, diffs, experiment.kpis[0])}",
        "",
        f"{run.replications} replications per option, {run.horizon_days:g} measured days after "
        f"{run.warmup_days:g} days of warm-up, seed {run.seed}; every option sees the same "
        "contacts (common random numbers), so differences are paired. A difference is *real* "
        "when its 95% confidence interval excludes zero.",
        "",
        "## Options",
        "",
        "| option | overrides |",
        "|---|---|",
    ]
    for option in experiment.options:
        lines.append(f"| {option.name} | `{' '.join(option.overrides) or '(baseline)'}` |")
    lines += ["", "## KPIs (mean and 95% CI)", ""]
    header = "| KPI | " + " | ".join(results) + " |"
    lines += [header, "|---" * (len(results) + 1) + "|"]
    for kpi in experiment.kpis:
        cells = []
        for name in results:
            row = tidy[(tidy["option"] == name) & (tidy["kpi"] == kpi)]
            if row.empty:
                cells.append("–")
                continue
            r = row.iloc[0]
            cells.append(f"{_fmt(r['mean'])} ({_fmt(r['ci95_low'])}–{_fmt(r['ci95_high'])})")
        lines.append(f"| `{kpi}` | " + " | ".join(cells) + " |")
    if not diffs.empty:
        lines += ["", f"## Differences from {baseline} (paired, 95% CI)", ""]
        lines += ["| option | KPI | difference | 95% CI | real |", "|---|---|---|---|---|"]
        for _, d in diffs[diffs["kpi"].isin(experiment.kpis)].iterrows():
            lines.append(
                f"| {d['option']} | `{d['kpi']}` | {_fmt(d['difference'])} | "
                f"{_fmt(d['ci_low'])} to {_fmt(d['ci_high'])} | {'yes' if d['real'] else 'no'} |"
            )
    lines += [
        "",
        "Figures: `kpis.png` (means with CIs by option), `decision_times.png`, `queues.png` "
        "(a typical week), `utilisation.png`. Tables: `results.csv`, `differences.csv`, "
        "`replications.csv`.",
        "",
        f"Run settings: `{' '.join(settings)}`; written {dt.date.today().isoformat()}.",
        "",
    ]
    return "\n".join(lines)


# -- figures --------------------------------------------------------------------------------
def kpi_figure(experiment: Experiment, tidy: pd.DataFrame) -> plt.Figure:
    """Mean and 95% CI of each KPI by option, one panel per KPI."""
    kpis = [k for k in experiment.kpis if k in set(tidy["kpi"])]
    fig, axes = plt.subplots(len(kpis), 1, figsize=(8, 2.2 * len(kpis) + 0.5), squeeze=False)
    for ax, kpi in zip(axes[:, 0], kpis, strict=True):
        rows = tidy[tidy["kpi"] == kpi]
        y = np.arange(len(rows))
        err = np.nan_to_num(
            np.vstack([rows["mean"] - rows["ci95_low"], rows["ci95_high"] - rows["mean"]])
        )
        ax.errorbar(rows["mean"], y, xerr=err, fmt="o", color="#4477aa", capsize=4)
        ax.set_yticks(y, rows["option"])
        ax.set_title(kpi, fontsize="medium")
    fig.suptitle(experiment.name.replace("_", " "))
    fig.tight_layout()
    return fig


def decision_figure(results: dict[str, Results]) -> plt.Figure:
    """The distribution of working days to decision by option (cumulative share)."""
    fig, ax = plt.subplots(figsize=(8, 4))
    for name, res in results.items():
        days = np.sort(res.decisions["decision_working_days"].dropna().to_numpy())
        if days.size:
            ax.plot(days, np.arange(1, days.size + 1) / days.size, label=name)
    ax.axvline(1.0, color="#cc3311", linestyle="--", label="1 working day")
    ax.set_xlim(0, 4)
    ax.set_xlabel("working days from contact to decision")
    ax.set_ylabel("share of contacts decided")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def queue_figure(results: dict[str, Results], pool: str = "social_workers") -> plt.Figure:
    """Contacts waiting for a pool across a typical week, by option."""
    fig, ax = plt.subplots(figsize=(9, 4))
    for name, res in results.items():
        table = queue_table(res)
        rows = table[table["pool"] == pool]
        ax.plot(rows["hour_of_week"], rows["waiting_mean"], label=name)
    ax.set_xticks(range(0, 169, 24), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", ""])
    ax.set_xlabel("hour of the week")
    ax.set_ylabel(f"waiting for {pool} (mean)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def utilisation_figure(results: dict[str, Results]) -> plt.Figure:
    """Utilisation of each front-door pool by option, with 95% CIs."""
    pools = ("managers", "social_workers", "practice_support")
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(len(results), 1)
    for i, (name, res) in enumerate(results.items()):
        stats = [res.summary.get(f"utilisation_{p}") for p in pools]
        means = np.array([s["mean"] if s else np.nan for s in stats])
        lows = np.array([s["ci95_low"] if s else np.nan for s in stats])
        highs = np.array([s["ci95_high"] if s else np.nan for s in stats])
        err = np.nan_to_num(np.vstack([means - lows, highs - means]))
        x = np.arange(len(pools)) + i * width
        ax.bar(x, 100 * means, width, yerr=100 * err, capsize=3, label=name)
    ax.set_xticks(np.arange(len(pools)) + 0.4 - width / 2, pools)
    ax.set_ylabel("utilisation, % of on-duty time")
    ax.set_ylim(0, 100)
    ax.legend(fontsize="small")
    fig.tight_layout()
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
            colours = ["#4477aa" if d >= 0 else "#cc3311" for d in steps["difference"]]
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
            ax.set_title(f"{scenario}\n{kpi}", fontsize="small")
    axes[0, 0].legend(fontsize="x-small")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def save_png(path: Path, fig: plt.Figure, dpi: int = 110) -> Path:
    """Write a figure atomically and close it (a report makes many)."""
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format="png"))
    plt.close(fig)
    return path


def save_text(path: Path, text: str) -> Path:
    """Write a UTF-8 text file (a summary) atomically."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def with_replications(settings: Sequence[str], replications: int | None) -> list[str]:
    """``settings`` with ``run.replications`` replaced when the command line gives a count."""
    if replications is None:
        return list(settings)
    kept = [o for o in settings if not o.startswith("run.replications=")]
    return [*kept, f"run.replications={replications}"]


def write_report(
    experiment: Experiment, results: dict[str, Results], out: Path, settings: Sequence[str]
) -> Path:
    """Write the report folder; return the path of ``summary.md``."""
    out.mkdir(parents=True, exist_ok=True)
    baseline = experiment.options[0].name
    tidy = tidy_results(results, experiment.kpis)
    all_kpis = list(next(iter(results.values())).summary)
    diffs = differences(results, baseline, all_kpis)
    replications = pd.concat(
        [res.replications.assign(option=name) for name, res in results.items()],
        ignore_index=True,
    )
    for filename, frame in (
        ("results.csv", tidy),
        ("differences.csv", diffs),
        ("replications.csv", replications),
    ):
        write_atomic(out / filename, lambda p, f=frame: f.to_csv(p, index=False))
    save_text(out / "summary.md", summary_markdown(experiment, results, tidy, diffs, settings))
    save_png(out / "kpis.png", kpi_figure(experiment, tidy))
    save_png(out / "decision_times.png", decision_figure(results))
    save_png(out / "queues.png", queue_figure(results))
    save_png(out / "utilisation.png", utilisation_figure(results))
    return out / "summary.md"


# -- checking the command line before anything is simulated ----------------------------------
class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``prog: error: …``, exit 2), like every
    other bad input, instead of argparse's usage block; ``--help`` still shows the usage."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def check_out(out: Path, key: str = "--out") -> None:
    """Refuse a report folder that cannot be one — an existing file, a path below a file, a
    folder that cannot be written — before hours of simulation are spent on its contents."""
    if out.exists() and not out.is_dir():
        raise ConfigError(key, str(out), "must be a folder (or a path to create), not a file")
    ancestor = out
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ConfigError(key, str(out), f"cannot be created: {ancestor} is a file")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ConfigError(key, str(out), f"cannot be written: no permission in {ancestor}")


def _key(override: str) -> str:
    return override.partition("=")[0].lstrip("+~")


def check_clashes(presets: Sequence[Sequence[str]], overrides: Sequence[str]) -> None:
    """Refuse a user override of a key the experiment's own options set.

    The options' overrides are applied last (they *are* the experiment), so such an override
    would be silently ignored — e.g. ``staffing.pools.managers.staff=0`` in the staffing grid.
    """
    preset = {_key(o): o for option in presets for o in option}
    for override in overrides:
        if _key(override) in preset:
            raise ConfigError(
                _key(override),
                override.partition("=")[2],
                f"is set by the experiment's own options (e.g. {preset[_key(override)]}); "
                "remove it from the command line or choose another experiment",
            )


PROBE = [
    "run.replications=1",
    "run.warmup_days=0",
    "run.horizon_days=1",
    "run.drain_days=0",
    "run.event_log=false",
    "run.plots=false",
    "run.auto_replications.enabled=false",
]


def check_kpis(names: Sequence[str], settings: Sequence[str], key: str = "--target") -> None:
    """Refuse KPI names a run does not report, using one simulated day (a probe) instead of
    finding out after the first full simulation."""
    from sim.runner import run_replication

    if not names:
        return
    known = set(run_replication(load([*settings, *PROBE]), 0, keep_events=False).kpis)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(key, unknown[0], "must name a KPI of the run (see docs/kpis.md)")


def main(experiment: Experiment, argv: Sequence[str] | None = None) -> Path:
    """Command line of every experiment: ``python -m experiments.<name> [--tiny] ...``."""
    parser = OneLineParser(prog=f"python -m experiments.{experiment.name}")
    parser.add_argument("--tiny", action="store_true", help="a seconds-long version (tests)")
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("reports") / experiment.name)
    add_config_dir(parser)
    parser.add_argument("overrides", nargs="*", help="extra config overrides for every option")
    args = parser.parse_args(argv)
    settings = with_replications(TINY if args.tiny else FULL, args.replications)
    settings += [*args.overrides, *args.config_dir]
    with bad_input_exits(experiment.name):
        check_out(args.out)
        check_clashes([option.overrides for option in experiment.options], args.overrides)
        for option in experiment.options:  # every option's config, before any simulated minute
            load([*settings, *option.overrides])
    results = run_options(experiment, settings)
    summary = write_report(experiment, results, args.out, settings)
    print(summary.read_text(encoding="utf-8").split("\n\n")[2])  # the answer
    print(f"Report: {summary.parent}")
    return summary
