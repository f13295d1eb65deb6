"""``frontdoor-experiment NAME [options]``: the named experiments, from an installed package.

The experiments' source folder is ``experiments/`` at the top of the repository, run there as
``python -m experiments.<name>``. A top-level ``experiments`` package in site-packages would
shadow (or be shadowed by) any other project's, so the wheel does not install one: it carries
the same folder as ``sim/experiments`` (``[tool.hatch.build.targets.wheel.force-include]`` in
``pyproject.toml``; the experiments import each other relatively, so either name works). This
command finds an experiment under ``sim.experiments`` when installed, else under the
checkout's ``experiments``, and hands it the rest of the command line; ``python -m
experiments.<name> …`` and ``frontdoor-experiment <name> …`` are the same run.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from sim.errors import EXIT_BAD_INPUT

EXPERIMENTS = {
    "front_door_options": "integrated front door, simplified partner information, both, and "
    "each mechanism's share",
    "staffing": "a grid of screening social workers × managers",
    "demand_growth": "+5/10/20% contacts, police threshold training",
    "budget_frontier": "finance: staff cost against timeliness, Pareto options",
    "budget_alignment": "finance: the cheapest staffing meeting the targets",
    "re_referral_warmup": "the warm-up pilot: re-referrals from an empty service",
    "validation": "the baseline beside published aggregates, and the fitted model beside a "
    "council's own Annex A extract (--extract PATH)",
    "sensitivity": "which ESTIMATE parameters move the KPIs, the options' advantages and "
    "costs (tornado, Sobol indices)",
    "fit_ratios": "the assessment ratios frontdoor-fit uses (median and 45-WD share against "
    "the phases' scale and the deadline push)",
}
"""Every named experiment and what it answers (``frontdoor-experiment --list``)."""

PACKAGES = ("sim.experiments", "experiments")
"""Where an experiment is looked for: installed, then a checkout."""


def experiment_module(name: str) -> ModuleType:
    """The module of experiment ``name`` (see :data:`PACKAGES`)."""
    for package in PACKAGES:
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as error:
            if error.name not in (package, f"{package}.{name}", package.split(".")[0]):
                raise  # the experiment itself imports something missing: say so
    raise ModuleNotFoundError(f"no experiment package ({' or '.join(PACKAGES)}) is importable")


def usage() -> str:
    width = max(len(name) for name in EXPERIMENTS)
    lines = [f"  {name:<{width}}  {what}" for name, what in EXPERIMENTS.items()]
    return (
        "usage: frontdoor-experiment NAME [--tiny] [--replications N] [--out DIR] "
        "[--config-dir DIR] [overrides ...]\n"
        "       frontdoor-experiment NAME --help   (that experiment's own options)\n\n"
        "experiments:\n" + "\n".join(lines)
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Console script ``frontdoor-experiment``: run the named experiment with the rest of
    the command line. No name, ``--help`` or ``--list``: the list; an unknown name: one line and
    exit 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "--list"):
        print(usage())
        return
    name, rest = args[0], args[1:]
    if name not in EXPERIMENTS:
        print(
            f"frontdoor-experiment: error: experiment {name!r} is not allowed; must be one of "
            f"{', '.join(EXPERIMENTS)}",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_BAD_INPUT)
    experiment_module(name).main(rest)


if __name__ == "__main__":
    main()
