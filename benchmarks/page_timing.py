"""Time the leaders' page as a leader meets it: the first answer, a new option, a cached one.

Starts ``frontdoor-app`` on a free port of 127.0.0.1 with the page's **default** settings (no
``--replications``/``--horizon-days``/``--warmup-days``), drives Debian's Chromium with
Playwright as ``tests/app/test_browser.py`` does, and times what a leader waits for:

- **server ready**: from starting ``frontdoor-app`` to its answering on the port (it imports
  the model and composes today's config before it serves: :func:`sim.app.serve.preload`);
- **first answer**: from asking for the page to today's headline ("Today's front door: …"),
  Streamlit's first page build and today's run included (the server is already listening);
- **new option**: from setting screening social workers to today + 2 to its headline;
- **cached**: from setting them back to today to today's headline again (the page's cache).

Needs the app extra (``make .venv/.synced-app``) and /usr/bin/chromium. Nothing else should run
while it does: it is a benchmark, never a test. Usage::

    .venv/bin/python benchmarks/page_timing.py [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench_replication import machine  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 300_000


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_http(
    url: str, server: subprocess.Popen[bytes], log: Path, deadline_s: float = 120.0
) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"page_timing: frontdoor-app exited ({server.returncode}); see {log}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise SystemExit(
        f"page_timing: frontdoor-app did not answer {url} in {deadline_s:g} s; see {log}"
    )


def time_page() -> dict[str, float]:
    """The four wall times, in seconds (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    script = Path(sys.executable).with_name("frontdoor-app")
    log = Path(tempfile.mkdtemp(prefix="page-timing-")) / "server.log"
    launched = time.monotonic()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(script), "--port", str(port)],
            cwd=REPO,
            env=dict(os.environ, MPLBACKEND="Agg"),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for_http(f"{url}/_stcore/health", server, log)
        ready = time.monotonic() - launched
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(TIMEOUT_MS)

            def headline(starts: str) -> None:
                found = page.locator("h4").filter(has_text=re.compile("^" + re.escape(starts)))
                found.first.wait_for(state="visible", timeout=TIMEOUT_MS)

            start = time.monotonic()
            page.goto(url, wait_until="domcontentloaded")
            headline("Today's front door: ")
            first = time.monotonic() - start
            workers = page.get_by_label(re.compile(r"^Screening social workers \(today \d+\)"))
            today = int(workers.input_value())
            start = time.monotonic()
            workers.fill(str(today + 2))
            workers.press("Enter")
            headline("With two more screening social workers, ")
            option = time.monotonic() - start
            start = time.monotonic()
            workers.fill(str(today))
            workers.press("Enter")
            headline("Today's front door: ")
            cached = time.monotonic() - start
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {
        "server_ready_s": ready,
        "first_answer_s": first,
        "new_option_s": option,
        "cached_s": cached,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"page_timing: no Chromium at {CHROMIUM}: apt-get install chromium")
    figures = time_page()
    for name, value in figures.items():
        print(f"{name}: {value:.1f}")
    if args.out is not None:
        record = {"machine": machine(), "page": figures}
        args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
