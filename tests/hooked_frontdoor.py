"""``python -m tests.hooked_frontdoor ARGS``: ``frontdoor ARGS`` with fault-injection hooks.

Test support only — production code knows nothing of it. The hooks are patched in from outside
(the environment variables below are read here, never by :mod:`sim`):

``TEST_FRONTDOOR_FAIL_IF=<text>``
    every job whose overrides (joined as ``a=1 b=2``) contain ``<text>`` raises
    ``RuntimeError`` when its replications start, as a job that fails at run time would;
``TEST_FRONTDOOR_PAUSE_AT=<file name>[#<n>]``
    the ``n``-th atomic write of that file (default the first) stops for a minute after its
    temporary file is written and before it is renamed, having written the file name to
    ``TEST_FRONTDOOR_STAGE_FILE`` — so a test can send a signal at exactly that write stage.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FAIL_IF = "TEST_FRONTDOOR_FAIL_IF"
PAUSE_AT = "TEST_FRONTDOOR_PAUSE_AT"
STAGE_FILE = "TEST_FRONTDOOR_STAGE_FILE"
FAIL_MESSAGE = "test hook: job fails"


def install() -> None:
    """Patch the hooks asked for by the environment into :mod:`sim`."""
    from sim import atomic as atomic_io
    from sim import runner
    from sim.report import files

    pattern = os.environ.get(FAIL_IF)
    if pattern:
        simulate = runner.simulate_replications

        def failing(cfg: Any, *args: Any, **kwargs: Any) -> Any:
            from hydra.core.hydra_config import HydraConfig

            if pattern in " ".join(HydraConfig.get().overrides.task):
                raise RuntimeError(f"{FAIL_MESSAGE} ({pattern!r} in its overrides)")
            return simulate(cfg, *args, **kwargs)

        runner.simulate_replications = failing  # type: ignore[assignment]

    pause = os.environ.get(PAUSE_AT)
    if pause:
        name, _, nth = pause.partition("#")
        wanted = int(nth or 1)
        seen = {"n": 0}
        atomic = atomic_io.write_atomic
        stage_file = Path(os.environ[STAGE_FILE])

        def slow(path: Path, write: Callable[[Path], None]) -> Path:
            if path.name != name:
                return atomic(path, write)
            seen["n"] += 1

            def paused(tmp: Path) -> None:
                write(tmp)
                if seen["n"] == wanted:
                    stage_file.write_text(f"{name}\n", encoding="utf-8")
                    time.sleep(60)

            return atomic(path, paused)

        # Every atomic write goes through sim.atomic (status.json from sim.lifecycle too); the
        # run folder's writer holds its own reference.
        atomic_io.write_atomic = slow
        files.write_atomic = slow


if __name__ == "__main__":
    install()
    from sim.cli import main

    main()
