"""Exports through the CLI: what the pages show, German headers, suppressed where suppressed."""

import io

import pandas as pd
import pytest

from core.catalogue import indicator
from core.cli import main
from core.coverage import coverage_cells
from core.indicators import indicator_values
from core.present.vocabulary import WITHHELD_SIGN, WITHHELD_TEXT
from core.quarters import parse_quarter


def read_german_csv(path) -> pd.DataFrame:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens umlauts correctly
    return pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig", dtype=str)


def test_coverage_csv_has_one_row_per_sozialraum_and_phase(demo_url, demo_engine, tmp_path):
    out = tmp_path / "x.csv"
    assert (
        main(
            [
                "--database-url",
                demo_url,
                "export",
                "coverage",
                "--quarter",
                "2026-Q3",
                "--format",
                "csv",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    df = read_german_csv(out)
    with demo_engine.connect() as conn:
        cells = coverage_cells(conn, "2026-Q3")
    assert len(df) == len(cells) == cells["area_id"].nunique() * 6
    assert list(df.columns[:4]) == ["Kommune", "Sozialraum", "Kennung", "Lebensphase"]
    row = df[(df["Sozialraum"] == "Erfttal") & (df["Lebensphase"] == "Kita (3–6)")].iloc[0]
    cell = cells[(cells["area_name"] == "Erfttal") & (cells["life_phase_id"] == "kita")].iloc[0]
    assert float(row["Versorgung"].replace(",", ".")) == pytest.approx(cell["coverage"], abs=0.05)
    assert row["Stand Kinder"] == "31.12.2025"
    small = df[df["Sozialraum"] == "Hafengebiet"]
    assert (small["Versorgung"] == WITHHELD_SIGN).all()
    assert (small["Kinder"] == WITHHELD_SIGN).all()
    assert (small["Datenschutz"] == WITHHELD_TEXT).all()
    assert df["Quelle"].str.startswith("Demodaten").all()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_indicator_export_equals_core_values(demo_url, demo_engine, tmp_path, fmt):
    out = tmp_path / f"i.{fmt}"
    assert (
        main(
            [
                "--database-url",
                demo_url,
                "export",
                "indicators",
                "--quarter",
                "2026-Q3",
                "--kommune",
                "05162024",
                "--indicator",
                "sgb2_u15",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    if fmt == "csv":
        df = read_german_csv(out)
        value = lambda v: float(str(v).replace(",", "."))  # noqa: E731
    else:
        df = pd.read_excel(out, dtype=object)
        value = float
    with demo_engine.connect() as conn:
        core = indicator_values(
            conn, indicator(conn, "sgb2_u15"), parse_quarter("2026-Q3"), "area", "05162024"
        )
    areas = df[df["Ebene"] == "Sozialraum"].set_index("Kennung")
    assert len(areas) == 28 and set(df["Ebene"]) == {"Kreis", "Kommune", "Sozialraum"}
    for r in core.itertuples():
        shown = areas.loc[r.area_id, "Wert"]
        if r.suppressed:
            assert shown == WITHHELD_SIGN
            assert areas.loc[r.area_id, "Zähler"] == WITHHELD_SIGN
        else:
            assert value(shown) == pytest.approx(round(r.value, 1))
    assert (df["Stand"] == "30.06.2026").all()
    assert (df["vorläufig"] == "ja").all()


def test_networks_export_xlsx(demo_url, tmp_path):
    out = tmp_path / "n.xlsx"
    assert (
        main(
            [
                "--database-url",
                demo_url,
                "export",
                "networks",
                "--quarter",
                "2026-Q3",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    df = pd.read_excel(out)
    assert {"Netzwerk", "Stufe", "Ampel", "Veränderung"} <= set(df.columns)
    assert (df["Quartal"] == "3. Quartal 2026").all()
    assert len(df) > 40


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "coverage", "--quarter", "2026-Q9", "-o", "x.csv"], "kein Quartal"),
        (
            ["export", "coverage", "--quarter", "2026-Q3", "--kommune", "0516", "-o", "x.csv"],
            "gibt es nicht",
        ),
        (
            ["export", "indicators", "--quarter", "2026-Q3", "--indicator", "armut", "-o", "x.csv"],
            "Indikator „armut“",
        ),
    ],
)
def test_bad_arguments_give_a_german_message(
    demo_url, tmp_path, capsys, monkeypatch, argv, message
):
    monkeypatch.chdir(tmp_path)
    assert main(["--database-url", demo_url, *argv]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_info_on_an_empty_database_says_what_to_do(tmp_path, capsys):
    assert main(["--database-url", f"sqlite:///{tmp_path / 'leer.sqlite'}", "info"]) == 1
    assert "init-db" in capsys.readouterr().err


def _export(demo_url, table, out, *extra):
    argv = ["--database-url", demo_url, "export", table, "--quarter", "2026-Q3", "-o", str(out)]
    assert main([*argv, *extra]) == 0


def test_the_jugendamt_records_export_as_their_pages_show_them(demo_url, demo_engine, tmp_path):
    """Qualitätsbausteine, steering and offers: in CSV and XLSX, as on their pages."""
    from core.offers import offer_landscape

    _export(demo_url, "quality", tmp_path / "q.csv", "--kommune", "05162024")
    quality = read_german_csv(tmp_path / "q.csv")
    assert len(quality) == 13  # Neuss: the 13 items of its Jugendamt
    assert {"Stand des Punkts", "Nachweis", "Link oder Ablage"} <= set(quality.columns)
    assert quality["Stand des Punkts"].str.contains("erreicht").any()

    _export(demo_url, "steering", tmp_path / "s.xlsx")
    sheets = pd.read_excel(tmp_path / "s.xlsx", sheet_name=None)
    assert list(sheets)[:1] == ["Steuerung"]
    assert {"Leitbild", "Steuerungsgruppe", "Koordinationsstelle", "Beschlüsse"} <= set(sheets)
    summary = sheets["Steuerung"]
    assert "Neuss" in summary["Jugendamt"].tolist()
    assert len(sheets["Beschlüsse"]) > 0

    _export(demo_url, "offers", tmp_path / "o.csv", "--kommune", "05162024")
    offers = read_german_csv(tmp_path / "o.csv")
    with demo_engine.connect() as conn:
        expected = offer_landscape(conn, parse_quarter("2026-Q3").end, "05162024")
    assert len(offers) == len(expected) > 0
