"""Run a console entry point the way a user does: ``python -m <module> args`` in a folder.

Shared by the CLI and sweep tests so both see the same environment: ``CI=1`` (no progress
bar), short Hydra errors, and the ``FRONTDOOR_FAIL_IF`` hook set only when a test asks for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sim.cli import FAIL_IF


def run_module(
    module: str, *args: str, cwd: Path, fail_if: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m <module> args`` with ``cwd`` as the working folder; never raises on failure."""
    env = {**os.environ, "CI": "1", "HYDRA_FULL_ERROR": "0"}
    env.pop(FAIL_IF, None)
    if fail_if is not None:
        env[FAIL_IF] = fail_if
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
