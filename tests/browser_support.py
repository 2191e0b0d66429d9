"""Shared pieces of the browser tests: how Chromium is started and what counts as
leaving the machine."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent

#: flags for Debian's chromium in a closed network (no background connections)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
NETWORK_SCHEMES = {"http", "https", "ws", "wss"}


def remote_requests(urls: list[str]) -> list[str]:
    """The requested URLs that went to a host other than this machine."""
    return [
        url
        for url in urls
        if urlsplit(url).scheme in NETWORK_SCHEMES and urlsplit(url).hostname not in LOCAL_HOSTS
    ]


#: what changes on the page while Streamlit still runs the script or draws its result
_RUN_STATE_JS = """() => ({
  running: !!document.querySelector('[data-testid="stStatusWidget"]'),
  stale: document.querySelectorAll('[data-stale="true"]').length,
  elements: document.querySelectorAll('[data-testid="stElementContainer"]').length,
  text: document.body.innerText.length,
})"""


def wait_for_run(page: Page, timeout: float = 60.0, calm: int = 3) -> None:
    """Wait until Streamlit has finished its run and the page stands still: no status
    widget, no stale elements, and the same elements and text over ``calm`` looks
    400 ms apart (websockets keep a page from ever being "network idle")."""
    deadline, last, same = time.monotonic() + timeout, None, 0
    while time.monotonic() < deadline:
        now = page.evaluate(_RUN_STATE_JS)
        quiet = not now["running"] and not now["stale"]
        same = same + 1 if quiet and now == last else 0
        if same >= calm:
            return
        last = now
        page.wait_for_timeout(400)
    pytest.fail(f"Die Seite kommt nicht zur Ruhe: {last}")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def streamlit_server(env: dict[str, str], log_path: Path, timeout: float = 60.0) -> Iterator[str]:
    """``streamlit run ui/server.py`` (the app and its login routes) on a free port with
    ``env``; yields the base URL once ``/_stcore/health`` answers ok, and stops the
    server afterwards."""
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", "ui/server.py",
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(f"{base}/_stcore/health"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"Streamlit ist nicht gestartet (Exit-Code {proc.poll()}):\n"
                        + log_path.read_text(errors="replace")
                    )
                time.sleep(0.25)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
