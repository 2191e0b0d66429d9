"""Shared pieces of the browser tests: how Chromium is started and what counts as
leaving the machine."""

from __future__ import annotations

from urllib.parse import urlsplit

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
