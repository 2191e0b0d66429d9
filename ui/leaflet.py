"""Leaflet and its plugins served by the app itself, so the map needs no internet.

Leaflet comes from the PyPI package ``XStatic-Leaflet``: :func:`ensure_assets` copies
its files into ``static/leaflet/`` when they are missing or of another version (the
copy is not committed; the folder has its own ``.gitignore``). The small
``leaflet.markercluster`` plugin is vendored under ``static/vendor/`` with its licence.
Streamlit serves ``static/`` at ``/app/static/…`` (``server.enableStaticServing``).

The URLs are relative to the page of the map component
(``<app>/component/streamlit_folium.st_folium/index.html``), so they also work when
the app runs under a path prefix (``server.baseUrlPath``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
LEAFLET_DIR = STATIC_DIR / "leaflet"
VERSION_FILE = ".version"
#: From the component's page up to the app root, then into the static route.
STATIC_URL = "../../app/static"

LEAFLET_JS = f"{STATIC_URL}/leaflet/leaflet.js"
LEAFLET_CSS = f"{STATIC_URL}/leaflet/leaflet.css"
CLUSTER_JS = f"{STATIC_URL}/vendor/leaflet.markercluster/leaflet.markercluster.js"
CLUSTER_CSS = (
    f"{STATIC_URL}/vendor/leaflet.markercluster/MarkerCluster.css",
    f"{STATIC_URL}/vendor/leaflet.markercluster/MarkerCluster.Default.css",
)
_FILES = ("leaflet.js", "leaflet.css")


def leaflet_version() -> str:
    """Version of the installed XStatic-Leaflet package, e.g. ``"1.9.3.0"``."""
    return str(xleaflet.VERSION)


def _current(target: Path) -> bool:
    stamp = target / VERSION_FILE
    return (
        stamp.is_file()
        and stamp.read_text(encoding="utf-8").strip() == leaflet_version()
        and all((target / f).is_file() for f in _FILES)
        and (target / "images").is_dir()
    )


def ensure_assets(target: Path = LEAFLET_DIR) -> Path:
    """Copy Leaflet's JS, CSS and images from XStatic-Leaflet into ``target`` unless an
    up-to-date copy is there. Safe when several app processes start at once: the copy
    is built in a temporary folder and moved into place."""
    if _current(target):
        return target
    source = Path(xleaflet.BASE_DIR)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".leaflet-", dir=target.parent))
    try:
        for name in _FILES:
            shutil.copy2(source / name, tmp / name)
        shutil.copytree(source / "images", tmp / "images")
        (tmp / ".gitignore").write_text("# copied at app start from XStatic-Leaflet\n*\n")
        (tmp / VERSION_FILE).write_text(leaflet_version() + "\n", encoding="utf-8")
        if target.exists():
            old = target.with_name(f".leaflet-old-{os.getpid()}")
            target.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        tmp.rename(target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not _current(target):  # another process may have won the race
            raise
    return target
