"""New workbooks described as plain data, for :mod:`zhenggai.io.books` to write.

Workflows decide what a unit's template, a problem list or a demo export
holds; only ``io`` knows how openpyxl draws it. Two shapes cover them:

- :class:`SheetLayout`: a plain sheet (title lines, a styled header, rows);
- :class:`TemplateLayout`: a unit's fill-in template (locked and editable
  columns, drop-downs, protection) with its signed ``_meta`` rows.

Example:
    >>> sheet = SheetLayout("问题清单", [["标题"], [], ["序号", "问题"]], header_row=3)
    >>> sheet.header_row, len(sheet.rows)
    (3, 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .spec import Field
from .text import Value

__all__ = ["SheetLayout", "TemplateLayout"]


@dataclass
class SheetLayout:
    """One plain sheet of a new workbook.

    Attributes:
        name: sheet name.
        rows: cell values from A1 (``None`` for empty).
        header_row: 1-based row drawn as a header (0: none); rows below it wrap.
        title_rows: 1-based rows drawn as a bold title.
        merged: 1-based (first row, first col, last row, last col) ranges.
        widths: 1-based column -> width in Excel character units.
        heights: 1-based row -> height in points.
        freeze: top-left cell of the scrolling area, e.g. "A5" ("" for none).
        landscape: print across the page, repeating the header row.
        centred: 1-based rows whose first cell is centred.
    """

    name: str
    rows: list[list[Value]]
    header_row: int = 0
    title_rows: frozenset[int] = frozenset()
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    freeze: str = ""
    landscape: bool = False
    centred: frozenset[int] = frozenset()


@dataclass
class TemplateLayout:
    """A unit's fill-in template: one 填报 sheet and a veryHidden ``_meta``.

    Attributes:
        sheet: name of the fill-in sheet.
        title: the sheet's title line and the file's document title.
        instructions: the 填报说明 lines under the title.
        header_row: 1-based header row (a blank row above it).
        fields: the template's columns, left to right.
        rows: each row's values by field key.
        meta_sheet: name of the hidden sheet.
        meta: its rows (the signed identity, see :mod:`zhenggai.template.meta`).
        max_text: length limit of editable text cells.
        password: sheet and structure protection password ("" for none).
    """

    sheet: str
    title: str
    instructions: list[str]
    header_row: int
    fields: list[Field]
    rows: list[dict[str, Value]]
    meta_sheet: str
    meta: Sequence[Sequence[Value]]
    max_text: int
    password: str = ""
