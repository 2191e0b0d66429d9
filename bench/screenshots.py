"""Screenshot of the Sozialraumkarte for the README, made from the demo data.

Usage: ``python bench/screenshots.py [--out ui/assets/screenshots/karte.png]``. Builds
the demo into a temporary SQLite file, starts ``streamlit run app.py`` on a free port,
opens the map in Debian's chromium (Playwright), hovers one Sozialraum so its tooltip
shows, and writes the PNG. Prints its size (target: under 400 KB).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from core.cli import main

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "ui" / "assets" / "screenshots" / "karte.png"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1360, "height": 980}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(base: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"Streamlit ist beendet (Exit-Code {proc.returncode}).")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                if resp.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise SystemExit("Streamlit ist nicht rechtzeitig gestartet.")


def shoot(base: str, out: Path) -> None:
    """Open the map page and save the screenshot (map, legend and controls)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Chromium nicht gefunden: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT, locale="de-DE")
            page.goto(base, wait_until="domcontentloaded")
            page.get_by_role("heading", name="Präventionsmonitor").wait_for(timeout=TIMEOUT)
            page.goto(f"{base}/karte", wait_until="domcontentloaded")
            frame = page.frame_locator(MAP_FRAME)
            areas = frame.locator("path.leaflet-interactive")
            areas.first.wait_for(timeout=TIMEOUT)
            page.wait_for_load_state("networkidle")
            heading = page.get_by_role("heading", name=re.compile("^SGB-II-Quote"))
            heading.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(300)
            areas.nth(16).hover()
            frame.locator(".leaflet-tooltip").wait_for(timeout=TIMEOUT)
            page.wait_for_timeout(400)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
        finally:
            browser.close()


def run() -> None:
    """Parse arguments, start the app on demo data and write the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'demo.sqlite'}"
    assert main(["--database-url", url, "init-db", "--demo"]) == 0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DATABASE_URL=url)
    env.pop("PRAEV_TILE_URL", None)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_healthy(base, proc)
        shoot(base, args.out)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    size = args.out.stat().st_size
    print(f"{args.out.relative_to(ROOT)}: {size / 1024:.0f} KB (Ziel < 400 KB)")


if __name__ == "__main__":
    run()
