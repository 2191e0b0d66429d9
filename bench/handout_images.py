"""Regenerate the README's pictures of the handouts: one slide of the PowerPoint as
LibreOffice Impress renders it, and one page of the Sitzungsvorlage (PDF).

Usage: ``python bench/handout_images.py [--database-url URL] [--out docs/img]``. Without
a URL the demo is built into a temporary SQLite file. Needs ``soffice`` (Debian:
libreoffice-impress) and poppler's ``pdftoppm``. Writes ``folie-praeventionskette.png``
(the chain slide, 1280 px wide) and ``vorlage-seite.png`` (the PDF page of the same
section, 900 px wide), both reduced to 256 colours so each stays well under 300 kB.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from core.cli import main
from core.db import make_engine
from core.quarters import Quarter
from core.reports.content import build_report
from core.reports.pdf import to_pdf_bytes
from core.reports.pptx import to_pptx_bytes

QUARTER = Quarter(2026, 3)
SLIDE_KEY = "chain"


def page_png(pdf: Path, page: int, width: int, out: Path) -> None:
    """Page ``page`` (1-based) of ``pdf`` as a PNG ``width`` pixels wide, 256 colours."""
    prefix = pdf.with_suffix("")
    subprocess.run(
        [
            *("pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page)),
            *("-scale-to-x", str(width), "-scale-to-y", "-1", str(pdf), str(prefix)),
        ],
        check=True,
    )
    picture = Image.open(prefix.with_suffix(".png")).convert("RGB")
    picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
    print(f"{out}: {out.stat().st_size // 1024} kB")


def run() -> None:
    """Parse arguments, build the report and write both pictures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="Datenbank (Standard: Demodaten, temporär)")
    parser.add_argument("--out", default="docs/img", help="Zielordner (Standard: docs/img)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url = args.database_url
        if not url:
            url = f"sqlite:///{tmp / 'demo.sqlite'}"
            assert main(["--database-url", url, "init-db", "--demo"]) == 0
        engine = make_engine(url)
        with engine.connect() as conn:
            report = build_report(conn, QUARTER)
        engine.dispose()
        keys = [s["key"] for s in report["slides"]]
        title = report["slides"][keys.index(SLIDE_KEY)]["title"]

        pptx = tmp / "sitzung.pptx"
        pptx.write_bytes(to_pptx_bytes(report))
        subprocess.run(
            [
                *("soffice", f"-env:UserInstallation={(tmp / 'lo').as_uri()}", "--headless"),
                *("--convert-to", "pdf", "--outdir", str(tmp), str(pptx)),
            ],
            check=True,
            capture_output=True,
        )
        page_png(
            tmp / "sitzung.pdf",
            keys.index(SLIDE_KEY) + 1,
            1280,
            out / "folie-praeventionskette.png",
        )

        data = to_pdf_bytes(report)
        vorlage = tmp / "vorlage.pdf"
        vorlage.write_bytes(data)
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
        page = next(i for i, text in enumerate(pages, 1) if title in text.replace("\n", " "))
        page_png(vorlage, page, 900, out / "vorlage-seite.png")


if __name__ == "__main__":
    run()
