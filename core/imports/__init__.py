"""Loading real data: areas, indicator values, population, offers and network status.

Every import runs the same way, from the page and from ``python -m core import``:

1. :func:`preview` reads and checks the file and classifies each row as new, changed
   or unchanged, without writing (a :class:`core.errors.DataError` lists *all*
   problems at once; warnings come back with the plan).
2. :func:`run_import` does it again inside one transaction and writes the rows with
   an import batch; with an error or unaccepted warnings nothing is written.
3. :func:`rollback_batch` undoes a batch.

Writes take the :class:`~core.users.User` who asks (the shell writes as
:func:`core.permissions.operator`), check the permission and write the audit entry in
their own transaction.

A database holding the demo data refuses real data unless ``replace_demo`` is set:
then all demo data are deleted first, in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from core.errors import ConflictError, DataError, NotFoundError, PraevError, Problem
from core.imports import areas, indicators, network_status, offers, population, quality
from core.imports.archive import Limits, check_upload
from core.imports.batch import KIND_LABELS, Plan, Progress, write_plan
from core.imports.options import ImportOptions
from core.imports.rollback import batches, delete_demo, rollback
from core.imports.tables import ImportFile
from core.inventory import is_demo
from core.permissions import require_import
from core.publication import publish_all
from core.users import User

KINDS: dict[str, Callable[[Connection, list[ImportFile], ImportOptions], Plan]] = {
    "areas": areas.prepare,
    "indicators": indicators.prepare,
    "population": population.prepare,
    "offers": offers.prepare,
    "networks": network_status.prepare,
    "quality": quality.prepare,
}
DEMO_REFUSED = (
    "Die Datenbank enthält Demodaten. Echte Daten werden nicht mit Demodaten gemischt. "
    "Mit „--replace-demo“ (auf der Seite: „Demodaten vorher löschen“) werden alle "
    "Demodaten in derselben Transaktion gelöscht und dann die Datei importiert."
)
UNEXPECTED = (
    "Die Datei konnte nicht verarbeitet werden (unerwarteter Fehler beim Lesen; die "
    "Einzelheiten stehen im Protokoll der Anwendung)"
)
UNEXPECTED_FIX = (
    "Die Datei mit der Vorlage vergleichen und neu speichern (Tabellen: CSV UTF-8 oder "
    "XLSX; Gebiete: GeoPackage oder GeoJSON); hilft das nicht, die Datei der Verwaltung "
    "schicken."
)
log = logging.getLogger(__name__)


class WarningsNotAcceptedError(DataError):
    """The file is fine except for warnings the user has not accepted yet."""

    def __init__(self, warnings: list[Problem]):
        self.problems = []
        self.warnings = warnings
        lines = [w.as_text() for w in warnings[:20]]
        head = (
            f"Es wurde nichts geändert: {len(warnings)} Warnung(en) müssen erst bestätigt "
            "werden (Kommandozeile: --accept-warnings; Seite: „Warnungen akzeptieren“)."
        )
        Exception.__init__(self, "\n".join([head, *lines]))


@dataclass
class ImportResult:
    """What an import did: its batch (0 when nothing changed) and the row counts."""

    batch_id: int
    counts: dict[str, int]
    warnings: list[Problem] = field(default_factory=list)
    replaced_demo: bool = False


def _kind(kind: str) -> Callable[[Connection, list[ImportFile], ImportOptions], Plan]:
    if kind not in KINDS:
        raise NotFoundError(f"Unbekannte Importart „{kind}“. Möglich: {', '.join(KINDS)}.")
    return KINDS[kind]


def _plan(
    conn: Connection, kind: str, files: list[ImportFile], options: ImportOptions, replace_demo: bool
) -> tuple[Plan, bool]:
    prepare = _kind(kind)
    demo = is_demo(conn)
    if demo and not replace_demo:
        raise ConflictError(DEMO_REFUSED)
    if demo:
        delete_demo(conn)
    return _checked(prepare, conn, files, options), demo


def _checked(
    prepare: Callable[[Connection, list[ImportFile], ImportOptions], Plan],
    conn: Connection,
    files: list[ImportFile],
    options: ImportOptions,
) -> Plan:
    """Run a file reader with the safety net: an unexpected error (a library's, in English,
    perhaps naming a temporary path) becomes a German DataError; the original is logged.
    Database errors are not the file's fault and pass unchanged."""
    limits = Limits.current()
    for f in files:
        check_upload(f.name, len(f.data), limits)
    try:
        return prepare(conn, files, options)
    except (PraevError, SQLAlchemyError):
        raise
    except Exception as exc:  # the last safety net for file readers
        names = ", ".join(f.name for f in files) or "(keine Datei)"
        log.exception("unexpected error while reading import file(s) %r", names)
        raise DataError(Problem(names, None, None, None, UNEXPECTED, UNEXPECTED_FIX)) from exc


def preview(
    engine: Engine,
    kind: str,
    files: list[ImportFile],
    options: ImportOptions | None = None,
    replace_demo: bool = False,
) -> Plan:
    """Check a file and classify its rows without writing anything."""
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            plan, _ = _plan(conn, kind, files, options or ImportOptions(), replace_demo)
        finally:
            trans.rollback()
    return plan


@dataclass(frozen=True)
class Checked:
    """A checked file as data: the plan, or the problems that stop it."""

    plan: Plan | None
    problems: list[Problem] = field(default_factory=list)


def check(run: Callable[[], Plan]) -> Checked:
    """Run a :func:`preview` (``run``, e.g. a ``functools.partial``) and return the
    file's problems as a German list instead of raising them (for the page, which
    shows them as a table to fix)."""
    try:
        return Checked(run())
    except DataError as exc:
        return Checked(None, list(exc.problems))


def run_import(
    engine: Engine,
    kind: str,
    files: list[ImportFile],
    options: ImportOptions | None = None,
    *,
    accept_warnings: bool = False,
    replace_demo: bool = False,
    user: User | None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check and write a file in one transaction; all or nothing.

    ``user`` must be given (no default): only the administration imports
    (:class:`~core.errors.PermissionDeniedError` otherwise, nothing written); the shell
    names its operator (:func:`core.permissions.operator`). The batch and its audit
    entry carry the user's name.
    """
    with engine.begin() as conn:
        allowed = require_import(user)
        plan, replaced = _plan(conn, kind, files, options or ImportOptions(), replace_demo)
        if plan.warnings and not accept_warnings:
            raise WarningsNotAcceptedError(plan.warnings)
        batch_id = write_plan(conn, plan, allowed.name, progress)
    if batch_id and kind not in ("networks", "quality"):  # these hold no person counts
        publish_all(engine)
    return ImportResult(batch_id, plan.counts(), plan.warnings, replaced)


def rollback_batch(engine: Engine, batch_id: int, user: User | None) -> int:
    """Undo an import batch in one transaction; returns the number of rows reverted.

    Administration only, like imports; the rollback's audit entry carries the name.
    """
    with engine.begin() as conn:
        allowed = require_import(user)
        reverted = rollback(conn, batch_id, allowed.name)
    publish_all(engine)
    return reverted


__all__ = [
    "KINDS",
    "KIND_LABELS",
    "Checked",
    "ImportFile",
    "ImportOptions",
    "ImportResult",
    "Plan",
    "WarningsNotAcceptedError",
    "batches",
    "check",
    "preview",
    "rollback_batch",
    "run_import",
]
