"""One local login attempt: throttle, password check and audit entry, without Streamlit.

:func:`attempt_login` is what the login form calls. A refused attempt (locked or too
early, see :mod:`core.login_throttle`) is answered without checking the password; an
unknown user name costs the same bcrypt check as a known one and is throttled alike,
so neither the answer nor its time tells whether a name exists. Failed logins, the
start of a lock and successful logins go to the audit log (entity ``login``) with the
user name tried, the client and the reason — never the password.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from core.audit import record
from core.errors import ConfigError, NotFoundError, PraevError
from core.login_throttle import (
    ALLOWED,
    FAILURE,
    REFUSED,
    SUCCESS,
    LoginPolicy,
    Verdict,
    begin_attempt,
    check,
    finish_attempt,
    normalise_name,
    utcnow,
)
from core.users import User, get_user, verify

LOCAL_ZONE = ZoneInfo("Europe/Berlin")
EMPTY_NAME = "(leer)"
REASON_WRONG_PASSWORD = "falsches Passwort"
REASON_UNKNOWN_USER = "unbekannter Benutzername"
SCOPE_LABELS = {"user": "Benutzername", "client": "Client"}


@dataclass(frozen=True)
class LoginResult:
    """The signed-in user, or None with the throttle's verdict for the next attempt.

    ``checked`` is False when the attempt was refused without checking the password.
    """

    user: User | None
    verdict: Verdict
    checked: bool = True

    @property
    def refused(self) -> bool:
        """True when the password was not checked, or when logins are locked from now on."""
        return not self.verdict.allowed


def _known(name: str, path: Path | None) -> bool:
    try:
        get_user(name, path)
    except NotFoundError:
        return False
    return True


def attempt_login(
    engine: Engine,
    name: str,
    password: str,
    client: str,
    policy: LoginPolicy | None = None,
    now: dt.datetime | None = None,
    path: Path | None = None,
) -> LoginResult:
    """Check a login unless throttled; record the attempt and write the audit log.

    The result's ``verdict`` says whether (and until when) further attempts for this
    name or client are refused; after the failure that starts a lock it is already
    locked, so the form can say so at once.
    """
    policy = policy or LoginPolicy.from_settings()
    now = now or utcnow()
    clean = normalise_name(name)
    verdict, attempt_id = begin_attempt(engine, clean, client, policy, now)
    if attempt_id is None:
        return LoginResult(None, verdict, checked=False)
    try:
        user = verify(clean, password, path)
        known = user is not None or _known(clean, path)
    except PraevError:
        with engine.begin() as conn:
            finish_attempt(conn, attempt_id, REFUSED)
        raise
    who = clean or EMPTY_NAME
    with engine.begin() as conn:
        finish_attempt(conn, attempt_id, SUCCESS if user else FAILURE)
        if user is not None:
            record(conn, user.name, "login", "login", user.name, None, {"client": client})
            return LoginResult(user, verdict)
        reason = REASON_WRONG_PASSWORD if known else REASON_UNKNOWN_USER
        record(conn, who, "login_failed", "login", who, None, {"client": client, "reason": reason})
        after = check(conn, clean, client, policy, now)
        if after.locked:
            until = after.retry_at.isoformat(timespec="seconds") if after.retry_at else None
            record(
                conn,
                who,
                "login_locked",
                "login",
                who,
                None,
                {"client": client, "until": until, "scope": SCOPE_LABELS.get(after.scope or "")},
            )
    # after an ordinary failure the form just says "wrong"; a short wait shows on retry
    return LoginResult(None, after if after.locked else ALLOWED)


def retry_text(retry_at: dt.datetime, now: dt.datetime | None = None) -> str:
    """When to try again, German local time: 'um 14:35 Uhr' or 'am 02.12.2026 um 14:35 Uhr'."""
    now = now or utcnow()
    local = retry_at.replace(tzinfo=dt.UTC).astimezone(LOCAL_ZONE)
    today = now.replace(tzinfo=dt.UTC).astimezone(LOCAL_ZONE).date()
    # round up to the minute, so 'um 14:35' is never too early
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    time = local.strftime("%H:%M")
    return f"um {time} Uhr" if local.date() == today else f"am {local:%d.%m.%Y} um {time} Uhr"


def wait_seconds(retry_at: dt.datetime, now: dt.datetime | None = None) -> int:
    """Whole seconds until ``retry_at`` (at least 1)."""
    left = (retry_at - (now or utcnow())).total_seconds()
    return max(1, int(left + 0.999))


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``"127.0.0.1, 10.0.0.0/8"`` → networks; :class:`ConfigError` for a bad entry."""
    networks = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            raise ConfigError(
                f"PRAEV_TRUSTED_PROXIES enthält „{part.strip()}“, das ist keine IP-Adresse "
                "und kein Netz. Beispiel: 127.0.0.1,10.0.0.0/8"
            ) from None
    return networks


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def client_address(
    peer: str | None,
    forwarded_for: str | None,
    trusted: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> str | None:
    """The client's IP address, or None when unknown.

    ``peer`` is the address of the connection (None for localhost, as Streamlit reports
    it). ``X-Forwarded-For`` counts only when the peer is a trusted proxy; then the
    right-most address that is not itself a trusted proxy is the client (addresses
    further left can be forged by the client).
    """
    peer_ip = _address(peer) if peer else ipaddress.ip_address("127.0.0.1")
    if peer_ip is None:
        return None
    if not any(peer_ip in net for net in trusted):
        return None if peer is None else str(peer_ip)
    hops = [h for h in (forwarded_for or "").split(",") if h.strip()]
    for hop in reversed(hops):
        ip = _address(hop)
        if ip is None:
            return None
        if not any(ip in net for net in trusted):
            return str(ip)
    return None if peer is None else str(peer_ip)
