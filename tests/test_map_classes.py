"""No empty classes on the map (issue 16): for any values, every class of a computed
classification holds at least one area, so no legend line says "(0)"; with the breaks
from more values than the map shows (one Kommune of the Kreis, fixed breaks), the
classes none of the shown areas falls into are merged away and every shown area keeps
its colour."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.areas import areas_in
from core.catalogue import indicator
from core.map_data import map_view
from core.present.map_style import (
    EQUAL_INTERVAL,
    MANUAL,
    MAX_CLASSES,
    MIN_CLASSES,
    NATURAL_BREAKS,
    QUANTILES,
    area_fills,
    classification,
    classify,
    legend_entries,
    occupied,
)
from core.quarters import parse_quarter

METHODS = (QUANTILES, EQUAL_INTERVAL, NATURAL_BREAKS)
#: values as the map gets them: rates with few decimals and many ties, or None
VALUE = st.one_of(
    st.none(),
    st.integers(-50, 400).map(lambda i: i / 4),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)
VALUES = st.lists(VALUE, min_size=0, max_size=80)
K = st.integers(MIN_CLASSES, MAX_CLASSES)


def _counts(values: list, edges: tuple) -> list[int]:
    index = classify(values, edges)
    return [int(np.sum(index == i)) for i in range(max(len(edges) - 1, 0))]


@settings(max_examples=300, deadline=None)
@given(values=VALUES, method=st.sampled_from(METHODS), k=K)
def test_no_class_is_ever_empty(values: list, method: str, k: int) -> None:
    cls = classification(values, method, k, "higher_worse")
    counts = _counts(values, cls.edges)
    assert all(c > 0 for c in counts), (cls.edges, counts)
    assert len(counts) <= k
    assert len(cls.colors) == len(counts)
    assert list(cls.edges) == sorted(cls.edges)
    shown = [v for v in values if v is not None]
    assert sum(counts) == len(shown)  # every value in a class
    fills = area_fills(cls, values, [False] * len(values))
    assert all(e.count > 0 for e in legend_entries(cls, fills, "%", 1))


@settings(max_examples=300, deadline=None)
@given(
    reference=st.lists(VALUE, min_size=1, max_size=80),
    picks=st.lists(st.integers(0, 79), max_size=20),
    method=st.sampled_from(METHODS),
    k=K,
)
def test_shown_areas_keep_their_colour_without_empty_classes(
    reference: list, picks: list[int], method: str, k: int
) -> None:
    shown = [reference[i % len(reference)] for i in picks]
    whole = classification(reference, method, k, "higher_better")
    part = occupied(whole, shown)
    counts = _counts(shown, part.edges)
    assert all(c > 0 for c in counts), (part.edges, counts)
    before = area_fills(whole, shown, [False] * len(shown))
    after = area_fills(part, shown, [False] * len(shown))
    assert [f.color for f in after] == [f.color for f in before]


def test_quantiles_with_ties_give_fewer_classes_not_empty_ones() -> None:
    # seven tied values: breaks at 1 and 1.6 leave nothing in between
    values = [1.0] * 7 + [2.0, 3.0, 4.0, 5.0, 6.0]
    cls = classification(values, QUANTILES, 5, "higher_worse")
    assert _counts(values, cls.edges) == [7, 2, 3]
    assert cls.edges == pytest.approx((1.0, 1.6, 3.8, 6.0))
    assert len(cls.colors) == 3


def test_equal_intervals_merge_a_gap() -> None:
    cls = classification([1.0, 2.0, 9.0, 10.0], EQUAL_INTERVAL, 3, "higher_worse")
    assert cls.edges == pytest.approx((1.0, 7.0, 10.0))  # (4, 7] joins the class below
    assert _counts([1.0, 2.0, 9.0, 10.0], cls.edges) == [2, 2]


def test_one_kommune_gets_the_kreis_classes_it_has() -> None:
    # the Kreis in five quantile classes; the Kommune has areas in classes 0, 2 and 4
    kreis = [float(v) for v in range(1, 21)]
    whole = classification(kreis, QUANTILES, 5, "higher_worse")
    kommune = [2.0, 10.0, 19.0, 20.0]
    assert _counts(kommune, whole.edges) == [1, 0, 1, 0, 2]  # what the legend said before
    part = occupied(whole, kommune)
    assert _counts(kommune, part.edges) == [1, 1, 2]
    assert part.colors == (whole.colors[0], whole.colors[2], whole.colors[4])
    assert part.edges[0] == whole.edges[0] and part.edges[-1] == whole.edges[-1]


def test_manual_thresholds_stay_as_typed() -> None:
    cls = classification([1.0, 2.0], MANUAL, 3, "higher_worse", manual=(10.0, 20.0))
    assert occupied(cls, [1.0, 2.0]) == cls
    assert cls.edges == (-math.inf, 10.0, 20.0, math.inf)


def test_without_shown_values_there_are_no_classes() -> None:
    whole = classification([1.0, 2.0, 3.0, 4.0], QUANTILES, 3, "neutral")
    assert occupied(whole, [None, math.nan]).colors == ()


def test_demo_kommunen_have_no_empty_legend_line_and_keep_the_kreis_colours(
    demo_engine,
) -> None:
    with demo_engine.connect() as conn:
        entry = indicator(conn, "sgb2_u15")
        quarter = parse_quarter("2026-Q3")
        kreis = map_view(conn, entry, quarter, "area")
        colour = dict(zip(kreis.values["area_id"], kreis.values["color"], strict=True))
        for muni in areas_in(conn, None, "municipality")["id"]:
            view = map_view(conn, entry, quarter, "area", muni)
            counts = [e.count for e in view.legend]
            assert all(c > 0 for c in counts), (muni, counts)
            shown = sum(e.count for e in view.legend)
            assert shown == len(view.values), muni
            for area_id, fill in zip(view.values["area_id"], view.values["color"], strict=True):
                assert fill == colour[area_id], area_id
