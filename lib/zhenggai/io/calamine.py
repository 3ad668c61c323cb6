"""Reading workbooks with python-calamine, behind the guards of :mod:`.zipguard`.

:func:`open_book` checks a file's real format, its zip directory and each
sheet's reach before calamine parses anything, then hands out sheets as
:data:`~zhenggai.core.grid.Grid` values (``None`` for empty). A
:class:`CalamineBook` is a :class:`~zhenggai.core.grid.GridSource`, so the
core reads it exactly as it reads an open xlwings Book.

Example:
    >>> book = open_book("示例台账.xlsx")                      # doctest: +SKIP
    >>> table = read_table(book.grid("台账"), default_spec(), sheet="台账")  # doctest: +SKIP
    >>> table.rows[0].cell("status")                           # doctest: +SKIP
    'L2'
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import python_calamine

from ..core.errors import WorkbookError
from ..core.grid import Grid
from ..core.problems import Code
from ..core.text import Value
from .biff import xls_extents
from .failures import PACKAGE_ERRORS, translated
from .formats import detect_format, refuse, zip_format
from .ods import OdsCells, ods_sheets
from .zipguard import (
    HEAD,
    TAIL,
    check_area,
    check_entry_count,
    check_extent,
    check_members,
    sheet_parts,
    trusted_head_ok,
    unsafe_xml,
)

__all__ = ["ZIP_FORMATS", "CalamineBook", "open_book", "open_package"]


ZIP_FORMATS = ("xlsx", "xlsm", "xlsb", "ods")


def open_book(
    path: str | Path,
    *,
    accept: Sequence[str] = ("xlsx", "xlsm"),
    data: bytes | None = None,
    trusted: bool = False,
) -> CalamineBook:
    """Open a workbook for reading, checking its real format first.

    Args:
        path: the file.
        accept: formats to read (see :func:`detect_format`); others raise.
        data: the file's content when the caller has read it already (a
            returned file is read once: hashed, checked and parsed from
            memory). Members are then CRC-checked by calamine as it reads
            them instead of all up front.
        trusted: the office's own file (the master, or a file this tool
            just wrote): a sheet whose ``<dimension>`` shows it is of a
            readable size is not scanned (see :mod:`zhenggai.io.zipguard`), and
            members are not CRC-checked up front (inflating a 50,000-row
            master twice costs ~0.3 s; calamine reads what it needs anyway).

    Raises:
        WorkbookError: with ``code`` and a Chinese message (missing, empty,
            encrypted, old format, corrupt, zip bomb, unsafe).
    """
    path = Path(path)
    if data is not None:
        return open_package(path, data, accept=accept)[0]
    if not path.is_file():
        raise WorkbookError(f"找不到文件：{path}")
    fmt = detect_format(path)
    refuse(fmt, accept)
    if fmt in ZIP_FORMATS:
        with path.open("rb") as fh:
            fh.seek(max(path.stat().st_size - TAIL, 0))
            check_entry_count(fh.read())
        _check_zip(path, crc=not trusted)
    if path.suffix.lower() != f".{fmt}":
        # renamed (an .xlsx saved as .xls): calamine would pick its reader by the name
        return open_package(path, path.read_bytes(), accept=accept)[0]
    book = CalamineBook(path, trusted=trusted, fmt=fmt)
    book._workbook = book._load(lambda: python_calamine.CalamineWorkbook.from_path(str(path)))
    return book


def open_package(
    path: Path, data: bytes, *, accept: Sequence[str] = ("xlsx", "xlsm")
) -> tuple[CalamineBook, zipfile.ZipFile | None, str]:
    """:func:`open_book` for a file already in memory, sharing one read of its zip directory.

    A returned file is read once: hashed, checked and parsed from *data*.
    Members are CRC-checked by calamine as it reads them instead of all up front.
    The zip's end record, directory, sizes and names are checked before any
    part of it is inflated or parsed (:mod:`zhenggai.io.zipguard`).

    Returns:
        The book, the open zip (to read other parts, e.g. document properties) and the format.
    """
    if not data.startswith(b"PK"):
        fmt = detect_format(path, data=data)
        refuse(fmt, accept)
        if fmt in ("xls", "et"):  # calamine lays out every sheet as it opens: measure first
            for name, extent in xls_extents(data).items():
                check_area(extent, sheet=name)
        book = CalamineBook(path, fmt=fmt)
        book._workbook = book._load(
            lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        )
        return book, None, fmt
    check_entry_count(data[-TAIL:])
    with translated():
        zf = zipfile.ZipFile(io.BytesIO(data))
        check_members(zf)
        fmt = zip_format(zf)
    refuse(fmt, accept)
    book = CalamineBook(path, zip=zf, keep_xml=fmt != "ods", fmt=fmt)
    if fmt == "ods":  # calamine expands every sheet of an .ods as it opens it: measure first
        with translated():
            book._ods = ods_sheets(zf)
        for name, cells in book._ods.items():
            check_area(cells.extent, sheet=name)
    book._workbook = book._load(
        lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    )
    return book, zf, fmt


def _check_zip(path: Path, *, crc: bool = True) -> None:
    """Refuse zip bombs and path-like names, then (with *crc*) damaged members."""
    with translated(), zipfile.ZipFile(path) as zf:
        check_members(zf)
        bad = zf.testzip() if crc else None
    if bad is not None:
        raise WorkbookError(
            f"文件已损坏（{bad} 校验失败），无法打开，请重新报送。", code=Code.FILE_CORRUPT
        )


@dataclass
class CalamineBook:
    """A workbook read lazily sheet by sheet.

    Before calamine parses a sheet, the sheet's XML is checked for a reach
    that would exhaust memory (:func:`zhenggai.io.zipguard.check_extent`).

    Attributes:
        path: the file.
        zip: the package when it is in memory (a returned file), else None
            (it is opened from *path* when needed).
        trusted: see :func:`open_book`.
        keep_xml: keep each sheet's XML once checked (see :meth:`sheet_xml`).
        fmt: the real format (:func:`~zhenggai.io.formats.detect_format`), when known.
    """

    path: Path
    zip: zipfile.ZipFile | None = None
    trusted: bool = False
    keep_xml: bool = False
    fmt: str = ""
    _workbook: python_calamine.CalamineWorkbook = field(init=False, repr=False)
    _grids: dict[str, Grid] = field(default_factory=dict, repr=False)
    _sheets: dict[str, python_calamine.CalamineSheet] = field(default_factory=dict, repr=False)
    _xml: dict[str, bytes] = field(default_factory=dict, repr=False)
    _parts: dict[str, str] | None = field(default=None, repr=False)
    _merged: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict, repr=False)
    _ods: dict[str, OdsCells] = field(default_factory=dict, repr=False)

    @property
    def sheet_names(self) -> list[str]:
        return list(self._workbook.sheet_names)

    def visibility(self, name: str) -> str:
        for meta in self._workbook.sheets_metadata:
            if meta.name == name:
                return str(meta.visible).rsplit(".", 1)[-1].lower()
        raise KeyError(name)

    def grid(self, name: str) -> Grid:
        if name not in self._grids:
            if name not in self._workbook.sheet_names:
                raise KeyError(name)
            sheet = self._sheet(name)
            try:
                raw = sheet.to_python(skip_empty_area=False)
                self._merged[name] = self._ranges(name, sheet)
            except BaseException as exc:  # a Rust panic is a BaseException
                raise self._unreadable(_failure(exc), name) from exc
            # calamine's own copy of a 50,000-row sheet is ~100 MB: keep only the Python grid
            del self._sheets[name]
            self._grids[name] = _clean_grid(raw)
        return self._grids[name]

    def sheet_xml(self, name: str) -> bytes | None:
        """The XML of sheet *name* as checked (kept only with ``keep_xml``), or None."""
        if name not in self._xml and self.keep_xml and name in self.sheet_names:
            self._guard(name)
        return self._xml.get(name)

    def _sheet(self, name: str) -> python_calamine.CalamineSheet:
        # calamine parses the sheet XML on every get_sheet_by_name: do it once.
        if name not in self._sheets:
            self._guard(name)
            try:
                self._sheets[name] = self._workbook.get_sheet_by_name(name)
            except BaseException as exc:  # a Rust panic is a BaseException
                raise self._unreadable(_failure(exc), name) from exc
        return self._sheets[name]

    def merged(self, name: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges of sheet *name* as 1-based (first row, first col, last row, last col)."""
        if name not in self._merged:
            sheet = self._sheet(name)
            try:
                self._merged[name] = self._ranges(name, sheet)
            except BaseException as exc:  # a Rust panic is a BaseException
                raise self._unreadable(_failure(exc), name) from exc
        return self._merged[name]

    def ods(self, name: str) -> OdsCells:
        """Merged cells, formulas and reach of .ods sheet *name* (read once from content.xml)."""
        if not self._ods and self.zip is not None:
            with translated():
                self._ods = ods_sheets(self.zip)
        return self._ods.get(name, OdsCells())

    def _ranges(
        self, name: str, sheet: python_calamine.CalamineSheet
    ) -> list[tuple[int, int, int, int]]:
        if self.fmt == "ods" and self.zip is not None:  # calamine gives none for .ods
            return self.ods(name).merged
        return _ranges(sheet)

    def _guard(self, name: str) -> None:
        """Refuse sheet *name* before calamine reads it if its values reach too far."""
        if self.fmt in _NOT_OOXML or self.path.suffix.lower() in _NOT_ZIP:
            return
        if self.zip is None and not self._is_zip():
            return
        try:
            if self.zip is not None:
                self._guard_in(self.zip, name)
            else:
                with zipfile.ZipFile(self.path) as zf:
                    self._guard_in(zf, name)
        except PACKAGE_ERRORS as exc:
            raise self._unreadable(exc, name) from exc

    def _guard_in(self, zf: zipfile.ZipFile, name: str) -> None:
        if self._parts is None:
            self._parts = sheet_parts(zf)
        part = self._parts.get(name)
        if part is None or part not in zf.NameToInfo:
            raise WorkbookError(
                f"工作表“{name}”在文件中找不到（文件结构异常），无法读取，请重新报送。",
                code=Code.FILE_CORRUPT,
            )
        if self.trusted:
            with zf.open(part) as fh:
                if trusted_head_ok(fh.read(HEAD)):
                    return
        xml = zf.read(part)
        check_extent(xml, sheet=name)
        if self.keep_xml:
            self._xml[name] = xml

    def _is_zip(self) -> bool:
        with self.path.open("rb") as fh:
            return fh.read(2) == b"PK"

    def _load(
        self, load: Callable[[], python_calamine.CalamineWorkbook]
    ) -> python_calamine.CalamineWorkbook:
        try:
            return load()
        except BaseException as exc:  # calamine's own error types, and Rust panics
            raise self._unreadable(_failure(exc)) from exc

    def _unreadable(self, exc: Exception, sheet: str = "") -> WorkbookError:
        """The error for a file calamine refused: unsafe XML if it declares entities, else damaged."""
        if isinstance(exc, WorkbookError):
            return exc
        part = self._entities()
        if part is not None:
            return WorkbookError(
                f"文件中的 {part} 含有 XML 实体声明（DOCTYPE/ENTITY），Excel 不会这样保存，"
                "疑似恶意文件，已拒绝读取。请用办公室下发的原模板重新填报。",
                code=Code.FILE_UNSAFE,
            )
        what = f"工作表“{sheet}”无法读取" if sheet else "文件无法读取"
        return WorkbookError(
            f"{what}（{type(exc).__name__}），文件可能已损坏，请重新报送。",
            code=Code.FILE_CORRUPT,
        )

    def _entities(self) -> str | None:
        try:
            if self.zip is not None:
                return unsafe_xml(self.zip)
            if self._is_zip():
                with zipfile.ZipFile(self.path) as zf:
                    return unsafe_xml(zf)
        except PACKAGE_ERRORS:
            return None
        return None


def _failure(exc: BaseException) -> Exception:
    """*exc* if calamine failed on the file (its errors, or a Rust panic pyo3 raised); else re-raise.

    A panic (``pyo3_runtime.PanicException``) derives from BaseException: a
    malformed .xls can make calamine's BIFF reader panic, and that must be the
    file's problem, not the end of the run.
    """
    if isinstance(exc, Exception):
        return exc
    if type(exc).__name__ == "PanicException":
        return RuntimeError(f"calamine panic: {exc}")
    raise exc


_NOT_ZIP = frozenset({".xls", ".et", ".ett"})
_NOT_OOXML = frozenset({"xls", "et", "ods"})  # no sheet XML parts to check for reach


def _ranges(sheet: python_calamine.CalamineSheet) -> list[tuple[int, int, int, int]]:
    ranges = sheet.merged_cell_ranges or []
    return [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ranges]


_PLAIN = frozenset({str, float, int, bool, date, datetime})


def _clean_grid(raw: Sequence[Sequence[object]]) -> Grid:
    grid: Grid = []
    for row in raw:
        # Most rows hold only plain values: map them in one pass, not per-cell calls.
        if _PLAIN.issuperset(map(type, row)):
            grid.append([None if v == "" else v for v in row])  # type: ignore[misc]
        else:
            grid.append([_clean(v) for v in row])
    while grid and all(v is None for v in grid[-1]):
        grid.pop()
    return grid


def _clean(value: object) -> Value:
    # calamine gives '' for both empty and error cells; both are "nothing here".
    if value is None or value == "":
        return None
    if isinstance(value, str | bool | int | float | date):  # date covers datetime
        return value
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return str(value)
