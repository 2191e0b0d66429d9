"""A network's partner register: who works in the network, from which sector, since when.

The register belongs to the network (not to a quarter). A partner is **active at a day**
when it had joined by then (``joined_on`` empty or on/before the day) and had not left
(``left_on`` empty or after the day: ``left_on`` is the first day without the partner).
A network's partner count in a quarter is the number of partners active at the
quarter's end; where a network has no register yet (old imports), the count typed or
imported with the status stands.

The register is saved together with a quarterly status (:func:`core.network_entry.
save_status`): the form sends the register it loaded and the register as edited, and
:func:`apply_register` writes the difference (added, changed, removed rows), so that a
partner another coordinator added meanwhile is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from core.errors import Problem
from core.models import PARTNER_SECTORS, NetworkPartner
from core.present.numbers import format_date

#: The German label of each sector, the one place for them (form, tables, exports).
SECTOR_LABELS: dict[str, str] = {
    "jugendhilfe": "Jugendhilfe",
    "schule": "Schule",
    "gesundheit": "Gesundheit",
    "soziales": "Soziales",
    "freie_traeger": "Freie Träger",
    "arbeit": "Arbeit/Jobcenter",
    "ehrenamt": "Ehrenamt",
    "verwaltung": "Verwaltung",
    "sonstige": "Sonstige",
}
assert tuple(SECTOR_LABELS) == PARTNER_SECTORS
MAX_ORGANISATION = 300
REGISTER = "Partnerverzeichnis"
COLUMN_LABELS = {
    "organisation": "Organisation",
    "sector": "Bereich",
    "joined_on": "Dabei seit",
    "left_on": "Ausgeschieden am",
}


@dataclass(frozen=True)
class PartnerRow:
    """One row of the register as the form holds it; ``id`` None for a new partner."""

    organisation: str
    sector: str | None
    joined_on: dt.date | None = None
    left_on: dt.date | None = None
    id: int | None = None

    def values(self) -> dict[str, Any]:
        """The stored values (organisation trimmed)."""
        return {
            "organisation": (self.organisation or "").strip(),
            "sector": self.sector,
            "joined_on": self.joined_on,
            "left_on": self.left_on,
        }

    def is_blank(self) -> bool:
        """An empty line of the editor (ignored)."""
        return not (self.organisation or "").strip() and not self.sector and not self.joined_on


@dataclass(frozen=True)
class RegisterEdit:
    """A register as the form loaded it and as the user edited it."""

    loaded: tuple[PartnerRow, ...]
    edited: tuple[PartnerRow, ...]


def is_active(row: PartnerRow, day: dt.date) -> bool:
    """Whether the partner belongs to the network at the end of ``day``'s date."""
    joined = row.joined_on is None or row.joined_on <= day
    return joined and (row.left_on is None or row.left_on > day)


def register(conn: Connection, network_id: int) -> list[PartnerRow]:
    """The register of a network, ordered by sector (catalogue order) and organisation."""
    rows = conn.execute(
        select(NetworkPartner.__table__).where(NetworkPartner.network_id == network_id)
    ).mappings()
    found = [_row(r) for r in rows]
    order = {s: i for i, s in enumerate(PARTNER_SECTORS)}
    return sorted(found, key=lambda r: (order.get(r.sector or "", 99), r.organisation.casefold()))


def active_count(rows: Iterable[PartnerRow], day: dt.date) -> int:
    """The number of partners active at ``day``."""
    return sum(1 for r in rows if not r.is_blank() and is_active(r, day))


def by_sector(rows: Iterable[PartnerRow], day: dt.date) -> dict[str, int]:
    """Active partners per sector at ``day``, in catalogue order, sectors with none left out."""
    counts = dict.fromkeys(PARTNER_SECTORS, 0)
    for r in rows:
        if not r.is_blank() and is_active(r, day) and r.sector in counts:
            counts[r.sector] += 1
    return {s: n for s, n in counts.items() if n}


def sector_text(counts: dict[str, int]) -> str:
    """``"Jugendhilfe 4, Schule 3"`` (empty when there is none)."""
    return ", ".join(f"{SECTOR_LABELS.get(s, s)} {n}" for s, n in counts.items())


def registers(conn: Connection, network_ids: Sequence[int]) -> dict[int, list[PartnerRow]]:
    """The registers of several networks (networks without one are missing)."""
    if not network_ids:
        return {}
    stmt = select(NetworkPartner.__table__).where(NetworkPartner.network_id.in_(list(network_ids)))
    out: dict[int, list[PartnerRow]] = {}
    for r in conn.execute(stmt).mappings():
        out.setdefault(int(r["network_id"]), []).append(_row(r))
    return out


def _row(r: Any) -> PartnerRow:
    return PartnerRow(r["organisation"], r["sector"], r["joined_on"], r["left_on"], int(r["id"]))


def validate_register(rows: Sequence[PartnerRow], today: dt.date | None = None) -> list[Problem]:
    """Every problem of an edited register at once (blank lines are ignored); the row
    number is the line in the editor (1 = first)."""
    problems: list[Problem] = []
    today = today or dt.date.today()
    seen: dict[str, int] = {}

    def add(line: int, column: str, value: Any, problem: str, fix: str) -> None:
        shown = None if value is None else str(value)
        problems.append(
            Problem("Eingabe", None, f"{REGISTER}, Zeile {line}: {column}", shown, problem, fix)
        )

    for line, row in enumerate(rows, 1):
        if row.is_blank():
            continue
        name = (row.organisation or "").strip()
        if not name:
            add(
                line,
                COLUMN_LABELS["organisation"],
                None,
                "Der Name der Organisation fehlt",
                "Bitte den Namen eintragen oder die Zeile löschen.",
            )
        elif len(name) > MAX_ORGANISATION:
            add(
                line,
                COLUMN_LABELS["organisation"],
                None,
                f"Der Name ist länger als {MAX_ORGANISATION} Zeichen",
                "Bitte kürzen.",
            )
        if row.sector not in SECTOR_LABELS:
            add(
                line,
                COLUMN_LABELS["sector"],
                row.sector,
                "Der Bereich fehlt oder ist unbekannt",
                f"Bitte einen Bereich wählen: {', '.join(SECTOR_LABELS.values())}.",
            )
        if row.joined_on and row.joined_on > today:
            add(
                line,
                COLUMN_LABELS["joined_on"],
                format_date(row.joined_on),
                "Das Datum liegt in der Zukunft",
                "Bitte ein Datum bis heute eintragen.",
            )
        if row.joined_on and row.left_on and row.left_on < row.joined_on:
            add(
                line,
                COLUMN_LABELS["left_on"],
                format_date(row.left_on),
                "Der Partner schied vor seinem Beitritt aus",
                "Bitte beide Daten prüfen.",
            )
        key = name.casefold()
        if name and row.left_on is None:
            if key in seen:
                add(
                    line,
                    COLUMN_LABELS["organisation"],
                    name,
                    f"Diese Organisation steht schon in Zeile {seen[key]}",
                    "Bitte eine der beiden Zeilen löschen.",
                )
            else:
                seen[key] = line
    return problems


def _label(row: PartnerRow) -> str:
    return f"{row.organisation.strip()} ({SECTOR_LABELS.get(row.sector or '', row.sector)})"


def apply_register(
    conn: Connection,
    network_id: int,
    loaded: Sequence[PartnerRow],
    edited: Sequence[PartnerRow],
    user: str,
) -> list[str]:
    """Write the difference between the loaded and the edited register in the caller's
    transaction; returns the changes in German words for the audit entry (empty: no
    change). Rows another user added meanwhile stay; a row they removed meanwhile and
    this user changed is written anew."""
    stamp = {"updated_by": user.strip(), "updated_at": dt.datetime.now(dt.UTC).replace(tzinfo=None)}
    before = {r.id: r for r in loaded if r.id is not None}
    kept = {r.id for r in edited if r.id is not None}
    existing = set(
        conn.execute(
            select(NetworkPartner.id).where(NetworkPartner.network_id == network_id)
        ).scalars()
    )
    changes: list[str] = []
    for rid, row in before.items():
        if rid not in kept and rid in existing:
            conn.execute(delete(NetworkPartner).where(NetworkPartner.id == rid))
            changes.append(f"entfernt: {_label(row)}")
    for row in edited:
        if row.is_blank():
            continue
        values = row.values()
        old = before.get(row.id) if row.id is not None else None
        if old is not None and old.values() == values and row.id in existing:
            continue
        if row.id is not None and row.id in existing:
            conn.execute(
                update(NetworkPartner)
                .where(NetworkPartner.id == row.id, NetworkPartner.network_id == network_id)
                .values(**values, **stamp)
            )
        else:
            conn.execute(insert(NetworkPartner).values(network_id=network_id, **values, **stamp))
        changes.append(_change_text(old, row))
    return changes


def _change_text(old: PartnerRow | None, row: PartnerRow) -> str:
    if old is None:
        return f"neu: {_label(row)}"
    if row.left_on and not old.left_on:
        return f"ausgeschieden am {format_date(row.left_on)}: {_label(row)}"
    return f"geändert: {_label(row)}"
