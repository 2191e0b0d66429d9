"""Helpers for the handout render tests: LibreOffice turns the PPTX into a PDF, poppler
turns PDF pages into PNGs (``pdftoppm``) and into words with their boxes
(``pdftotext -bbox``)."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    """A word on a rendered page, its box in points from the top left."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Page:
    """A rendered page: its size in points and its words."""

    width: float
    height: float
    words: list[Word]


def pptx_to_pdf(pptx: Path, out_dir: Path) -> Path:
    """Convert with LibreOffice Impress, headless, with a profile of its own (so runs
    in parallel do not share one)."""
    profile = out_dir / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(pptx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = out_dir / f"{pptx.stem}.pdf"
    assert pdf.exists(), f"LibreOffice schrieb kein PDF nach {out_dir}"
    return pdf


def pdf_pages(pdf: Path) -> list[Page]:
    """Every page's words with their boxes (``pdftotext -bbox``)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, timeout=120
    ).stdout
    root = ET.fromstring(xml)
    pages = []
    for page in root.iter(f"{XHTML}page"):
        words = [
            Word(
                (w.text or "").strip(),
                float(w.get("xMin", 0)),
                float(w.get("yMin", 0)),
                float(w.get("xMax", 0)),
                float(w.get("yMax", 0)),
            )
            for w in page.iter(f"{XHTML}word")
        ]
        pages.append(
            Page(
                float(page.get("width", 0)),
                float(page.get("height", 0)),
                [w for w in words if w.text],
            )
        )
    return pages


def pdf_pngs(pdf: Path, out_dir: Path, dpi: int = 40) -> list[Path]:
    """Every page as a PNG (``pdftoppm``), in page order."""
    prefix = out_dir / pdf.stem
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True, timeout=180
    )
    return sorted(out_dir.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def ink_share(png: Path) -> float:
    """Share of the pixels that are not (nearly) white."""
    grey = Image.open(png).convert("L")
    histogram = grey.histogram()
    return 1 - sum(histogram[245:]) / (grey.width * grey.height)
