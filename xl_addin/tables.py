"""Rewrite an output sheet (:class:`zhenggai.core.changes.SheetTable`) in the open Book.

Mirrors :func:`zhenggai.io.style.write_table` (the CLI's openpyxl writer) through
xlwings' public API: the old charts go, the sheet is cleared (below its header,
when the header is already there), the whole block (title, header, rows) is
written in one range assignment, then the header style, frozen header, wrapped
columns, number formats, fills, column widths and native charts. The number of
calls into Excel grows with the columns and the charts, not with the rows.

A table's hyperlinks (the 佐证材料 sheet's files) are written as ``HYPERLINK``
formulas, one range assignment per run of linked cells in a column: xlwings
adds a real hyperlink one cell at a time. Excel opens a relative
``HYPERLINK`` target from the workbook's folder, as it does a hyperlink. The
web add-ins (Office.js, WPS) apply values only: there the cells hold the file
names, and the 位置 column the path.

Three differences, all limits of xlwings rather than choices:

- no filter buttons on the header: xlwings can only switch AutoFilter on by
  applying a criterion;
- in Excel itself the header rows are not frozen: xlwings 0.37.8 freezes panes
  only on xlwings Server/Lite (see :func:`~xl_addin.cells.freeze_above`);
- a chart whose series are not in adjacent columns is not drawn (xlwings
  builds a chart from one source range and cannot add series); the data is
  still written and :class:`~xl_addin.master.Applied` counts the chart as skipped.

On xlwings Server (the engine of our tests), alignment needs the Office.js
client and is skipped; Excel itself does all of it.
"""

from __future__ import annotations

from contextlib import suppress

import xlwings

from xl_addin.cells import (
    HEADER_FONT,
    column_width,
    date_formats,
    fills,
    freeze_above,
    full_host,
    pad,
    set_optional,
    style_header,
)
from zhenggai.core.changes import ChartSpec, SheetTable, link_target
from zhenggai.core.grid import Grid
from zhenggai.core.sheets import text_width
from zhenggai.core.text import Value

__all__ = ["table_grid", "write_table"]

_CHART_TYPES = {"bar": "bar_clustered", "column": "column_clustered", "pie": "pie"}
# openpyxl's 16 cm × 9 cm, the CLI's chart size, in points.
_CHART_WIDTH, _CHART_HEIGHT = 454, 255
_TITLE_SIZE = 14
_SAMPLE_ROWS = 500
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def table_grid(table: SheetTable) -> Grid:
    """The sheet's values once *table* is written, from A1."""
    grid: Grid = []
    if table.title:
        grid.append([table.title])
    if table.header:
        grid.append(list(table.header))
    grid += [list(row) for row in table.rows]
    while grid and all(v is None or v == "" for v in grid[-1]):
        grid.pop()
    return grid


def write_table(
    book: xlwings.Book, sheet: xlwings.Sheet, table: SheetTable, before: Grid | None = None
) -> tuple[int, int]:
    """Write *table* over what *sheet* held (*before*); returns (charts drawn, charts skipped).

    When the sheet already has the table's header in the same place (every
    rerun, and sheets made by ``zhenggai init``), only the rows below it are
    cleared: the header keeps its style, the columns their widths (also ones
    the office adjusted) and the panes stay frozen, which spares a dozen calls
    into Excel per sheet. Otherwise the sheet is cleared and styled afresh.
    """
    _delete_charts(sheet)
    grid = table_grid(table)
    width = max((len(row) for row in grid), default=0)
    kept = _same_layout(before or [], table)
    if kept:
        old = before or []
        first = table.header_row + 1
        old_width = max((len(row) for row in old), default=0)
        if len(old) >= first:
            sheet.range((first, 1), (len(old), max(old_width, width, 1))).clear()
    else:
        sheet.clear()
        if not table.header:
            freeze_above(sheet, None)
    if width:
        sheet.range((1, 1), (len(grid), width)).value = pad(grid, width)
    r = 1
    if table.title:
        if not kept:
            title = sheet.range((1, 1))
            title.font.bold = True
            title.font.name = HEADER_FONT
            title.font.size = _TITLE_SIZE
        r = 2
    if table.header:
        if not kept:
            style_header(sheet.range((r, 1), (r, len(table.header))))
            freeze_above(sheet, r + 1)
        r += 1
    if table.rows:
        last = r + len(table.rows) - 1
        for c in sorted(table.wrap):
            column = sheet.range((r, c), (last, c))
            column.wrap_text = True
            set_optional(column, "vertical_alignment", "top")
        for c, fmt in sorted(table.number_formats.items()):
            sheet.range((r, c), (last, c)).number_format = fmt
        date_formats(
            sheet, [(r + i, c, v) for i, row in enumerate(table.rows) for c, v in enumerate(row, 1)]
        )
    fills(sheet, [(row, col, fill) for (row, col), fill in table.fills.items()])
    if full_host(book):  # the web add-ins' adapters write values, not formulas
        _links(sheet, table)
    if not kept:
        _widths(book, sheet, table)
    drawn = sum(_chart(sheet, spec) for spec in table.charts)
    return drawn, len(table.charts) - drawn


def _same_layout(before: Grid, table: SheetTable) -> bool:
    """The sheet already holds *table*'s header at its row (and a title line above it if it has one)."""
    if not table.header or len(before) < table.header_row:
        return False
    header = list(before[table.header_row - 1])
    while header and header[-1] in (None, ""):
        header.pop()
    if header != list(table.header):
        return False
    return not table.title or any(v not in (None, "") for v in before[0])


_MAX_LINK = 255  # characters Excel takes for HYPERLINK's link_location


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _links(sheet: xlwings.Sheet, table: SheetTable) -> None:
    """``=HYPERLINK("target","shown")`` over each run of linked cells in a column (one call each)."""
    first = table.header_row + 1 if table.header else table.header_row
    cells: dict[tuple[int, int], str] = {}
    for (r, c), target in table.links.items():
        row = table.rows[r - first] if 0 <= r - first < len(table.rows) else []
        shown = row[c - 1] if c <= len(row) and row[c - 1] not in (None, "") else target
        link = link_target(target)
        if len(link) <= _MAX_LINK:  # longer: the cell keeps its text, without a link
            cells[(r, c)] = f"=HYPERLINK({_quoted(link)},{_quoted(str(shown))})"
    for c in sorted({c for _, c in cells}):
        rows = sorted(r for r, col in cells if col == c)
        runs: list[list[int]] = []
        for r in rows:
            if runs and r == runs[-1][-1] + 1:
                runs[-1].append(r)
            else:
                runs.append([r])
        for run in runs:
            sheet.range((run[0], c), (run[-1], c)).formula = [[cells[(r, c)]] for r in run]


def _delete_charts(sheet: xlwings.Sheet) -> None:
    api = sheet.api
    if isinstance(api, dict) and "charts" not in api:
        return  # xlwings' VBA client sends no chart list: nothing known to delete
    for chart in list(sheet.charts):
        chart.delete()


def _widths(book: xlwings.Book, sheet: xlwings.Sheet, table: SheetTable) -> None:
    sample: list[list[Value]] = [list(table.header), *table.rows] if table.header else table.rows
    widths: dict[int, float] = {}
    for row in sample[:_SAMPLE_ROWS]:
        for c, value in enumerate(row, start=1):
            widths[c] = max(widths.get(c, 0), text_width(value))
    widths = {c: min(max(w + 2, _MIN_WIDTH), _MAX_WIDTH) for c, w in widths.items()}
    widths.update(table.widths)
    for c, w in sorted(widths.items()):
        sheet.range((1, c)).column_width = column_width(book, w)


def _chart(sheet: xlwings.Sheet, spec: ChartSpec) -> bool:
    series = sorted(spec.series)
    adjacent = series == list(range(series[0], series[-1] + 1)) if series else False
    if not adjacent or spec.last_row < spec.first_row:
        return False
    source = sheet.range((spec.first_row - 1, series[0]), (spec.last_row, series[-1]))
    chart = sheet.charts.add(
        anchor=sheet.range(spec.anchor),
        width=_CHART_WIDTH,
        height=_CHART_HEIGHT,
        chart_type=_CHART_TYPES.get(spec.kind, "column_clustered"),
        source=source,
        plot_by="columns",
    )
    chart.set_x_axis_values(
        sheet.range((spec.first_row, spec.categories), (spec.last_row, spec.categories))
    )
    chart.title = spec.title
    if spec.kind != "pie":
        if spec.y_title:
            chart.value_axis.title = spec.y_title
        if len(series) == 1:
            with suppress(NotImplementedError):
                chart.legend.visible = False
    return True
