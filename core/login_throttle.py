"""Login throttling: a growing wait after failed logins and a temporary lock.

Failures are counted per user name (whether the name exists or not, so the answer
never tells) and per client (IP address, else the browser session) within a window
(``PRAEV_LOGIN_WINDOW_MINUTES``). After the k-th failure the next attempt is checked
no earlier than ``PRAEV_LOGIN_DELAY_SECONDS`` × 2^(k−1) later (at most
:data:`MAX_DELAY`); an attempt before that time is refused without checking the
password, so nobody's request sleeps and no server thread is held. After
``PRAEV_LOGIN_MAX_FAILURES`` failures of a user name (``PRAEV_LOGIN_CLIENT_MAX_FAILURES``
of a client) the login is locked for ``PRAEV_LOGIN_LOCK_MINUTES``. A successful login
of a name, or an administrator's ``unlock``, starts that name's count anew; a client's
count is reset only by ``unlock`` (a valid account must not clear the way for guessing
others' passwords).

The state lives in the table ``login_attempt``, so every app process on the same
database shares it. An attempt is written *before* its password is checked and judged
against the attempts written before it, so a burst of parallel requests cannot all
pass the check at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from core.config import setting
from core.errors import ConfigError
from core.models import LoginAttempt

MAX_DELAY = dt.timedelta(seconds=60)
#: Rows older than this (and older than window and lock) are deleted.
RETENTION = dt.timedelta(days=1)
NAME_LENGTH = 64
FAILURE, SUCCESS, REFUSED, UNLOCK = "failure", "success", "refused", "unlock"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def utcnow() -> dt.datetime:
    """Now in UTC without time zone, as stored in the database."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _int_setting(env: str, minimum: int) -> int:
    raw = setting(env).strip()
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ConfigError(
            f"Die Einstellung {env}={raw!r} ist ungültig: erwartet wird eine ganze Zahl "
            f"ab {minimum}."
        )
    return value


@dataclass(frozen=True)
class LoginPolicy:
    """Limits of the throttle; :meth:`from_settings` reads them from the environment."""

    max_failures: int = 5
    client_max_failures: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    lock: dt.timedelta = dt.timedelta(minutes=15)
    delay: dt.timedelta = dt.timedelta(seconds=1)
    max_delay: dt.timedelta = MAX_DELAY

    @classmethod
    def from_settings(cls) -> LoginPolicy:
        """The policy of the ``PRAEV_LOGIN_…`` settings; :class:`ConfigError` if invalid."""
        return cls(
            max_failures=_int_setting("PRAEV_LOGIN_MAX_FAILURES", 1),
            client_max_failures=_int_setting("PRAEV_LOGIN_CLIENT_MAX_FAILURES", 1),
            window=dt.timedelta(minutes=_int_setting("PRAEV_LOGIN_WINDOW_MINUTES", 1)),
            lock=dt.timedelta(minutes=_int_setting("PRAEV_LOGIN_LOCK_MINUTES", 1)),
            delay=dt.timedelta(seconds=_int_setting("PRAEV_LOGIN_DELAY_SECONDS", 0)),
        )

    def wait_after(self, failures: int) -> dt.timedelta:
        """The wait after ``failures`` failures: 0, delay, 2×delay, 4×delay … (capped)."""
        if failures <= 0:
            return dt.timedelta(0)
        return min(self.delay * 2 ** min(failures - 1, 30), self.max_delay)


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may be checked now; else when again and whether it is a lock."""

    allowed: bool
    retry_at: dt.datetime | None = None  # UTC
    locked: bool = False
    scope: str | None = None  # "user" or "client": whose count refused (audit only)

    @staticmethod
    def combine(verdicts: Iterable[Verdict]) -> Verdict:
        """The strictest of several verdicts: the latest retry time, a lock before a wait."""
        refused = [v for v in verdicts if not v.allowed]
        if not refused:
            return ALLOWED
        return max(refused, key=lambda v: (v.locked, v.retry_at or dt.datetime.min))


ALLOWED = Verdict(True)


def judge(
    failures: int,
    last_failure: dt.datetime | None,
    limit: int,
    policy: LoginPolicy,
    now: dt.datetime,
    scope: str = "user",
) -> Verdict:
    """The rule for one count: locked from ``limit`` failures on, else a growing wait."""
    if failures <= 0 or last_failure is None:
        return ALLOWED
    if failures >= limit:
        until = last_failure + policy.lock
        return Verdict(False, until, True, scope) if now < until else ALLOWED
    until = last_failure + policy.wait_after(failures)
    return Verdict(False, until, False, scope) if now < until else ALLOWED


def normalise_name(name: str | None) -> str:
    """The user name as counted and logged: trimmed, lower case, no control characters."""
    return _CONTROL.sub("", (name or "").strip().lower())[:NAME_LENGTH]


def _count(
    conn: Connection,
    column: str,
    value: str,
    policy: LoginPolicy,
    now: dt.datetime,
    before_id: int | None,
) -> tuple[int, dt.datetime | None]:
    """Failures of one user name or client since the window start and its last reset."""
    key = getattr(LoginAttempt, column)
    resets = select(func.max(LoginAttempt.id)).where(key == value)
    if column == "user_name":
        resets = resets.where(LoginAttempt.kind.in_((SUCCESS, UNLOCK)))
    else:
        resets = resets.where(LoginAttempt.kind == UNLOCK, LoginAttempt.user_name.is_(None))
    reset_id = conn.execute(resets).scalar() or 0
    stmt = select(func.count(), func.max(LoginAttempt.at)).where(
        key == value,
        LoginAttempt.kind == FAILURE,
        LoginAttempt.id > reset_id,
        LoginAttempt.at > now - policy.window,
    )
    if before_id is not None:
        stmt = stmt.where(LoginAttempt.id < before_id)
    count, last = conn.execute(stmt).one()
    return int(count), last


def check(
    conn: Connection,
    name: str,
    client: str,
    policy: LoginPolicy,
    now: dt.datetime | None = None,
    before_id: int | None = None,
) -> Verdict:
    """May an attempt for ``name`` from ``client`` be checked at ``now``? (reads only)"""
    now = now or utcnow()
    user_failures, user_last = _count(conn, "user_name", name, policy, now, before_id)
    client_failures, client_last = _count(conn, "client", client, policy, now, before_id)
    return Verdict.combine(
        [
            judge(user_failures, user_last, policy.max_failures, policy, now, "user"),
            judge(client_failures, client_last, policy.client_max_failures, policy, now, "client"),
        ]
    )


def begin_attempt(
    engine: Engine,
    name: str,
    client: str,
    policy: LoginPolicy,
    now: dt.datetime | None = None,
) -> tuple[Verdict, int | None]:
    """Judge and, if allowed, reserve an attempt (written as a failure until finished).

    Returns the verdict and the attempt's id (None when refused). Refused attempts
    before the reservation write nothing; one refused after it (a parallel burst) is
    kept as ``refused`` and does not count.
    """
    now = now or utcnow()
    with engine.connect() as conn:
        verdict = check(conn, name, client, policy, now)
    if not verdict.allowed:
        return verdict, None
    with engine.begin() as conn:
        keep = max(policy.window, policy.lock, RETENTION)
        conn.execute(delete(LoginAttempt).where(LoginAttempt.at < now - keep))
        attempt_id = conn.execute(
            insert(LoginAttempt)
            .values(at=now, kind=FAILURE, user_name=name, client=client)
            .returning(LoginAttempt.id)
        ).scalar_one()
    with engine.begin() as conn:
        verdict = check(conn, name, client, policy, now, before_id=attempt_id)
        if not verdict.allowed:
            finish_attempt(conn, attempt_id, REFUSED)
            return verdict, None
    return verdict, int(attempt_id)


def finish_attempt(conn: Connection, attempt_id: int, kind: str) -> None:
    """Mark a reserved attempt as ``success``, ``failure`` or ``refused``."""
    conn.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(kind=kind))


def unlock(
    conn: Connection,
    name: str | None = None,
    client: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Lift the lock (and the wait) of a user name or of a client: counting starts anew."""
    if not name and not client:
        raise ValueError("unlock needs a user name or a client")
    conn.execute(
        insert(LoginAttempt).values(
            at=now or utcnow(),
            kind=UNLOCK,
            user_name=normalise_name(name) if name else None,
            client=None if name else client,
        )
    )


@dataclass(frozen=True)
class Lock:
    """A current lock or wait, for the administrators' list."""

    scope: str  # "user" or "client"
    key: str
    failures: int
    verdict: Verdict


def current_locks(
    conn: Connection, policy: LoginPolicy, now: dt.datetime | None = None
) -> list[Lock]:
    """Every user name and client that is locked or must wait now, locks first."""
    now = now or utcnow()
    found = []
    for scope, column, limit in (
        ("user", "user_name", policy.max_failures),
        ("client", "client", policy.client_max_failures),
    ):
        key = getattr(LoginAttempt, column)
        keys = conn.execute(
            select(key)
            .where(LoginAttempt.kind == FAILURE, LoginAttempt.at > now - policy.window)
            .distinct()
        ).scalars()
        for value in sorted(k for k in keys if k is not None):
            failures, last = _count(conn, column, value, policy, now, None)
            verdict = judge(failures, last, limit, policy, now, scope)
            if not verdict.allowed:
                found.append(Lock(scope, value, failures, verdict))
    return sorted(found, key=lambda lock: (not lock.verdict.locked, lock.scope, lock.key))


def user_verdict(
    conn: Connection, name: str, policy: LoginPolicy, now: dt.datetime | None = None
) -> Verdict:
    """The lock or wait of one user name alone (for ``users list``)."""
    now = now or utcnow()
    failures, last = _count(conn, "user_name", normalise_name(name), policy, now, None)
    return judge(failures, last, policy.max_failures, policy, now, "user")
