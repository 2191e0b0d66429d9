"""Login, logout and the current user for every page.

Three modes (setting ``PRAEV_AUTH``): ``local`` checks user name and password against
the users file (bcrypt, :mod:`core.users`) and keeps the user in ``st.session_state``
for this browser session and, through a signed HttpOnly cookie
(:mod:`core.login_sessions`, routes in :mod:`ui.login_routes`), across reloads for
``PRAEV_LOGIN_HOURS``;
``oidc`` uses Streamlit's ``st.login``/``st.user`` and maps the role claim
(:func:`core.permissions.user_from_claims`); ``none`` makes everyone an administrator
and is refused in production. The local user is re-read from the file on every run, so
a removed user or a changed role takes effect at once.

Local logins are throttled (:mod:`core.login`, :mod:`core.login_throttle`): an attempt
too soon after failures, or while the user name or the client is locked, is refused
with a German message and its password is not checked — nobody's request sleeps. The
client is the IP address Streamlit reports (``X-Forwarded-For`` only from a proxy in
``PRAEV_TRUSTED_PROXIES``); on localhost without a proxy it is the browser session.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Callable

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.errors import StreamlitAPIException

from core import login_sessions
from core.config import database_url, setting, startup_problems
from core.errors import PraevError
from core.escaping import markdown_lines, markdown_text
from core.login import attempt_login, client_address, parse_networks, retry_text, wait_seconds
from core.permissions import ALL_OFFICES, parse_role_map, user_from_claims
from core.users import User, get_user
from ui.db import get_engine
from ui.query import database_error

S_USER = "_auth_user"
S_CLIENT = "_auth_client"
#: the ticket of this browser session's login (revoked at logout) and the browser's
#: pending cookie request (``"login"`` with the ticket, or ``"logout"``)
S_TICKET, S_COOKIE_REQUEST = "_auth_ticket", "_auth_cookie_request"
DEV_USER = User("entwicklung", "admin", (ALL_OFFICES,), "Entwicklung")

LOGIN_TITLE = "Anmelden"
LOGIN_INTRO = (
    "Der Präventionsmonitor ist nur für angemeldete Personen zugänglich. Bitte melden Sie "
    "sich mit Ihrem Benutzernamen und Passwort an."
)
LOGIN_INTRO_OIDC = "Bitte melden Sie sich mit dem Konto Ihrer Verwaltung an (Single Sign-on)."
FIELD_NAME, FIELD_PASSWORD, SUBMIT = "Benutzername", "Passwort", "Anmelden"
SSO_BUTTON = "Mit dem Verwaltungskonto anmelden"
WRONG = "Benutzername oder Passwort ist falsch. Bitte erneut versuchen."
LOCKED = (
    "Die Anmeldung ist nach mehreren Fehlversuchen vorübergehend gesperrt. Bitte versuchen "
    "Sie es {when} erneut oder wenden Sie sich an die Administration."
)
WAIT = (
    "Zum Schutz vor dem Erraten von Passwörtern: Bitte warten Sie {seconds} und versuchen "
    "Sie es dann erneut."
)
NO_USERS = (
    "Es ist noch kein Benutzer angelegt. Administratoren legen den ersten an mit "
    "`python -m core users add NAME --role admin`."
)
SSO_MISSING = (
    "Die Anmeldung per Single Sign-on ist nicht eingerichtet (Abschnitt [auth] in "
    "`.streamlit/secrets.toml`, Vorlage: `.streamlit/secrets.toml.example`)."
)
SIGNED_IN = "Angemeldet als **{label}**"
LOGOUT = "Abmelden"
LOGIN_EXPANDER = "Anmelden (Koordination, Administration)"
DEV_NOTE = "Entwicklungsmodus: ohne Anmeldung, alle Rechte (PRAEV_AUTH=none)."
START_REFUSED = "Die App startet nicht, weil die Einstellungen unsicher sind:"
NOT_ALLOWED = "Diese Seite ist nur für die Administration. Bitte melden Sie sich entsprechend an."


def mode() -> str:
    """The login mode: ``local``, ``oidc`` or ``none``."""
    return setting("PRAEV_AUTH").strip().lower()


def public() -> bool:
    """True when anonymous visitors may read (``PRAEV_PUBLIC=1``) or no login is used."""
    return setting("PRAEV_PUBLIC").strip() == "1" or mode() == "none"


def _oidc_user() -> User | None:
    claims = st.user.to_dict()
    if not claims.get("is_logged_in"):
        return None
    return user_from_claims(
        claims,
        setting("PRAEV_ROLE_CLAIM").strip() or "roles",
        parse_role_map(setting("PRAEV_OIDC_ROLE_MAP")),
    )


def current_user() -> User | None:
    """The signed-in user (no password hash), or None for an anonymous visitor."""
    if mode() == "none":
        return DEV_USER
    if mode() == "oidc":
        return _oidc_user()
    user = st.session_state.get(S_USER)
    if user is None:
        user = _cookie_user()
    if user is None:
        return None
    try:
        fresh = get_user(user.name)
    except PraevError:  # removed meanwhile, or the file is unreadable: sign out
        st.session_state.pop(S_USER, None)
        return None
    st.session_state[S_USER] = fresh
    return fresh


def _cookie() -> str | None:
    return st.context.cookies.get(login_sessions.COOKIE_NAME)


def _cookie_user() -> User | None:
    """The user of a valid login cookie sent with this page (a reload keeps the login)."""
    cookie = _cookie()
    if not cookie:
        return None
    try:
        name = login_sessions.user_of(get_engine(), cookie)
        return get_user(name) if name else None
    except (PraevError, SQLAlchemyError):  # unknown user or no database: not signed in
        return None


def login_cookie_scripts() -> None:
    """Send this run's pending cookie request from the browser: after a login, redeem
    the ticket for the HttpOnly cookie; after a logout, delete it. ``fetch`` to this
    server only; the script holds a constant path and the ticket (URL-safe base64)."""
    request = st.session_state.pop(S_COOKIE_REQUEST, None)
    if request is None:
        return
    kind, ticket = request
    path = login_sessions.LOGIN_PATH if kind == "login" else login_sessions.LOGOUT_PATH
    body = json.dumps(ticket or "")
    script = (
        f"<script>fetch({json.dumps(path)}, {{method: 'POST', body: {body}, "
        "credentials: 'same-origin'}).catch(() => {});</script>"
    )
    with st.sidebar:  # out of the page's flow
        st.html(script, unsafe_allow_javascript=True)


def check_startup() -> None:
    """Refuse to start (error and stop) with unsafe settings in production."""
    problems = startup_problems()
    if problems:
        lines = [START_REFUSED, *(markdown_lines(p) for p in problems)]
        st.error("\n\n".join(lines), icon=":material/gpp_bad:")
        st.stop()


def _client() -> str:
    """Who is trying: the IP address, else a random key of this browser session."""
    address = client_address(
        st.context.ip_address,
        st.context.headers.get("X-Forwarded-For"),
        parse_networks(setting("PRAEV_TRUSTED_PROXIES")),
    )
    if address:
        return address
    if S_CLIENT not in st.session_state:
        st.session_state[S_CLIENT] = f"sitzung:{secrets.token_hex(8)}"
    return str(st.session_state[S_CLIENT])


def _seconds(n: int) -> str:
    return "1 Sekunde" if n == 1 else f"{n} Sekunden"


def _on_login(name_key: str, password_key: str, error_key: str) -> None:
    name = st.session_state.get(name_key) or ""
    password = st.session_state.get(password_key) or ""
    st.session_state[password_key] = ""  # never keep the password in the session
    try:
        result = attempt_login(get_engine(), name, password, _client())
    except PraevError as exc:
        st.session_state[error_key] = str(exc)
        return
    except SQLAlchemyError as exc:  # no login without throttling: fail closed
        st.session_state[error_key] = str(database_error(exc, database_url()))
        return
    verdict, user = result.verdict, result.user
    if result.refused and verdict.retry_at is not None:
        st.session_state[error_key] = (
            LOCKED.format(when=retry_text(verdict.retry_at))
            if verdict.locked
            else WAIT.format(seconds=_seconds(wait_seconds(verdict.retry_at)))
        )
        return
    if user is None:
        st.session_state[error_key] = WRONG
        return
    st.session_state.pop(error_key, None)
    st.session_state[S_USER] = user
    try:
        ticket = login_sessions.issue_ticket(get_engine(), user.name)
    except SQLAlchemyError:  # the login holds for this browser session anyway
        ticket = None
    if ticket:
        st.session_state[S_TICKET] = ticket
        st.session_state[S_COOKIE_REQUEST] = ("login", ticket)


def _users_exist() -> bool:
    from core.users import list_users

    try:
        return bool(list_users())
    except PraevError:
        return True  # the error shows at login


def login_form(where: str = "main") -> None:
    """The login: a name/password form (local) or the single sign-on button (oidc)."""
    if mode() == "oidc":
        if st.button(SSO_BUTTON, key=f"sso_{where}", icon=":material/login:", type="primary"):
            try:
                st.login()
            except StreamlitAPIException:
                st.error(SSO_MISSING, icon=":material/error:")
        return
    name_key, password_key, error_key = (f"_login_{where}_{k}" for k in ("name", "pw", "err"))
    with st.form(f"login_{where}"):
        st.text_input(FIELD_NAME, key=name_key, autocomplete="username")
        st.text_input(FIELD_PASSWORD, type="password", key=password_key)
        st.form_submit_button(
            SUBMIT,
            type="primary",
            icon=":material/login:",
            on_click=_on_login,
            args=(name_key, password_key, error_key),
        )
    if message := st.session_state.get(error_key):
        st.error(markdown_lines(message), icon=":material/error:")
    if not _users_exist():
        st.info(NO_USERS, icon=":material/info:")


def _on_logout() -> None:
    """End the login here, in the database (cookie and ticket) and in the browser."""
    st.session_state.pop(S_USER, None)
    with contextlib.suppress(SQLAlchemyError):  # else the login expires on its own
        login_sessions.revoke(get_engine(), _cookie(), st.session_state.pop(S_TICKET, None))
    st.session_state[S_COOKIE_REQUEST] = ("logout", None)


def sidebar_account(user: User | None) -> None:
    """Who is signed in and the logout button, or (public mode) a small login form."""
    with st.sidebar:
        st.divider()
        if mode() == "none":
            st.caption(DEV_NOTE)
            return
        if user is None:
            with st.expander(LOGIN_EXPANDER, icon=":material/login:"):
                login_form("sidebar")
            return
        st.caption(SIGNED_IN.format(label=markdown_text(user.label)))
        if mode() == "oidc":
            if st.button(LOGOUT, icon=":material/logout:", key="logout"):
                st.logout()
        else:
            st.button(LOGOUT, icon=":material/logout:", key="logout", on_click=_on_logout)


def require(allowed: Callable[[User | None], bool], message: str = NOT_ALLOWED) -> User:
    """Stop the page with an error unless ``allowed(current_user())``; returns the user."""
    user = current_user()
    if user is None or not allowed(user):
        st.error(message, icon=":material/lock:")
        st.stop()
    return user
