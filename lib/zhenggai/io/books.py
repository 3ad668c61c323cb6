"""Writing new workbooks from :mod:`zhenggai.core.layout` descriptions.

:func:`write_sheets` draws plain sheets (problem lists, demo exports);
:func:`write_template` draws a unit's fill-in template with its protection,
drop-downs and hidden ``_meta``. Both save atomically through
:func:`zhenggai.io.master.save_new`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..core.changes import Fill
from ..core.layout import SheetLayout, TemplateLayout
from ..core.sheets import DATE_FORMAT, field_width, text_width
from ..core.spec import FieldType
from .create import ledger_validations
from .master import save_new
from .style import WRAP, fill, style_header, write_value

__all__ = ["write_sheets", "write_template"]

_LINE_HEIGHT = 15.0  # points per line of 11 pt text
_MAX_ROW_HEIGHT = 300.0
_TITLE_FONT = Font(name="微软雅黑", bold=True, size=14)


def write_sheets(path: Path, sheets: Sequence[SheetLayout], *, title: str = "") -> Path:
    """Write a new workbook of plain *sheets* at *path* (replacing any file there)."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for layout in sheets:
        _plain_sheet(wb.create_sheet(layout.name), layout)
    if title:
        wb.properties.title = title
    wb.properties.creator = "zhenggai"
    save_new(wb, path)
    return path


def _plain_sheet(ws: Worksheet, layout: SheetLayout) -> None:
    for r, values in enumerate(layout.rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is not None:
                write_value(ws.cell(r, c), value)
    for r in layout.title_rows:
        ws.cell(r, 1).font = _TITLE_FONT
    for r in layout.centred:
        ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center")
    if layout.header_row:
        width = len(layout.rows[layout.header_row - 1])
        style_header(ws, layout.header_row, width)
        for r in range(layout.header_row + 1, len(layout.rows) + 1):
            for c in range(1, width + 1):
                ws.cell(r, c).alignment = WRAP
    for r1, c1, r2, c2 in layout.merged:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        if r1 not in layout.title_rows and r1 not in layout.centred and r1 != layout.header_row:
            # a merged line of text reads from the top; a label merged down a group, centred
            ws.cell(r1, c1).alignment = Alignment(
                wrap_text=True, vertical="center" if r2 > r1 else "top"
            )
    for c, w in layout.widths.items():
        ws.column_dimensions[get_column_letter(c)].width = w
    for r, h in layout.heights.items():
        ws.row_dimensions[r].height = h
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    if layout.landscape:
        ws.page_setup.orientation = "landscape"
        if layout.header_row:
            ws.print_title_rows = f"{layout.header_row}:{layout.header_row}"


def write_template(path: Path, layout: TemplateLayout) -> Path:
    """Write a unit's template at *path* (replacing any file there)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = layout.sheet
    widths = [field_width(f) for f in layout.fields]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    _template_head(ws, layout, sum(widths))
    _template_rows(ws, layout, widths)
    _protect_and_print(ws, wb, layout)
    meta_ws = wb.create_sheet(layout.meta_sheet)
    for r, cells in enumerate(layout.meta, start=1):
        for c, value in enumerate(cells, start=1):
            write_value(meta_ws.cell(r, c), value)
    meta_ws.sheet_state = "veryHidden"
    wb.active = 0
    wb.properties.title = layout.title
    wb.properties.creator = "zhenggai"
    save_new(wb, path)
    return path


def _template_head(ws: Worksheet, layout: TemplateLayout, total_width: float) -> None:
    """Title, 填报说明 and header row."""
    last = get_column_letter(len(layout.fields))
    ws.cell(1, 1, layout.title).font = _TITLE_FONT
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 28
    for r, line in enumerate(layout.instructions, start=2):
        cell = ws.cell(r, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.font = Font(bold=(r == 2), color="C00000" if r == 2 else "404040")
        ws.merge_cells(f"A{r}:{last}{r}")
        ws.row_dimensions[r].height = _LINE_HEIGHT * max(
            1, math.ceil(text_width(line) / (total_width * 0.9))
        )
    for c, f in enumerate(layout.fields, start=1):
        ws.cell(layout.header_row, c, f.name)
    style_header(ws, layout.header_row, len(layout.fields))
    ws.row_dimensions[layout.header_row].height = 30


def _template_rows(ws: Worksheet, layout: TemplateLayout, widths: list[float]) -> None:
    """The unit's rows: locked cells grey, editable ones unlocked, with validations."""
    fields = layout.fields
    first = layout.header_row + 1
    unlocked = Protection(locked=False)
    grey = fill(Fill.LOCKED)
    for r, values in enumerate(layout.rows, start=first):
        lines_needed = 2 if any(f.editable for f in fields) else 1
        for c, f in enumerate(fields, start=1):
            cell = ws.cell(r, c)
            value = values.get(f.key)
            write_value(cell, value)
            if f.type is FieldType.DATE:
                cell.number_format = DATE_FORMAT
            cell.alignment = WRAP
            if f.editable:
                cell.protection = unlocked
            else:
                cell.fill = grey
            lines_needed = max(
                lines_needed, math.ceil(text_width(value) / max(widths[c - 1] - 1, 1))
            )
        ws.row_dimensions[r].height = min(_LINE_HEIGHT * lines_needed + 3, _MAX_ROW_HEIGHT)
    last_row = max(first + len(layout.rows) - 1, first)
    editable = {f.key: c for c, f in enumerate(fields, start=1) if f.editable}
    for dv in ledger_validations(
        fields, first_row=first, last_row=last_row, columns=editable, max_text=layout.max_text
    ):
        ws.add_data_validation(dv)


def _protect_and_print(ws: Worksheet, wb: Workbook, layout: TemplateLayout) -> None:
    header_row = layout.header_row
    ws.freeze_panes = f"B{header_row + 1}"
    protection = ws.protection
    protection.sheet = True
    # Units may resize rows and columns to read long text; everything else is locked.
    protection.formatColumns = False
    protection.formatRows = False
    if layout.password:
        protection.password = layout.password
    wb.security = WorkbookProtection(lockStructure=True)
    if layout.password:
        wb.security.workbookPassword = layout.password
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
