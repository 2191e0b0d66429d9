"""Making data inert for every place it is shown: HTML, templates, Markdown, spreadsheets.

Names, notes and goals come from files and forms, so they may hold anything: HTML,
Jinja template syntax (``{{ … }}``), Markdown links and images, spreadsheet formulas.
Data is never evaluated. Each output context has one function here, and every output
uses it:

* :func:`html_text` for text inside HTML (map tooltips and popups, legends). Curly
  braces become the entities ``&#123;``/``&#125;`` as well, because folium and branca
  render the map's script *as a Jinja template* a second time: without a brace no
  ``{{``, ``{%`` or ``{#`` can reach a template engine, and the browser still shows
  the braces.
* :func:`template_inert` for whole data structures handed to folium (GeoJSON, marker
  rows): every string gets its braces as entities.
* :func:`markdown_text` for data inside Markdown (``st.markdown``, captions, headings,
  widget labels): every ASCII punctuation character is backslash-escaped (CommonMark),
  so no link, image, emphasis, heading, HTML, colour directive, icon or formula appears.
  Web and mail addresses get an invisible word joiner (U+2060) so that GitHub-style
  autolinks do not turn them into links either.
* :func:`matplotlib_text` for text drawn by matplotlib (report maps and charts): a
  dollar sign would start mathtext, so it is escaped.
* :func:`spreadsheet_text` for CSV and XLSX cells (OWASP "CSV injection"): text that a
  spreadsheet would start as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import html
import re
from typing import Any

#: Characters that start a formula in Excel or LibreOffice (also their full-width forms,
#: which some versions accept) and the control characters that can hide one.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
#: A plain number ("-3", "+1,5", "-1.234,5") is not a formula and stays as it is.
_NUMBER = re.compile(r"[+-]?\d[\d.,]*(?:[eE][+-]?\d+)?")
#: Signs for "no value" that a spreadsheet keeps as text.
_PLACEHOLDERS = frozenset({"-", "+", "--"})
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
#: Where GitHub-flavoured Markdown would see a bare web or mail address.
_AUTOLINK = re.compile(r"(?i)(?:https?:|\bwww)(?=//|\.)|(?=@)")
_WORD_JOINER = "\u2060"
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def html_text(value: object) -> str:
    """Text for HTML, also inert in a Jinja template (None and NaN give "")."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True).translate(_BRACES)


def template_inert(value: Any) -> Any:
    """``value`` with every string's braces as HTML entities, dict keys included.

    For data that folium renders into its script (strings there are shown as HTML, so the
    entities display as braces); numbers, booleans and None pass unchanged.
    """
    if isinstance(value, str):
        return value.translate(_BRACES)
    if isinstance(value, dict):
        return {template_inert(k): template_inert(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [template_inert(v) for v in value]
    return value


def _markdown_line(text: str) -> str:
    text = _AUTOLINK.sub(lambda m: m.group(0) + _WORD_JOINER, text)
    return _PUNCTUATION.sub(r"\\\1", text)


def markdown_text(value: object) -> str:
    """Text that Markdown shows exactly as written, on one line (None gives "")."""
    if value is None:
        return ""
    return _markdown_line(_LINE_BREAKS.sub(" ", str(value)))


def markdown_lines(value: object) -> str:
    """Like :func:`markdown_text`, but each line stays a line (for messages)."""
    if value is None:
        return ""
    lines = _LINE_BREAKS.split(str(value).strip())
    return "  \n".join(_markdown_line(line) for line in lines)


def matplotlib_text(value: object) -> str:
    """Text that matplotlib draws as written: no mathtext from ``$…$``."""
    return "" if value is None else str(value).replace("$", r"\$")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (or DDE call)."""
    stripped = text.lstrip(" \u00a0")
    if not stripped or stripped[0] not in FORMULA_STARTS or stripped in _PLACEHOLDERS:
        return False
    return not _NUMBER.fullmatch(stripped)


def spreadsheet_text(value: Any) -> Any:
    """A cell value that no spreadsheet evaluates: text that could start a formula gets a
    leading apostrophe (shown as text by Excel and LibreOffice); other values unchanged."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value
