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
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import matplotlib.pyplot as plt
import pandas as pd

from sim.analysis.compare import paired_differences
from sim.atomic import write_atomic
from sim.compose import add_config_dir, load
from sim.errors import EXIT_BAD_INPUT, ConfigError, bad_input_exits
from sim.progress import Progress
from sim.report import plots
from sim.report.words import (
    COST_KPI,
    HEADLINE_KPI,
    change,
    clipped,
    cost_words,
    headline_sentence,
    label,
    number,
    words,
)
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


def _cost_beside(diffs: pd.DataFrame, option: str) -> str:
    """The option's paired change in the annual staff cost, to sit beside its other changes."""
    row = diffs[(diffs["option"] == option) & (diffs["kpi"] == COST_KPI)]
    if row.empty:
        return ""
    return f", and {cost_words(float(row.iloc[0]['difference']))}"


def headline(experiment: Experiment, diffs: pd.DataFrame, kpi: str) -> str:
    """One sentence that answers the question for ``kpi``, honest about the noise."""
    if diffs.empty:
        return "Only the baseline was run."
    parts = []
    for _, row in diffs[diffs["kpi"] == kpi].iterrows():
        verdict = "a real change" if row["real"] else "not distinguishable from no change"
        ci = f"{change(row['ci_low'], kpi)} to {change(row['ci_high'], kpi)}"
        parts.append(
            f"**{row['option']}** changes {words(kpi)} by {change(row['difference'], kpi)} "
            f"(95% CI {ci}; {verdict}){_cost_beside(diffs, str(row['option']))}"
        )
    return "Compared with the baseline, " + "; ".join(parts) + "."


def headline_sentences(
    results: dict[str, Results], baseline: str, diffs: pd.DataFrame
) -> list[str]:
    """The page's plain sentence (sim.report.words) for each option against the baseline."""
    base = results[baseline].summary.get(HEADLINE_KPI)
    if base is None:
        return []
    out = []
    for name, res in results.items():
        if name == baseline or HEADLINE_KPI not in res.summary:
            continue
        mine = diffs[diffs["option"] == name].set_index("kpi")
        if HEADLINE_KPI not in mine.index:
            continue
        cost = mine["difference"].get(COST_KPI)
        diff = {
            str(k): float(v)
            for k, v in mine.loc[HEADLINE_KPI, ["difference", "ci_low", "ci_high"]].items()
        }
        out.append(
            headline_sentence(
                name.replace("_", " "),
                res.summary[HEADLINE_KPI],
                base,
                diff,
                None if cost is None else float(cost),
            )
        )
    return out


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
    sentences = headline_sentences(results, baseline, diffs)
    lines = [
        f"# {experiment.name.replace('_', ' ').capitalize()}",
        "",
        *[line for sentence in sentences for line in (sentence, "")],
        f"**Question.** {experiment.question}",
        "",
        f"**Answer.** {headline(experiment, diffs, experiment.kpis[0])}",
        "",
        f"{run.replications} replications per option, {run.horizon_days:g} measured days after "
        f"{run.warmup_days:g} days of warm-up, seed {run.seed}; every option sees the same "
        "contacts (common random numbers), so differences are paired. A difference is *real* "
        "when its 95% confidence interval excludes zero; a change in a share is in percentage "
        "points (pp).",
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
            low, high = clipped(kpi, r["ci95_low"], r["ci95_high"])
            cells.append(f"{number(r['mean'], kpi)} ({number(low, kpi)} to {number(high, kpi)})")
        lines.append(f"| {label(kpi)} | " + " | ".join(cells) + " |")
    if not diffs.empty:
        lines += ["", f"## Differences from {baseline} (paired, 95% CI)", ""]
        lines += ["| option | KPI | difference | 95% CI | real |", "|---|---|---|---|---|"]
        for _, d in diffs[diffs["kpi"].isin(experiment.kpis)].iterrows():
            k = str(d["kpi"])
            lines.append(
                f"| {d['option']} | {label(k)} | {change(d['difference'], k)} | "
                f"{change(d['ci_low'], k)} to {change(d['ci_high'], k)} | "
                f"{'yes' if d['real'] else 'no'} |"
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


# -- writing ----------------------------------------------------------------------------------
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
    # The figures are the run folder's and the page's (sim.report.plots), titled by the options.
    title = experiment.name.replace("_", " ").capitalize()
    save_png(out / "kpis.png", plots.kpi_figure(tidy, experiment.kpis, title))
    save_png(out / "decision_times.png", plots.decision_times_figure(results))
    save_png(out / "queues.png", plots.queue_figure(results))
    save_png(out / "utilisation.png", plots.utilisation_figure(results))
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


# One simulated day from empty: whatever warm start the experiment's runs use (a shared
# snapshot needs a warm-up to share), the probe has none.
PROBE = [
    "run.replications=1",
    "run.warmup_days=0",
    "run.warm_start=empty",
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
