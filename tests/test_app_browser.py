"""The app in a real browser: ``python -m alt401k app --port N`` opened in headless Chromium.

The test starts the app as a user would, opens it in Chromium (the Debian
package; ``.ci/run`` installs it when missing), drives the page over the
Chrome DevTools protocol (the ``websockets`` client Streamlit already
depends on), waits for the first result, saves a screenshot and checks that
the page's text carries the headline figure computed here at the same
inputs. It skips only when no Chromium is installed and CI is not set;
under ``CI=true`` a missing browser fails.

``python tests/test_app_browser.py docs`` redraws the README's screenshots
(``docs/app_pool.png``, ``docs/app_saver.png``) at 2,000 scenarios.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 180.0  # seconds for the first result, start-up included (a cold numba compile)


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


@contextlib.contextmanager
def serve_app(timeout: float = 60.0) -> Iterator[str]:
    """``python -m alt401k app --port N`` on a free port; yield its address once it answers."""
    from alt401k.app import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "alt401k", "app", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"http://localhost:(\d+)", first)
        assert match, f"the app did not print its address: {first!r}"
        assert int(match.group(1)) == port
        # Keep reading the server's log, so a full pipe never blocks it.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        address = f"http://localhost:{port}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{address}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the app did not answer on {address}")
            time.sleep(0.25)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


class Browser:
    """Headless Chromium driven over the DevTools protocol, one page."""

    def __init__(self, executable: str, width: int = 1400, height: int = 1900) -> None:
        self._profile = tempfile.mkdtemp(prefix="alt401k-chromium-")
        self._process = subprocess.Popen(
            [
                executable,
                "--headless=new",
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--user-data-dir={self._profile}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._ws = None
        self._stack = contextlib.ExitStack()
        self._id = 0
        try:
            self._connect(width, height)
        except BaseException:
            self.close()
            raise

    def _connect(self, width: int, height: int) -> None:
        from websockets.sync.client import connect

        assert self._process.stderr is not None
        deadline = time.monotonic() + 30
        port = None
        while port is None:
            line = self._process.stderr.readline()
            match = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if match:
                port = int(match.group(1))
            elif (not line and self._process.poll() is not None) or time.monotonic() > deadline:
                raise RuntimeError(f"chromium did not start: {line!r}")
        # Keep reading chromium's log so a full pipe never blocks it.
        threading.Thread(target=self._process.stderr.read, daemon=True).start()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            targets = json.load(reply)
        page = next(t for t in targets if t.get("type") == "page")
        self._ws = self._stack.enter_context(
            connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10)
        )
        self.resize(width, height)

    def call(self, method: str, **params: object) -> dict:
        assert self._ws is not None
        self._id += 1
        self._ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv(timeout=60))
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def resize(self, width: int, height: int) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width, height=height, deviceScaleFactor=1, mobile=False,
        )

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def text(self) -> str:
        result = self.call(
            "Runtime.evaluate", expression="document.body ? document.body.innerText : ''",
            returnByValue=True,
        )
        return str(result.get("result", {}).get("value", ""))

    def wait_for(self, needles: list[str], timeout: float = TIMEOUT) -> str:
        """Poll the page's text until it holds every needle and no run is in progress."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.text()
            if all(n in text for n in needles) and "Simulating" not in text:
                return text
            time.sleep(0.5)
        raise AssertionError(f"page never showed {needles}; it shows:\n{text[:3000]}")

    def screenshot(self, path: Path) -> Path:
        shot = self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stack.close()
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stderr is not None:
            self._process.stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)


def expected_headline(name: str, n: int, seed: int) -> str:
    """The pool page's headline figure for a scenario file, computed without the page."""
    from alt401k.app._common import dollars_b, scenario_path
    from alt401k.app.pool_page import run_pool
    from alt401k.io import read_scenario

    run = run_pool(read_scenario(scenario_path(name)), n, seed)
    return dollars_b(run.headline_mean)


@pytest.fixture
def browser_path() -> str:
    pytest.importorskip("streamlit", reason="the app extra (streamlit) is not installed")
    path = find_browser()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no chromium on PATH: .ci/run should have installed it")
        pytest.skip(f"no headless browser found (looked for {', '.join(BROWSERS)}); "
                    "apt-get install chromium to run this test")
    return path


def test_app_in_headless_chromium(browser_path, tmp_path):
    name, n, seed = "headline", 300, 3
    headline = expected_headline(name, n, seed)
    with serve_app() as address:
        browser = Browser(browser_path)
        try:
            browser.open(f"{address}/?page=pool&scenario={name}&n={n}&seed={seed}")
            text = browser.wait_for(["Mean cumulative net flow into bitcoin", headline])
            shot = browser.screenshot(tmp_path / "app_pool.png")
        finally:
            browser.close()
    assert f"{n} scenarios, seed {seed}" in text  # the sample size and the seed are shown
    assert "$125.0B" in text  # the naive line
    assert "Traceback" not in text
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a drawn page, not blank


def make_screenshots(out: Path, n: int = 2_000, seed: int = 1) -> None:
    """Screenshots of both pages for the README (2,000 scenarios, seed 1)."""
    path = find_browser()
    if path is None:
        raise SystemExit("no chromium found")
    out.mkdir(parents=True, exist_ok=True)
    with serve_app() as address:
        browser = Browser(path, height=1850)
        try:
            browser.open(f"{address}/?page=pool&scenario=base&n={n}&seed={seed}")
            browser.wait_for([f"{n:,} scenarios, seed {seed}", "Download the results"])
            time.sleep(2)  # let the charts finish drawing
            print(browser.screenshot(out / "app_pool.png"))
            browser.resize(1400, 1500)
            browser.open(f"{address}/?page=saver&n={n}&seed={seed}")
            browser.wait_for([f"{n:,} scenarios, seed {seed}", "Download the summary"])
            time.sleep(2)
            print(browser.screenshot(out / "app_saver.png"))
        finally:
            browser.close()


if __name__ == "__main__":
    make_screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
