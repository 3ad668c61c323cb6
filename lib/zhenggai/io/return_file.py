"""Returned files on disk: find them, read each once, and note what calamine cannot say.

A returned file is read into memory once; its sha256, save time, formula and
error cells and its calamine workbook all come from those bytes. calamine
reports a formula's cached value and an error cell as '', so the sheet XML
is scanned for ``<f>`` and ``t="e"`` cells: a formula must be kept as text
and an error must never look like a cleared cell.

Returns saved as .xls, WPS .et or .ods are read the same way (calamine reads
them; the ``_meta`` sheet's values carry the signature): their save time comes
from the OLE summary or ``meta.xml``, an .ods's formulas and merged cells from
``content.xml`` (:mod:`zhenggai.io.ods`). An .xls/.et's formulas are read as
the values Excel computed (BIFF keeps no formula text calamine shows).

A file that cannot be read does not raise: its :class:`ReturnFile` carries
the problem, so one bad file never stops a consolidation.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import olefile

from ..core.errors import WorkbookError
from ..core.problems import Problem
from .calamine import CalamineBook, open_package
from .failures import PACKAGE_ERRORS
from .zipguard import HEAD, xml_unescape

__all__ = ["RETURN_FORMATS", "ReturnFile", "Scan", "read_return", "scan_returns"]

RETURN_FORMATS = ("xlsx", "xlsm", "xls", "et", "ods")
"""Formats a return may come in (see :func:`zhenggai.io.formats.detect_format`)."""

# Anything a unit might send that is meant to be a workbook; other files are ignored.
# .csv too: a unit that returns a CSV is told so rather than silently skipped.
WORKBOOK_SUFFIXES = frozenset(
    {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".et", ".ett", ".csv"}
)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_MODIFIED = re.compile(rb"<dcterms:modified\b[^>]*>([^<]+)</dcterms:modified>")
_ODS_MODIFIED = re.compile(rb"<dc:date>([^<]+)</dc:date>")


@dataclass(frozen=True)
class Scan:
    """The files of a returns folder: workbooks to read and files ignored."""

    folder: Path
    files: list[Path]
    ignored: list[Path]


def scan_returns(folder: Path) -> Scan:
    """Workbooks under *folder* (recursively), in name order.

    Owner files of open workbooks (``~$*``, ``.~lock.*``), hidden files and
    files that are not workbooks by name are ignored and counted.
    """
    files: list[Path] = []
    ignored: list[Path] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.name
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if name.startswith("~$") or hidden or path.suffix.lower() not in WORKBOOK_SUFFIXES:
            ignored.append(path)
        else:
            files.append(path)
    return Scan(folder, files, ignored)


@dataclass
class ReturnFile:
    """One returned file as read.

    Attributes:
        path: where it is.
        name: its name as shown to users (relative to the returns folder).
        sha256: hash of its bytes (the same file twice is skipped).
        saved: when it was last saved (docProps ``modified``, else mtime), UTC.
        fmt: its real format (see :func:`zhenggai.io.formats.detect_format`).
        book: the workbook, or None when it could not be opened.
        problems: why it could not be opened.
    """

    path: Path
    name: str
    sha256: str
    saved: datetime
    fmt: str = ""
    book: CalamineBook | None = None
    problems: list[Problem] = field(default_factory=list)
    _zip: zipfile.ZipFile | None = None
    _markers: dict[str, tuple[dict[tuple[int, int], str], set[tuple[int, int]]]] = field(
        default_factory=dict
    )

    def markers(self, sheet: str) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]]]:
        """Formula cells (1-based (row, col) -> formula text with "=") and error cells of *sheet*."""
        if sheet not in self._markers:
            if self.fmt == "ods" and self.book is not None:
                self._markers[sheet] = (self.book.ods(sheet).formulas, set())
                return self._markers[sheet]
            # the sheet's XML as checked before calamine read it: no second inflate
            xml = self.book.sheet_xml(sheet) if self.book is not None else None
            self._markers[sheet] = _scan_cells(xml) if xml else ({}, set())
        return self._markers[sheet]

    def release(self) -> None:
        """Drop the file's bytes and parsed sheets once checked (many files, bounded memory)."""
        self._zip = None
        self.book = None


def read_return(path: Path, *, root: Path | None = None) -> ReturnFile:
    """Read one returned file; problems are recorded, never raised."""
    name = path.relative_to(root).as_posix() if root is not None else path.name
    data = path.read_bytes()
    stat = path.stat()
    mtime = datetime.fromtimestamp(stat.st_mtime, UTC)
    ret = ReturnFile(path, name, hashlib.sha256(data).hexdigest(), mtime)
    try:
        ret.book, ret._zip, ret.fmt = open_package(path, data, accept=RETURN_FORMATS)
    except WorkbookError as exc:
        ret.problems.append(exc.problem(file=name))
        ret.fmt = "unreadable"
        return ret
    if ret.fmt in ("xls", "et"):
        ret.saved = _ole_saved(data) or mtime
    elif ret._zip is not None:
        ret.saved = (_ods_modified if ret.fmt == "ods" else _core_modified)(ret._zip) or mtime
    return ret


def _ole_saved(data: bytes) -> datetime | None:
    """The last-saved time of an .xls/.et (its OLE SummaryInformation, in UTC)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            when = getattr(ole.get_metadata(), "last_saved_time", None)  # set by parsing
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    return when.replace(tzinfo=UTC) if isinstance(when, datetime) else None


def _ods_modified(zf: zipfile.ZipFile) -> datetime | None:
    """The modification date in an .ods's ``meta.xml`` (local time when it names no zone)."""
    try:
        with zf.open("meta.xml") as fh:
            xml = fh.read(HEAD)  # bounded: the part is not checked further
    except KeyError:
        return None
    except PACKAGE_ERRORS:
        return None
    m = _ODS_MODIFIED.search(xml)
    if not m:
        return None
    text = m.group(1).decode(errors="replace").strip()
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # LibreOffice writes nanoseconds
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.astimezone()


def _core_modified(zf: zipfile.ZipFile) -> datetime | None:
    try:
        with zf.open("docProps/core.xml") as fh:
            xml = fh.read(HEAD)  # bounded: the part is not checked further
    except KeyError:  # no document properties
        return None
    except PACKAGE_ERRORS:
        return None
    m = _MODIFIED.search(xml)
    if not m:
        return None
    try:
        when = datetime.fromisoformat(m.group(1).decode().strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _scan_cells(xml: bytes) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]]]:
    formulas: dict[tuple[int, int], str] = {}
    errors: set[tuple[int, int]] = set()
    if not _has_formula(xml) and b't="e"' not in xml:
        return formulas, errors  # the usual case: no cell-by-cell scan
    for attrs, inner in _iter_cells(xml):
        ref = _REF.search(attrs)
        if ref is None:
            continue
        pos = (int(ref.group(2)), _column(ref.group(1)))
        if b't="e"' in attrs:
            errors.add(pos)
        if inner and b"<" in inner:
            f = _FORMULA.search(inner)
            if f is not None:
                text = xml_unescape((f.group(1) or b"").decode("utf-8", "replace"))
                formulas[pos] = "=" + text if text else ""
    return formulas, errors


def _has_formula(xml: bytes) -> bool:
    """Whether the sheet may hold a formula: one byte scan, no regex.

    Every formula with text ends "</f>" (or "</x:f>"); a shared formula's
    followers ("<f t="shared" si="0"/>") always come with such a first cell.
    A data validation's <formula1> does not match. A false alarm only costs
    the cell-by-cell scan.
    """
    return b"f>" in xml


def _iter_cells(xml: bytes) -> Iterator[tuple[bytes, bytes]]:
    for m in _CELL.finditer(xml):
        yield m.group(1), m.group(2) or b""


def _column(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col
