"""What calamine does not say about an OpenDocument spreadsheet (.ods): merged cells, formulas.

A unit that saves its return in LibreOffice or WPS as .ods sends the same
cells, but python-calamine reports no merged ranges for .ods and gives a
formula's cached value. :func:`ods_sheets` reads ``content.xml`` once
(through defusedxml: no entity expansion; the bytes read with a bound by
:class:`~zhenggai.io.package.Package`, and the very bytes calamine then reads:
:func:`zhenggai.io.rebuild.ods_package`) and returns
both, in 1-based (row, column) like the .xlsx scan, so the checks treat an
.ods return exactly like an .xlsx one. Repeated rows and columns
(``number-rows-repeated``) are counted, never expanded; the farthest cell
holding a value is measured too, so a sheet whose values reach far beyond
what it holds is refused before calamine expands it
(:func:`zhenggai.io.sheetscan.check_extent`, as for .xlsx).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]  # no stubs in dev

from ..core.errors import WorkbookError
from ..core.problems import Code, cell_name
from .sheetscan import Extent

__all__ = ["OdsCells", "ods_sheets"]

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_NAME = f"{_TABLE}name"
_ROWS_REPEATED = f"{_TABLE}number-rows-repeated"
_COLS_REPEATED = f"{_TABLE}number-columns-repeated"
_ROWS_SPANNED = f"{_TABLE}number-rows-spanned"
_COLS_SPANNED = f"{_TABLE}number-columns-spanned"
_FORMULA = f"{_TABLE}formula"
_VALUE_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
_NAMESPACES = ("of", "oooc", "msoxl")  # the formula syntax prefix LibreOffice, OOo and WPS write


@dataclass
class OdsCells:
    """Merged ranges and formula cells of one sheet.

    Attributes:
        merged: 1-based (first row, first col, last row, last col) ranges.
        formulas: 1-based (row, col) -> formula text starting with "=".
        extent: the farthest row and column holding a value, and how many values.
    """

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    extent: Extent = field(default_factory=lambda: Extent(0, 0, 0, ""))


def _count(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def ods_sheets(content: bytes) -> dict[str, OdsCells]:
    """Merged ranges, formulas and reach of every sheet of an .ods's ``content.xml``, in one pass.

    calamine parses every sheet of an .ods when it opens the file, so this runs
    first and its extents are checked before calamine sees the file.
    """
    try:
        return _parse(content)
    except ParseError as exc:
        raise _damaged(f"content.xml 无法解析：{exc}") from exc
    except ValueError as exc:  # defusedxml: a DTD or entity declaration
        raise WorkbookError(
            "文件中的 content.xml 含有 XML 实体声明（DOCTYPE/ENTITY），表格软件不会这样保存，"
            "疑似恶意文件，已拒绝读取。请用办公室下发的原模板重新填报。",
            code=Code.FILE_UNSAFE,
        ) from exc


def _damaged(why: str) -> WorkbookError:
    return WorkbookError(
        f"文件已损坏（{why}），无法读取，请重新保存后报送。", code=Code.FILE_CORRUPT
    )


def _parse(content: bytes) -> dict[str, OdsCells]:
    sheets: dict[str, OdsCells] = {}
    out: OdsCells | None = None
    row = 0
    with io.BytesIO(content) as fh:
        for event, elem in iterparse(fh, events=("start", "end")):
            tag = elem.tag
            if tag == f"{_TABLE}table":
                if event == "start":
                    out = sheets.setdefault(str(elem.get(_NAME) or ""), OdsCells())
                    row = 0
                else:
                    out = None
                    elem.clear()
                continue
            if out is None or event != "end" or tag != f"{_TABLE}table-row":
                continue
            repeat = _count(elem.get(_ROWS_REPEATED))
            if len(elem):
                _row(out, elem, row + 1, repeat)
            row += repeat
            elem.clear()
    return sheets


def _row(out: OdsCells, elem: object, r: int, rows_repeated: int) -> None:
    col = 0
    for cell in elem:  # type: ignore[attr-defined]
        if cell.tag not in _CELLS:
            continue
        repeat = _count(cell.get(_COLS_REPEATED))
        c = col + 1
        if cell.get(_VALUE_TYPE) is not None or len(cell):  # holds something
            _reach(out, r + rows_repeated - 1, c + repeat - 1, rows_repeated * repeat)
        rows, cols = _count(cell.get(_ROWS_SPANNED)), _count(cell.get(_COLS_SPANNED))
        if rows > 1 or cols > 1:
            out.merged.append((r, c, r + rows - 1, c + cols - 1))
        formula = cell.get(_FORMULA)
        if formula:
            prefix, _, rest = formula.partition(":")
            text = rest if prefix in _NAMESPACES else formula
            out.formulas[(r, c)] = text if text.startswith("=") else "=" + text
        col += repeat


def _reach(out: OdsCells, row: int, col: int, values: int) -> None:
    e = out.extent
    far = cell_name(row, col) if row * col > e.rows * e.cols else e.far
    out.extent = Extent(max(e.rows, row), max(e.cols, col), e.values + values, far)
