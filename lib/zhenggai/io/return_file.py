"""Returned files on disk: find them, read each once, and note what calamine cannot say.

A returned file is read into memory once; its sha256, save time and calamine
workbook all come from those bytes, and the guard's one reading of each sheet
(:mod:`zhenggai.io.sheetscan`) gives its formula, error and unreadable cells:
calamine reports a formula's cached value and an error cell as '', so a
formula must be kept as text and an error must never look like a cleared cell.

Nothing about one file stops a run: a file that cannot be read (damaged,
permission denied, a disk error, deleted since the scan, a FIFO) does not
raise; its :class:`ReturnFile` carries the problem. Folders that cannot be
read, and links leading out of the returns folder, are counted and listed.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import olefile

from ..core.errors import WorkbookError
from ..core.problems import Code, Problem
from .calamine import CalamineBook, open_package
from .files import describe, read_file, unreadable
from .package import Package
from .savetime import trusted_save_time
from .sheetscan import SheetScan
from .zipguard import HEAD

__all__ = ["RETURN_FORMATS", "ReturnFile", "Scan", "read_return", "scan_returns"]

RETURN_FORMATS = ("xlsx", "xlsm", "xls", "et", "ods")
"""Formats a return may come in (see :func:`zhenggai.io.formats.detect_format`)."""

# Anything a unit might send that is meant to be a workbook; other files are ignored.
# .csv too: a unit that returns a CSV is told so rather than silently skipped.
WORKBOOK_SUFFIXES = frozenset(
    {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".et", ".ett", ".csv"}
)
_MODIFIED = re.compile(rb"<dcterms:modified\b[^>]*>([^<]+)</dcterms:modified>")
_ODS_MODIFIED = re.compile(rb"<dc:date>([^<]+)</dc:date>")


@dataclass(frozen=True)
class Scan:
    """The files of a returns folder.

    Attributes:
        folder: the returns folder.
        files: workbooks to read, in name order.
        ignored: files skipped on purpose (owner files, hidden files, not workbooks).
        unread: folders and links not read, with why (no permission, a link out of the folder …).
    """

    folder: Path
    files: list[Path]
    ignored: list[Path]
    unread: list[tuple[Path, str]] = field(default_factory=list)


def scan_returns(folder: Path) -> Scan:
    """Workbooks under *folder* (recursively), in name order.

    Owner files of open workbooks (``~$*``, ``.~lock.*``), hidden files and
    files that are not workbooks by name are ignored and counted. Symbolic
    links are followed only when they stay inside *folder*; a folder that
    cannot be listed is listed in :attr:`Scan.unread`, never silently skipped.
    """
    root = folder.resolve()
    files: list[Path] = []
    ignored: list[Path] = []
    unread: list[tuple[Path, str]] = []

    def failed(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder
        unread.append((where, f"文件夹无法读取：{describe(exc)}"))

    for top, dirs, names in os.walk(folder, onerror=failed):
        here = Path(top)
        for d in list(dirs):
            if (here / d).is_symlink():
                dirs.remove(d)
                unread.append((here / d, "是指向其他位置的快捷方式（符号链接），未读取"))
        dirs.sort()
        for name in names:
            _sort_file(here / name, folder, root, files, ignored, unread)
    files.sort()
    ignored.sort()
    return Scan(folder, files, ignored, sorted(unread))


def _sort_file(
    path: Path,
    folder: Path,
    root: Path,
    files: list[Path],
    ignored: list[Path],
    unread: list[tuple[Path, str]],
) -> None:
    name = path.name
    hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
    if name.startswith("~$") or hidden or path.suffix.lower() not in WORKBOOK_SUFFIXES:
        ignored.append(path)
        return
    if path.is_symlink():
        try:
            inside = path.resolve(strict=True).is_relative_to(root)
        except (OSError, RuntimeError):
            inside = False
        if not inside:
            unread.append((path, "是指向回收文件夹之外的快捷方式（符号链接），未读取"))
            return
    files.append(path)  # read_return names any other trouble (FIFO, no permission …)


@dataclass
class ReturnFile:
    """One returned file as read.

    Attributes:
        path: where it is.
        name: its name as shown to users (relative to the returns folder).
        sha256: hash of its bytes ("" when it could not be read).
        saved: when it was last saved, as far as it can be trusted (UTC): see
            :func:`zhenggai.io.savetime.trusted_save_time`.
        fmt: its real format (see :func:`zhenggai.io.formats.detect_format`).
        book: the workbook, or None when it could not be opened.
        problems: why it could not be opened; an impossible save time.
        claimed: the save time its document properties claim (unsigned), if any.
        mtime: when the file on this disk was last written (UTC).
    """

    path: Path
    name: str
    sha256: str
    saved: datetime
    fmt: str = ""
    book: CalamineBook | None = None
    problems: list[Problem] = field(default_factory=list)
    claimed: datetime | None = None
    mtime: datetime | None = None
    _package: Package | None = None

    def marks(self, sheet: str) -> SheetScan:
        """Formula, error and unreadable cells of *sheet*, from the guard's reading of it."""
        if self.book is None:
            return SheetScan()
        if self.fmt == "ods":
            return SheetScan(formulas=self.book.ods(sheet).formulas)
        return self.book.scan(sheet)

    def settle(self, *, issued: datetime | None, now: datetime) -> Problem | None:
        """Fix :attr:`saved` against the batch's issue time and the run's clock.

        Returns the problem (a notice) when the claimed time is impossible.
        """
        self.saved, problem = trusted_save_time(
            self.claimed, self.mtime, issued=issued, now=now, file=self.name
        )
        return problem

    def release(self) -> None:
        """Drop the file's bytes and parsed sheets once checked (many files, bounded memory)."""
        self._package = None
        self.book = None


def read_return(path: Path, *, root: Path | None = None, now: datetime | None = None) -> ReturnFile:
    """Read one returned file; problems are recorded, never raised.

    *now* (the run's clock, naive local) bounds the save time the file claims.
    """
    name = path.relative_to(root).as_posix() if root is not None else path.name
    # until a save time is read: the run's time, the same for every file of the run
    # (a clock read here made a run's output depend on how long reading took)
    ret = ReturnFile(path, name, "", (now or datetime.now()).astimezone(UTC).replace(microsecond=0))
    try:
        ret.mtime = datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
        data = read_file(path)
    except (WorkbookError, OSError) as exc:
        error = exc if isinstance(exc, WorkbookError) else unreadable(path, exc)
        ret.problems.append(error.problem(file=name))
        ret.fmt = "unreadable"
        return ret
    ret.sha256 = hashlib.sha256(data).hexdigest()
    try:
        ret.book, ret._package, ret.fmt = open_package(path, data, accept=RETURN_FORMATS)
    except WorkbookError as exc:
        ret.problems.append(exc.problem(file=name))
        ret.fmt = "unreadable"
    except Exception as exc:  # unforeseen trouble with one file stays with that file
        ret.problems.append(
            WorkbookError(
                f"文件无法读取（{type(exc).__name__}），可能已损坏。请让报送单位用 Excel 重新保存后报送。",
                code=Code.FILE_CORRUPT,
            ).problem(file=name)
        )
        ret.fmt = "unreadable"
    if ret.fmt in ("xls", "et"):
        ret.claimed = _ole_saved(data)
    elif ret._package is not None:
        ret.claimed = (_ods_modified if ret.fmt == "ods" else _core_modified)(ret._package)
    # provisional until the batch's issue time is known (see ReturnFile.settle)
    ret.saved, _ = trusted_save_time(ret.claimed, ret.mtime, issued=None, now=now or datetime.now())
    return ret


def _ole_saved(data: bytes) -> datetime | None:
    """The last-saved time of an .xls/.et (its OLE SummaryInformation, in UTC)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            when = getattr(ole.get_metadata(), "last_saved_time", None)  # set by parsing
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    return when.replace(tzinfo=UTC) if isinstance(when, datetime) else None


def _ods_modified(package: Package) -> datetime | None:
    """The modification date in an .ods's ``meta.xml`` (local time when it names no zone)."""
    try:
        xml = package.read("meta.xml", limit=HEAD)
    except (KeyError, WorkbookError):
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


def _core_modified(package: Package) -> datetime | None:
    """docProps ``modified``: read bounded, never trusted beyond :func:`trusted_save_time`."""
    try:
        xml = package.read("docProps/core.xml", limit=HEAD)
    except (KeyError, WorkbookError):  # no document properties, or damaged ones
        return None
    m = _MODIFIED.search(xml)
    if not m:
        return None
    try:
        when = datetime.fromisoformat(m.group(1).decode("utf-8", "replace").strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
