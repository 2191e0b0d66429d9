"""Time and peak memory of refusing zip bombs, next to the floor of reading a small valid file.

Each case runs in its own Python process (``--case NAME``) so that its peak RSS is its
own. Figures are printed, not asserted. Usage: ``.venv/bin/python bench/zip_bomb.py``.

Cases:
* ``floor-csv``: preview of a small valid CSV of indicator values.
* ``floor-shp``: preview of a small valid shapefile ZIP (two Sozialräume).
* ``bomb-1.5gb``: a ~1.5 MB ZIP whose shapefile member inflates to 1.5 GB (default limits).
* ``bomb-400mb``: a bomb below the size limit, refused by its compression ratio.
* ``xlsx-bomb``: an XLSX with a 1.5 GB zero-filled media part.
* ``lying-directory``: a ZIP whose directory declares 1 KB for a member of 200 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GB15 = 1536 * 1024 * 1024
MB400 = 400 * 1024 * 1024
CASES = ("floor-csv", "floor-shp", "bomb-1.5gb", "bomb-400mb", "xlsx-bomb", "lying-directory")


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (VmHWM: reset by exec, unlike
    ru_maxrss, which Linux carries over from the parent)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build(folder: Path) -> None:
    """Write the bombs and the lying archive into ``folder`` (in chunks where possible)."""
    from tests.hostile_files import lying_zip, write_bomb

    with (folder / "bomb.zip").open("wb") as out:
        write_bomb(out, GB15, "gemeinden.shp")
    with (folder / "bomb400.zip").open("wb") as out:
        write_bomb(out, MB400, "gemeinden.shp")
    (folder / "lying.zip").write_bytes(lying_zip(200 * 1024 * 1024, 1024))
    _xlsx_bomb(folder)


def _xlsx_bomb(folder: Path) -> Path:
    """An XLSX (a valid workbook) with one 1.5 GB zero-filled part, written in chunks."""
    import io
    import zipfile

    from tests.hostile_files import good_xlsx

    path = folder / "bomb.xlsx"
    if path.exists():
        return path
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zipfile.ZipFile(io.BytesIO(good_xlsx())) as src:
            for info in src.infolist():
                zf.writestr(info.filename, src.read(info))
        with zf.open("xl/media/image1.bin", "w", force_zip64=True) as out:
            for _ in range(GB15 // len(chunk)):
                out.write(chunk)
    return path


def _run_case(case: str, folder: Path) -> None:
    """Run one case in this process and print: case, seconds, peak RSS, outcome."""
    from core.catalogue import load_catalogue
    from core.db import make_engine, migrate
    from core.errors import DataError
    from core.imports import ImportFile, preview
    from tests.hostile_files import shapefile_zip
    from tests.imports_support import add_test_areas, csv_file

    engine = make_engine(f"sqlite:///{folder / f'{case}.sqlite'}")
    migrate(engine)
    with engine.begin() as conn:
        load_catalogue(conn)
    add_test_areas(engine)
    kind = "areas"
    if case == "floor-csv":
        kind = "population"
        rows = [["Gebiet", "Stichtag", "Lebensphase", "Kinder"]]
        rows += [["05999004-01", "31.12.2024", "crib", "12"]]
        file = csv_file("bev.csv", rows)
    elif case == "floor-shp":
        file = shapefile_zip(folder)
    elif case == "bomb-1.5gb":
        file = ImportFile("bombe.zip", (folder / "bomb.zip").read_bytes())
    elif case == "bomb-400mb":
        file = ImportFile("bombe.zip", (folder / "bomb400.zip").read_bytes())
    elif case == "xlsx-bomb":
        kind = "indicators"
        file = ImportFile("bombe.xlsx", (folder / "bomb.xlsx").read_bytes())
    else:
        file = ImportFile("luegt.zip", (folder / "lying.zip").read_bytes())
    before_mb = peak_rss_mb()
    start = time.perf_counter()
    try:
        preview(engine, kind, [file])
        outcome = "accepted"
    except DataError as exc:
        outcome = "refused: " + exc.problems[0].problem[:70]
    seconds = time.perf_counter() - start
    peak_mb = peak_rss_mb()
    size = len(file.data) / 1024 / 1024
    print(
        f"{case:<20} {size:>6.2f} MB {seconds:>8.3f} s {before_mb:>6.0f} MB {peak_mb:>6.0f} MB"
        f"  {outcome}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=CASES)
    parser.add_argument("--folder")
    parser.add_argument("--build", help="only write the test archives into this folder")
    args = parser.parse_args()
    if args.build:
        _build(Path(args.build))
        return
    if args.case:
        _run_case(args.case, Path(args.folder))
        return
    with tempfile.TemporaryDirectory(prefix="praev-bench-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--build", str(folder)], check=True)
        print(f"(files built in {time.perf_counter() - start:.1f} s)")
        print("peak RSS of the process: before the check (imports, database) and after it")
        head = f"{'case':<20} {'upload':>9} {'time':>10} {'before':>9} {'after':>9}  outcome"
        print(head)
        for case in CASES:
            subprocess.run(
                [sys.executable, __file__, "--case", case, "--folder", str(folder)],
                check=True,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )


if __name__ == "__main__":
    main()
