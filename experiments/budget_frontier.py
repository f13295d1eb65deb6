"""Budget frontier: the cost of staffing mixes and process options against the statutory KPIs.

    python -m experiments.budget_frontier [--tiny] [--replications N] [--out DIR] [override ...]

Sweeps staffing mixes (managers × screening social workers × PSOs) and process options
(today's process, the integrated front door, both process changes), then the assessment teams'
size with today's front door (docs/finance.md), runs each with common random numbers, and writes
into ``DIR`` (default ``reports/budget_frontier/``):

- ``frontier.csv``: one row per option: annual staff cost, partner-funded cost, KPI means and
  95% CIs, and whether the option is Pareto-efficient (no other option costs no more and does
  at least as well, one of them strictly);
- ``marginal_value.csv``: one more FTE of each pool (and assessment team) at current staffing:
  its annual cost and the paired change in each KPI (95% CI), per £100k;
- ``staff_costs.csv``: the baseline establishment's cost by pool/team (permanent, agency);
- ``frontier.png`` and ``summary.md`` (one page for finance).

``--tiny`` runs a handful of short front-door-only runs (the tests use it).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from sim.analysis.compare import paired_differences
from sim.analysis.costs import post_costs, staff_cost_kpis
from sim.atomic import write_atomic
from sim.compose import add_config_dir, load
from sim.errors import bad_input_exits
from sim.option_runs import simulate_options
from sim.progress import Progress
from sim.report.plots import frontier_figure
from sim.report.words import pounds
from sim.runner import Results

from .common import OneLineParser, check_out, save_png, save_text, with_replications

KPIS = ("decision_within_1wd_pct", "assessment_within_45wd_pct")
TINY_RUN = [
    "after_decision=none",
    "run.replications=2",
    "run.warmup_days=7",
    "run.horizon_days=21",
    "run.drain_days=7",
    "run.jobs=1",
]
# Six replications; one shared warm-up per staffing (run.warm_start=snapshot): the targets are
# the front door's and the assessments' timeliness, whose replications do not inherit the shared
# start (intra-class correlation ≈ 0, docs/performance.md#the-shared-warm-up), and it halves the
# simulation. Pass run.warm_start=empty to warm up every replication.
FULL_RUN = ["run.replications=6", "run.warm_start=snapshot"]
PROCESSES = {
    "current": [],
    "integrated": ["+scenario@_global_=integrated_front_door"],
    "combined": ["+scenario@_global_=combined"],
}
POOL_KEY = "staffing.pools.{}.staff"
TEAM_KEY = "after_decision.assessment.teams.{}.social_workers"


@dataclass(frozen=True)
class Plan:
    """What to sweep: run settings, a grid of pool sizes, process options, marginal units.

    ``team_changes`` adds (or removes) that many social workers to *every* assessment team,
    with today's front door and process: the front-door grid hardly moves the assessment KPI,
    so without these options its frontier would show only noise.
    """

    run: list[str]
    grid: dict[str, list[int]]
    processes: dict[str, list[str]]
    marginal_pools: list[str]
    marginal_teams: list[str]
    team_changes: list[int] = field(default_factory=list)


def plan(tiny: bool) -> Plan:
    if tiny:
        return Plan(
            TINY_RUN,
            {"managers": [4, 5], "social_workers": [12]},
            {"current": []},
            ["managers", "social_workers"],
            [],
        )
    return Plan(
        FULL_RUN,
        {"managers": [3, 4, 5], "social_workers": [10, 12, 14], "practice_support": [7, 8, 9]},
        PROCESSES,
        ["managers", "social_workers", "practice_support", "edt"],
        ["north", "south"],
        [-4, 4, 8, 12],
    )


def option_row(label: str, process: str, res: Results) -> dict[str, object]:
    """One simulated option's row: staffing, cost KPIs, target KPIs with 95% CIs."""
    cfg = res.config
    row: dict[str, object] = {"option": label, "process": process}
    row.update({name: pool.staff for name, pool in cfg.staffing.pools.items()})
    if cfg.after_decision.assessment.enabled:
        row.update({n: t.social_workers for n, t in cfg.after_decision.assessment.teams.items()})
    row.update(staff_cost_kpis(cfg))
    for kpi in KPIS:
        if kpi in res.summary:
            s = res.summary[kpi]
            row.update({kpi: s["mean"], f"{kpi}_ci_low": s["ci95_low"]})
            row[f"{kpi}_ci_high"] = s["ci95_high"]
    return row


def runs_needed(p: Plan) -> int:
    """How many staffings :func:`run_options` and :func:`marginal_values` simulate."""
    grid = math.prod(len(sizes) for sizes in p.grid.values()) * len(p.processes)
    return grid + len(p.team_changes) + 1 + len(p.marginal_pools) + len(p.marginal_teams)


@dataclass(frozen=True)
class Staffing:
    """One staffing to simulate: its label, its process (a marginal unit: the key it
    changes, and ``current``, that key's value today), its overrides."""

    label: str
    process: str
    overrides: list[str]
    current: int = 0


def options(p: Plan) -> list[Staffing]:
    """Every option of the grid × processes, then the team options."""
    found = []
    pools = list(p.grid)
    for process, extra in p.processes.items():
        for sizes in itertools.product(*(p.grid[name] for name in pools)):
            label = process + " " + " ".join(f"{n}={s}" for n, s in zip(pools, sizes, strict=True))
            staff = [POOL_KEY.format(n) + f"={s}" for n, s in zip(pools, sizes, strict=True)]
            found.append(Staffing(label, process, p.run + extra + staff))
    if p.team_changes:
        teams = load(p.run).after_decision.assessment.teams
        for change in p.team_changes:
            label = f"current teams{change:+d}"
            staff = [TEAM_KEY.format(n) + f"={t.social_workers + change}" for n, t in teams.items()]
            found.append(Staffing(label, "current teams", p.run + staff))
    return found


def marginal_units(p: Plan) -> list[Staffing]:
    """Today's staffing, then one more FTE of each marginal pool and team (``process``: the
    key changed; the label says by how much)."""
    base_cfg = load(p.run)
    units = [
        (f"pool {n}", POOL_KEY.format(n), base_cfg.staffing.pools[n].staff)
        for n in p.marginal_pools
    ]
    teams = base_cfg.after_decision.assessment.teams
    units += [(f"team {n}", TEAM_KEY.format(n), teams[n].social_workers) for n in p.marginal_teams]
    return [Staffing("current staffing", "", p.run)] + [
        Staffing(f"{label} +1", key, [*p.run, f"{key}={now + 1}"], now) for label, key, now in units
    ]


def simulated(
    staffings: Sequence[Staffing], progress: Progress | None = None
) -> Iterator[tuple[Staffing, Results]]:
    """Each staffing with its results, all on one executor (:mod:`sim.option_runs`)."""
    runs = simulate_options([s.overrides for s in staffings])
    for staffing, results in zip(staffings, runs, strict=True):
        if progress is not None:
            progress.advance(staffing.label)
        yield staffing, results


def options_table(simulated_options: Iterable[tuple[Staffing, Results]]) -> pd.DataFrame:
    """One row per option, with each target KPI's Pareto flag."""
    table = pd.DataFrame([option_row(s.label, s.process, r) for s, r in simulated_options])
    for kpi in KPIS:
        if kpi in table:
            table[f"pareto_{kpi}"] = pareto(table["annual_staff_cost_gbp"], table[kpi])
    return table


def run_options(
    p: Plan, progress: Progress | None = None
) -> tuple[pd.DataFrame, dict[str, Results]]:
    """Simulate every option of the grid × processes, then the team options; one row each."""
    runs = list(simulated(options(p), progress))
    return options_table(runs), {s.label: r for s, r in runs}


def pareto(cost: Iterable[float], value: Iterable[float]) -> list[bool]:
    """Pareto-efficient options: no other costs no more and scores no less, one strictly."""
    points = list(zip(cost, value, strict=True))
    efficient = []
    for c, v in points:
        dominated = any(
            (c2 <= c and v2 >= v) and (c2 < c or v2 > v) for c2, v2 in points if not math.isnan(v2)
        )
        efficient.append(bool(not math.isnan(v) and not dominated))
    return efficient


def marginal_values(p: Plan, progress: Progress | None = None) -> pd.DataFrame:
    """One more FTE of each pool / team at current staffing: Δcost and paired ΔKPI."""
    return marginal_table(list(simulated(marginal_units(p), progress)))


def marginal_table(runs: Sequence[tuple[Staffing, Results]]) -> pd.DataFrame:
    """The marginal values from :func:`marginal_units`' runs (today's staffing first)."""
    (_, base), *others = runs
    base_cost = staff_cost_kpis(base.config)["annual_staff_cost_gbp"]
    rows = []
    for unit, other in others:
        delta_cost = staff_cost_kpis(other.config)["annual_staff_cost_gbp"] - base_cost
        row: dict[str, object] = {
            "unit": unit.label.removesuffix(" +1"),
            "key": unit.process,
            "current": unit.current,
            "delta_cost_gbp": delta_cost,
        }
        kpis = [k for k in KPIS if k in base.replications and k in other.replications]
        diff = paired_differences(base.replications, other.replications, kpis)
        for _, d in diff.iterrows():
            kpi = d["kpi"]
            row[f"delta_{kpi}"] = d["difference"]
            row[f"delta_{kpi}_ci_low"] = d["ci_low"]
            row[f"delta_{kpi}_ci_high"] = d["ci_high"]
            row[f"{kpi}_points_per_100k_gbp"] = (
                d["difference"] / delta_cost * 1e5 if delta_cost > 0 else float("nan")
            )
        rows.append(row)
    return pd.DataFrame(rows)


def finance_csv(path: Path, frame: pd.DataFrame) -> None:
    """A table finance can open as it is: whole pounds, KPIs to four decimals, no exponents."""
    money = [c for c in frame.columns if "_gbp" in str(c) and "_per_" not in str(c)]
    rounded = frame.round(4)
    rounded[money] = rounded[money].round(0).astype("Int64")
    write_atomic(path, lambda tmp: rounded.to_csv(tmp, index=False))


#: Whole pounds, as every report writes them (sim.report.words, the one number formatter).
gbp = pounds


def summary_markdown(
    table: pd.DataFrame, marginal: pd.DataFrame, costs: pd.DataFrame, p: Plan, tiny: bool
) -> str:
    total = costs.loc[costs["paid_by"] == "local_authority", "total_gbp"].sum()
    partner = costs.loc[costs["paid_by"] != "local_authority", "total_gbp"].sum()
    lines = [
        "# Budget frontier" + (" (tiny run: illustration only)" if tiny else ""),
        "",
        f"Run settings: `{' '.join(p.run)}`. Costs from `conf/costs/` (docs/finance.md); "
        "KPIs are means over replications with 95% confidence intervals.",
        "",
        f"**Baseline annual staff cost to the council: {gbp(total)}** "
        f"(partner-funded: {gbp(partner)}).",
        "",
        "![frontier](frontier.png)",
        "",
        "Options: every combination of the front-door pools below under each process "
        f"({', '.join(p.processes)})"
        + (
            "; then, with today's front door and process, every assessment team changed by "
            + ", ".join(f"{c:+d}" for c in p.team_changes)
            + " social workers (`current teams±k`)"
            if p.team_changes
            else ""
        )
        + ". Pareto-efficient (per KPI, on means): no other option costs no more and scores at "
        "least as well, one of them strictly; where two options' CIs overlap, read them as alike.",
        "",
        "## Pareto-efficient options",
        "",
    ]
    for kpi in KPIS:
        if f"pareto_{kpi}" not in table:
            continue
        eff = table[table[f"pareto_{kpi}"]].sort_values("annual_staff_cost_gbp")
        lines += [
            f"**{kpi}**",
            "",
            "| option | annual cost | mean | 95% CI |",
            "|---|---:|---:|---|",
        ]
        for _, r in eff.iterrows():
            lines.append(
                f"| {r['option']} | {gbp(r['annual_staff_cost_gbp'])} | {r[kpi]:.1f} | "
                f"{r[f'{kpi}_ci_low']:.1f}–{r[f'{kpi}_ci_high']:.1f} |"
            )
        lines.append("")
    lines += [
        "## Marginal value of one more FTE at current staffing",
        "",
        "| unit | now | + annual cost | KPI change (95% CI) |",
        "|---|---:|---:|---|",
    ]
    for _, r in marginal.iterrows():
        parts = [
            f"{k}: {r[f'delta_{k}']:+.1f} "
            f"({r[f'delta_{k}_ci_low']:+.1f} to {r[f'delta_{k}_ci_high']:+.1f})"
            for k in KPIS
            if f"delta_{k}" in r and r[f"delta_{k}"] == r[f"delta_{k}"]
        ]
        lines.append(
            f"| {r['unit']} | {r['current']} | {gbp(r['delta_cost_gbp'])} | {'; '.join(parts)} |"
        )
    lines += ["", "Tables: `frontier.csv`, `marginal_value.csv`, `staff_costs.csv`.", ""]
    return "\n".join(lines)


def cost_table(overrides: list[str]) -> pd.DataFrame:
    cfg = load(overrides)
    rows = [
        {
            "unit": unit,
            "role": c.role,
            "staff": c.staff,
            "paid_by": c.paid_by,
            "permanent_gbp": c.permanent_gbp,
            "agency_gbp": c.agency_gbp,
            "total_gbp": c.total_gbp,
        }
        for unit, c in post_costs(cfg).items()
    ]
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> Path:
    parser = OneLineParser(
        prog="python -m experiments.budget_frontier", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--tiny", action="store_true", help="a few short runs (tests)")
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("reports/budget_frontier"))
    add_config_dir(parser)
    parser.add_argument("overrides", nargs="*", help="extra config overrides for every option")
    args = parser.parse_args(argv)
    args.overrides = [*args.overrides, *args.config_dir]
    p = plan(args.tiny)
    p = replace(p, run=with_replications(p.run, args.replications) + list(args.overrides))
    with bad_input_exits("budget_frontier"):
        check_out(args.out)
        for extra in p.processes.values():  # every config, before any simulated minute
            load([*p.run, *extra])
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with Progress("budget_frontier", runs_needed(p), "staffing") as progress:
        grid, units = options(p), marginal_units(p)
        runs = list(simulated(grid + units, progress))  # one executor for all of them
        table = options_table(runs[: len(grid)])
        marginal = marginal_table(runs[len(grid) :])
    costs = cost_table(p.run)
    finance_csv(out / "frontier.csv", table)
    finance_csv(out / "marginal_value.csv", marginal)
    finance_csv(out / "staff_costs.csv", costs)
    figure = frontier_figure(table, KPIS, "Staff cost against statutory timescales")
    save_png(out / "frontier.png", figure, dpi=120)
    save_text(out / "summary.md", summary_markdown(table, marginal, costs, p, args.tiny))
    print(f"wrote {out}/summary.md")
    return out


if __name__ == "__main__":
    main()
