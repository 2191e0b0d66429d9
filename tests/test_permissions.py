"""Who may do what (core.permissions), the OIDC role mapping and the production start check."""

from __future__ import annotations

import re

import pytest

from core.config import startup_problems
from core.errors import PermissionDeniedError
from core.permissions import (
    may_create_snapshot,
    may_edit_network,
    may_import,
    may_manage_users,
    may_read,
    parse_role_map,
    report_refusal,
    require_edit_network,
    require_import,
    user_from_claims,
)
from core.users import User

VIEWER = User("vera", "viewer")
EDITOR = User("nina", "editor", ("neuss",))
ADMIN = User("anton", "admin")
OFFICE_NAMES = {
    "neuss": "Jugendamt der Stadt Neuss",
    "dormagen": "Jugendamt der Stadt Dormagen",
    "kaarst": "Jugendamt der Stadt Kaarst",
    "kreis": "Kreisjugendamt Rhein-Kreis Neuss",
}

# user, may read (not public), edit neuss, edit dormagen, snapshot, import, manage users
TABLE = [
    (None, False, False, False, False, False, False),
    (VIEWER, True, False, False, False, False, False),
    (EDITOR, True, True, False, True, False, False),
    (ADMIN, True, True, True, True, True, True),
]


@pytest.mark.parametrize(
    ("user", "read", "neuss", "dormagen", "snapshot", "imports", "users"),
    TABLE,
    ids=["anonym", "viewer", "editor-neuss", "admin"],
)
def test_roles(user, read, neuss, dormagen, snapshot, imports, users) -> None:  # type: ignore[no-untyped-def]
    assert may_read(user, public=False) is read
    assert may_read(user, public=True) is True
    assert may_edit_network(user, "neuss") is neuss
    assert may_edit_network(user, "dormagen") is dormagen
    assert may_create_snapshot(user) is snapshot
    assert may_import(user) is imports
    assert may_manage_users(user) is users


@pytest.mark.parametrize(
    ("user", "office", "message"),
    [
        (None, "neuss", "Bitte melden Sie sich an"),
        (VIEWER, "neuss", "nur die Netzwerk-Koordination"),
        (
            EDITOR,
            "dormagen",
            "Dieses Netzwerk gehört zum Jugendamt der Stadt Dormagen; Sie melden für: "
            "Jugendamt der Stadt Neuss. Nichts wurde gespeichert.",
        ),
        (
            User("ina", "editor", ("neuss", "kaarst")),
            "kreis",
            "gehört zum Kreisjugendamt Rhein-Kreis Neuss; Sie melden für: Jugendamt der "
            "Stadt Neuss und Jugendamt der Stadt Kaarst.",
        ),
    ],
)
def test_require_edit_network_says_why_in_german(user, office, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError, match=re.escape(message)):
        require_edit_network(user, office, OFFICE_NAMES)


@pytest.mark.parametrize(
    ("user", "says"),
    [
        (None, None),
        (VIEWER, "Ihre Rolle „Lesen“ erlaubt das Lesen, aber keine Meldung."),
        (User("olga", "editor", ()), "Ihrer Rolle „Netzwerk-Koordination“ ist noch kein Jugendamt"),
        (EDITOR, None),
        (ADMIN, None),
    ],
    ids=["anonym", "viewer", "editor-without-office", "editor", "admin"],
)
def test_report_refusal_names_the_role_and_whom_to_ask(user, says) -> None:  # type: ignore[no-untyped-def]
    refusal = report_refusal(user)
    if says is None:
        assert refusal is None
    else:
        assert refusal is not None and refusal.startswith(says)
        assert "Administration" in refusal


def test_require_import_refuses_editors() -> None:
    with pytest.raises(PermissionDeniedError, match="nur die Administration"):
        require_import(EDITOR)
    assert require_import(ADMIN) is ADMIN


MAP = parse_role_map("praev-admin=admin, praev-editor=editor,kaputt=chef,ohne")


@pytest.mark.parametrize(
    ("claims", "role", "offices"),
    [
        ({"roles": ["praev-admin"]}, "admin", ()),
        ({"roles": ["praev-editor:neuss", "praev-editor:kaarst"]}, "editor", ("kaarst", "neuss")),
        ({"roles": "praev-editor:dormagen"}, "editor", ("dormagen",)),
        ({"roles": ["andere-app"]}, "viewer", ()),
        ({"roles": ["kaputt"]}, "viewer", ()),  # unknown role in the map is dropped
        ({}, "viewer", ()),
        ({"roles": ["praev-editor:neuss", "praev-admin"]}, "admin", ("neuss",)),
    ],
)
def test_oidc_claims_map_to_roles(claims, role, offices) -> None:  # type: ignore[no-untyped-def]
    user = user_from_claims({"preferred_username": "p.muster", **claims}, "roles", MAP)
    assert (user.name, user.role, user.youth_offices) == ("p.muster", role, offices)


def test_role_map_parsing() -> None:
    assert MAP == {"praev-admin": "admin", "praev-editor": "editor"}


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({}, None),
        ({"PRAEV_AUTH": "none"}, None),  # fine outside production
        ({"PRAEV_AUTH": "ldap"}, "PRAEV_AUTH='ldap' ist unbekannt"),
        ({"PRAEV_PRODUCTION": "1"}, "braucht die App einen geheimen Schlüssel"),
        ({"PRAEV_PRODUCTION": "1", "PRAEV_COOKIE_KEY": "change-me"}, "geheimen Schlüssel"),
        ({"PRAEV_PRODUCTION": "1", "PRAEV_COOKIE_KEY": "x" * 40}, None),
        (
            {"PRAEV_PRODUCTION": "1", "PRAEV_COOKIE_KEY": "x" * 40, "PRAEV_AUTH": "none"},
            "PRAEV_AUTH=none",
        ),
    ],
)
def test_production_start_check(monkeypatch: pytest.MonkeyPatch, env, problem) -> None:  # type: ignore[no-untyped-def]
    for name in ("PRAEV_AUTH", "PRAEV_PRODUCTION", "PRAEV_COOKIE_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    found = "\n".join(startup_problems())
    if problem is None:
        assert found == ""
    else:
        assert problem in found
