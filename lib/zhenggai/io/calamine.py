"""Reading workbooks with python-calamine, behind one reading of their XML.

A file from outside (a return, an imported ledger, a study export) is read
into memory once and checked before calamine parses anything:

1. its real format (:mod:`.formats`) and its zip directory (:mod:`.zipguard`);
2. where its parts are, parsed with a hardened XML parser (:mod:`.xmlparts`);
3. every sheet, scanned once (:mod:`.sheetscan`): how far its values reach,
   its formula and error cells, cells calamine would misread;
4. declared counts bounded (shared strings' ``uniqueCount``, which calamine
   reserves memory for).

calamine then reads a package built from exactly those parts
(:mod:`.rebuild`), so it cannot read another document than the guard did.
The office's own files (the master, a file this tool just wrote) are
*trusted*: read in place, a sheet whose ``<dimension>`` shows it is small is
not scanned.

A :class:`CalamineBook` is a :class:`~zhenggai.core.grid.GridSource`, so the
core reads it exactly as it reads an open xlwings Book.

Example:
    >>> book = open_book("示例台账.xlsx")                      # doctest: +SKIP
    >>> table = read_table(book.grid("台账"), default_spec(), sheet="台账")  # doctest: +SKIP
    >>> table.rows[0].cell("status")                           # doctest: +SKIP
    'L2'
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import python_calamine

from ..core.errors import WorkbookError
from ..core.grid import Grid
from ..core.problems import Code, cell_name
from ..core.text import Value
from .biff import xls_extents
from .failures import PACKAGE_ERRORS, is_panic, quiet_rust, translated
from .files import read_file
from .formats import detect_format, refuse, zip_format
from .ods import OdsCells, ods_sheets
from .package import Package
from .rebuild import calamine_package, ods_package
from .sheetscan import SheetScan, check_extent, scan_sheet
from .xmlparts import (
    BookMap,
    ZipMembers,
    book_map,
    escape_controls,
    parse_xml,
    shared_strings,
)
from .zipguard import HEAD, TAIL, check_entry_count, check_members, trusted_head_ok

__all__ = ["ZIP_FORMATS", "CalamineBook", "open_book", "open_package"]


ZIP_FORMATS = ("xlsx", "xlsm", "xlsb", "ods")
# calamine reserves 24 bytes per declared unique string up front: believe a count this
# large only when the part really holds that many strings.
STRINGS_FLOOR = 100_000
_DATE_LIMIT = 2_958_465  # 9999-12-31, Excel's last day


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
        data: the file's content when the caller has read it already.
        trusted: the office's own file (the master, or a file this tool
            just wrote): read in place; a sheet whose ``<dimension>`` shows
            it is of a readable size is not scanned, and members are not
            CRC-checked up front (calamine reads what it needs anyway).

    Raises:
        WorkbookError: with ``code`` and a Chinese message (missing, empty,
            encrypted, old format, corrupt, zip bomb, unsafe).
    """
    path = Path(path)
    if data is None and not path.exists():
        raise WorkbookError(f"找不到文件：{path}")
    if data is not None or not trusted:
        return open_package(path, data if data is not None else read_file(path), accept=accept)[0]
    if not path.is_file():
        raise WorkbookError(f"找不到文件：{path}")
    fmt = detect_format(path)
    refuse(fmt, accept)
    if fmt in ZIP_FORMATS:
        with path.open("rb") as fh:
            fh.seek(max(path.stat().st_size - TAIL, 0))
            check_entry_count(fh.read())
        with translated(), zipfile.ZipFile(path) as zf:
            check_members(zf)
    if path.suffix.lower() != f".{fmt}":
        # renamed (an .xlsx saved as .xls): calamine would pick its reader by the name
        return open_package(path, read_file(path), accept=accept)[0]
    book = CalamineBook(path, trusted=True, fmt=fmt)
    book._workbook = book._load(lambda: python_calamine.CalamineWorkbook.from_path(str(path)))
    return book


def open_package(
    path: Path, data: bytes, *, accept: Sequence[str] = ("xlsx", "xlsm")
) -> tuple[CalamineBook, Package | None, str]:
    """:func:`open_book` for a file's content already in memory (a file from outside).

    The zip's end record, directory, sizes and names are checked before any
    member is inflated; the package's parts are parsed and every sheet scanned
    before calamine reads the package built from them (see the module docs).

    Returns:
        The book, the package (to read other parts, e.g. document properties) and the format.
    """
    if not data.startswith(b"PK"):
        fmt = detect_format(path, data=data)
        refuse(fmt, accept)
        if fmt in ("xls", "et"):  # calamine lays out every sheet as it opens: measure first
            for name, extent in xls_extents(data).items():
                check_extent(extent, sheet=name)
        book = CalamineBook(path, fmt=fmt)
        book._workbook = book._load(
            lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        )
        return book, None, fmt
    check_entry_count(data[-TAIL:])
    package = Package(data)
    check_members(package.zip)
    fmt = zip_format(package)
    refuse(fmt, accept)
    book = CalamineBook(path, package=package, fmt=fmt)
    if fmt == "ods":
        book._prepare_ods()
    else:
        book._prepare()
    return book, package, fmt


@dataclass
class CalamineBook:
    """A workbook read sheet by sheet.

    Attributes:
        path: the file.
        package: the file's package when it came from outside (None for a
            trusted file read in place, or a file that is not a zip).
        trusted: see :func:`open_book`.
        fmt: the real format (:func:`~zhenggai.io.formats.detect_format`), when known.
    """

    path: Path
    package: Package | None = None
    trusted: bool = False
    fmt: str = ""
    _workbook: python_calamine.CalamineWorkbook = field(init=False, repr=False)
    _grids: dict[str, Grid] = field(default_factory=dict, repr=False)
    _sheets: dict[str, python_calamine.CalamineSheet] = field(default_factory=dict, repr=False)
    _merged: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict, repr=False)
    _map: BookMap | None = field(default=None, repr=False)
    _scans: dict[str, SheetScan] = field(default_factory=dict, repr=False)
    _refused: dict[str, WorkbookError] = field(default_factory=dict, repr=False)
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
                with quiet_rust():
                    grid = _clean_grid(sheet)
                self._merged[name] = self._ranges(name, sheet)
            except BaseException as exc:
                raise self._unreadable(exc, name) from exc
            # calamine's own copy of a 50,000-row sheet is ~100 MB: keep only the Python grid
            del self._sheets[name]
            self._grids[name] = grid
        return self._grids[name]

    def scan(self, name: str) -> SheetScan:
        """What the guard's reading of sheet *name* found (empty for a trusted file)."""
        return self._scans.get(name) or SheetScan()

    def merged(self, name: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges of sheet *name* as 1-based (first row, first col, last row, last col)."""
        if name not in self._merged:
            sheet = self._sheet(name)
            try:
                self._merged[name] = self._ranges(name, sheet)
            except BaseException as exc:
                raise self._unreadable(exc, name) from exc
        return self._merged[name]

    def ods(self, name: str) -> OdsCells:
        """Merged cells, formulas and reach of .ods sheet *name* (from its ``content.xml``)."""
        return self._ods.get(name, OdsCells())

    def _ranges(
        self, name: str, sheet: python_calamine.CalamineSheet
    ) -> list[tuple[int, int, int, int]]:
        if self.fmt == "ods":  # calamine gives none for .ods
            return self.ods(name).merged
        return _ranges(sheet)

    def _sheet(self, name: str) -> python_calamine.CalamineSheet:
        # calamine parses the sheet XML on every get_sheet_by_name: do it once.
        if name not in self._sheets:
            if name in self._refused:
                raise self._refused[name]
            if self.trusted:
                self._guard_trusted(name)
            try:
                with quiet_rust():
                    self._sheets[name] = self._workbook.get_sheet_by_name(name)
            except BaseException as exc:
                raise self._unreadable(exc, name) from exc
        return self._sheets[name]

    def _prepare(self) -> None:
        """Parse the package's parts, scan every sheet, and load calamine on what was read."""
        package = self.package
        assert package is not None
        self._map = book = book_map(package)
        strings_xml, strings = None, None
        if book.shared_strings is not None:
            strings_xml = escape_controls(package.read(book.shared_strings))
            strings = _bounded_strings(strings_xml, book.shared_strings)
        styles = package.read(book.styles) if book.styles is not None else None
        if styles is not None:
            parse_xml(styles, part=book.styles or "")
        checked: dict[str, bytes] = {}
        for sheet in book.sheets:
            try:
                xml = escape_controls(package.read(sheet.member))
                scan = scan_sheet(xml, part=f"工作表“{sheet.name}”", strings=strings)
                check_extent(scan.extent, sheet=sheet.name)
            except WorkbookError as exc:
                self._refused[sheet.name] = exc  # raised when the sheet is asked for
                continue
            self._scans[sheet.name] = scan
            checked[sheet.name] = xml
        data = calamine_package(book, checked, styles=styles, shared_strings=strings_xml)
        self._workbook = self._load(
            lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        )

    def _prepare_ods(self) -> None:
        """An .ods: measure every sheet of ``content.xml``, then let calamine read just that."""
        package = self.package
        assert package is not None
        try:
            content = package.read("content.xml")
        except KeyError as exc:
            raise WorkbookError(
                "文件已损坏（缺少 content.xml），无法读取，请重新保存后报送。",
                code=Code.FILE_CORRUPT,
            ) from exc
        self._ods = ods_sheets(content)
        for name, cells in self._ods.items():
            check_extent(cells.extent, sheet=name)
        data = ods_package(content)
        self._workbook = self._load(
            lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        )

    def _guard_trusted(self, name: str) -> None:
        """Refuse sheet *name* of a trusted file if its values reach too far (read in place)."""
        if self.fmt in _NOT_OOXML or self.path.suffix.lower() in _NOT_ZIP:
            return
        if not _is_zip(self.path):
            return
        try:
            with zipfile.ZipFile(self.path) as zf:
                members = ZipMembers(zf)
                if self._map is None:
                    self._map = book_map(members)
                part = self._map.member(name)
                if part is None:
                    raise WorkbookError(
                        f"工作表“{name}”在文件中找不到（文件结构异常），无法读取。",
                        code=Code.FILE_CORRUPT,
                    )
                with zf.open(part) as fh:
                    if trusted_head_ok(fh.read(HEAD)):
                        return
                strings = None
                if self._map.shared_strings is not None:
                    sst = members.read(self._map.shared_strings)
                    strings = shared_strings(sst, part=self._map.shared_strings).items
                scan = scan_sheet(members.read(part), part=f"工作表“{name}”", strings=strings)
                check_extent(scan.extent, sheet=name)
        except PACKAGE_ERRORS as exc:
            raise self._unreadable(exc, name) from exc

    def _load(
        self, load: Callable[[], python_calamine.CalamineWorkbook]
    ) -> python_calamine.CalamineWorkbook:
        try:
            with quiet_rust():
                return load()
        except BaseException as exc:  # calamine raises its own error types, and panics
            raise self._unreadable(exc) from exc

    def _unreadable(self, exc: BaseException, sheet: str = "") -> WorkbookError:
        """The error for a file or sheet calamine refused (re-raises interrupts)."""
        if isinstance(exc, WorkbookError):
            return exc
        if not isinstance(exc, Exception) and not is_panic(exc):
            raise exc  # KeyboardInterrupt, SystemExit
        what = f"工作表“{sheet}”无法读取" if sheet else "文件无法读取"
        if is_panic(exc):
            where = self._odd_number(sheet)
            return WorkbookError(
                f"{what}：其中有读取程序无法处理的数值{where}（如超出范围的日期），文件可能已损坏。"
                "请改正后重新报送。",
                code=Code.FILE_CORRUPT,
                sheet=sheet,
            )
        return WorkbookError(
            f"{what}（{type(exc).__name__}），文件可能已损坏，请重新报送。",
            code=Code.FILE_CORRUPT,
        )

    def _odd_number(self, sheet: str) -> str:
        """ "（单元格 A1：-1e300）" for the first number no date can hold, if it can be found."""
        member = self._map.member(sheet) if self._map is not None and sheet else None
        if self.package is None or member is None:
            return ""
        try:
            scan = scan_sheet(self.package.read(member), part=sheet, strings=None, numbers=True)
        except WorkbookError:
            return ""
        for (r, c), text in sorted(scan.numbers.items()):
            try:
                number = float(text)
            except ValueError:
                continue
            if not math.isfinite(number) or abs(number) > _DATE_LIMIT:
                return f"（单元格 {cell_name(r, c)}：{text}）"
        return ""


_NOT_ZIP = frozenset({".xls", ".et", ".ett"})
_NOT_OOXML = frozenset({"xls", "et", "ods"})  # no sheet XML parts to check for reach


def _is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"PK"


def _bounded_strings(xml: bytes, part: str) -> int:
    """The shared strings a reader may keep, refusing a declared count far beyond them."""
    info = shared_strings(xml, part=part)
    limit = max(info.items, STRINGS_FLOOR)
    for declared, label in ((info.unique_count, "uniqueCount"), (info.count, "count")):
        if declared is not None and declared > (limit if label == "uniqueCount" else 1 << 31):
            raise WorkbookError(
                f"文件声明有 {declared} 个文字（{label}），实际只有 {info.items} 个，"
                "读取会耗尽内存，疑似异常文件，已拒绝读取。请用办公室下发的原模板重新填报。",
                code=Code.FILE_TOO_LARGE,
            )
    return info.items


def _ranges(sheet: python_calamine.CalamineSheet) -> list[tuple[int, int, int, int]]:
    ranges = sheet.merged_cell_ranges or []
    return [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ranges]


_PLAIN = frozenset({str, float, int, bool, date, datetime})


def _clean_grid(sheet: python_calamine.CalamineSheet) -> Grid:
    """The sheet's cells from A1 as plain values, row by row, each repeated text held once.

    Rows come one at a time from calamine (``iter_rows``), so the sheet never
    exists twice as Python objects, and a ledger's repeated texts (units,
    leaders, status, category, deadlines, a measure shared by several rows)
    are kept once: on a 100,000-row master 1.5 million text cells hold 0.3
    million distinct texts. Reading it peaks at ~240 MB instead of ~380 MB.
    The grid is what ``to_python(skip_empty_area=False)`` gives (a test holds
    them equal): rows above and columns left of the used area are empty.
    """
    if sheet.start is None or sheet.end is None:
        return []
    top, left = sheet.start
    full = left + sheet.width
    grid: Grid = []
    once: dict[str, str] = {}
    same = once.setdefault
    for row in sheet.iter_rows():
        # Most rows hold only plain values: map them in one pass, not per-cell calls.
        if _PLAIN.issuperset(map(type, row)):
            cells: list[Value] = [
                None if v == "" else same(v, v) if type(v) is str else v  # type: ignore[misc]
                for v in row
            ]
        else:
            cells = [_clean(v) for v in row]
        grid.append([None] * (full - len(cells)) + cells if len(cells) < full else cells)
    if len(grid) < top + sheet.height:  # rows above the used area not given
        grid[:0] = [[None] * full for _ in range(top + sheet.height - len(grid))]
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
    if isinstance(value, timedelta):
        # a number in a duration format ([h]:mm): the number the cell holds, in days,
        # not Python's "3 days, 0:00:00"
        return value.total_seconds() / 86400
    return str(value)
