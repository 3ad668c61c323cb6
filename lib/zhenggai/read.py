"""Reading workbooks into plain tables, with python-calamine.

Everything downstream works on :class:`Grid` values (rows of cell values from
A1, ``None`` for empty) and on :class:`Table` rows that keep their Excel row
number, so every problem can name its cell. This is the only module that
imports calamine; :class:`GridSource` is what the core needs of a workbook,
so the add-in can hand in an open xlwings Book instead.

Example:
    >>> book = open_book("示例台账.xlsx")                      # doctest: +SKIP
    >>> table = read_table(book.grid("台账"), default_spec(), sheet="台账")  # doctest: +SKIP
    >>> table.rows[0].cell("status")                           # doctest: +SKIP
    'L2'
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Protocol

import python_calamine

from .errors import WorkbookError
from .formats import FORMAT_MESSAGES, detect_format, refuse, zip_format
from .headers import HeaderCell, Merged, single_row_cells, two_row_cells, two_row_evidence
from .problems import Code, Problem, cell_name
from .spec import Field, FieldType, Spec
from .text import Value, is_clean, normalise_text
from .zipguard import (
    HEAD,
    TAIL,
    check_entry_count,
    check_extent,
    check_members,
    sheet_parts,
    trusted_head_ok,
    unsafe_xml,
)

__all__ = [
    "CalamineBook",
    "Grid",
    "GridSource",
    "HeaderMatch",
    "Row",
    "Table",
    "detect_format",
    "find_header",
    "open_book",
    "open_package",
    "read_table",
    "typed_value",
]

Grid = list[list[Value]]

ZIP_FORMATS = ("xlsx", "xlsm", "xlsb", "ods")


class GridSource(Protocol):
    """What the core needs of a workbook: sheet names, visibility and values."""

    @property
    def sheet_names(self) -> list[str]: ...

    def visibility(self, name: str) -> str:
        """ "visible", "hidden" or "veryhidden"."""
        ...

    def grid(self, name: str) -> Grid:
        """The sheet's values from A1, ``None`` for empty; KeyError if no such sheet."""
        ...


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
            readable size is not scanned (see :mod:`zhenggai.zipguard`), and
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
    book = CalamineBook(path, trusted=trusted)
    book._workbook = book._load(lambda: python_calamine.CalamineWorkbook.from_path(str(path)))
    return book


def open_package(
    path: Path, data: bytes, *, accept: Sequence[str] = ("xlsx", "xlsm")
) -> tuple[CalamineBook, zipfile.ZipFile | None, str]:
    """:func:`open_book` for a file already in memory, sharing one read of its zip directory.

    A returned file is read once: hashed, checked and parsed from *data*.
    Members are CRC-checked by calamine as it reads them instead of all up front.
    The zip's end record, directory, sizes and names are checked before any
    part of it is inflated or parsed (:mod:`zhenggai.zipguard`).

    Returns:
        The book, the open zip (to read other parts, e.g. document properties) and the format.
    """
    if not data.startswith(b"PK"):
        fmt = detect_format(path, data=data)
        refuse(fmt, accept)
        book = CalamineBook(path)
        book._workbook = book._load(
            lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        )
        return book, None, fmt
    check_entry_count(data[-TAIL:])
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        check_members(zf)
        fmt = zip_format(zf)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError) as exc:
        raise WorkbookError(FORMAT_MESSAGES["corrupt"][1], code=Code.FILE_CORRUPT) from exc
    refuse(fmt, accept)
    book = CalamineBook(path, zip=zf, keep_xml=True)
    book._workbook = book._load(
        lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    )
    return book, zf, fmt


def _check_zip(path: Path, *, crc: bool = True) -> None:
    """Refuse zip bombs and path-like names, then (with *crc*) damaged members."""
    try:
        with zipfile.ZipFile(path) as zf:
            check_members(zf)
            bad = zf.testzip() if crc else None
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError) as exc:
        raise WorkbookError(FORMAT_MESSAGES["corrupt"][1], code=Code.FILE_CORRUPT) from exc
    if bad is not None:
        raise WorkbookError(
            f"文件已损坏（{bad} 校验失败），无法打开，请重新报送。", code=Code.FILE_CORRUPT
        )


@dataclass
class CalamineBook:
    """A workbook read lazily sheet by sheet.

    Before calamine parses a sheet, the sheet's XML is checked for a reach
    that would exhaust memory (:func:`zhenggai.zipguard.check_extent`).

    Attributes:
        path: the file.
        zip: the package when it is in memory (a returned file), else None
            (it is opened from *path* when needed).
        trusted: see :func:`open_book`.
        keep_xml: keep each sheet's XML once checked (see :meth:`sheet_xml`).
    """

    path: Path
    zip: zipfile.ZipFile | None = None
    trusted: bool = False
    keep_xml: bool = False
    _workbook: python_calamine.CalamineWorkbook = field(init=False, repr=False)
    _grids: dict[str, Grid] = field(default_factory=dict, repr=False)
    _sheets: dict[str, python_calamine.CalamineSheet] = field(default_factory=dict, repr=False)
    _xml: dict[str, bytes] = field(default_factory=dict, repr=False)
    _parts: dict[str, str] | None = field(default=None, repr=False)
    _merged: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict, repr=False)

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
                self._merged[name] = _ranges(sheet)
            except Exception as exc:
                raise self._unreadable(exc, name) from exc
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
            except Exception as exc:
                raise self._unreadable(exc, name) from exc
        return self._sheets[name]

    def merged(self, name: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges of sheet *name* as 1-based (first row, first col, last row, last col)."""
        if name not in self._merged:
            sheet = self._sheet(name)
            try:
                self._merged[name] = _ranges(sheet)
            except Exception as exc:
                raise self._unreadable(exc, name) from exc
        return self._merged[name]

    def _guard(self, name: str) -> None:
        """Refuse sheet *name* before calamine reads it if its values reach too far."""
        if self.path.suffix.lower() in _NOT_ZIP or (self.zip is None and not self._is_zip()):
            return
        try:
            if self.zip is not None:
                self._guard_in(self.zip, name)
            else:
                with zipfile.ZipFile(self.path) as zf:
                    self._guard_in(zf, name)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError) as exc:
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
        except Exception as exc:  # calamine raises its own error types for broken files
            raise self._unreadable(exc) from exc

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
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError):
            return None
        return None


_NOT_ZIP = frozenset({".xls", ".et", ".ett"})


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


@dataclass(frozen=True)
class HeaderMatch:
    """Where the header is and which column holds which field.

    Attributes:
        row: 1-based row of the header (its first row when it spans two).
        columns: field key -> 1-based column.
        extra: 1-based column -> header text, for headers the spec does not know.
        duplicates: (field key, 1-based column) of repeated headers (the first is kept).
        height: rows the header spans (2 for a two-row header); data starts below.
        cells: every non-empty header column with its label and match, left to right.
    """

    row: int
    columns: dict[str, int]
    extra: dict[int, str]
    duplicates: tuple[tuple[str, int], ...] = ()
    height: int = 1
    cells: tuple[HeaderCell, ...] = ()

    @property
    def last_row(self) -> int:
        """1-based last row of the header; data starts on the next row."""
        return self.row + self.height - 1


def _match_cells(
    spec: Spec, row: int, height: int, cells: Sequence[HeaderCell], *, common: bool
) -> HeaderMatch:
    columns: dict[str, int] = {}
    extra: dict[int, str] = {}
    duplicates: list[tuple[str, int]] = []
    matched: list[HeaderCell] = []
    for cell in cells:
        found = next(
            (m for w in cell.words if (m := spec.header_match(w, common=common)) is not None),
            None,
        )
        if found is None:
            extra[cell.col] = cell.label
            matched.append(cell)
            continue
        f, kind = found
        matched.append(replace(cell, key=f.key, kind=kind))
        if f.key in columns:
            duplicates.append((f.key, cell.col))
        else:
            columns[f.key] = cell.col
    return HeaderMatch(row, columns, extra, tuple(duplicates), height, tuple(matched))


def find_header(
    grid: Grid,
    spec: Spec,
    *,
    scan: int = 30,
    merged: Sequence[Merged] = (),
    common: bool = False,
) -> HeaderMatch | None:
    """Find the header among the first *scan* rows: the row (or two rows) naming most fields.

    Title rows above the header (the usual "××单位整改台账") are skipped. A
    two-row header (a group cell merged across the columns below it, single
    headers merged down through both rows) is read as one when *merged*
    (from :meth:`CalamineBook.merged`) shows it, or when reading the two rows
    together names more fields than either alone.

    Args:
        grid: the sheet's values.
        spec: the field spec.
        scan: rows to look at.
        merged: the sheet's merged ranges, 1-based.
        common: also match the built-in :data:`~zhenggai.spec.COMMON_SYNONYMS`
            and headers with a bracketed note (for ledgers made elsewhere).

    Returns:
        The best match, or None when no row names at least two fields.
    """
    rows = min(scan, len(grid))
    merged = [m for m in merged if m[0] <= rows + 1]  # ranges below the scanned rows cannot matter
    singles = [
        _match_cells(spec, r, 1, single_row_cells(grid, r), common=common)
        for r in range(1, rows + 2)
        if r <= len(grid)
    ]
    best: HeaderMatch | None = None
    for r in range(1, rows + 1):
        single = singles[r - 1]
        if len(single.columns) >= 2 and (best is None or len(single.columns) > len(best.columns)):
            best = single
        if r == len(grid):
            break
        two = _match_cells(spec, r, 2, two_row_cells(grid, r, merged), common=common)
        score = len(two.columns)
        alone = max(len(single.columns), len(singles[r].columns))
        # Without merged cells to prove it, two rows must name more than either row alone,
        # so a title row or a first data row is never taken for half of the header.
        if score < 2 or score < alone or (score == alone and not two_row_evidence(grid, r, merged)):
            continue
        if best is None or score > len(best.columns) or best is single:
            best = two
    return best


@dataclass(frozen=True)
class Row:
    """One data row: values typed by the spec, keyed by field key.

    Attributes:
        number: 1-based Excel row.
        values: field key -> typed value (None for empty).
        raw: field key -> the cell value as read, for messages.
        columns: field key -> 1-based column (shared with the table).
    """

    number: int
    values: dict[str, Value]
    raw: dict[str, Value]
    columns: dict[str, int]

    def __getitem__(self, key: str) -> Value:
        return self.values.get(key)

    def text(self, key: str) -> str:
        """The value as text ('' for empty)."""
        value = self.values.get(key)
        return "" if value is None else str(value)

    def cell(self, key: str) -> str:
        """Excel address of this row's *key* cell, e.g. "L7"."""
        return cell_name(self.number, self.columns[key])


@dataclass(frozen=True)
class Table:
    """A sheet read through the spec."""

    sheet: str
    header: HeaderMatch
    rows: list[Row]
    problems: list[Problem]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def columns(self) -> dict[str, int]:
        return self.header.columns

    def by_id(self) -> dict[str, Row]:
        """Rows by 编号 (the first one when an id repeats)."""
        key = "id"
        index: dict[str, Row] = {}
        for row in self.rows:
            index.setdefault(row.text(key), row)
        return index


def read_table(
    grid: Grid,
    spec: Spec,
    *,
    sheet: str,
    file: str = "",
    header: HeaderMatch | None = None,
) -> Table:
    """Read a sheet's grid as ledger rows typed by *spec*.

    Text stays text ('00123' stays '00123'), numbers in text columns become
    their shortest text (1.0 -> '1'), dates in date columns become dates and
    anything else there is kept as found for validation to report.

    Raises:
        WorkbookError: no header row naming the spec's fields was found.
    """
    header = header or find_header(grid, spec)
    if header is None:
        names = "、".join(spec.headers[:4])
        raise WorkbookError(
            f"工作表“{sheet}”中找不到表头（应包含 {names} 等列）。", code=Code.HEADER_NOT_FOUND
        )
    problems = [
        Problem(
            Code.HEADER_DUPLICATE,
            f"“{spec.field(k).name}”列出现了不止一次，只读取第一列。",
            file=file,
            sheet=sheet,
            cell=cell_name(header.row, c),
        )
        for k, c in header.duplicates
    ]
    # (key, 0-based column, converter): a 50,000-row ledger is a million cells
    plan = [(k, c - 1, _converter(spec.field(k))) for k, c in header.columns.items()]
    rows: list[Row] = []
    for r in range(header.last_row, len(grid)):
        cells = grid[r]
        n = len(cells)
        raw = {k: cells[c] if c < n else None for k, c, _ in plan}
        values = {k: convert(raw[k]) for k, _, convert in plan}
        if all(v is None for v in values.values()):
            continue
        rows.append(Row(r + 1, values, raw, header.columns))
    return Table(sheet, header, rows, problems)


def _converter(f: Field) -> Callable[[Value], Value]:
    """:func:`typed_value` for field *f*, with the common case (clean text) made cheap."""
    if f.type in (FieldType.DATE, FieldType.DEADLINE, FieldType.NUMBER):
        return lambda value: typed_value(f, value)

    def text(value: Value) -> Value:
        if value is None or (type(value) is str and is_clean(value)):
            return value
        return typed_value(f, value)

    return text


def typed_value(f: Field, value: Value) -> Value:
    """A cell value as field *f* holds it (see :func:`read_table`)."""
    if value is None:
        return None
    if f.type is FieldType.DATE or f.type is FieldType.DEADLINE:
        if isinstance(value, datetime):
            return value.date() if value.time() == time(0) else value
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            return normalise_text(value) or None
        return value  # a bare number in a date column: validation reports it
    if f.type is FieldType.NUMBER:
        if isinstance(value, str):
            return normalise_text(value) or None
        return value
    if isinstance(value, str):
        return normalise_text(value) or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
