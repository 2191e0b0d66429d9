"""Typesetting for the handouts: how wide text is in the font the PDF and the rendered
slides use (DejaVu Sans, which ships with matplotlib), where a line may break, and
table columns that never split a number or a word.

A line breaks only at a space, or inside a long German compound right before one of
its known parts (``COMPOUND_PARTS``: "Informations|netzwerk", "Ziel|erreichung"),
marked with a soft hyphen that the PDF prints as "-" only where it breaks. Numbers
with their unit ("218 %", "±0 Pp.") are glued with a no-break space.

Widths are in points (1/72 inch); :func:`column_widths` shares a table's width out so
that every column holds its widest unbreakable token and long text columns get most of
the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib
from fpdf import FPDF

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
SOFT_HYPHEN = "\u00ad"
NBSP = "\u00a0"
MM = 72 / 25.4  # points per millimetre

#: Second parts of the compounds in the report's vocabulary: a word longer than a
#: column may break right before one of them (with a hyphen), never elsewhere.
COMPOUND_PARTS = (
    "netzwerk",
    "erreichung",
    "schutz",
    "räume",
    "raum",
    "phase",
    "gekommen",
    "quartal",
    "stätten",
    "zentren",
    "management",
    "koordination",
    "stelle",
    "änderung",
    "sorgung",
    "quote",
    "jugendamt",
    "betreuung",
    "baustein",
    "kette",
    "angebot",
    "arbeit",
    "meldung",
    "berechtigt",
    "bevölkerung",
    "register",
    "schule",
    "hilfe",
    "erziehung",
    "bedarf",
    "stand",
    "gebiet",
    "wert",
)
MIN_PART = 3  # letters on either side of a compound break

_GLUE = re.compile(r"(?<=\d) (?=%|Pp\.|‰|Personen\b)|(?<=[±+\-−]) (?=\d)|(?<=^[^\w\s]) ")


def glue(text: str) -> str:
    """``text`` with a number and its unit joined by a no-break space ("218 %"), and a
    leading symbol with its word ("✔ erreicht")."""
    return _GLUE.sub(NBSP, text)


WORD_JOINER = "\u2060"
_RANGE = re.compile(r"(?<=\d)([–-])(?=\d)")


def keep_ranges(text: str) -> str:
    """``text`` with a word joiner after the dash of a number range ("10–16"), so a
    renderer that breaks after dashes (LibreOffice) never splits the range. Only for
    slides: the PDF breaks at spaces anyway and its extracted text stays plain."""
    return _RANGE.sub(lambda m: m.group(1) + WORD_JOINER, text)


def hyphenate(word: str) -> str:
    """``word`` with a soft hyphen before every known compound part ("Ziel­erreichung")."""
    lower = word.lower()
    cuts = set()
    for part in COMPOUND_PARTS:
        start = lower.find(part, MIN_PART)
        while start != -1:
            if (
                len(word) - start >= MIN_PART
                and word[start - MIN_PART : start].isalpha()
                and word[start:].lstrip()[:MIN_PART].isalpha()
            ):
                cuts.add(start)
            start = lower.find(part, start + 1)
    # never two breaks closer than MIN_PART letters ("Sozial|raum" wins over "räume")
    kept: list[int] = []
    for cut in sorted(cuts):
        if not kept or cut - kept[-1] >= MIN_PART:
            kept.append(cut)
    pieces = [word[i:j] for i, j in zip([0, *kept], [*kept, len(word)], strict=True)]
    return SOFT_HYPHEN.join(pieces)


def hyphenate_text(text: str) -> str:
    """Every word of ``text`` with its compound breaks (:func:`hyphenate`)."""
    return " ".join(hyphenate(w) for w in text.split(" "))


@lru_cache(maxsize=1)
def _meter() -> FPDF:
    pdf = FPDF(unit="pt")
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / name))
    return pdf


@lru_cache(maxsize=20_000)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` on one line in DejaVu Sans at ``size`` pt; soft
    hyphens take no room, no-break spaces are spaces."""
    pdf = _meter()
    pdf.set_font(FONT, "B" if bold else "", size)
    return float(pdf.get_string_width(text.replace(SOFT_HYPHEN, "").replace(NBSP, " ")))


def tokens(text: str) -> list[str]:
    """The pieces of ``text`` no line break may split: its words between spaces, and
    the parts of a word between soft hyphens (each but the last with its "-")."""
    out: list[str] = []
    for word in re.split(r"[ \n]+", text):
        parts = word.split(SOFT_HYPHEN)
        out.extend(p + "-" for p in parts[:-1])
        out.append(parts[-1])
    return [t for t in out if t]


def widest_token(text: str, size: float, bold: bool = False) -> float:
    """Width in points of the widest piece of ``text`` a line break may not split."""
    return max((text_width(t, size, bold) for t in tokens(text)), default=0.0)


def break_lines(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines of at most ``width`` pt the way a renderer wraps it:
    at spaces, and at soft hyphens (printed as "-" where they break); every line of
    ``text`` starts a new one. A token wider than ``width`` keeps a line of its own."""
    space, hyphen = text_width(" ", size, bold), text_width("-", size, bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for w, word in enumerate(paragraph.split(" ")):
            parts = word.split(SOFT_HYPHEN)
            for k, part in enumerate(parts):
                piece = text_width(part, size, bold)
                gap = " " if k == 0 and w > 0 else ""
                extra = hyphen if k < len(parts) - 1 else 0.0
                if line and used + (space if gap else 0.0) + piece + extra > width:
                    lines.append(line + ("-" if not gap else ""))
                    line, used = part, piece
                else:
                    line += gap + part
                    used += (space if gap else 0.0) + piece
        lines.append(line)
    return [line.replace(SOFT_HYPHEN, "") for line in lines]


def line_count(text: str, width: float, size: float, bold: bool = False) -> int:
    """How many lines ``text`` takes in a box ``width`` pt wide (:func:`break_lines`)."""
    return len(break_lines(text, width, size, bold))


@dataclass(frozen=True)
class TableFit:
    """Column widths (pt) for a table, whether it fits its width at all, and whether
    some of its cells wrap onto more lines."""

    widths: list[float]
    fits: bool
    wraps: bool = True


def column_widths(
    header: Sequence[str],
    body: Sequence[Sequence[str]],
    total: float,
    size: float,
    pad: float,
    cap: float = float("inf"),
) -> TableFit:
    """Share ``total`` pt among the columns: each gets at least its widest token (bold
    in the header) plus ``pad``; a token wider than ``cap`` (a long web address, never
    a number or a word) may break anywhere. ``fits`` is False when even the
    widest tokens do not fit side by side (then the caller shrinks the font)."""
    least, natural = [], []
    for i, name in enumerate(header):
        cells = [r[i] for r in body]
        widest = max([widest_token(name, size, True)] + [widest_token(c, size) for c in cells])
        least.append(min(widest, cap) + pad)
        longest_line = max(
            [text_width(line, size) for c in cells for line in c.split("\n")] or [0.0]
        )
        header_line = max(text_width(line, size, True) for line in name.split("\n"))
        natural.append(max(least[i], longest_line + pad, header_line + pad))
    if sum(least) > total:
        return TableFit(least, fits=False)
    wishes = [w - m for w, m in zip(natural, least, strict=True)]
    room = total - sum(least)
    if sum(wishes) <= room:  # every cell on one line: the rest in proportion to width
        spare = room - sum(wishes)
        widths = [w + spare * w / sum(natural) for w in natural]
        return TableFit(widths, fits=True, wraps=False)
    else:  # the room goes to the columns in proportion to how much more they would like
        widths = [m + room * d / sum(wishes) for m, d in zip(least, wishes, strict=True)]
    return TableFit(widths, fits=True)
