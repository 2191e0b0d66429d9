"""Keeping one offer: the one validation (form and import), create, edit and close.

:func:`check` is the set of rules an offer must meet, wherever it comes from: the form
(:func:`save_offer`) and the offer import (:mod:`core.imports.offers`) both call it, so
an offer the form refuses is refused by the import with the same words, naming the form
field or the file's column. It returns every problem at once, each a German
:class:`~core.errors.Problem` with the fix.

Saving goes through :func:`core.versioning.write` (optimistic lock on ``offer.version``,
stamp, audit): the phases with their places are part of the record, written in the same
transaction and carried in the audit entry and in a conflict. Editors change the offers
of their own Jugendamt (the Sozialraum's ``youth_office_id``), admins every offer
(:func:`core.permissions.require_edit_network`); moving an offer to another Jugendamt
needs the right for both. Closing an offer sets ``active_to``; nothing is deleted.
:func:`possible_duplicates` finds offers of the same provider, type and Sozialraum, which
the form shows before saving a new one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from core import versioning
from core.errors import ConflictError, DataError, NotFoundError, PermissionDeniedError, Problem
from core.models import Area, LifePhase, Network, Offer, OfferLifePhase, OfferType, YouthOffice
from core.permissions import may_edit_network, require_edit_network
from core.present.numbers import format_date, format_number
from core.users import User

ENTITY = "offer"
WHAT = "Dieses Angebot"
NONE_YET = "dieses Angebot noch nicht"
FORM = "Eingabe"
MAX_NAME = 300
MAX_TARGET_GROUP = 500
MAX_LANGUAGES = 20
MAX_LANGUAGE = 50
MAX_PLACES = 10_000
EARLIEST = dt.date(1990, 1, 1)

#: German field names, as the form labels them (the import names its own columns).
FIELD_LABELS = {
    "name": "Name des Angebots",
    "provider": "Träger",
    "offer_type": "Angebotsart",
    "area": "Sozialraum",
    "phases": "Lebensphasen",
    "places": "Plätze",
    "capacity": "Plätze insgesamt",
    "active_from": "Aktiv ab",
    "active_to": "Aktiv bis",
    "funded_until": "Gefördert bis",
    "network": "Netzwerk",
    "target_group": "Zielgruppe",
    "free_of_charge": "kostenfrei",
    "outreach": "aufsuchend",
    "languages": "Sprachen",
}
#: The fields of the record that a user enters (compared in a conflict).
VALUE_FIELDS = (
    "name",
    "provider",
    "offer_type_id",
    "area_id",
    "places",
    "capacity",
    "active_from",
    "active_to",
    "funded_until",
    "network_id",
    "target_group",
    "free_of_charge",
    "outreach",
    "languages",
)
RECORD_FIELDS = ("id", *VALUE_FIELDS, "lat", "lon", "version", "updated_by", "updated_at")


@dataclass(frozen=True)
class OfferEntry:
    """One offer as a user entered it (unvalidated).

    ``offer_type`` and ``phases`` are ids or labels (the import passes what the file
    says); ``places`` maps a phase (id or label) to its places; ``languages`` a list.
    """

    name: str
    provider: str
    offer_type: str | None
    area_id: str | None
    phases: tuple[str, ...]
    places: Mapping[str, int | float | None] = field(default_factory=dict)
    capacity: int | float | None = None
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    funded_until: dt.date | None = None
    network_id: int | None = None
    target_group: str = ""
    free_of_charge: bool | None = None
    outreach: bool | None = None
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfferRules:
    """What :func:`check` compares against: the catalogue, the areas and the networks."""

    types: dict[str, str]  # normalised id or label -> offer type id
    phases: dict[str, str]  # normalised id or label -> life phase id
    phase_labels: dict[str, str]  # phase id -> label, in the catalogue's order
    area_office: dict[str, str | None]  # area id -> youth office (own or the parent's)
    area_district: dict[str, str | None]  # area id -> the Kreis above it
    network_office: dict[int, str]  # network id -> youth office
    network_scope: dict[int, str]  # network id -> scope area
    network_names: dict[int, str]


def normalize(text_: str) -> str:
    """The import's key of a text (lower case, umlauts spelled out), so that the form
    and the import match ids and labels alike (imported late: the import uses this
    module)."""
    from core.imports.values import normalize as key

    return key(text_)


def _lookup(rows: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for ident, label in rows:
        for variant in (ident, label, label.split("(")[0]):
            if normalize(variant):
                out.setdefault(normalize(variant), ident)
    return out


def rules(conn: Connection) -> OfferRules:
    """The rules' reference data, read once (the import reads it once per file)."""
    phase_rows = conn.execute(
        select(LifePhase.id, LifePhase.label).order_by(LifePhase.position)
    ).all()
    type_rows = conn.execute(select(OfferType.id, OfferType.label)).all()
    area_rows = {
        r.id: r for r in conn.execute(select(Area.id, Area.parent_id, Area.youth_office_id))
    }

    def office(aid: str | None, depth: int = 0) -> str | None:
        r = area_rows.get(aid) if aid else None
        if r is None or depth > 5:
            return None
        return r.youth_office_id or office(r.parent_id, depth + 1)

    def district(aid: str | None, depth: int = 0) -> str | None:
        r = area_rows.get(aid) if aid else None
        if r is None or depth > 5:
            return None
        return aid if r.parent_id is None else district(r.parent_id, depth + 1)

    nets = conn.execute(
        select(Network.id, Network.name, Network.youth_office_id, Network.scope_area_id)
    ).all()
    return OfferRules(
        types=_lookup([(r.id, r.label) for r in type_rows]),
        phases=_lookup([(r.id, r.label) for r in phase_rows]),
        phase_labels={r.id: r.label for r in phase_rows},
        area_office={a: office(a) for a in area_rows},
        area_district={a: district(a) for a in area_rows},
        network_office={r.id: str(r.youth_office_id) for r in nets},
        network_scope={r.id: str(r.scope_area_id) for r in nets},
        network_names={r.id: str(r.name) for r in nets},
    )


def short_phase(label: str) -> str:
    """``"Krippe (0–3)"`` → ``"Krippe"``: a phase's label without its age band."""
    return label.split("(")[0].strip()


def split_languages(value: str | None) -> tuple[str, ...]:
    """``"Deutsch, Türkisch; Arabisch"`` → the languages, stripped, each once."""
    parts = [p.strip() for p in re.split(r"[,;/|\n]", value or "")]
    return tuple(dict.fromkeys(p for p in parts if p))


def _whole(value: int | float | None) -> bool:
    return value is None or float(value).is_integer()


def check(
    entry: OfferEntry,
    r: OfferRules,
    file: str = FORM,
    row: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[list[Problem], dict[str, Any]]:
    """All problems of ``entry`` and, when there are none, the values to store.

    ``labels`` maps the canonical fields (keys of :data:`FIELD_LABELS`, and
    ``places:<phase id>`` for a phase's places) to what the user sees (form label or
    file column). The values: the offer's columns plus ``phase_places`` {phase: places}.
    """
    names = {**FIELD_LABELS, **(labels or {})}
    problems: list[Problem] = []

    def bad(key: str, value: Any, problem: str, fix: str) -> None:
        shown = None if value in (None, "") else str(value)
        problems.append(Problem(file, row, names.get(key, key), shown, problem, fix))

    name, provider = entry.name.strip(), entry.provider.strip()
    for key, value, what in (("name", name, "Name"), ("provider", provider, "Träger")):
        if not value:
            bad(
                key,
                None,
                f"Der {what} fehlt",
                "Den Namen des Angebots und seinen Träger eintragen.",
            )
        elif len(value) > MAX_NAME:
            bad(key, None, f"Der {what} ist {len(value)} Zeichen lang", f"Höchstens {MAX_NAME}.")
    type_id = r.types.get(normalize(entry.offer_type or ""))
    if type_id is None:
        bad(
            "offer_type",
            entry.offer_type,
            "Diese Angebotsart gibt es nicht" if entry.offer_type else "Die Angebotsart fehlt",
            "Eine der sechs Arten eintragen: Begleitung, Begegnung, Bildung, Beratung, "
            "Betreuung, Information.",
        )
    office = r.area_office.get(entry.area_id or "")
    if not entry.area_id:
        bad("area", None, "Der Sozialraum fehlt", "Den Sozialraum des Angebots wählen.")
    elif entry.area_id not in r.area_office:
        bad(
            "area",
            entry.area_id,
            "Dieses Gebiet gibt es in der Datenbank nicht",
            "Die Kennung prüfen oder zuerst die Gebiete importieren.",
        )
    phase_ids: list[str] = []
    unknown: list[str] = []
    for p in entry.phases:
        pid = r.phases.get(normalize(p))
        if pid is None:
            unknown.append(p.strip())
        elif pid not in phase_ids:
            phase_ids.append(pid)
    if unknown or not phase_ids:
        bad(
            "phases",
            ", ".join(entry.phases),
            "Unbekannte Lebensphase: " + ", ".join(unknown) if unknown else "Die Lebensphase fehlt",
            "Eine oder mehrere wählen: " + ", ".join(r.phase_labels.values()) + ".",
        )
    order = list(r.phase_labels)
    phase_ids.sort(key=lambda p: order.index(p) if p in order else len(order))
    places: dict[str, int | None] = dict.fromkeys(phase_ids)
    for key, count in entry.places.items():
        if count is None:
            continue
        pid = r.phases.get(normalize(key), key)
        label = names.get(f"places:{pid}", f"Plätze {short_phase(r.phase_labels.get(pid, key))}")
        if count < 0 or not _whole(count) or count > MAX_PLACES:
            problems.append(
                Problem(
                    file,
                    row,
                    label,
                    format_number(count, 2),
                    "Plätze sind eine ganze Zahl von 0 bis " + format_number(MAX_PLACES, 0),
                    "Die Zahl der Plätze in dieser Lebensphase eintragen oder leer lassen.",
                )
            )
        elif pid not in places:
            problems.append(
                Problem(
                    file,
                    row,
                    label,
                    format_number(count, 0),
                    "Plätze für eine Lebensphase, die das Angebot nicht bedient",
                    "Die Lebensphase bei den Lebensphasen ergänzen oder die Plätze leer lassen.",
                )
            )
        else:
            places[pid] = int(count)
    capacity = entry.capacity
    if capacity is not None and (capacity < 0 or not _whole(capacity) or capacity > MAX_PLACES):
        bad(
            "capacity",
            format_number(capacity, 2),
            "Plätze sind eine ganze Zahl von 0 bis " + format_number(MAX_PLACES, 0),
            "Die Zahl der Plätze eintragen oder leer lassen, wenn sie nicht bekannt ist.",
        )
        capacity = None
    given = [v for v in places.values() if v is not None]
    if capacity is not None and given and sum(given) > capacity:
        bad(
            "capacity",
            format_number(capacity, 0),
            f"Die Plätze der Lebensphasen ergeben zusammen {format_number(sum(given), 0)}, "
            "mehr als die Plätze insgesamt",
            "Die Plätze insgesamt erhöhen oder die Plätze je Lebensphase prüfen.",
        )
    if capacity is None and given and len(given) == len(places):
        capacity = sum(given)  # every phase has its places: the total follows
    start, end, funded = entry.active_from, entry.active_to, entry.funded_until
    for key, day in (("active_from", start), ("active_to", end), ("funded_until", funded)):
        if day is not None and day < EARLIEST:
            bad(key, format_date(day), "Das Datum ist unplausibel früh", "Jahreszahl prüfen.")
    if start is None:
        bad(
            "active_from",
            None,
            "Der Beginn fehlt",
            "Das Datum eintragen, seit dem es das Angebot gibt.",
        )
    elif end is not None and end < start:
        bad(
            "active_to",
            format_date(end),
            f"Das Ende liegt vor dem Beginn ({format_date(start)})",
            "Beginn und Ende prüfen.",
        )
    if start is not None and funded is not None and funded < start:
        bad(
            "funded_until",
            format_date(funded),
            f"Die Förderung endet vor dem Beginn des Angebots ({format_date(start)})",
            "Das Datum des Förderendes prüfen oder leer lassen.",
        )
    if entry.network_id is not None:
        net = int(entry.network_id)
        if net not in r.network_office:
            bad(
                "network",
                str(net),
                "Dieses Netzwerk gibt es nicht",
                "Ein Netzwerk aus der Liste wählen.",
            )
        elif office is not None and not (
            r.network_office[net] == office
            or r.network_scope[net] == r.area_district.get(entry.area_id or "")
        ):
            bad(
                "network",
                r.network_names[net],
                "Das Netzwerk gehört zu einem anderen Jugendamt als der Sozialraum",
                "Ein Netzwerk des eigenen Jugendamts (oder des Kreises) wählen oder leer lassen.",
            )
    target = (entry.target_group or "").strip()
    if len(target) > MAX_TARGET_GROUP:
        bad(
            "target_group",
            None,
            f"Die Zielgruppe ist {len(target)} Zeichen lang",
            f"Kürzer fassen: höchstens {MAX_TARGET_GROUP} Zeichen.",
        )
    languages = tuple(dict.fromkeys(s.strip() for s in entry.languages if s.strip()))
    too_long = [s for s in languages if len(s) > MAX_LANGUAGE]
    if too_long or len(languages) > MAX_LANGUAGES:
        bad(
            "languages",
            ", ".join(languages)[:80],
            "Die Sprachen sind keine Liste einzelner Sprachen",
            f"Höchstens {MAX_LANGUAGES} Sprachen, durch Komma getrennt, z. B. „Deutsch, Türkisch“.",
        )
    for key in ("free_of_charge", "outreach"):
        value = getattr(entry, key)
        if value is not None and not isinstance(value, bool):
            bad(key, value, "Hier wird ja oder nein erwartet", "„ja“, „nein“ oder leer eintragen.")
    if problems:
        return problems, {}
    return [], {
        "name": name,
        "provider": provider,
        "offer_type_id": type_id,
        "area_id": entry.area_id,
        "capacity": int(capacity) if capacity is not None else None,
        "active_from": start,
        "active_to": end,
        "funded_until": funded,
        "network_id": int(entry.network_id) if entry.network_id is not None else None,
        "target_group": target,
        "free_of_charge": entry.free_of_charge,
        "outreach": entry.outreach,
        "languages": ", ".join(languages),
        "phase_places": places,
    }


# --- reading ----------------------------------------------------------------------------


def _phases(conn: Connection, offer_id: int) -> dict[str, int | None]:
    rows = conn.execute(
        select(OfferLifePhase.life_phase_id, OfferLifePhase.places)
        .join(LifePhase, LifePhase.id == OfferLifePhase.life_phase_id)
        .where(OfferLifePhase.offer_id == offer_id)
        .order_by(LifePhase.position)
    ).all()
    return {str(p): (int(n) if n is not None else None) for p, n in rows}


def _shape(row: Mapping[str, Any], places: Mapping[str, int | None]) -> dict[str, Any]:
    rec = {k: row.get(k) for k in RECORD_FIELDS if k != "places"}
    rec["places"] = dict(places)
    return rec


def offer_record(conn: Connection, offer_id: int) -> dict[str, Any] | None:
    """One offer as the form edits it (``places``: phase id -> places or None), or None."""
    found = versioning.row(conn, Offer.__table__, [Offer.id == int(offer_id)])  # type: ignore[arg-type]
    return _shape(found, _phases(conn, int(offer_id))) if found else None


def entry_of(record: Mapping[str, Any]) -> OfferEntry:
    """The entry that would save ``record`` unchanged (the form's starting values)."""
    return OfferEntry(
        name=record["name"],
        provider=record["provider"],
        offer_type=record["offer_type_id"],
        area_id=record["area_id"],
        phases=tuple(record["places"]),
        places=dict(record["places"]),
        capacity=record["capacity"],
        active_from=record["active_from"],
        active_to=record["active_to"],
        funded_until=record["funded_until"],
        network_id=record["network_id"],
        target_group=record["target_group"] or "",
        free_of_charge=record["free_of_charge"],
        outreach=record["outreach"],
        languages=split_languages(record["languages"]),
    )


def _provider_key(text_: str) -> str:
    return " ".join((text_ or "").casefold().split())


def possible_duplicates(
    conn: Connection,
    provider: str,
    offer_type_id: str | None,
    area_id: str | None,
    exclude_id: int | None = None,
) -> list[dict[str, Any]]:
    """Offers of the same provider (ignoring case and spaces), type and Sozialraum,
    active or closed, other than ``exclude_id``: id, name, provider, active_from, active_to."""
    if not offer_type_id or not area_id or not _provider_key(provider):
        return []
    stmt = (
        select(Offer.id, Offer.name, Offer.provider, Offer.active_from, Offer.active_to)
        .where(Offer.offer_type_id == offer_type_id, Offer.area_id == area_id)
        .order_by(Offer.id)
    )
    if exclude_id is not None:
        stmt = stmt.where(Offer.id != int(exclude_id))
    want = _provider_key(provider)
    return [dict(r) for r in conn.execute(stmt).mappings() if _provider_key(r["provider"]) == want]


# --- writing ----------------------------------------------------------------------------


def _names(conn: Connection) -> dict[str, str]:
    return {str(r.id): str(r.name) for r in conn.execute(select(YouthOffice.id, YouthOffice.name))}


NO_OFFICE = (
    "Der Sozialraum dieses Angebots ist keinem Jugendamt zugeordnet, daher kann ihn keine "
    "Netzwerk-Koordination bearbeiten. Nichts wurde gespeichert. Die Administration ordnet "
    "die Gebiete einem Jugendamt zu (Import der Kommunen oder Sozialräume mit der Spalte "
    "„Jugendamt“)."
)


def _allowed(conn: Connection, user: User | None, offices: list[str | None]) -> User:
    names = _names(conn)
    allowed = None
    for office in dict.fromkeys(offices):
        if not office and user is not None and not may_edit_network(user, ""):
            raise PermissionDeniedError(NO_OFFICE)
        allowed = require_edit_network(user, office or "", names)
    assert allowed is not None
    return allowed


def _new_id(conn: Connection) -> int:
    """The id of a new offer, reserved before the locked write (which selects by id)."""
    if conn.dialect.name == "postgresql":
        seq = text("SELECT nextval(pg_get_serial_sequence('offer', 'id'))")
        return int(conn.execute(seq).scalar_one())
    return int(conn.execute(select(func.max(Offer.id))).scalar() or 0) + 1


def _write(
    conn: Connection,
    offer_id: int,
    expected_version: int | None,
    values: dict[str, Any],
    places: dict[str, int | None] | None,
    user: str,
) -> dict[str, Any]:
    """Write the offer (and, when ``places`` is given, its phases) under the lock."""
    locked = versioning.row(conn, Offer.__table__, [Offer.id == offer_id], lock=True)  # type: ignore[arg-type]
    before = _phases(conn, offer_id) if locked else {}
    before_version = locked["version"] if locked else None
    mine = places if places is not None else before

    def shape(row: dict[str, Any]) -> dict[str, Any]:
        # the locked row (old, or theirs in a conflict) with its phases; else the new one
        return _shape(row, before if row["version"] == before_version else mine)

    _, _, saved = versioning.write(
        conn,
        Offer,
        [Offer.id == offer_id],
        expected_version,
        values,
        user,
        ENTITY,
        lambda rec: str(rec["id"]),
        shape=shape,
        what=WHAT,
        none_yet=NONE_YET,
    )
    if places is not None and places != before:
        conn.execute(delete(OfferLifePhase).where(OfferLifePhase.offer_id == offer_id))
        conn.execute(
            insert(OfferLifePhase),
            [{"offer_id": offer_id, "life_phase_id": p, "places": n} for p, n in places.items()],
        )
    return saved


def save_offer(
    engine: Engine,
    user: User | None,
    entry: OfferEntry,
    offer_id: int | None = None,
    expected_version: int | None = None,
    _retry: bool = True,
) -> dict[str, Any]:
    """Validate and save one offer (new when ``offer_id`` is None); returns the record.

    Raises :class:`DataError` (every problem, nothing written),
    :class:`~core.errors.PermissionDeniedError` (not the user's Jugendamt),
    :class:`ConflictError` (someone saved meanwhile; ``.current`` is their record) or
    :class:`NotFoundError` (the offer does not exist). Writes one audit entry.
    """
    try:
        with engine.begin() as conn:
            old = offer_record(conn, offer_id) if offer_id is not None else None
            if offer_id is not None and old is None:
                raise NotFoundError(f"Das Angebot Nr. {offer_id} gibt es nicht (mehr).")
            r = rules(conn)
            offices = [r.area_office.get(entry.area_id or "")]
            if old is not None:
                offices.insert(0, r.area_office.get(old["area_id"]))
            problems, values = check(entry, r)
            if problems and entry.area_id not in r.area_office:
                raise DataError(problems)  # no Jugendamt to ask about yet
            allowed = _allowed(conn, user, offices)
            if problems:
                raise DataError(problems)
            places = values.pop("phase_places")
            new_id = offer_id if offer_id is not None else _new_id(conn)
            if offer_id is None:
                values["id"] = new_id
            return _write(conn, new_id, expected_version, values, places, allowed.name)
    except IntegrityError:
        # two new offers took the same number at the same moment: try once more
        if offer_id is not None or not _retry:
            raise
        return save_offer(engine, user, entry, None, None, _retry=False)


def close_offer(
    engine: Engine,
    user: User | None,
    offer_id: int,
    expected_version: int | None,
    active_to: dt.date,
) -> dict[str, Any]:
    """End an offer on ``active_to`` (its last active day); returns the record."""
    with engine.begin() as conn:
        old = offer_record(conn, offer_id)
        if old is None:
            raise NotFoundError(f"Das Angebot Nr. {offer_id} gibt es nicht (mehr).")
        r = rules(conn)
        allowed = _allowed(conn, user, [r.area_office.get(old["area_id"])])
        if active_to < old["active_from"]:
            raise DataError(
                Problem(
                    FORM,
                    None,
                    "Angebot beenden zum",
                    format_date(active_to),
                    f"Das Ende liegt vor dem Beginn ({format_date(old['active_from'])})",
                    "Ein Datum ab dem Beginn des Angebots wählen.",
                )
            )
        return _write(
            conn, offer_id, expected_version, {"active_to": active_to}, None, allowed.name
        )


def differences(mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
    """The value fields in which two versions of an offer differ (form order)."""
    return [f for f in VALUE_FIELDS if mine.get(f) != theirs.get(f)]


__all__ = [
    "ENTITY",
    "FIELD_LABELS",
    "ConflictError",
    "OfferEntry",
    "OfferRules",
    "check",
    "close_offer",
    "differences",
    "entry_of",
    "offer_record",
    "possible_duplicates",
    "rules",
    "save_offer",
    "split_languages",
]


def office_choices(conn: Connection, youth_office_id: str) -> dict[str, list[tuple[Any, str]]]:
    """What the form offers for one Jugendamt: its Sozialräume (id, "Name (Kommune)"),
    the networks an offer may belong to (the Jugendamt's and the Kreis's) and its offers
    (id, "Name · Träger · Sozialraum"), each sorted by name."""
    r = rules(conn)
    area_rows = conn.execute(
        select(Area.id, Area.name, Area.level, Area.parent_id).order_by(Area.name)
    ).all()
    names = {a.id: a.name for a in area_rows}
    own = [a for a in area_rows if a.level == "area" and r.area_office.get(a.id) == youth_office_id]
    districts = {r.area_district.get(a.id) for a in own}
    nets = sorted(
        (name, nid)
        for nid, name in r.network_names.items()
        if r.network_office[nid] == youth_office_id or r.network_scope[nid] in districts
    )
    own_ids = [a.id for a in own]
    offers = conn.execute(
        select(Offer.id, Offer.name, Offer.provider, Offer.area_id)
        .where(Offer.area_id.in_(own_ids))
        .order_by(Offer.name, Offer.id)
    ).all()
    return {
        "areas": [(a.id, f"{a.name} ({names.get(a.parent_id, '')})") for a in own],
        "networks": [(nid, name) for name, nid in nets],
        "offers": [
            (o.id, f"{o.name} · {o.provider} · {names.get(o.area_id, o.area_id)}") for o in offers
        ],
    }
