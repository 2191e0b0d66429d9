"""Tables read like tables: numbers (with their unit) right-aligned, numbered labels
such as the quality items "1.1 Bestehende Angebote sind erfasst" left-aligned as text."""

from __future__ import annotations

import pandas as pd

from ui.tables import _right_aligned


def test_numbers_align_right_and_numbered_labels_left() -> None:
    frame = pd.DataFrame(
        {
            "Baustein": ["1. Analyse der Angebotslandschaft", "2. Bedarfsklärung"],
            "Punkt": ["1.1 Bestehende Angebote sind erfasst", "2.1 Ziele sind festgelegt"],
            "Quartal": ["3. Quartal 2026", "2. Quartal 2026"],
            "Wert": ["12,3 %", "1.234,0 je 10.000"],
            "Veränderung": ["±0 Pp.", "+1,2 Pp."],
            "Kinder": ["1.234", "•"],
            "Stand": ["30.09.2026", "–"],
        }
    )
    assert sorted(_right_aligned(frame)) == ["Kinder", "Stand", "Veränderung", "Wert"]
