"""openpyxl styling shared by every workbook we write: made for people.

Bold filled headers, frozen panes, filters, widths that fit Chinese text,
wrapped long text, and values written so Excel never runs text as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from ..core.changes import ChartSpec, ColumnAdd, Fill, SheetTable, link_target
from ..core.sheets import DATE_FORMAT, DATETIME_FORMAT, text_width
from ..core.text import Value, is_formula_like

__all__ = [
    "add_column",
    "column_widths",
    "fill",
    "link_target",
    "make_chart",
    "storable",
    "style_header",
    "write_table",
    "write_value",
]

_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FONT = Font(name="微软雅黑", bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
LINK_FONT = Font(color="0563C1", underline="single")  # Excel's Hyperlink style
_FILLS: dict[str, PatternFill] = {}
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _visible(m: re.Match[str]) -> str:
    ch = m.group()
    return chr(0x2400 + ord(ch)) if ch < " " else "\ufffd"


def storable(text: str) -> str:
    """*text* as a workbook can hold it: control characters shown as their symbols
    (U+2400…, e.g. "␇"), lone surrogates and the non-characters U+FFFE/U+FFFF
    (which XML cannot carry) as U+FFFD."""
    return text if text.isprintable() else _UNWRITABLE.sub(_visible, text)


def fill(colour: Fill | str) -> PatternFill:
    """A solid fill of *colour* (RGB hex); an empty colour removes the fill."""
    key = str(colour)
    if key not in _FILLS:
        _FILLS[key] = PatternFill(fill_type="solid", fgColor=key) if key else PatternFill()
    return _FILLS[key]


def write_value(cell: Cell | MergedCell, value: Value) -> None:
    """Write *value*; text that Excel would evaluate (``=``, DDE) stays text.

    A workbook cannot hold control characters or lone surrogates (openpyxl
    refuses them): they are shown as their visible symbols (U+2400…, e.g.
    "␇") and U+FFFD, so a problem's raw value can still be listed.
    """
    if isinstance(value, str):
        value = storable(value)
    cell.value = value
    if isinstance(value, str) and is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime | date):
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
    elif (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and isinstance(cell, Cell)
        and cell.is_date
    ):
        cell.number_format = "General"  # else the number reads back as a date


def style_header(ws: Worksheet, row: int, ncols: int, *, first: int = 1) -> None:
    """Bold, filled, bordered, wrapped header cells on *row*, columns *first* to *ncols*."""
    for c in range(first, ncols + 1):
        cell = ws.cell(row, c)
        cell.font = HEADER_FONT
        cell.fill = fill(Fill.HEADER)
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def add_column(ws: Worksheet, column: ColumnAdd) -> None:
    """Write a new column's header cell like the others, and widen the sheet's filter to it."""
    cell = ws.cell(column.row, column.col)
    write_value(cell, column.header)
    style_header(ws, column.row, column.col, first=column.col)
    letter = get_column_letter(column.col)
    if column.width is not None:
        ws.column_dimensions[letter].width = column.width
    ref = ws.auto_filter.ref
    if ref:
        bounds = range_boundaries(ref)
        min_col, min_row, max_col, max_row = (b or 0 for b in bounds)
        if min_row == column.row and max_col < column.col:
            ws.auto_filter.ref = f"{get_column_letter(min_col)}{min_row}:{letter}{max_row}"


def column_widths(
    rows: Iterable[Sequence[Value]], *, minimum: float = 6, maximum: float = 60
) -> dict[int, float]:
    """Column widths (1-based column -> width) that fit the content of the first 500 rows."""
    widths: dict[int, float] = {}
    for i, row in enumerate(rows):
        if i >= 500:
            break
        for c, value in enumerate(row, start=1):
            widths[c] = max(widths.get(c, 0), text_width(value))
    return {c: min(max(w + 2, minimum), maximum) for c, w in widths.items()}


def fit_widths(ws: Worksheet, rows: Iterable[Sequence[Value]]) -> None:
    """Set *ws*'s column widths from the content (sampling the first 500 rows)."""
    for c, w in column_widths(rows).items():
        ws.column_dimensions[get_column_letter(c)].width = w


def write_table(ws: Worksheet, table: SheetTable) -> None:
    """Clear *ws* and write *table* into it: title, header, rows, styles, charts."""
    ws.delete_rows(1, ws.max_row + 1)
    ws._charts = []  # type: ignore[attr-defined]  # the old run's charts go with its data
    r = 1
    if table.title:
        ws.cell(1, 1, table.title).font = Font(name="微软雅黑", bold=True, size=14)
        r = 2
    if table.header:
        for c, h in enumerate(table.header, start=1):
            ws.cell(r, c, h)
        style_header(ws, r, len(table.header))
        ws.freeze_panes = f"A{r + 1}"
        if table.rows:
            last = get_column_letter(len(table.header))
            ws.auto_filter.ref = f"A{r}:{last}{r + len(table.rows)}"
        r += 1
    for offset, row in enumerate(table.rows):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r + offset, c)
            write_value(cell, value)
            if c in table.wrap:
                cell.alignment = WRAP
            if c in table.number_formats:
                cell.number_format = table.number_formats[c]
    for (row_no, col_no), colour in table.fills.items():
        ws.cell(row_no, col_no).fill = fill(colour)
    for (row_no, col_no), target in table.links.items():
        cell = ws.cell(row_no, col_no)
        cell.hyperlink = link_target(target)
        cell.font = LINK_FONT
    sample: list[Sequence[Value]] = [table.header, *table.rows] if table.header else [*table.rows]
    fit_widths(ws, sample)
    for c, w in table.widths.items():
        ws.column_dimensions[get_column_letter(c)].width = w
    for spec in table.charts:
        ws.add_chart(make_chart(ws, spec), spec.anchor)


def make_chart(ws: Worksheet, spec: ChartSpec) -> BarChart | PieChart:
    """The openpyxl chart *spec* describes, drawing from *ws*."""
    chart: BarChart | PieChart
    if spec.kind == "pie":
        chart = PieChart()
    else:
        chart = BarChart()
        chart.type = "bar" if spec.kind == "bar" else "col"
        chart.y_axis.title = spec.y_title or None
        chart.legend = None if len(spec.series) == 1 else chart.legend
    chart.title = spec.title
    chart.height, chart.width = 9, 16
    for col in spec.series:
        data = Reference(ws, min_col=col, min_row=spec.first_row - 1, max_row=spec.last_row)
        chart.add_data(data, titles_from_data=True)
    cats = Reference(ws, min_col=spec.categories, min_row=spec.first_row, max_row=spec.last_row)
    chart.set_categories(cats)
    return chart
