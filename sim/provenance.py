"""What is needed to reproduce a run: code version, package versions, seed and config.

Published simulation models are often impossible to reproduce for want of exactly this, so every
run folder carries it inside ``summary.json``.
"""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sim import __version__
from sim.config import Config

PACKAGES = ("simpy", "numpy", "scipy", "pandas", "pyarrow", "hydra-core", "omegaconf", "holidays")


def git_commit(path: Path | None = None) -> dict[str, Any]:
    """The git commit of the code (and whether the work tree had changes), if in a checkout."""
    where = path or Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=where,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages that shape the results."""
    versions: dict[str, str | None] = {"frontdoor-sim": __version__}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def provenance(cfg: Config, overrides: list[str] | None = None) -> dict[str, Any]:
    """The provenance block of ``summary.json``."""
    return {
        "git": git_commit(),
        "packages": package_versions(),
        "python": platform.python_version(),
        "seed": cfg.run.seed,
        "replications": cfg.run.replications,
        "overrides": list(overrides or []),
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": OmegaConf.to_container(OmegaConf.structured(cfg), resolve=True, enum_to_str=True),
    }
