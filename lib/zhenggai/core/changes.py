"""What a command wants done to the master, as plain data, and where it goes.

The core computes a :class:`ChangeSet`; a :class:`MasterWriter` applies it:
:class:`zhenggai.io.master.OpenpyxlMaster` to a file (CLI),
``xl_addin.master.XlwingsMaster`` to the open book (add-in) and
:class:`zhenggai.core.memory.MemoryMaster` to plain lists (tests). Every
command runs the same read → plan → write path
(:func:`zhenggai.core.ledger.plan_and_write`), so the CLI and the add-in
cannot drift apart.

Example:
    >>> cs = ChangeSet()
    >>> cs.edit("台账", 7, 12, "已完成", fill=Fill.DONE)
    >>> cs.append("变更记录", [["2026-11-28 10:00", "汇总", "办公室"]])
    >>> len(cs)
    2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol, TypeVar

from .grid import GridSource
from .text import Value

__all__ = [
    "CellEdit",
    "ChangeSet",
    "ChartSpec",
    "ColumnAdd",
    "ColumnFills",
    "Fill",
    "FillRule",
    "MasterWriter",
    "Planned",
    "SheetTable",
    "link_target",
]

R_co = TypeVar("R_co", covariant=True)


class Fill(StrEnum):
    """Cell fill colours (RGB hex) with their meaning, shared by both adapters."""

    OVERDUE = "FFC7CE"  # red: 已逾期
    DUE_7 = "FFD8A8"  # orange: due within the short window
    DUE_30 = "FFF2CC"  # yellow: due within the long window
    NORMAL = "C6EFCE"  # green: 正常
    DONE = "D9D9D9"  # grey: 已完成
    ONGOING = "DDEBF7"  # blue: 长期坚持
    UNKNOWN = "E4DFEC"  # purple: 时限无法识别
    HEADER = "DCE6F1"  # header rows
    LOCKED = "F2F2F2"  # locked columns in templates
    CONFLICT = "F8CBAD"  # conflicts and problems
    NONE = ""  # remove any fill


@dataclass(frozen=True)
class CellEdit:
    """Set one cell. ``row``/``col`` are 1-based like Excel.

    ``fill`` None leaves the fill as it is; ``Fill.NONE`` clears it.
    """

    sheet: str
    row: int
    col: int
    value: Value
    fill: Fill | None = None


@dataclass(frozen=True)
class ColumnAdd:
    """A new column: its header cell, styled like the sheet's other header cells.

    Applied before edits and appends, so rows appended in the same change set
    can fill it. An auto-filter over the header row is widened to include it.

    Attributes:
        sheet: sheet name.
        col: 1-based column of the new header cell.
        header: header text.
        row: 1-based header row.
        width: column width in Excel character units (None: leave as is).
    """

    sheet: str
    col: int
    header: str
    row: int = 1
    width: float | None = None


@dataclass(frozen=True)
class FillRule:
    """A cell's fill as a function of its text: the rule matches when every part given does.

    Attributes:
        fill: the colour of the cells it matches.
        equals: the whole text.
        prefix: the text starts with it.
        suffix: the text ends with it.
        at_most: with *suffix*: what precedes the suffix is a whole number no greater than this.

    Example:
        >>> rule = FillRule(Fill.DUE_7, suffix="天后到期", at_most=7)
        >>> rule.matches("3天后到期"), rule.matches("12天后到期"), rule.matches("正常")
        (True, False, False)
    """

    fill: Fill
    equals: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    at_most: int | None = None

    def matches(self, text: Value) -> bool:
        if not isinstance(text, str):
            return False
        if self.equals is not None and text != self.equals:
            return False
        if self.prefix is not None and not text.startswith(self.prefix):
            return False
        if self.suffix is not None:
            if not text.endswith(self.suffix):
                return False
            if self.at_most is not None:
                number = text[: len(text) - len(self.suffix)]
                return number.isdigit() and int(number) <= self.at_most
        return True


@dataclass(frozen=True)
class ColumnFills:
    """A column whose fills follow its text: the first matching rule gives a cell its colour.

    The same colours as the ``fill`` of the column's cell edits, said
    once for the column: a writer that pays per call (the add-in, through COM)
    writes these as conditional-formatting rules instead of a fill per cell;
    a file writer may ignore it and write the edits' fills.

    Attributes:
        sheet: sheet name.
        col: 1-based column.
        first_row: the first 1-based row the rules cover (they go down to the sheet's end).
        rules: in order of priority.
    """

    sheet: str
    col: int
    first_row: int
    rules: tuple[FillRule, ...]

    def fill_of(self, text: Value) -> Fill | None:
        """The fill the rules give *text* (None when no rule matches)."""
        return next((r.fill for r in self.rules if r.matches(text)), None)


@dataclass(frozen=True)
class ChartSpec:
    """A native Excel chart drawn from columns of a :class:`SheetTable`.

    Attributes:
        kind: "bar" (horizontal), "column" or "pie".
        title: chart title.
        categories: 1-based column holding the category labels.
        series: 1-based columns holding values (header row gives the series name).
        anchor: top-left cell of the chart, e.g. "J2".
        first_row / last_row: 1-based data rows (the header is first_row - 1).
        y_title: axis title for the values.
    """

    kind: str
    title: str
    categories: int
    series: tuple[int, ...]
    anchor: str
    first_row: int
    last_row: int
    y_title: str = ""


# In a relationship's Target a "#" starts a place in the file and "%" an escape;
# spaces and control characters are not allowed. Chinese stays as it is, as Excel writes it.
_LINK_ESCAPES = {ord(c): f"%{ord(c):02X}" for c in '%# "<>`{}|^'}
_LINK_ESCAPES |= {c: f"%{c:02X}" for c in range(0x20)} | {0x7F: "%7F"}


def link_target(path: str) -> str:
    """A hyperlink's target for *path*, relative to the workbook's folder, with "/" between folders.

    Excel, WPS and LibreOffice open a relative target from the workbook's own
    folder, so the links survive copying the folder elsewhere.

    >>> link_target("电子档案/2026年11月/办公室/会议纪要 #2.pdf")
    '电子档案/2026年11月/办公室/会议纪要%20%232.pdf'
    """
    return path.replace("\\", "/").translate(_LINK_ESCAPES)


@dataclass
class SheetTable:
    """A whole output sheet, rewritten each run (统计, 通报草稿, 回收情况 …).

    Attributes:
        name: sheet name.
        header: header row (may be empty for prose sheets).
        rows: data rows under the header.
        widths: column widths by 1-based column.
        wrap: 1-based columns whose text wraps.
        fills: (1-based row, col) -> fill, rows counted from the sheet's top.
        charts: native charts to draw.
        title: optional title line above the header (row 1), shifting the table down.
        number_formats: 1-based column -> Excel number format (e.g. "0.00%").
        links: (1-based row, col) -> hyperlink target, rows counted from the sheet's top:
            a path relative to the master's folder with "/" between folders
            ("电子档案/2026年11月/办公室/纪要.pdf"), so the link still opens when the
            folder is copied or moved as a whole.
    """

    name: str
    header: list[str]
    rows: list[list[Value]]
    widths: dict[int, float] = field(default_factory=dict)
    wrap: set[int] = field(default_factory=set)
    fills: dict[tuple[int, int], Fill] = field(default_factory=dict)
    charts: list[ChartSpec] = field(default_factory=list)
    title: str = ""
    number_formats: dict[int, str] = field(default_factory=dict)
    links: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def header_row(self) -> int:
        """1-based row of the header (2 when a title line is above it)."""
        return 2 if self.title else 1


@dataclass
class ChangeSet:
    """Everything one command changes in the master.

    Attributes:
        edits: single cells to set.
        appends: (sheet, rows) appended below the sheet's last used row.
        tables: output sheets rewritten whole.
        columns: new columns (header cells), applied first.
        column_fills: columns whose edits' fills follow their text (see :class:`ColumnFills`).
    """

    edits: list[CellEdit] = field(default_factory=list)
    appends: list[tuple[str, list[list[Value]]]] = field(default_factory=list)
    tables: list[SheetTable] = field(default_factory=list)
    columns: list[ColumnAdd] = field(default_factory=list)
    column_fills: list[ColumnFills] = field(default_factory=list)

    def edit(
        self, sheet: str, row: int, col: int, value: Value, *, fill: Fill | None = None
    ) -> None:
        self.edits.append(CellEdit(sheet, row, col, value, fill))

    def append(self, sheet: str, rows: Sequence[Sequence[Value]]) -> None:
        if rows:
            self.appends.append((sheet, [list(r) for r in rows]))

    def table(self, table: SheetTable) -> None:
        self.tables.append(table)

    def add_column(
        self, sheet: str, col: int, header: str, *, row: int = 1, width: float | None = None
    ) -> None:
        self.columns.append(ColumnAdd(sheet, col, header, row, width))

    def extend(self, other: ChangeSet) -> None:
        self.edits += other.edits
        self.appends += other.appends
        self.tables += other.tables
        self.columns += other.columns
        self.column_fills += other.column_fills

    def __len__(self) -> int:
        return (
            len(self.edits)
            + sum(len(rows) for _, rows in self.appends)
            + len(self.tables)
            + len(self.columns)
        )

    def __bool__(self) -> bool:
        return bool(self.edits or self.appends or self.tables or self.columns)

    @property
    def sheets(self) -> set[str]:
        """Names of the sheets this change touches."""
        return (
            {e.sheet for e in self.edits}
            | {s for s, _ in self.appends}
            | {t.name for t in self.tables}
            | {c.sheet for c in self.columns}
        )


class Planned(Protocol):
    """A command's result: what it wants changed in the master, among other things."""

    @property
    def changes(self) -> ChangeSet: ...


class MasterWriter(Protocol[R_co]):
    """The master a command reads and writes, wherever it lives.

    ``source`` is the master as it is now (read under the writer's lock, for a
    file); ``write`` applies a change set and says what it did (a
    :class:`~zhenggai.io.master.SaveResult` for a file, the cells written for
    an open book). A writer is used for one command.
    """

    @property
    def source(self) -> GridSource:
        """The master's sheets as they are now."""
        ...

    @property
    def path(self) -> Path | None:
        """The master's file (None for a book that was never saved, or one in memory)."""
        ...

    def write(self, changes: ChangeSet) -> R_co:
        """Apply *changes* to the master."""
        ...
