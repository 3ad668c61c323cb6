"""Sheets as plain values: grids, header matching and typed ledger rows.

Everything downstream works on :class:`Grid` values (rows of cell values from
A1, ``None`` for empty) and on :class:`Table` rows that keep their Excel row
number, so every problem can name its cell. :class:`GridSource` is what the
core needs of a workbook: :class:`zhenggai.io.calamine.CalamineBook` reads a
file, the add-in hands in an open xlwings Book.

Example:
    >>> from zhenggai.core.spec import default_spec
    >>> grid = [["编号", "问题类别", "整改状态"], ["1-1", "作风建设", "已完成"]]
    >>> table = read_table(grid, default_spec(), sheet="台账")
    >>> table.rows[0].cell("status"), table.rows[0]["status"]
    ('C2', '已完成')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import cached_property
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from .errors import WorkbookError
from .headers import HeaderCell, Merged, single_row_cells, two_row_cells, two_row_evidence
from .problems import Code, Problem, cell_name
from .spec import Field, FieldType, Spec
from .text import Value, is_clean, normalise_text

__all__ = [
    "Grid",
    "GridSource",
    "HeaderMatch",
    "MergedSource",
    "Row",
    "Table",
    "find_header",
    "read_table",
    "typed_value",
]

Grid = list[list[Value]]


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


@runtime_checkable
class MergedSource(GridSource, Protocol):
    """A :class:`GridSource` that also knows each sheet's merged ranges.

    A file read with calamine does; an open xlwings Book may not, so checks
    that need merged cells (returned templates, imports) take this type.
    """

    def merged(self, name: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges of sheet *name*, 1-based (first row, first col, last row, last col)."""
        ...


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
    (from :meth:`MergedSource.merged`) shows it, or when reading the two rows
    together names more fields than either alone.

    Args:
        grid: the sheet's values.
        spec: the field spec.
        scan: rows to look at.
        merged: the sheet's merged ranges, 1-based.
        common: also match the built-in :data:`~zhenggai.core.spec.COMMON_SYNONYMS`
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


_SAME: Mapping[str, Value] = MappingProxyType({})


@dataclass(frozen=True)
class Row:
    """One data row: values typed by the spec, keyed by field key.

    Attributes:
        number: 1-based Excel row.
        values: field key -> typed value (None for empty).
        differs: field key -> the cell value as read, only where it differs
            from the typed value (a date written as text, a number in a text
            column): a 100,000-row ledger keeps one dict per row, not two.
        columns: field key -> 1-based column (shared with the table).
    """

    number: int
    values: dict[str, Value]
    differs: Mapping[str, Value]
    columns: dict[str, int]

    @property
    def raw(self) -> Mapping[str, Value]:
        """field key -> the cell value as read, for messages."""
        return {**self.values, **self.differs} if self.differs else self.values

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
        """Rows by 编号 (the first one when an id repeats).

        Built once per table (a check asks for it once per returned file, and a
        province's master has 100,000 rows): read it, do not change it.
        """
        return self._by_id

    @cached_property
    def _by_id(self) -> dict[str, Row]:
        index: dict[str, Row] = {}
        for row in self.rows:
            index.setdefault(row.text("id"), row)
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
        differs = {
            k: v
            for k, v in raw.items()
            if v is not (t := values[k]) and (type(v) is not type(t) or v != t)
        } or _SAME
        rows.append(Row(r + 1, values, differs, header.columns))
    return Table(sheet, header, rows, problems)


def _converter(f: Field) -> Callable[[Value], Value]:
    """:func:`typed_value` for field *f*, with the common cases made cheap.

    Clean text in a text column is kept as it is, and each distinct text is
    converted once: a ledger repeats its units, statuses and deadlines down
    100,000 rows.
    """
    plain = f.type not in (FieldType.DATE, FieldType.DEADLINE, FieldType.NUMBER)
    known: dict[str, Value] = {}

    def convert(value: Value) -> Value:
        if type(value) is not str:
            return None if value is None else typed_value(f, value)
        if value in known:
            return known[value]
        out = value if plain and is_clean(value) else typed_value(f, value)
        known[value] = out
        return out

    return convert


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
