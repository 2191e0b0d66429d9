"""Import limits and safe unpacking of ZIP archives (shapefile ZIPs; XLSX is a ZIP too).

An archive is checked on its central directory *before* anything is unpacked: member
names (no ``../``, no absolute paths), encryption, compression method, number of files,
the sum of the unpacked sizes and the compression ratio of large members. Members are
then copied in chunks with a hard byte cap, so an archive whose directory lies about
the sizes is stopped as well. Nested ZIPs are unpacked up to a depth, sharing one
budget of bytes and files with their parent.

The limits are settings (``PRAEV_IMPORT_*``, see :mod:`core.config`).
"""

from __future__ import annotations

import io
import logging
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from core.config import setting
from core.errors import ConfigError, DataError, Problem

log = logging.getLogger(__name__)

MB = 1024 * 1024
CHUNK = 1024 * 1024
#: members smaller than this may have any compression ratio (small files compress well)
RATIO_MIN_BYTES = MB
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
SUPPORTED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_DRIVE = re.compile(r"^[A-Za-z]:")
SKIPPED_PARTS = ("__MACOSX",)
#: what zipfile raises for damaged members (CRC, truncated or corrupt deflate data, …)
UNPACK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
)


@dataclass(frozen=True)
class Limits:
    """The import limits in bytes, files, levels, ratio and rows."""

    upload_bytes: int
    unpacked_bytes: int
    files: int
    depth: int
    ratio: int
    rows: int

    @classmethod
    def current(cls) -> Limits:
        """The limits from the settings (environment or documented defaults)."""
        return cls(
            upload_bytes=_int_setting("PRAEV_IMPORT_MAX_UPLOAD_MB") * MB,
            unpacked_bytes=_int_setting("PRAEV_IMPORT_MAX_UNPACKED_MB") * MB,
            files=_int_setting("PRAEV_IMPORT_MAX_FILES"),
            depth=_int_setting("PRAEV_IMPORT_MAX_DEPTH"),
            ratio=_int_setting("PRAEV_IMPORT_MAX_RATIO"),
            rows=_int_setting("PRAEV_IMPORT_MAX_ROWS"),
        )


def _int_setting(env: str) -> int:
    raw = setting(env).strip().replace("_", "")
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(
            f"Die Einstellung {env}={setting(env)!r} ist ungültig; erwartet wird eine "
            "ganze Zahl größer als 0."
        )
    return int(raw)


def whole(n: float) -> str:
    """A whole number with the German thousands point (``1.536``)."""
    return f"{n:,.0f}".replace(",", ".")


def megabytes(n: int) -> str:
    """Bytes as German megabytes for messages (``1.536 MB``)."""
    return f"{whole(n / MB)} MB"


def problem(name: str, what: str, fix: str, value: str | None = None) -> DataError:
    """A DataError about a whole file."""
    return DataError(Problem(name, None, None, value, what, fix))


@dataclass
class Budget:
    """What is left to unpack (bytes and files), shared by nested archives."""

    bytes: int
    files: int

    @classmethod
    def of(cls, limits: Limits) -> Budget:
        """A fresh budget of the limits."""
        return cls(limits.unpacked_bytes, limits.files)


def check_upload(name: str, size: int, limits: Limits) -> None:
    """DataError when an uploaded file is larger than the upload limit."""
    if size > limits.upload_bytes:
        raise problem(
            name,
            f"Die Datei ist zu groß ({megabytes(size)}; erlaubt sind "
            f"{megabytes(limits.upload_bytes)})",
            "Die Datei aufteilen (z. B. je Kommune oder Jahr) oder die Verwaltung bitten, "
            "die Grenze PRAEV_IMPORT_MAX_UPLOAD_MB zu erhöhen.",
        )


def is_zip(data: bytes) -> bool:
    """True for bytes that start like a ZIP archive."""
    return data[:4] in ZIP_MAGIC


def open_zip(
    data: bytes,
    name: str,
    broken: str = "Die ZIP-Datei ist beschädigt oder unvollständig (das Inhaltsverzeichnis "
    "des Archivs fehlt)",
) -> zipfile.ZipFile:
    """The archive of ``data``; DataError with the sentence ``broken`` when it is no
    readable ZIP."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        log.info("unreadable zip %r: %r", name, exc)
        raise problem(
            name,
            broken,
            "Die Datei erneut herunterladen oder neu erstellen und wieder hochladen.",
        ) from exc


def unsafe_name(member: str) -> bool:
    """True for member names that point outside the target folder (``../``, ``/etc``)."""
    if not member or "\x00" in member:
        return True
    norm = member.replace("\\", "/")
    if norm.startswith("/") or _DRIVE.match(norm):
        return True
    return ".." in PurePosixPath(norm).parts


def check_members(
    zf: zipfile.ZipFile, name: str, limits: Limits, budget: Budget, what: str = "Die ZIP-Datei"
) -> list[zipfile.ZipInfo]:
    """The file members of ``zf`` after checking its directory against the limits; the
    budget is charged with their declared sizes. DataError names the first breach."""
    fix_size = (
        "Nur die benötigten Dateien einpacken (z. B. nur VG250_GEM.*) oder die Verwaltung "
        "bitten, die Grenzen PRAEV_IMPORT_MAX_UNPACKED_MB / PRAEV_IMPORT_MAX_FILES zu erhöhen."
    )
    members = [i for i in zf.infolist() if not i.is_dir()]
    for info in zf.infolist():
        if unsafe_name(info.filename):
            raise problem(
                name,
                f"{what} enthält einen Dateinamen, der aus dem Ordner hinausführt "
                "(„../“ oder ein absoluter Pfad) – das ist nicht erlaubt",
                "Die Dateien in einen normalen Ordner legen und die ZIP-Datei neu erstellen.",
                info.filename[:80],
            )
    if len(members) > budget.files:
        raise problem(
            name,
            f"{what} enthält zu viele Dateien ({len(members)}; erlaubt sind {limits.files})",
            fix_size,
        )
    total = sum(i.file_size for i in members)
    if total > budget.bytes:
        raise problem(
            name,
            f"{what} ist entpackt zu groß ({megabytes(total)}; erlaubt sind "
            f"{megabytes(limits.unpacked_bytes)})",
            fix_size,
        )
    for info in members:
        if info.flag_bits & 0x1:
            raise problem(
                name,
                f"{what} ist mit einem Passwort geschützt",
                "Die ZIP-Datei ohne Passwort neu erstellen und hochladen.",
            )
        if info.compress_type not in SUPPORTED_METHODS:
            raise problem(
                name,
                f"{what} verwendet ein nicht unterstütztes Komprimierungsverfahren",
                "Die ZIP-Datei mit dem Standardverfahren („Deflate“, z. B. Windows "
                "„Senden an → ZIP-komprimierter Ordner“) neu erstellen.",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > limits.ratio:
            raise problem(
                name,
                f"{what} ist auffällig stark komprimiert (1 : {whole(ratio)}, erlaubt "
                f"1 : {whole(limits.ratio)}) – vermutlich eine „ZIP-Bombe“",
                "Nur echte Geodaten oder Tabellen hochladen; bei Bedarf die Verwaltung "
                "bitten, PRAEV_IMPORT_MAX_RATIO zu erhöhen.",
                info.filename[:80],
            )
    budget.files -= len(members)
    budget.bytes -= total
    return members


def broken_member(name: str, member: str, exc: BaseException) -> DataError:
    """The German DataError for a member that cannot be unpacked."""
    log.info("cannot unpack %r from %r: %r", member, name, exc)
    return problem(
        name,
        "Eine Datei im Archiv ist beschädigt und kann nicht entpackt werden",
        "Die Datei erneut herunterladen oder das Archiv neu erstellen.",
        member[:80],
    )


def copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, name: str) -> None:
    """Unpack one member to ``target`` in chunks, never writing more than it declares."""
    written = 0
    try:
        with zf.open(info) as src, target.open("wb") as out:
            while chunk := src.read(CHUNK):
                written += len(chunk)
                if written > info.file_size:
                    raise problem(
                        name,
                        "Das Archiv ist beschädigt: eine Datei ist größer als im "
                        "Inhaltsverzeichnis angegeben",
                        "Die Datei erneut herunterladen oder das Archiv neu erstellen.",
                        info.filename[:80],
                    )
                out.write(chunk)
    except UNPACK_ERRORS as exc:
        raise broken_member(name, info.filename, exc) from exc


def safe_file_name(name: str, fallback: str = "datei") -> str:
    """The last part of a file name, without folders and characters a file system refuses."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", base).strip()
    if base in ("", ".", ".."):
        return fallback
    return base[:150]


def unpack(
    data: bytes, name: str, folder: Path, limits: Limits, budget: Budget, depth: int = 1
) -> list[Path]:
    """Unpack a ZIP into ``folder`` (flat: folders inside the archive are dropped); nested
    ZIPs are unpacked too, up to ``limits.depth`` levels. Returns the written files."""
    written: list[Path] = []
    with open_zip(data, name) as zf:
        for info in check_members(zf, name, limits, budget):
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if any(p.startswith(".") or p in SKIPPED_PARTS for p in parts):
                continue
            target = folder / safe_file_name(parts[-1])
            if target.suffix.lower() == ".zip":
                if depth >= limits.depth:
                    raise problem(
                        name,
                        f"Die ZIP-Datei ist zu tief verschachtelt (mehr als {limits.depth} "
                        "Ebenen ZIP in ZIP)",
                        "Die innere ZIP-Datei auspacken und diese hochladen.",
                        info.filename[:80],
                    )
                inner = _read_member(zf, info, name)
                written += unpack(inner, f"{name} → {parts[-1]}", folder, limits, budget, depth + 1)
                continue
            copy_member(zf, info, target, name)
            written.append(target)
    return written


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """A (nested archive) member in memory; its size is already within the budget."""
    buf = io.BytesIO()
    try:
        with zf.open(info) as src:
            while chunk := src.read(CHUNK):
                if buf.tell() + len(chunk) > info.file_size:
                    raise broken_member(name, info.filename, ValueError("size mismatch"))
                buf.write(chunk)
    except UNPACK_ERRORS as exc:
        raise broken_member(name, info.filename, exc) from exc
    return buf.getvalue()
