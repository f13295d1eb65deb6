"""The leaders' page in a real browser: Playwright drives Debian's Chromium against `frontdoor-app`.

The test starts the page the way ``make app`` does (``frontdoor-app --port N``, bound to
127.0.0.1) on a free port, with a short first run (``--replications 2 --horizon-days 14
--warmup-days 14``) so an answer takes seconds, loads it, waits for the headline sentence,
moves one lever (two more screening social workers), waits for the new headline and checks it
changed, then moves it back (an answer from the page's cache). It saves a screenshot under
pytest's tmp dir and at ``reports/app/leaders-page.png`` (ignored by git, the same path every
run); ``FRONTDOOR_UPDATE_SCREENSHOT=1`` also refreshes the README's
``docs/images/leaders-page.png``.

Why the waits are what they are: the server's output goes to a file (a pipe nobody reads fills
and blocks Streamlit), Streamlit runs headless with usage statistics off (no first-run prompt),
and the headline is waited for by its own text, so a stale one from the previous run never
counts. Every wait has a finite timeout, and the server's process group is killed at the end.
``playwright install`` cannot download browsers here, so the test uses /usr/bin/chromium
(``.ci/run`` installs it with apt-get) and is skipped, saying why, where it is absent.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "reports" / "app" / "leaders-page.png"
README_SCREENSHOT = ROOT / "docs" / "images" / "leaders-page.png"
SHORT = ["--replications", "2", "--horizon-days", "14", "--warmup-days", "14"]
START_TIMEOUT_S = 90  # Streamlit imports pandas and matplotlib; a loaded 2-core machine is slow
ANSWER_TIMEOUT_MS = 120_000  # two short runs each, with the machine's other work

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the playwright package (app extra) is not installed; make test installs it",
)
pytest.importorskip("streamlit", reason="the app extra is not installed (make test installs it)")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(),
    reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does it)",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(port: int) -> list[str]:
    """``frontdoor-app`` beside this Python (as ``make app`` runs it), else its module."""
    script = Path(sys.executable).with_name("frontdoor-app")
    head = [str(script)] if script.is_file() else [sys.executable, "-m", "sim.app.serve"]
    return [*head, "--port", str(port), *SHORT]


def wait_for_http(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"frontdoor-app exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"frontdoor-app did not answer {url} in {START_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """The page's address, with ``frontdoor-app`` serving it until the test ends."""
    port = free_port()
    log = tmp_path / "frontdoor-app.log"
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    with log.open("wb") as out:
        server = subprocess.Popen(
            server_command(port),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the finally kills it all
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/_stcore/health", server, log)
        yield url
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def headline(page: sync_api.Page, starts: str) -> str:
    """The headline sentence (the page's one ``####``) once it reads ``starts…``."""
    found = page.locator("h4").filter(has_text=re.compile("^" + re.escape(starts)))
    found.first.wait_for(state="visible", timeout=ANSWER_TIMEOUT_MS)
    return found.first.inner_text().strip()


def test_moving_a_lever_in_the_browser_changes_the_headline(
    served: str, tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless=new"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(ANSWER_TIMEOUT_MS)
            started = time.monotonic()
            page.goto(served, wait_until="domcontentloaded")
            first = headline(page, "Today's front door: ")
            first_s = time.monotonic() - started
            assert "of contacts are decided within one working day" in first

            workers = page.get_by_label(re.compile(r"^Screening social workers \(today \d+\)"))
            now = int(workers.input_value())
            moved = time.monotonic()
            workers.fill(str(now + 2))
            workers.press("Enter")
            second = headline(page, "With two more screening social workers, ")
            second_s = time.monotonic() - moved
            assert second != first
            assert "percentage points" in second and "this costs £" in second

            # The metrics row under the headline is drawn in the same pass; wait for it so the
            # screenshot shows the whole answer.
            page.get_by_test_id("stMetric").first.wait_for(state="visible")
            tmp_shot = tmp_path / "leaders-page.png"
            page.screenshot(path=str(tmp_shot), full_page=False)
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp_shot, SCREENSHOT)
            if os.environ.get("FRONTDOOR_UPDATE_SCREENSHOT") == "1":
                README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(tmp_shot, README_SCREENSHOT)

            # Back to today's staffing: both runs are in the page's cache now.
            back = time.monotonic()
            workers.fill(str(now))
            workers.press("Enter")
            assert headline(page, "Today's front door: ") == first
            cached_s = time.monotonic() - back
            timings = (
                f"first answer {first_s:.1f} s (page load included), after the lever "
                f"{second_s:.1f} s, cached {cached_s:.1f} s"
            )
            record_property("browser", timings)
            print(timings)
        finally:
            browser.close()
