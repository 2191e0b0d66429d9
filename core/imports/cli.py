"""``python -m core import areas|indicators|population|offers|networks FILE …``,
``python -m core import batches`` and ``python -m core import rollback BATCH_ID``.

Exit codes: 0 imported (or nothing to do), 1 validation errors (the problem table is
printed) or a refused import, 2 usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.db import make_engine
from core.errors import DataError, PraevError
from core.present.numbers import format_number

if TYPE_CHECKING:
    from core.imports import ImportOptions

KIND_HELP = {
    "areas": "Gebiete (GeoJSON, Shapefile als ZIP oder .shp, GeoPackage)",
    "indicators": "Indikatorwerte (CSV/XLSX, Lang- oder Breitformat)",
    "population": "Bevölkerung: Kinder je Gebiet und Lebensphase (CSV/XLSX)",
    "offers": "Angebote (CSV/XLSX)",
    "networks": "Netzwerkstatus je Quartal (CSV/XLSX)",
    "quality": "Qualitätsbausteine je Jugendamt und Quartal (CSV/XLSX)",
}
SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")


def add_import_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``import`` command with its subcommands to the CLI."""
    imp = sub.add_parser("import", help="Echte Daten importieren, Importe auflisten/zurücknehmen")
    kinds = imp.add_subparsers(dest="import_command", required=True, metavar="ART")
    for kind, help_text in KIND_HELP.items():
        p = kinds.add_parser(kind, help=help_text)
        p.add_argument("file", metavar="DATEI", help="die zu importierende Datei")
        p.add_argument("--accept-warnings", action="store_true", help="Warnungen akzeptieren")
        p.add_argument(
            "--replace-demo",
            action="store_true",
            help="vorhandene Demodaten in derselben Transaktion löschen",
        )
        p.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts schreiben")
        p.add_argument("--user", help="Name für das Änderungsprotokoll (Standard: Login-Name)")
        p.add_argument("--database-url", dest="database_url_sub", help="wie --database-url")
        if kind == "areas":
            p.add_argument(
                "--level",
                choices=["municipality", "area", "district", "kommune", "sozialraum", "kreis"],
                help="Ebene der Gebiete (Standard: erkannt)",
            )
            p.add_argument("--ags-prefix", help="nur Gebiete, deren Kennung so beginnt (05162)")
            p.add_argument("--crs", help="Koordinatensystem, wenn die Datei keins hat (EPSG:25832)")
            p.add_argument("--layer", help="Ebene (Layer) eines GeoPackages")
            p.add_argument("--id-field", help="Feld mit der Kennung (Standard: erkannt, z. B. AGS)")
            p.add_argument("--name-field", help="Feld mit dem Namen (Standard: erkannt, z. B. GEN)")
            p.add_argument("--parent-field", help="Feld mit der Kennung der Kommune (Sozialräume)")
            p.add_argument("--youth-office-field", help="Feld mit dem Jugendamt")
            p.add_argument("--district-name", help="Name des Kreises, der angelegt wird")
            p.add_argument("--attribution", help="Quellenangabe der Geometrien für die Karte")
            p.add_argument(
                "--boundary-change",
                action="store_true",
                help="Grenzänderung bestätigen: Sozialräume dürfen die Kommune wechseln "
                "(nur mit --valid-from)",
            )
            p.add_argument(
                "--valid-from",
                type=_date,
                metavar="TT.MM.JJJJ",
                help="ab wann die Grenzänderung gilt (mit --boundary-change)",
            )
        else:
            p.add_argument("--sheet", help="Tabellenblatt einer XLSX-Datei (Standard: das erste)")
        if kind == "indicators":
            p.add_argument("--indicator", help="Indikator, wenn die Datei keine Spalte dafür hat")
            p.add_argument(
                "--year-day", default="31.12.", help="Stichtag von Jahresspalten (TT.MM.)"
            )
    kinds.add_parser("batches", help="alle Importe auflisten").add_argument(
        "--database-url", dest="database_url_sub", help="wie --database-url"
    )
    rb = kinds.add_parser("rollback", help="einen Import zurücknehmen")
    rb.add_argument("batch_id", type=int, metavar="IMPORT_NR")
    rb.add_argument("--user", help="Name für das Änderungsprotokoll")
    rb.add_argument("--database-url", dest="database_url_sub", help="wie --database-url")


def _date(text: str) -> dt.date:
    """A day given on the command line (TT.MM.JJJJ or JJJJ-MM-TT)."""
    from core.imports.values import parse_period

    try:
        day = parse_period(text)
    except ValueError:
        day = None
    if day is None or not re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}", text.strip()):
        raise argparse.ArgumentTypeError(
            f"„{text}“ ist kein Datum; als TT.MM.JJJJ angeben, z. B. 01.01.2025"
        )
    return day


def _files(path: Path) -> list:
    from core.imports import ImportFile

    if not path.is_file():
        raise FileNotFoundError(path)
    files = [ImportFile(path.name, path.read_bytes())]
    if path.suffix.lower() == ".shp":
        for side in path.parent.iterdir():
            if side.stem == path.stem and side.suffix.lower() in SIDECARS:
                files.append(ImportFile(side.name, side.read_bytes()))
    return files


def _options(args: argparse.Namespace) -> ImportOptions:
    from core.imports import ImportOptions

    names = ImportOptions.__dataclass_fields__
    return ImportOptions(
        **{k: v for k, v in vars(args).items() if k in names and v not in (None, "")}
    )


def run(url: str | None, args: argparse.Namespace) -> int:
    """Run an ``import`` subcommand; returns the exit code."""
    from core.imports import batches, preview, rollback_batch, run_import
    from core.imports.report import problems_text
    from core.permissions import operator

    engine = make_engine(url)
    user = operator(getattr(args, "user", None) or getpass.getuser())
    command = args.import_command
    if command == "batches":
        with engine.connect() as conn:
            df = batches(conn)
        if df.empty:
            print("Noch keine Importe.")
            return 0
        for r in df.itertuples():
            back = f"  zurückgenommen {r.rolled_back_at:%d.%m.%Y %H:%M}" if r.rolled_back_at else ""
            print(
                f"{r.id:>5}  {r.created_at:%d.%m.%Y %H:%M}  {r.kind_label:<15} "
                f"{format_number(r.rows, 0):>9} Zeilen  {r.file_name}  ({r.created_by}){back}"
            )
        return 0
    if command == "rollback":
        n = rollback_batch(engine, args.batch_id, user)
        print(f"Import Nr. {args.batch_id} zurückgenommen: {format_number(n, 0)} Zeilen.")
        return 0
    try:
        files = _files(Path(args.file))
    except FileNotFoundError:
        print(f"Fehler: Die Datei „{args.file}“ gibt es nicht.", file=sys.stderr)
        return 2
    options = _options(args)
    try:
        if args.dry_run:
            plan = preview(engine, command, files, options, args.replace_demo)
            counts, warnings, batch_id = plan.counts(), plan.warnings, None
        else:
            result = run_import(
                engine,
                command,
                files,
                options,
                accept_warnings=args.accept_warnings,
                replace_demo=args.replace_demo,
                user=user,
            )
            counts, warnings, batch_id = result.counts, result.warnings, result.batch_id
    except DataError as exc:
        if exc.problems:
            print(
                f"Fehler: {len(exc.problems)} Problem(e), es wurde nichts geändert:",
                file=sys.stderr,
            )
            print(problems_text(exc.problems), file=sys.stderr)
        if exc.warnings:
            print(f"{len(exc.warnings)} Warnung(en):", file=sys.stderr)
            print(problems_text(exc.warnings), file=sys.stderr)
            if not exc.problems:
                print(
                    "Es wurde nichts geändert. Warnungen prüfen und mit --accept-warnings "
                    "akzeptieren.",
                    file=sys.stderr,
                )
        return 1
    except PraevError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    summary = ", ".join(f"{format_number(n, 0)} {label}" for label, n in counts.items())
    if warnings:
        print(f"{len(warnings)} Warnung(en) akzeptiert:")
        print(problems_text(warnings))
    if batch_id is None:
        print(f"Prüfung ohne Fehler ({summary}); nichts geschrieben (--dry-run).")
    elif batch_id == 0:
        print(f"Nichts zu tun: alle Zeilen sind schon so in der Datenbank ({summary}).")
    else:
        print(f"Importiert als Import Nr. {batch_id}: {summary}.")
    return 0
