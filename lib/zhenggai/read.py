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
from typing import IO, Protocol

import olefile
import python_calamine

from .errors import WorkbookError
from .headers import HeaderCell, Merged, single_row_cells, two_row_cells, two_row_evidence
from .problems import Code, Problem, cell_name
from .spec import Field, FieldType, Spec
from .text import Value, normalise_text

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

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Guards against zip bombs: refuse before any XML is parsed.
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200
_RATIO_FLOOR = 2 * 1024 * 1024  # small parts compress well and are harmless


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


def detect_format(path: Path, *, data: bytes | None = None) -> str:
    """The real format of *path* by content: xlsx, xlsm, xlsb, ods, xls, encrypted, empty, other.

    The extension is not trusted: units rename files. *data*, when given, is
    the file's content already read (the file is then not opened).
    """
    if data is None:
        with path.open("rb") as fh:
            head = fh.read(8)
    else:
        head = data[:8]
    if not head:
        return "empty"
    if head == _OLE_MAGIC:
        return _ole_format(path, data)
    if not head.startswith(b"PK"):
        return "other"
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as zf:
            return _zip_format(zf)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return "corrupt"


def _zip_format(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    if "mimetype" in names:
        return "ods" if b"opendocument" in zf.read("mimetype") else "other"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    return "other"


def _ole_format(path: Path, data: bytes | None = None) -> str:
    """An OLE compound file: an encrypted OOXML workbook, an old .xls, or something else."""
    try:
        with olefile.OleFileIO(io.BytesIO(data) if data is not None else str(path)) as ole:
            if ole.exists("EncryptedPackage"):
                return "encrypted"
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
    except OSError:
        return "corrupt"
    return "other"


_FORMAT_MESSAGES = {
    "empty": (Code.FILE_EMPTY, "文件是空的（0 字节），请重新保存后报送。"),
    "encrypted": (Code.FILE_ENCRYPTED, "文件已加密，请取消密码后重新报送。"),
    "xls": (Code.FILE_UNSUPPORTED, "这是旧版 .xls 格式，请用 Excel 另存为 .xlsx 后重新报送。"),
    "xlsb": (
        Code.FILE_UNSUPPORTED,
        "不支持的格式（.xlsb 二进制工作簿），请另存为 .xlsx 后重新报送。",
    ),
    "ods": (Code.FILE_UNSUPPORTED, "不支持的格式（.ods），请另存为 .xlsx 后重新报送。"),
    "corrupt": (Code.FILE_CORRUPT, "文件已损坏（压缩包不完整），无法打开，请重新报送。"),
    "other": (Code.FILE_NOT_WORKBOOK, "这不是 Excel 工作簿，请报送 .xlsx 文件。"),
}


def _check_zip(source: Path | IO[bytes], *, crc: bool = True) -> None:
    """Refuse zip bombs (by declared sizes) and, with *crc*, damaged members."""
    try:
        with zipfile.ZipFile(source) as zf:
            _check_members(zf, crc=crc)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise WorkbookError(_FORMAT_MESSAGES["corrupt"][1], code=Code.FILE_CORRUPT) from exc


def _check_members(zf: zipfile.ZipFile, *, crc: bool) -> None:
    total = 0
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO):
            raise WorkbookError(
                f"文件解压后过大（{info.filename} 压缩比 {ratio:.0f} 倍），疑似异常文件，已拒绝读取。",
                code=Code.FILE_TOO_LARGE,
            )
    bad = zf.testzip() if crc else None
    if bad is not None:
        raise WorkbookError(
            f"文件已损坏（{bad} 校验失败），无法打开，请重新报送。", code=Code.FILE_CORRUPT
        )


def open_book(
    path: str | Path,
    *,
    accept: Sequence[str] = ("xlsx", "xlsm"),
    data: bytes | None = None,
) -> CalamineBook:
    """Open a workbook for reading, checking its real format first.

    Args:
        path: the file.
        accept: formats to read (see :func:`detect_format`); others raise.
        data: the file's content when the caller has read it already (a
            returned file is read once: hashed, checked and parsed from
            memory). Members are then CRC-checked by calamine as it reads
            them instead of all up front.

    Raises:
        WorkbookError: with ``code`` and a Chinese message (missing, empty,
            encrypted, old format, corrupt, zip bomb).
    """
    path = Path(path)
    if data is not None:
        return open_package(path, data, accept=accept)[0]
    if not path.is_file():
        raise WorkbookError(f"找不到文件：{path}")
    fmt = detect_format(path)
    _refuse(fmt, accept)
    if fmt in ("xlsx", "xlsm", "xlsb", "ods"):
        _check_zip(path)
    if path.suffix.lower() != f".{fmt}":
        # renamed (an .xlsx saved as .xls): calamine would pick its reader by the name
        return open_package(path, path.read_bytes(), accept=accept)[0]
    return CalamineBook(
        path, _calamine(lambda: python_calamine.CalamineWorkbook.from_path(str(path)))
    )


def open_package(
    path: Path, data: bytes, *, accept: Sequence[str] = ("xlsx", "xlsm")
) -> tuple[CalamineBook, zipfile.ZipFile | None, str]:
    """:func:`open_book` for a file already in memory, sharing one read of its zip directory.

    A returned file is read once: hashed, checked and parsed from *data*.
    Members are CRC-checked by calamine as it reads them instead of all up front.

    Returns:
        The book, the open zip (to read other parts, e.g. document properties) and the format.
    """
    if not data.startswith(b"PK"):
        fmt = detect_format(path, data=data)
        _refuse(fmt, accept)
        return (
            CalamineBook(
                path,
                _calamine(lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))),
            ),
            None,
            fmt,
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        fmt = _zip_format(zf)
        _refuse(fmt, accept)
        _check_members(zf, crc=False)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise WorkbookError(_FORMAT_MESSAGES["corrupt"][1], code=Code.FILE_CORRUPT) from exc
    book = CalamineBook(
        path, _calamine(lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)))
    )
    return book, zf, fmt


def _refuse(fmt: str, accept: Sequence[str]) -> None:
    if fmt not in accept:
        code, message = _FORMAT_MESSAGES.get(
            fmt, (Code.FILE_UNSUPPORTED, f"不支持的格式（{fmt}）。")
        )
        raise WorkbookError(message, code=code)


def _calamine(
    load: Callable[[], python_calamine.CalamineWorkbook],
) -> python_calamine.CalamineWorkbook:
    try:
        return load()
    except Exception as exc:  # calamine raises its own error types for broken files
        raise WorkbookError(
            f"文件无法读取（{type(exc).__name__}），可能已损坏，请重新报送。",
            code=Code.FILE_CORRUPT,
        ) from exc


@dataclass
class CalamineBook:
    """A workbook on disk, read lazily sheet by sheet."""

    path: Path
    _workbook: python_calamine.CalamineWorkbook
    _grids: dict[str, Grid] = field(default_factory=dict)
    _sheets: dict[str, python_calamine.CalamineSheet] = field(default_factory=dict)

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
            try:
                raw = self._sheet(name).to_python(skip_empty_area=False)
            except Exception as exc:
                raise WorkbookError(
                    f"工作表“{name}”无法读取（{type(exc).__name__}），文件可能已损坏。",
                    code=Code.FILE_CORRUPT,
                ) from exc
            self._grids[name] = _clean_grid(raw)
        return self._grids[name]

    def _sheet(self, name: str) -> python_calamine.CalamineSheet:
        # calamine parses the sheet XML on every get_sheet_by_name: do it once.
        if name not in self._sheets:
            self._sheets[name] = self._workbook.get_sheet_by_name(name)
        return self._sheets[name]

    def merged(self, name: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges of sheet *name* as 1-based (first row, first col, last row, last col)."""
        try:
            ranges = self._sheet(name).merged_cell_ranges or []
        except Exception as exc:
            raise WorkbookError(
                f"工作表“{name}”无法读取（{type(exc).__name__}），文件可能已损坏。",
                code=Code.FILE_CORRUPT,
            ) from exc
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
    fields = [spec.field(k) for k in header.columns]
    rows: list[Row] = []
    for r in range(header.last_row, len(grid)):
        cells = grid[r]
        raw: dict[str, Value] = {}
        values: dict[str, Value] = {}
        for f in fields:
            c = header.columns[f.key] - 1
            value = cells[c] if c < len(cells) else None
            raw[f.key] = value
            values[f.key] = typed_value(f, value)
        if all(v is None for v in values.values()):
            continue
        rows.append(Row(r + 1, values, raw, header.columns))
    return Table(sheet, header, rows, problems)


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
