"""Reporting a network's status as each role meets it (AppTest on a copy of the demo
data): an editor chooses only among her own networks, a viewer is told what her role
allows and whom to ask, and a refused save names youth offices, never their ids."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.db import make_engine
from core.errors import PermissionDeniedError
from core.network_entry import StatusEntry, reportable_networks, save_status
from core.networks import networks
from core.users import User
from tests.app_support import open_app, shown_text
from tests.auth_support import log_in, use_local_login, users_file

OTHER_OFFICE_NETWORK = "Netzwerk Frühe Hilfen Dormagen"
RAW_IDS = re.compile(r"\b(neuss|dormagen|kreis|kaarst|meerbusch|grevenbroich)\b")


def _signed_in(monkeypatch: pytest.MonkeyPatch, url: str, name: str | None) -> AppTest:
    folder = Path(url.removeprefix("sqlite:///")).parent
    use_local_login(monkeypatch, users_file(folder), public=True)
    at = open_app(monkeypatch, url, page="netzwerke")
    if name:
        log_in(at, name, where="sidebar")
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame(url: str) -> pd.DataFrame:
    engine = make_engine(url)
    with engine.connect() as conn:
        frame = networks(conn)
    engine.dispose()
    return frame


def test_an_editor_chooses_only_among_her_own_networks(monkeypatch, writable_url) -> None:
    at = _signed_in(monkeypatch, writable_url, "nina")
    frame = _frame(writable_url)
    neuss = set(frame.loc[frame["youth_office_id"] == "neuss", "name"])
    box = at.selectbox(key="nf_network")
    assert len(frame) == 52
    assert set(box.options) == neuss  # 12 of 52, names without an office prefix
    assert OTHER_OFFICE_NETWORK not in box.options
    assert not at.warning
    save = next(b for b in at.button if b.label == "Speichern")
    assert not save.disabled


def test_an_editor_whose_office_is_not_in_the_page_scope_still_gets_her_networks(
    monkeypatch, writable_url
) -> None:
    at = _signed_in(monkeypatch, writable_url, "nina")
    at.selectbox(key="net_office_kreis").select("dormagen").run()
    assert "von 10 Netzwerken haben" in shown_text(at)  # the page shows Dormagen's
    frame = _frame(writable_url)
    neuss = set(frame.loc[frame["youth_office_id"] == "neuss", "name"])
    assert set(at.selectbox(key="nf_network").options) == neuss
    assert "für die Sie melden: Jugendamt der Stadt Neuss" in shown_text(at)


def test_an_admin_sees_every_network_grouped_by_youth_office(monkeypatch, writable_url) -> None:
    at = _signed_in(monkeypatch, writable_url, "anton")
    options = at.selectbox(key="nf_network").options
    assert len(options) == 52
    offices = [o.split(" · ")[0] for o in options]
    assert offices == sorted(offices)  # grouped: each office's networks together
    assert "Dormagen · Netzwerk Frühe Hilfen Dormagen" in options
    assert {"Kreisjugendamt", "Neuss", "Dormagen"} <= set(offices)


def test_a_viewer_is_told_her_role_does_not_allow_reporting(monkeypatch, writable_url) -> None:
    at = _signed_in(monkeypatch, writable_url, "vera")
    text = shown_text(at)
    assert "Ihre Rolle „Lesen“ erlaubt das Lesen, aber keine Meldung" in text
    assert "bitten Sie die Administration" in text
    assert "Bitte melden Sie sich dafür an" not in text
    assert not [b for b in at.button if b.label == "Speichern"]


def test_an_anonymous_visitor_is_asked_to_sign_in(monkeypatch, writable_url) -> None:
    at = _signed_in(monkeypatch, writable_url, None)
    assert "Bitte melden Sie sich dafür an" in shown_text(at)
    assert not [b for b in at.button if b.label == "Speichern"]


# --- the rule in core ------------------------------------------------------------------

NINA = User("nina", "editor", ("neuss",))


def test_the_rule_lists_own_networks_first_and_only_those(demo_url) -> None:
    frame = _frame(demo_url)
    mine = reportable_networks(frame, NINA)
    assert set(mine["youth_office_id"]) == {"neuss"}
    assert mine["label"].tolist() == mine["name"].tolist()
    two = reportable_networks(frame, User("ina", "editor", ("neuss", "kaarst")))
    assert set(two["youth_office_id"]) == {"neuss", "kaarst"}
    assert two["label"].iloc[0].startswith("Kaarst · ") or two["label"].iloc[0].startswith(
        "Neuss · "
    )
    boss = reportable_networks(frame, User("chef", "admin", ("neuss",)))
    assert len(boss) == 52
    assert set(boss["youth_office_id"].iloc[:12]) == {"neuss"}  # her own office first
    assert reportable_networks(frame, User("vera", "viewer")).empty
    assert reportable_networks(frame, None).empty


def test_the_save_refuses_another_office_and_names_both_offices(writable_url) -> None:
    frame = _frame(writable_url)
    nid = int(frame.loc[frame["name"] == OTHER_OFFICE_NETWORK, "network_id"].iloc[0])
    entry = StatusEntry(nid, "2026-Q3", 2, 5, 3, "gelb")
    engine = make_engine(writable_url)
    with pytest.raises(PermissionDeniedError) as caught:
        save_status(engine, NINA, entry, None)
    message = str(caught.value)
    assert "gehört zum Jugendamt der Stadt Dormagen" in message
    assert "Sie melden für: Jugendamt der Stadt Neuss" in message
    assert not RAW_IDS.search(message), message
    with engine.connect() as conn:
        saved = conn.exec_driver_sql(
            f"select count(*) from network_status where network_id={nid} and quarter='2026-Q3'"
        ).scalar()
    engine.dispose()
    assert saved == 0
