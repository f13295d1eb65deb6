"""``frontdoor-app``: serve the leaders' page on this machine only.

Bound to 127.0.0.1 unless ``--address`` says otherwise, Streamlit's usage statistics off, no
browser opened and nothing fetched from the internet. A port already in use is one line and exit
status 2, before Streamlit starts (its own message is a traceback). ``--replications``,
``--horizon-days`` and ``--warmup-days`` set the page's first run (a short one for the browser
test or a slow machine); a leader can still change them on the page.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.app.levers import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_REPLICATIONS,
    SETTING_RANGES,
    SETTINGS_ENV,
    WARMUP_DAYS,
)
from sim.errors import EXIT_BAD_INPUT

PAGE = Path(__file__).with_name("page.py")
DEFAULT_PORT = 8501

#: Streamlit's settings for a page on a leader's own machine.
SETTINGS = {
    "browser.gatherUsageStats": "false",  # no usage statistics sent anywhere
    "server.headless": "true",  # do not open a browser or ask for an e-mail address
    "server.fileWatcherType": "none",  # no reloading of the model's code under a running page
    "server.runOnSave": "false",
    "global.developmentMode": "false",
    "client.toolbarMode": "minimal",
    "theme.base": "light",
}


def port_free(address: str, port: int) -> bool:
    """Whether ``address:port`` can be bound now (another page or program may hold it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((address, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="frontdoor-app", description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="default 127.0.0.1 (this machine only); 0.0.0.0 would serve the whole network",
    )
    for flag, name, default in (
        ("--replications", "replications", DEFAULT_REPLICATIONS),
        ("--horizon-days", "horizon_days", DEFAULT_HORIZON_DAYS),
        ("--warmup-days", "warmup_days", WARMUP_DAYS),
    ):
        low, high = SETTING_RANGES[name]
        p.add_argument(
            flag,
            type=int,
            default=default,
            help=f"the page's first setting ({low}–{high}, default {default}); "
            "a leader can change it on the page",
        )
    return p


def streamlit_argv(address: str, port: int) -> list[str]:
    """The ``streamlit run`` command line for the page."""
    flags = [f"--{key}={value}" for key, value in SETTINGS.items()]
    return [
        "streamlit",
        "run",
        str(PAGE),
        f"--server.address={address}",
        f"--server.port={port}",
        *flags,
    ]


def preload() -> None:
    """Import what the page imports, and read today's levers from the config, before serving.

    Streamlit runs the page in this process, so the modules stay imported and Hydra's config
    repository stays read: the first leader's first answer no longer waits ≈6 s for pandas,
    scipy and matplotlib to import and ≈2 s for the first composition (benchmarks/README.md).
    """
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401

    import sim.app.briefing
    import sim.report.plots  # noqa: F401
    from sim.app.answer import today_levers

    today_levers()


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if not 1 <= args.port <= 65535:
        print(
            f"frontdoor-app: error: --port: {args.port} is not allowed; must be 1–65535",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_BAD_INPUT)
    for name, value in (
        ("replications", args.replications),
        ("horizon-days", args.horizon_days),
        ("warmup-days", args.warmup_days),
    ):
        low, high = SETTING_RANGES[name.replace("-", "_")]
        if not low <= value <= high:
            print(
                f"frontdoor-app: error: --{name}: {value} is not allowed; must be {low}–{high}",
                file=sys.stderr,
            )
            raise SystemExit(EXIT_BAD_INPUT)
    if not port_free(args.address, args.port):
        print(
            f"frontdoor-app: error: --port: {args.port} is already in use on {args.address}; "
            "stop the program using it or choose another, e.g. make app APP_PORT=8502",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_BAD_INPUT)
    try:
        from streamlit.web import cli as streamlit_cli
    except ImportError:
        print(
            "frontdoor-app: error: Streamlit is not installed; run `make app` "
            "(it installs the app extra from uv.lock)",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_BAD_INPUT) from None
    # Streamlit runs the page in this process, so it reads its first settings from here.
    os.environ[SETTINGS_ENV] = f"{args.replications},{args.horizon_days},{args.warmup_days}"
    print("frontdoor-app: loading the model…", flush=True)
    preload()
    print(f"The front-door page: http://{args.address}:{args.port}  (Ctrl+C stops it)", flush=True)
    sys.argv = streamlit_argv(args.address, args.port)
    raise SystemExit(streamlit_cli.main())


if __name__ == "__main__":
    main()
