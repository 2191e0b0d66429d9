"""Class breaks and colours for choropleth maps, and their legend in German.

Four methods: quantiles (equal number of areas per class), equal intervals, natural
breaks (Fisher-Jenks via ``mapclassify``, deterministic) and manual thresholds; 3 to 7
classes. Breaks are computed from shown (privacy-suppressed) values only, so a
suppressed value can never shape a class boundary. For maps that stay comparable over
time, compute the breaks once from the values of all quarters (``fixed`` on the map
page) and classify every quarter with them.

Colours are ColorBrewer sequential schemes (colour-blind safe; Cynthia Brewer, Apache
License 2.0): YlOrRd for indicators with a polarity, Blues for neutral counts. The
alarming end is always the darkest: for ``higher_worse`` the highest values, for
``higher_better`` the lowest values.

This module is the one map style of every output: the screen map (Leaflet) and the
report map (matplotlib) classify with the same :class:`MapStyle` (the screen's default
for the report), colour every area with :func:`area_fills` and label the legend with
:func:`legend_entries`, so an area has the same colour and the legend the same lines on
screen, on a slide and in the PDF. Withheld areas are hatched grey, areas without a
value light grey (colours from :mod:`core.present.vocabulary`).

Classes are closed on the right: class *i* holds values ``edges[i] < x <= edges[i+1]``,
the first class includes its lower edge.

A computed class is never empty: a break that leaves no value between itself and the
next one (ties in quantiles, gaps in equal intervals) is dropped, so the map may show
fewer classes than asked for. When the breaks come from more values than the map shows
(every Sozialraum of the Kreis while one Kommune is selected, or every quarter with
fixed breaks), :func:`occupied` merges the classes none of the shown areas falls into
with a neighbour; every area keeps its colour, and every legend line counts at least one
area. Manual thresholds are the user's and stay as typed, empty or not.
"""

from __future__ import annotations

import itertools
import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import mapclassify
import numpy as np

from core.errors import ConfigError
from core.present.numbers import format_number
from core.present.stand import Stand
from core.present.vocabulary import (
    DISTRICT_COLOUR,
    MISSING_COLOUR,
    NO_DATA,
    PALETTE,
    REFERENCE_LINE_COLOUR,
    SELECTION_COLOUR,
    TEXT_COLOUR,
    WITHHELD_COLOUR,
    WITHHELD_HATCH_COLOUR,
    WITHHELD_TEXT,
)

QUANTILES, EQUAL_INTERVAL, NATURAL_BREAKS, MANUAL = (
    "quantiles",
    "equal_interval",
    "natural_breaks",
    "manual",
)
METHOD_LABELS: dict[str, str] = {
    QUANTILES: "Quantile (gleich viele Gebiete je Klasse)",
    EQUAL_INTERVAL: "Gleiche Intervalle",
    NATURAL_BREAKS: "Natürliche Brüche (Jenks)",
    MANUAL: "Eigene Grenzen",
}
MIN_CLASSES, MAX_CLASSES = 3, 7
DEFAULT_CLASSES = 5
JENKS_SAMPLE = 300

#: ColorBrewer YlOrRd, light to dark, by number of classes.
YL_OR_RD: dict[int, tuple[str, ...]] = {
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
    7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
}
#: ColorBrewer Blues, light to dark, by number of classes (neutral indicators).
BLUES: dict[int, tuple[str, ...]] = {
    3: ("#deebf7", "#9ecae1", "#3182bd"),
    4: ("#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"),
    5: ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
    6: ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"),
    7: ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"),
}
_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")
#: Withheld areas: grey with darker hatching; areas without a value: light grey.
SUPPRESSED_COLOR = WITHHELD_COLOUR
HATCH_COLOR = WITHHELD_HATCH_COLOUR
MISSING_COLOR = MISSING_COLOUR
SUPPRESSED_LABEL = WITHHELD_TEXT
MISSING_LABEL = NO_DATA
#: Background, outline of every area, and the borders of Kommunen and Kreis over them.
BACKGROUND_COLOR = "#FFFFFF"
AREA_EDGE_COLOR = BACKGROUND_COLOR
BORDER_COLOR = TEXT_COLOUR
#: The selected area (outline on the map, frame of its swatch beside the map): the
#: app's selection colour on a white casing, so it stands out from the Kommune borders.
SELECTED_COLOR = SELECTION_COLOUR
SELECTED_CASING_COLOR = BACKGROUND_COLOR
SELECTED_WEIGHT = 4
SELECTED_CASING_WEIGHT = 8
#: Names on the map: dark text in a white halo, readable on every class colour.
LABEL_COLOR = TEXT_COLOUR
LABEL_HALO_COLOR = BACKGROUND_COLOR
#: Frame of a legend swatch; colour of the attribution line under a printed map.
SWATCH_EDGE_COLOR = WITHHELD_HATCH_COLOUR
NOTE_COLOR = REFERENCE_LINE_COLOUR
#: Offer type -> (colour, symbol). Okabe-Ito colours (colour-blind safe, the chart
#: palette) and six shapes, so a type is recognisable by shape alone.
OFFER_SYMBOLS: dict[str, tuple[str, str]] = {
    "begleitung": (PALETTE[1], "circle"),
    "begegnung": (PALETTE[4], "square"),
    "bildung": (PALETTE[2], "triangle"),
    "beratung": (PALETTE[0], "diamond"),
    "betreuung": (PALETTE[5], "pentagon"),
    "information": (PALETTE[3], "star"),
}
OTHER_SYMBOL = (DISTRICT_COLOUR, "circle")
#: How to read the shading, by polarity (legends, reading aids of page and slide).
SHADING = {
    "higher_worse": "Je dunkler, desto höher der Wert und desto größer der Handlungsbedarf.",
    "higher_better": "Je dunkler, desto niedriger der Wert und desto größer der "
    "Handlungsbedarf (hier ist ein hoher Wert gut).",
    "neutral": "Je dunkler, desto höher der Wert (ohne Wertung).",
}
#: Kinds of area fills (and legend lines).
CLASS, SUPPRESSED, MISSING = "class", "suppressed", "missing"


@dataclass(frozen=True)
class MapStyle:
    """How a map is classified: method, number of classes, manual thresholds, and
    whether the breaks come from every quarter (``fixed``). The default is the screen
    map's default, which the report map uses too."""

    method: str = QUANTILES
    k: int = DEFAULT_CLASSES
    manual: tuple[float, ...] = ()
    fixed: bool = False


#: The screen map's default; the report map always uses it.
DEFAULT_STYLE = MapStyle()


@dataclass(frozen=True)
class Classification:
    """Class edges (``k + 1`` numbers, ascending) and one colour per class."""

    method: str
    edges: tuple[float, ...]
    colors: tuple[str, ...]

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.colors)


@dataclass(frozen=True)
class Fill:
    """How one area is painted: its colour, hatched or not, its kind and class."""

    color: str
    kind: str = CLASS
    class_index: int = -1

    @property
    def hatched(self) -> bool:
        """True for a withheld area (hatched in :data:`HATCH_COLOR`)."""
        return self.kind == SUPPRESSED


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend: colour, German label, how many areas; ``kind`` is
    ``"class"``, ``"suppressed"`` or ``"missing"``."""

    color: str
    label: str
    count: int
    kind: str = "class"
    hatched: bool = False


def shading_text(polarity: str) -> str:
    """How to read the shading of a map of an indicator with this polarity."""
    return SHADING.get(polarity, SHADING["neutral"])


def _check_k(k: int) -> None:
    if not MIN_CLASSES <= k <= MAX_CLASSES:
        raise ConfigError(
            f"Die Zahl der Klassen muss zwischen {MIN_CLASSES} und {MAX_CLASSES} liegen "
            f"(gewählt: {k})."
        )


def _finite(values: Iterable[float | None]) -> np.ndarray:
    arr = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    return arr[np.isfinite(arr)]


def palette(k: int, polarity: str) -> tuple[str, ...]:
    """``k`` colours from the first class (lowest values) to the last (highest).

    ``higher_better`` reverses YlOrRd so that low values get the alarming dark red;
    ``neutral`` uses Blues (no judgement, more is darker).
    """
    _check_k(k)
    if polarity == "neutral":
        return BLUES[k]
    colors = YL_OR_RD[k]
    return tuple(reversed(colors)) if polarity == "higher_better" else colors


def parse_breaks(text: str) -> tuple[float, ...]:
    """Thresholds typed by a user, German or English decimals: ``"10; 15,5; 20"``.

    Separators are ``;``, spaces or line breaks; a comma is a decimal comma and
    ``2.000`` is two thousand (German), ``0.5`` one half. The
    thresholds must rise and give 3 to 7 classes (2 to 6 thresholds).
    """
    parts = [p for p in re.split(r"[;\s]+", text.strip()) if p]
    numbers: list[float] = []
    for part in parts:
        german = "," in part or _THOUSANDS.fullmatch(part)
        cleaned = part.replace(".", "").replace(",", ".") if german else part
        try:
            numbers.append(float(cleaned))
        except ValueError:
            raise ConfigError(
                f"„{part}“ ist keine Zahl. Grenzen bitte mit Semikolon trennen, "
                "z. B. „10; 15,5; 20“."
            ) from None
    if not MIN_CLASSES - 1 <= len(numbers) <= MAX_CLASSES - 1:
        raise ConfigError(
            f"Bitte {MIN_CLASSES - 1} bis {MAX_CLASSES - 1} Grenzen angeben "
            f"(für {MIN_CLASSES} bis {MAX_CLASSES} Klassen); angegeben: {len(numbers)}."
        )
    if any(b <= a for a, b in itertools.pairwise(numbers)):
        raise ConfigError("Die Grenzen müssen aufsteigen, z. B. „10; 15,5; 20“.")
    return tuple(numbers)


def class_edges(
    values: Iterable[float | None],
    method: str,
    k: int = DEFAULT_CLASSES,
    manual: Sequence[float] = (),
) -> tuple[float, ...]:
    """Ascending class edges for the shown values (None/NaN are ignored).

    Returns ``k + 1`` edges from the minimum to the maximum; fewer when a class would
    be empty (duplicate breaks, a break with no value up to the next one, fewer distinct
    numbers than classes): every class of the result holds at least one of the values.
    Manual thresholds give open outer classes (``-inf`` and ``inf`` edges).
    """
    if method == MANUAL:
        inner = tuple(float(b) for b in manual)
        if not MIN_CLASSES - 1 <= len(inner) <= MAX_CLASSES - 1:
            raise ConfigError(
                f"Eigene Grenzen: bitte {MIN_CLASSES - 1} bis {MAX_CLASSES - 1} Grenzen angeben."
            )
        return (-math.inf, *inner, math.inf)
    _check_k(k)
    if method not in METHOD_LABELS:
        raise ConfigError(
            f"Unbekanntes Klassifizierungsverfahren „{method}“. "
            f"Möglich sind: {', '.join(METHOD_LABELS)}."
        )
    arr = _finite(values)
    if arr.size == 0:
        return ()
    lo, hi = float(arr.min()), float(arr.max())
    distinct = np.unique(arr)
    if distinct.size <= k:
        # Too few distinct values: one class per value, edges between neighbours.
        if distinct.size == 1:
            return (lo, hi)
        below, above = distinct[:-1], distinct[1:]
        mids = below + (above - below) / 2
        mids = np.where((mids >= below) & (mids < above), mids, below)  # tiny floats
        return _without_empty((lo, *[float(m) for m in mids], hi), arr)
    if method == QUANTILES:
        with warnings.catch_warnings():  # "Not enough unique values": handled below
            warnings.filterwarnings("ignore", message="Not enough unique values")
            bins = mapclassify.Quantiles(arr, k=k).bins
    elif method == EQUAL_INTERVAL:
        bins = mapclassify.EqualInterval(arr, k=k).bins
    else:
        bins = _fisher_jenks(arr, k)
    uppers = sorted({float(b) for b in bins if lo <= b < hi} | {hi})
    return _without_empty((lo, *uppers), arr)


def _kept_edges(edges: Sequence[float], keep: Sequence[int]) -> tuple[float, ...]:
    """Edges of the classes ``keep`` (ascending indices): each kept class but the first
    starts at its own lower edge, the first at the lowest edge, the last ends at the
    highest; a dropped class goes to the kept class below it (the first kept class takes
    those before it). A value of a kept class stays in it."""
    return (edges[0], *(edges[i] for i in keep[1:]), edges[-1])


def _used_classes(values: Iterable[float | None], edges: Sequence[float]) -> list[int]:
    index = classify(values, edges)
    return sorted({int(i) for i in index if i >= 0})


def _without_empty(edges: tuple[float, ...], arr: np.ndarray) -> tuple[float, ...]:
    """``edges`` without the breaks that leave a class with none of ``arr``."""
    used = _used_classes(arr, edges)
    return edges if len(used) == len(edges) - 1 else _kept_edges(edges, used)


def _fisher_jenks(arr: np.ndarray, k: int) -> np.ndarray:
    """Fisher-Jenks bins; above ``JENKS_SAMPLE`` values on evenly spaced order statistics
    (deterministic, unlike mapclassify's random sample; pure Python is O(k·n²))."""
    if arr.size > JENKS_SAMPLE:
        arr = np.quantile(arr, np.linspace(0.0, 1.0, JENKS_SAMPLE))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        return mapclassify.FisherJenks(arr, k=k).bins


def classify(values: Iterable[float | None], edges: Sequence[float]) -> np.ndarray:
    """Class index per value (0-based); ``-1`` for None/NaN or when there are no edges.

    Values outside the edges (e.g. a new extreme with fixed breaks) go to the
    outermost class.
    """
    arr = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    out = np.full(arr.shape, -1, dtype=int)
    if len(edges) < 2:
        return out
    inner = np.asarray(edges[1:-1], dtype=float)
    ok = np.isfinite(arr)
    out[ok] = np.searchsorted(inner, arr[ok], side="left")
    return out


def classification(
    values: Iterable[float | None],
    method: str,
    k: int,
    polarity: str,
    manual: Sequence[float] = (),
) -> Classification:
    """Edges and colours in one go (see :func:`class_edges` and :func:`palette`)."""
    edges = class_edges(values, method, k, manual)
    n = max(len(edges) - 1, 0)
    if n == 0:
        return Classification(method, edges, ())
    colors = palette(max(n, MIN_CLASSES), polarity)
    if n < MIN_CLASSES:  # few distinct values: spread the light-to-dark range
        colors = tuple(colors[round(i * (len(colors) - 1) / max(n - 1, 1))] for i in range(n))
    return Classification(method, edges, colors)


def occupied(cls: Classification, values: Iterable[float | None]) -> Classification:
    """``cls`` reduced to the classes that hold at least one of ``values`` (the shown
    ones): an empty class is merged with its lower neighbour (leading empty classes with
    the first occupied one). Each kept class keeps its colour, so an area has the same
    colour as under ``cls``; without any value there are no classes. Manual thresholds
    are returned unchanged."""
    if cls.method == MANUAL or not cls.colors:
        return cls
    used = _used_classes(values, cls.edges)
    if len(used) == cls.k:
        return cls
    if not used:
        return Classification(cls.method, (), ())
    edges = _kept_edges(cls.edges, used)
    return Classification(cls.method, edges, tuple(cls.colors[i] for i in used))


def _num(value: float, decimals: int) -> str:
    return format_number(value, decimals)


def class_labels(edges: Sequence[float], unit: str, decimals: int) -> list[str]:
    """German range labels: ``"5,0 bis 12,3 %"``, ``"über 12,3 bis 15,0 %"``;
    open manual classes read ``"bis 10,0 %"`` and ``"über 20,0 %"``."""
    suffix = f" {unit}" if unit else ""
    labels = []
    for i in range(len(edges) - 1):
        lo, hi = edges[i], edges[i + 1]
        if math.isinf(lo):
            labels.append(f"bis {_num(hi, decimals)}{suffix}")
        elif math.isinf(hi):
            labels.append(f"über {_num(lo, decimals)}{suffix}")
        elif i == 0 and _num(lo, decimals) == _num(hi, decimals):
            labels.append(f"{_num(hi, decimals)}{suffix}")
        elif i == 0:
            labels.append(f"{_num(lo, decimals)} bis {_num(hi, decimals)}{suffix}")
        else:
            labels.append(f"über {_num(lo, decimals)} bis {_num(hi, decimals)}{suffix}")
    return labels


def area_fills(
    cls: Classification, values: Iterable[float | None], suppressed: Iterable[bool]
) -> list[Fill]:
    """The fill of every area: its class colour, hatched grey where withheld, light grey
    where there is no value."""
    vals = list(values)
    hidden = [bool(h) for h in suppressed]
    index = classify(vals, cls.edges)
    fills = []
    for i, h in zip(index.tolist(), hidden, strict=True):
        if h:
            fills.append(Fill(SUPPRESSED_COLOR, SUPPRESSED))
        elif i < 0 or not cls.colors:
            fills.append(Fill(MISSING_COLOR, MISSING))
        else:
            fills.append(Fill(cls.colors[i], CLASS, i))
    return fills


def legend_entries(
    cls: Classification, fills: Sequence[Fill], unit: str, decimals: int
) -> list[LegendEntry]:
    """Legend lines: one per class (with the number of areas in it), then the
    withheld and the missing areas when there are any."""
    entries = [
        LegendEntry(color, label, sum(1 for f in fills if f.kind == CLASS and f.class_index == i))
        for i, (color, label) in enumerate(
            zip(cls.colors, class_labels(cls.edges, unit, decimals), strict=True)
        )
    ]
    n_sup = sum(1 for f in fills if f.kind == SUPPRESSED)
    n_missing = sum(1 for f in fills if f.kind == MISSING)
    if n_sup:
        entries.append(LegendEntry(SUPPRESSED_COLOR, SUPPRESSED_LABEL, n_sup, SUPPRESSED, True))
    if n_missing:
        entries.append(LegendEntry(MISSING_COLOR, MISSING_LABEL, n_missing, MISSING))
    return entries


def legend_caption(stand: Stand, source: str, method: str, fixed: bool) -> str:
    """The line under a legend: Stand (one rule, see :mod:`core.present.stand`), source,
    classification method."""
    how = METHOD_LABELS.get(method, method)
    if fixed:
        how += ", Grenzen über alle Quartale fest"
    return f"{stand.short} · Quelle: {source} · Klassen: {how}"
