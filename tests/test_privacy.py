"""How a withheld cell is written: one sign whatever the reason, and its export note.
(The rules themselves are tested with the protected publication: test_protection.py,
test_publication.py.)"""

import pandas as pd
import pytest

from core.present.tables import shows_withheld, with_withheld_note
from core.present.vocabulary import WITHHELD_COLUMN, WITHHELD_SIGN, WITHHELD_TEXT
from core.privacy import (
    PrivacyRules,
    display_value,
    withheld_values,
)

RULES = PrivacyRules(min_count=3, min_denominator=20)


@pytest.mark.parametrize(
    ("value", "reason", "kind", "text"),
    [
        (12.345, None, "rate", "12,3 %"),
        (None, "withheld", "count", WITHHELD_SIGN),
        (None, "withheld", "rate", WITHHELD_SIGN),
        (1234.5, None, "count", "1.234,5 %"),
    ],
)
def test_display(value, reason, kind, text) -> None:
    assert display_value(value, reason, RULES, 1, "%", kind) == text


def test_one_sign_whatever_the_reason() -> None:
    shown = {
        display_value(None, reason, RULES, 0, "", kind)
        for reason in ("withheld", "small_count", "secondary", "other")
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
