"""Suppression rules: primary (small counts, small denominators) and secondary."""

import pandas as pd
import pytest

from core.present.tables import shows_withheld, with_withheld_note
from core.present.vocabulary import WITHHELD_COLUMN, WITHHELD_SIGN, WITHHELD_TEXT
from core.privacy import (
    REASON_SECONDARY,
    REASON_SMALL_COUNT,
    REASON_SMALL_DENOMINATOR,
    PrivacyRules,
    display_value,
    suppress,
    withheld_values,
)

RULES = PrivacyRules(min_count=3, min_denominator=20)


def cells(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["id", "group", "numerator", "denominator", "value"])


@pytest.mark.parametrize(
    ("numerator", "denominator", "kind", "reason"),
    [
        (0, 100, "rate", None),  # zero is shown
        (1, 100, "rate", REASON_SMALL_COUNT),
        (2, 100, "rate", REASON_SMALL_COUNT),
        (3, 100, "rate", None),
        (5, 19, "rate", REASON_SMALL_DENOMINATOR),
        (5, 20, "rate", None),
        (5, 0, "rate", REASON_SMALL_DENOMINATOR),
        (2, None, "count", REASON_SMALL_COUNT),
        (3, None, "count", None),
        (None, None, "rate", None),  # missing stays missing, nothing to hide
    ],
)
def test_primary_rules(numerator, denominator, kind, reason) -> None:
    out = suppress(cells([("a", "g", numerator, denominator, 1.0)]), RULES, kind=kind)
    assert out.loc[0, "suppression"] == reason
    assert bool(out.loc[0, "suppressed"]) == (reason is not None)
    if reason:
        assert pd.isna(out.loc[0, "numerator"]) and pd.isna(out.loc[0, "value"])


def test_thresholds_are_configurable() -> None:
    strict = PrivacyRules(min_count=5, min_denominator=50)
    out = suppress(cells([("a", "g", 4, 100, 4.0), ("b", "g", 6, 40, 15.0)]), strict, kind="rate")
    assert out["suppression"].tolist() == [REASON_SMALL_COUNT, REASON_SMALL_DENOMINATOR]


def test_secondary_hides_the_smallest_other_cell_in_the_group() -> None:
    frame = cells(
        [
            ("a", "M1", 2, 100, 2.0),  # primary
            ("b", "M1", 40, 200, 20.0),
            ("c", "M1", 9, 100, 9.0),  # smallest shown cell -> secondary
            ("d", "M2", 50, 100, 50.0),
            ("e", "M2", 60, 100, 60.0),
        ]
    )
    out = suppress(frame, RULES, kind="rate", group="group").set_index("id")
    assert out.loc["a", "suppression"] == REASON_SMALL_COUNT
    assert out.loc["c", "suppression"] == REASON_SECONDARY
    assert not out.loc["b", "suppressed"]
    # the other group is untouched
    assert not out.loc[["d", "e"], "suppressed"].any()
    # total minus shown cells no longer reveals the small cell
    assert out.loc[out["group"] == "M1", "numerator"].notna().sum() == 1


def test_no_secondary_when_two_cells_are_already_hidden() -> None:
    frame = cells(
        [
            ("a", "M1", 1, 100, 1.0),
            ("b", "M1", 2, 100, 2.0),
            ("c", "M1", 30, 100, 30.0),
        ]
    )
    out = suppress(frame, RULES, kind="rate", group="group")
    assert out["suppression"].tolist() == [REASON_SMALL_COUNT, REASON_SMALL_COUNT, None]


def test_small_denominator_is_emptied_too() -> None:
    out = suppress(cells([("a", "g", 0, 2, 0.0)]), RULES, kind="rate")
    assert out.loc[0, "suppressed"]
    assert pd.isna(out.loc[0, "denominator"])


@pytest.mark.parametrize(
    ("value", "reason", "kind", "text"),
    [
        (12.345, None, "rate", "12,3 %"),
        (None, REASON_SMALL_COUNT, "count", WITHHELD_SIGN),
        (None, REASON_SMALL_COUNT, "rate", WITHHELD_SIGN),
        (None, REASON_SMALL_DENOMINATOR, "rate", WITHHELD_SIGN),
        (None, REASON_SECONDARY, "rate", WITHHELD_SIGN),
        (None, REASON_SECONDARY, "count", WITHHELD_SIGN),
        (1234.5, None, "count", "1.234,5 %"),
    ],
)
def test_display(value, reason, kind, text) -> None:
    assert display_value(value, reason, RULES, 1, "%", kind) == text


def test_one_sign_whatever_the_reason() -> None:
    shown = {
        display_value(None, reason, RULES, 0, "", kind)
        for reason in (REASON_SMALL_COUNT, REASON_SMALL_DENOMINATOR, REASON_SECONDARY, "other")
        for kind in ("rate", "count")
    }
    assert shown == {WITHHELD_SIGN}


def test_withheld_values_and_the_export_note() -> None:
    assert withheld_values([1.5, 2, None], [False, True, None]) == [1.5, WITHHELD_SIGN, None]
    frame = pd.DataFrame({"Wert": [1.5, WITHHELD_SIGN], "Datenschutz": ["x", "y"]})
    assert shows_withheld(frame) and not shows_withheld(frame.iloc[:1])
    note = with_withheld_note(frame)
    assert list(note.columns) == ["Wert", WITHHELD_COLUMN]
    assert note[WITHHELD_COLUMN].tolist() == ["", WITHHELD_TEXT]
