"""Logins that survive a reload: a signed, HttpOnly session cookie backed by the database.

Right after a successful login the app issues a one-time *ticket* (valid for a minute)
and the browser redeems it once at ``POST /_praev/anmeldung``
(:mod:`ui.login_routes`); the answer sets the cookie ``praev_anmeldung``. The cookie
holds a random token and its HMAC with ``PRAEV_COOKIE_KEY``; the database keeps only
the SHA-256 of ticket and token, the user name, the expiry and the revocation. A reload
(new browser session) reads the cookie and signs the user in again until the login
expires (``PRAEV_LOGIN_HOURS``, fixed from the login, not sliding) or is revoked by
"Abmelden". Without ``PRAEV_COOKIE_KEY`` (development) a random key of this server
process signs, so a restart ends all logins. ``PRAEV_LOGIN_HOURS=0`` switches the
cookie off: every reload asks again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import Connection, Engine, delete, insert, select, update

from core.config import setting
from core.models import LoginSession

COOKIE_NAME = "praev_anmeldung"
#: the server routes that set and delete the cookie (:mod:`ui.login_routes`)
LOGIN_PATH, LOGOUT_PATH = "/_praev/anmeldung", "/_praev/abmeldung"
TICKET_SECONDS = 60
#: rows whose login ended longer ago than this are deleted when a new one starts
KEEP_ENDED = dt.timedelta(days=1)
_PROCESS_KEY = secrets.token_bytes(32)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _key() -> bytes:
    configured = setting("PRAEV_COOKIE_KEY").strip()
    return configured.encode("utf-8") if configured else _PROCESS_KEY


def _signature(token: str) -> str:
    return hmac.new(_key(), token.encode("ascii"), hashlib.sha256).hexdigest()


def lifetime() -> dt.timedelta | None:
    """How long a login lasts across reloads (``PRAEV_LOGIN_HOURS``); None: not at all."""
    try:
        hours = float(setting("PRAEV_LOGIN_HOURS").strip() or "0")
    except ValueError:
        return None
    return dt.timedelta(hours=hours) if hours > 0 else None


def issue_ticket(engine: Engine, user_name: str, now: dt.datetime | None = None) -> str | None:
    """A one-time ticket for ``user_name``, or None when logins do not persist."""
    span = lifetime()
    if span is None:
        return None
    now = now or _now()
    ticket = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(delete(LoginSession).where(LoginSession.expires_at < now - KEEP_ENDED))
        conn.execute(
            insert(LoginSession).values(
                user_name=user_name,
                ticket_hash=_hash(ticket),
                ticket_expires_at=now + dt.timedelta(seconds=TICKET_SECONDS),
                created_at=now,
                expires_at=now + span,
            )
        )
    return ticket


def redeem(engine: Engine, ticket: str, now: dt.datetime | None = None) -> str | None:
    """Exchange a fresh, unused ticket for the cookie's value (once); None otherwise."""
    if not ticket or len(ticket) > 200:
        return None
    now = now or _now()
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        done = conn.execute(
            update(LoginSession)
            .where(
                LoginSession.ticket_hash == _hash(ticket),
                LoginSession.token_hash.is_(None),
                LoginSession.ticket_expires_at >= now,
                LoginSession.revoked_at.is_(None),
            )
            .values(token_hash=_hash(token))
        )
    return f"{token}.{_signature(token)}" if done.rowcount == 1 else None


def _token(cookie: str | None) -> str | None:
    """The token of a correctly signed cookie value."""
    if not cookie or cookie.count(".") != 1 or len(cookie) > 300:
        return None
    token, signature = cookie.split(".")
    try:
        valid = hmac.compare_digest(signature, _signature(token))
    except (TypeError, UnicodeEncodeError):
        return None
    return token if valid else None


def user_of(engine: Engine, cookie: str | None, now: dt.datetime | None = None) -> str | None:
    """The user name of a valid, unexpired, unrevoked login cookie; None otherwise."""
    token = _token(cookie)
    if token is None or lifetime() is None:
        return None
    now = now or _now()
    with engine.connect() as conn:
        return conn.execute(
            select(LoginSession.user_name).where(
                LoginSession.token_hash == _hash(token),
                LoginSession.expires_at > now,
                LoginSession.revoked_at.is_(None),
            )
        ).scalar()


def revoke(
    engine: Engine,
    cookie: str | None = None,
    ticket: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """End the login of this cookie and/or ticket (logout); returns how many ended."""
    conditions = []
    if (token := _token(cookie)) is not None:
        conditions.append(LoginSession.token_hash == _hash(token))
    if ticket:
        conditions.append(LoginSession.ticket_hash == _hash(ticket))
    ended = 0
    with engine.begin() as conn:
        for condition in conditions:
            ended += conn.execute(
                update(LoginSession)
                .where(condition, LoginSession.revoked_at.is_(None))
                .values(revoked_at=now or _now())
            ).rowcount
    return ended


def revoke_user(conn: Connection, user_name: str, now: dt.datetime | None = None) -> int:
    """End every login of ``user_name`` (new password, user deleted), in the caller's
    transaction; returns how many ended."""
    return conn.execute(
        update(LoginSession)
        .where(LoginSession.user_name == user_name, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now or _now())
    ).rowcount
