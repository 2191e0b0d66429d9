"""Who may do what: pure role checks, and ``require_…`` variants that raise German errors.

Roles: ``viewer`` reads; ``editor`` also reports the status of networks of their own
youth office(s) and freezes a session's Datenstand; ``admin`` may do everything
(imports, rollbacks, users, every network). ``None`` is an anonymous visitor: may read
only when the deployment is public. Pages use the ``may_…`` functions to decide what
to show. Every write in core (network status, frozen session, import, rollback, user
change) takes the :class:`User`, calls its ``require_…`` inside the transaction it owns
and writes the audit entry there, so a hidden button is never the only protection.
The shell (CLI, scripts) writes as :func:`operator`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, select

from core.errors import NotFoundError, PermissionDeniedError
from core.models import Network, YouthOffice
from core.users import ROLE_LABELS, ROLES, User

#: Youth office wildcard for users who may edit every office (development mode).
ALL_OFFICES = "*"

NEED_LOGIN = "Bitte melden Sie sich an."
NOT_YOUR_OFFICE = (
    "Dieses Netzwerk gehört zum {office}; Sie melden für: {own}. Nichts wurde gespeichert. "
    "Melden kann die Netzwerk-Koordination dieses Jugendamts; eine weitere Zuständigkeit "
    "vergibt die Administration."
)
NEED_EDITOR = "Das dürfen nur die Netzwerk-Koordination und die Administration."
#: Why a signed-in user sees no entry form for network status (see :func:`report_refusal`).
REPORT_NEEDS_ROLE = (
    "Ihre Rolle „{role}“ erlaubt das Lesen, aber keine Meldung. Melden dürfen die "
    "Netzwerk-Koordinationen der Jugendämter und die Administration. Sollen Sie für ein "
    "Netzwerk melden, bitten Sie die Administration, Ihnen die Rolle "
    "„{editor}“ für Ihr Jugendamt zu geben."
)
REPORT_NEEDS_OFFICE = (
    "Ihrer Rolle „{role}“ ist noch kein Jugendamt zugeordnet, deshalb können Sie kein "
    "Netzwerk melden. Bitte die Administration, Ihr Jugendamt einzutragen."
)
#: An editor whose youth offices are "*" (development mode).
EVERY_OFFICE = "alle Jugendämter"
NEED_ADMIN = "Das darf nur die Administration."
#: Who runs a write from the shell (CLI, scripts) without naming themselves.
SYSTEM_NAME = "system"


def operator(name: str = SYSTEM_NAME) -> User:
    """The person at the shell (``python -m core …``, scripts): whoever holds the
    database's credentials can change everything anyway, so they act as the
    administration, under their own name in the audit log."""
    return User(name=(name or "").strip() or SYSTEM_NAME, role="admin")


#: The operator of writes that name nobody (maintenance scripts, tests).
SYSTEM = operator()


def _rank(user: User | None) -> int:
    return ROLES.index(user.role) if user is not None and user.role in ROLES else -1


def may_read(user: User | None, public: bool) -> bool:
    """Anyone signed in reads; anonymous visitors only in a public deployment."""
    return public or user is not None


def may_edit_network(user: User | None, youth_office_id: str) -> bool:
    """Admins edit every network; editors those of their own youth office(s)."""
    if _rank(user) >= ROLES.index("admin"):
        return True
    if _rank(user) < ROLES.index("editor") or user is None:
        return False
    return ALL_OFFICES in user.youth_offices or youth_office_id in user.youth_offices


def may_edit_any_network(user: User | None) -> bool:
    """True when the user may report at least one network (shows the entry form)."""
    return _rank(user) >= ROLES.index("admin") or (
        _rank(user) == ROLES.index("editor") and user is not None and bool(user.youth_offices)
    )


def may_create_snapshot(user: User | None) -> bool:
    """Editors and admins freeze a session's Datenstand."""
    return _rank(user) >= ROLES.index("editor")


def may_import(user: User | None) -> bool:
    """Only admins import and roll back data (the page „Daten verwalten“)."""
    return _rank(user) >= ROLES.index("admin")


def may_manage_users(user: User | None) -> bool:
    """Only admins manage users and see the audit log."""
    return _rank(user) >= ROLES.index("admin")


def _require(allowed: bool, user: User | None, message: str) -> User:
    if user is None:
        raise PermissionDeniedError(NEED_LOGIN)
    if not allowed:
        raise PermissionDeniedError(message)
    return user


def report_refusal(user: User | None) -> str | None:
    """Why a signed-in user may not report any network (German, naming their role and
    whom to ask); None when they may report, or for anonymous visitors (who are asked
    to sign in by the page)."""
    if user is None or may_edit_any_network(user):
        return None
    role = ROLE_LABELS.get(user.role, user.role)
    if _rank(user) < ROLES.index("editor"):
        return REPORT_NEEDS_ROLE.format(role=role, editor=ROLE_LABELS["editor"])
    return REPORT_NEEDS_OFFICE.format(role=role)


def office_names(office_ids: Iterable[str], names: Mapping[str, str] | None = None) -> str:
    """Youth offices by their names for a message: ``"Jugendamt der Stadt Neuss"``;
    several joined by „und“; ids without a known name as they are."""
    known = names or {}
    shown = [EVERY_OFFICE if o == ALL_OFFICES else known.get(o, o) for o in office_ids]
    if not shown:
        return "kein Jugendamt"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " und " + shown[-1]


def require_edit_network(
    user: User | None, youth_office_id: str, names: Mapping[str, str] | None = None
) -> User:
    """The user, or :class:`PermissionDeniedError` when they may not edit this office.

    ``names`` maps youth office ids to their names, so the message names them."""
    own = office_names(user.youth_offices if user else (), names)
    office = office_names([youth_office_id], names)
    return _require(
        may_edit_network(user, youth_office_id),
        user,
        NOT_YOUR_OFFICE.format(own=own, office=office)
        if _rank(user) >= ROLES.index("editor")
        else NEED_EDITOR,
    )


def require_create_snapshot(user: User | None) -> User:
    """The user, or :class:`PermissionDeniedError` for viewers and anonymous visitors."""
    return _require(may_create_snapshot(user), user, NEED_EDITOR)


def require_import(user: User | None) -> User:
    """The user, or :class:`PermissionDeniedError` unless admin."""
    return _require(may_import(user), user, NEED_ADMIN)


def require_manage_users(user: User | None) -> User:
    """The user, or :class:`PermissionDeniedError` unless admin."""
    return _require(may_manage_users(user), user, NEED_ADMIN)


def network_office(conn: Connection, network_id: int) -> str:
    """The youth office a network belongs to; :class:`NotFoundError` when unknown."""
    office = conn.execute(
        select(Network.youth_office_id).where(Network.id == int(network_id))
    ).scalar()
    if office is None:
        raise NotFoundError(f"Das Netzwerk Nr. {network_id} gibt es nicht.")
    return str(office)


def require_network_edit(conn: Connection, user: User | None, network_id: int) -> User:
    """Look up the network's youth office and check the user may edit it (the refusal
    names the youth offices)."""
    office = network_office(conn, network_id)
    names = {str(r.id): str(r.name) for r in conn.execute(select(YouthOffice.id, YouthOffice.name))}
    return require_edit_network(user, office, names)


def parse_role_map(text: str) -> dict[str, str]:
    """``"praev-admin=admin,praev-editor=editor"`` → {claim value: role}; bad roles dropped."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        key, sep, role = part.partition("=")
        if sep and key.strip() and role.strip() in ROLES:
            mapping[key.strip()] = role.strip()
    return mapping


def user_from_claims(
    claims: Mapping[str, object], role_claim: str, role_map: Mapping[str, str]
) -> User:
    """Map an OIDC identity (``st.user``) to a :class:`User`: the highest mapped role wins.

    The role claim may be a list or a single string; values like ``praev-editor:neuss``
    give an editor for the youth office ``neuss`` (the part after the colon). Without a
    matching value the user is a viewer.
    """
    raw = claims.get(role_claim) or []
    listed = [str(v) for v in raw] if isinstance(raw, list | tuple) else []
    values = [raw] if isinstance(raw, str) else listed
    role, offices = "viewer", set()
    for value in values:
        base, _, office = value.partition(":")
        mapped = role_map.get(base)
        if mapped is None:
            continue
        if ROLES.index(mapped) > ROLES.index(role):
            role = mapped
        if office:
            offices.add(office.strip().lower())
    name = str(
        claims.get("preferred_username") or claims.get("email") or claims.get("sub") or "sso"
    )
    return User(
        name=name,
        role=role,
        youth_offices=tuple(sorted(offices)),
        display_name=str(claims.get("name") or ""),
    )
