"""Class breaks, colours and legends of the map, table-style."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from core.errors import ConfigError
from core.present.map_style import (
    BLUES,
    EQUAL_INTERVAL,
    MANUAL,
    MISSING_LABEL,
    NATURAL_BREAKS,
    QUANTILES,
    SUPPRESSED_LABEL,
    YL_OR_RD,
    area_fills,
    class_edges,
    class_labels,
    classification,
    classify,
    legend_caption,
    legend_entries,
    palette,
    parse_breaks,
    shading_text,
)
from core.present.stand import Stand
from core.present.vocabulary import MISSING_COLOUR, NO_DATA, WITHHELD_COLOUR, WITHHELD_TEXT

VALUES = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
GAPPY = [1.0, 1.2, 1.1, 5.0, 5.2, 5.1, 20.0, 21.0, 20.5]


@pytest.mark.parametrize(
    ("values", "method", "k", "expected"),
    [
        (VALUES, EQUAL_INTERVAL, 3, (1.0, 4.0, 7.0, 10.0)),
        (VALUES, QUANTILES, 5, (1.0, 2.8, 4.6, 6.4, 8.2, 10.0)),
        (GAPPY, NATURAL_BREAKS, 3, (1.0, 1.2, 5.2, 21.0)),
        # None and NaN (suppressed, missing) never shape a break
        ([None, 1.0, math.nan, 4.0, 7.0, 10.0], EQUAL_INTERVAL, 3, (1.0, 4.0, 7.0, 10.0)),
        # fewer distinct values than classes: one class per value
        ([2.0, 2.0, 4.0], QUANTILES, 5, (2.0, 3.0, 4.0)),
        ([5.0, 5.0], QUANTILES, 3, (5.0, 5.0)),
        ([], QUANTILES, 3, ()),
    ],
)
def test_class_edges(values: list, method: str, k: int, expected: tuple) -> None:
    assert class_edges(values, method, k) == pytest.approx(expected)


def test_natural_breaks_are_deterministic_for_many_values() -> None:
    values = [((i * 7919) % 1000) / 10 for i in range(2000)]
    first = class_edges(values, NATURAL_BREAKS, 5)
    assert first == class_edges(list(reversed(values)), NATURAL_BREAKS, 5)
    assert len(first) == 6
    assert first[0] == 0.0 and first[-1] == max(values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10; 15,5; 20", (10.0, 15.5, 20.0)),
        ("10 20", (10.0, 20.0)),
        ("1.000,5; 2.000", (1000.5, 2000.0)),
        ("0.5; 1.5; 2.5", (0.5, 1.5, 2.5)),
    ],
)
def test_parse_breaks(text: str, expected: tuple) -> None:
    assert parse_breaks(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10; zehn", "„zehn“ ist keine Zahl"),
        ("10", "2 bis 6 Grenzen"),
        ("1;2;3;4;5;6;7", "2 bis 6 Grenzen"),
        ("20; 10", "aufsteigen"),
    ],
)
def test_parse_breaks_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_breaks(text)


def test_manual_edges_have_open_outer_classes() -> None:
    edges = class_edges([1, 50], MANUAL, manual=(10.0, 20.0))
    assert edges == (-math.inf, 10.0, 20.0, math.inf)
    assert list(classify([5, 10, 10.01, 20, 99, None], edges)) == [0, 0, 1, 1, 2, -1]


@pytest.mark.parametrize("k", [2, 8])
def test_class_count_is_limited(k: int) -> None:
    with pytest.raises(ConfigError, match="zwischen 3 und 7"):
        class_edges(VALUES, QUANTILES, k)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 4.0, 4.5, 7.0, 10.0], [0, 0, 1, 1, 2]),  # right-closed classes
        ([0.0, 11.0], [0, 2]),  # outside fixed edges: outermost class
        ([None, math.nan], [-1, -1]),
    ],
)
def test_classify(values: list, expected: list) -> None:
    assert list(classify(values, (1.0, 4.0, 7.0, 10.0))) == expected


@pytest.mark.parametrize(
    ("polarity", "k", "first", "last"),
    [
        ("higher_worse", 5, YL_OR_RD[5][0], YL_OR_RD[5][-1]),  # high values dark red
        ("higher_better", 5, YL_OR_RD[5][-1], YL_OR_RD[5][0]),  # low values dark red
        ("neutral", 3, BLUES[3][0], BLUES[3][-1]),
        ("higher_worse", 7, "#ffffb2", "#b10026"),
    ],
)
def test_palette_follows_polarity(polarity: str, k: int, first: str, last: str) -> None:
    colors = palette(k, polarity)
    assert len(colors) == k
    assert (colors[0], colors[-1]) == (first, last)


@pytest.mark.parametrize(
    ("edges", "unit", "decimals", "expected"),
    [
        (
            (1.0, 4.0, 12345.678),
            "%",
            1,
            ["1,0 bis 4,0 %", "über 4,0 bis 12.345,7 %"],
        ),
        ((-math.inf, 10.0, math.inf), "je 10.000", 0, ["bis 10 je 10.000", "über 10 je 10.000"]),
        ((58.82, 58.84, 70.0), "", 1, ["58,8", "über 58,8 bis 70,0"]),
    ],
)
def test_class_labels_are_german(edges: tuple, unit: str, decimals: int, expected: list) -> None:
    assert class_labels(edges, unit, decimals) == expected


def test_legend_counts_classes_and_says_why_areas_are_grey() -> None:
    cls = classification([1, 2, 3, 4, 5, 6], EQUAL_INTERVAL, 3, "higher_worse")
    fills = area_fills(cls, [1, 6, None, None, 2, 5], [False, False, True, False, False, False])
    entries = legend_entries(cls, fills, "%", 1)
    assert [e.kind for e in entries] == ["class", "class", "class", "suppressed", "missing"]
    assert [e.count for e in entries] == [2, 0, 2, 1, 1]
    assert entries[3].label == SUPPRESSED_LABEL == WITHHELD_TEXT and entries[3].hatched
    assert entries[4].label == MISSING_LABEL == NO_DATA
    assert entries[0].label == "1,0 bis 2,7 %"


def test_area_fills_use_the_vocabulary_greys_and_the_class_colours() -> None:
    cls = classification([1, 2, 3, 4, 5, 6], EQUAL_INTERVAL, 3, "higher_better")
    fills = area_fills(cls, [1, 6, None, None], [False, False, True, False])
    assert [f.color for f in fills] == [
        YL_OR_RD[3][-1],
        YL_OR_RD[3][0],
        WITHHELD_COLOUR,
        MISSING_COLOUR,
    ]
    assert [f.hatched for f in fills] == [False, False, True, False]
    assert [f.class_index for f in fills] == [0, 2, -1, -1]


@pytest.mark.parametrize(
    ("polarity", "word"),
    [("higher_worse", "höher"), ("higher_better", "niedriger"), ("neutral", "ohne Wertung")],
)
def test_shading_text_follows_polarity(polarity: str, word: str) -> None:
    assert word in shading_text(polarity)


@pytest.mark.parametrize(
    ("stands", "fixed", "expected"),
    [
        ([dt.date(2026, 6, 30)], False, "Stand 30.06.2026 · Quelle: BA · Klassen: Quantile"),
        (
            [dt.date(2026, 6, 30), dt.date(2025, 12, 31), None],
            True,
            "Stand 31.12.2025 bis 30.06.2026 · Quelle: BA · Klassen: Quantile",
        ),
        ([], False, "Stand – · Quelle: BA"),
    ],
)
def test_legend_caption(stands: list, fixed: bool, expected: str) -> None:
    text = legend_caption(Stand.of(stands), "BA", QUANTILES, fixed)
    assert text.startswith(expected)
    assert ("über alle Quartale fest" in text) == fixed
