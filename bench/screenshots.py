"""Screenshots for the README, made from the demo data: the Sozialraumkarte and the
presentation mode of the Ausschuss-Sitzung on a projector (1280×720).

Usage: ``python bench/screenshots.py [--out-dir ui/assets/screenshots]``. Builds the demo
into a temporary SQLite file, starts ``streamlit run ui/server.py`` on a free port, opens
the pages in Debian's chromium (Playwright) and writes ``karte.png`` (one Sozialraum
hovered, so its tooltip shows) and ``praesentation.png`` (the map slide). Prints their
sizes (target: under 400 KB each).
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

from playwright.sync_api import Page, sync_playwright

from core.cli import main

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = ROOT / "ui" / "assets" / "screenshots"
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
PROJECTOR = {"width": 1280, "height": 720}
#: the slide shown in the README: the map of the indicator
PRESENTED_SLIDE = 3
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


def shoot_map(page: Page, base: str, out: Path) -> None:
    """The map page with one Sozialraum's tooltip (map, legend and controls)."""
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{base}/karte", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    areas = frame.locator("path.leaflet-interactive")
    areas.first.wait_for(timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    areas.nth(16).hover()
    frame.locator(".leaflet-tooltip").first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(400)
    page.screenshot(path=str(out))


def shoot_presentation(page: Page, base: str, out: Path) -> None:
    """The presentation mode at 1280×720 on the map slide, as the committee sees it."""
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{base}/sitzung", wait_until="domcontentloaded")
    page.locator("label").filter(has_text="Präsentationsmodus").first.click(timeout=TIMEOUT)
    page.get_by_text(re.compile(r"^Folie 1 von \d+")).first.wait_for(timeout=TIMEOUT)
    for number in range(2, PRESENTED_SLIDE + 1):
        page.wait_for_timeout(800)
        page.keyboard.press("ArrowRight")
        page.get_by_text(re.compile(rf"^Folie {number} von \d+")).first.wait_for(timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(2500)  # the map image and fonts
    page.screenshot(path=str(out))


def shoot(base: str, out_dir: Path) -> list[Path]:
    """Write both screenshots into ``out_dir``; returns their paths."""
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Chromium nicht gefunden: apt-get install chromium")
    out_dir.mkdir(parents=True, exist_ok=True)
    shots = [out_dir / "karte.png", out_dir / "praesentation.png"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT, locale="de-DE")
            page.goto(base, wait_until="domcontentloaded")
            page.get_by_role("heading", name="Präventionsmonitor").wait_for(timeout=TIMEOUT)
            shoot_map(page, base, shots[0])
            shoot_presentation(page, base, shots[1])
        finally:
            browser.close()
    return shots


def run() -> None:
    """Parse arguments, start the app on demo data and write the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'demo.sqlite'}"
    assert main(["--database-url", url, "init-db", "--demo"]) == 0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DATABASE_URL=url, PRAEV_PUBLIC="1")  # as `make run`
    env.pop("PRAEV_TILE_URL", None)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "ui/server.py",
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
        shots = shoot(base, args.out_dir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    for shot in shots:
        size = shot.stat().st_size
        print(f"{shot.resolve().relative_to(ROOT)}: {size / 1024:.0f} KB (Ziel < 400 KB)")


if __name__ == "__main__":
    run()
