"""``python -m core report``: the committee report as PPTX, PDF or Excel from the shell.

``add_report_parser`` registers the sub-command, ``run_report`` carries it out; both
are wired into ``core/cli.py``. A ``--snapshot`` renders a frozen session unchanged.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import Engine

from core.errors import PraevError
from core.present.numbers import format_date
from core.reports import SLIDE_KEYS
from core.reports.spec import report_stand

FORMATS = ("pptx", "pdf", "xlsx")


def add_report_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``report`` on the CLI."""
    p = sub.add_parser(
        "report",
        help="Bericht für die Ausschuss-Sitzung als PowerPoint, PDF oder Excel",
        description="Bericht für die Ausschuss-Sitzung (Folien: " + ",".join(SLIDE_KEYS) + ").",
    )
    p.add_argument("--quarter", help="Berichtsquartal, z. B. 2026-Q3 (nicht mit --snapshot)")
    p.add_argument("--kommune", help="AGS einer Kommune (Standard: ganzer Kreis)")
    p.add_argument("--indicator", default=None, help="Indikator der Karte (Standard: sgb2_u15)")
    p.add_argument("--snapshot", type=int, help="eine eingefrorene Sitzung (Nummer) ausgeben")
    p.add_argument("--slides", help="Folien und Reihenfolge, z. B. title,map,chain")
    p.add_argument("--format", choices=FORMATS, help="Dateiformat (Standard: aus der Dateiendung)")
    p.add_argument("-o", "--output", help="Zieldatei")
    p.add_argument("--list", action="store_true", help="eingefrorene Sitzungen auflisten")


def _format(args: argparse.Namespace, out: Path) -> str:
    if args.format:
        return args.format
    suffix = out.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise PraevError(
        f"Das Format von „{out.name}“ ist unklar. Bitte --format pptx, pdf oder xlsx angeben "
        "oder eine Datei mit der Endung .pptx, .pdf oder .xlsx wählen."
    )


def render(report: dict, fmt: str) -> bytes:
    """The report in one of ``FORMATS``."""
    if fmt == "pptx":
        from core.reports.pptx import to_pptx_bytes

        return to_pptx_bytes(report)
    if fmt == "pdf":
        from core.reports.pdf import to_pdf_bytes

        return to_pdf_bytes(report)
    from core.reports.xlsx import to_report_xlsx_bytes

    return to_report_xlsx_bytes(report)


def _list(engine: Engine) -> int:
    from core.reports.snapshot import snapshots

    with engine.connect() as conn:
        df = snapshots(conn)
    if df.empty:
        print("Es gibt noch keine eingefrorenen Sitzungen.")
        return 0
    for r in df.itertuples():
        print(
            f"{r.id:>4}  {format_date(r.session_date)}  {r.title}  ({r.scope}, {r.quarter}, "
            f"Datenstand {format_date(r.data_as_of)}, Prüfsumme {r.data_hash[:12]})"
        )
    return 0


def run_report(engine: Engine, args: argparse.Namespace) -> int:
    """Carry out ``report`` from parsed CLI arguments."""
    from core.catalogue import indicator
    from core.quarters import parse_quarter
    from core.reports.content import DEFAULT_INDICATOR, build_report, select_slides
    from core.reports.snapshot import load_snapshot

    if args.list:
        return _list(engine)
    if not args.output:
        raise PraevError("Bitte mit -o die Zieldatei angeben, z. B. -o sitzung.pptx.")
    out = Path(args.output)
    fmt = _format(args, out)
    slides = [s.strip() for s in args.slides.split(",") if s.strip()] if args.slides else None
    with engine.connect() as conn:
        if args.snapshot is not None:
            if args.quarter or args.kommune or args.indicator:
                raise PraevError(
                    "Eine eingefrorene Sitzung hat ihr Quartal, ihre Kommune und ihren Indikator "
                    "schon; bitte --quarter, --kommune und --indicator weglassen."
                )
            report = load_snapshot(conn, args.snapshot)
        else:
            if not args.quarter:
                raise PraevError("Bitte --quarter angeben, z. B. --quarter 2026-Q3.")
            entry = indicator(conn, args.indicator or DEFAULT_INDICATOR)
            report = build_report(conn, parse_quarter(args.quarter), args.kommune, entry, slides)
    if slides:
        report = select_slides(report, slides)
    data = render(report, fmt)
    out.write_bytes(data)
    meta = report["meta"]
    print(
        f"{len(report['slides'])} Folien nach {out} geschrieben ({meta['scope']}, "
        f"{meta['quarter_label']}, {report_stand(report).label})."
    )
    return 0
