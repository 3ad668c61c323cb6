"""What calamine does not say about an OpenDocument spreadsheet (.ods): merged cells, formulas.

A unit that saves its return in LibreOffice or WPS as .ods sends the same
cells, but python-calamine reports no merged ranges for .ods and gives a
formula's cached value. :func:`ods_cells` reads the sheet's part of
``content.xml`` once (through defusedxml: no entity expansion) and returns
both, in 1-based (row, column) like the .xlsx scan, so the checks treat an
.ods return exactly like an .xlsx one. Repeated rows and columns
(``number-rows-repeated``) are counted, never expanded.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]  # no stubs in dev

__all__ = ["OdsCells", "ods_cells"]

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_NAME = f"{_TABLE}name"
_ROWS_REPEATED = f"{_TABLE}number-rows-repeated"
_COLS_REPEATED = f"{_TABLE}number-columns-repeated"
_ROWS_SPANNED = f"{_TABLE}number-rows-spanned"
_COLS_SPANNED = f"{_TABLE}number-columns-spanned"
_FORMULA = f"{_TABLE}formula"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
_NAMESPACES = ("of", "oooc", "msoxl")  # the formula syntax prefix LibreOffice, OOo and WPS write


@dataclass
class OdsCells:
    """Merged ranges and formula cells of one sheet.

    Attributes:
        merged: 1-based (first row, first col, last row, last col) ranges.
        formulas: 1-based (row, col) -> formula text starting with "=".
    """

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def _count(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def ods_cells(zf: zipfile.ZipFile, sheet: str) -> OdsCells:
    """Merged ranges and formulas of *sheet* in the .ods package *zf* (empty when not found)."""
    out = OdsCells()
    inside = False
    row = 0
    with zf.open("content.xml") as fh:
        for event, elem in iterparse(fh, events=("start", "end")):
            tag = elem.tag
            if tag == f"{_TABLE}table":
                if event == "start":
                    inside = elem.get(_NAME) == sheet
                    row = 0
                elif inside:
                    break
                continue
            if not inside or event != "end":
                continue
            if tag == f"{_TABLE}table-row":
                repeat = _count(elem.get(_ROWS_REPEATED))
                if len(elem):
                    _row(out, elem, row + 1)
                row += repeat
                elem.clear()
    return out


def _row(out: OdsCells, elem: object, r: int) -> None:
    col = 0
    for cell in elem:  # type: ignore[attr-defined]
        if cell.tag not in _CELLS:
            continue
        repeat = _count(cell.get(_COLS_REPEATED))
        c = col + 1
        rows, cols = _count(cell.get(_ROWS_SPANNED)), _count(cell.get(_COLS_SPANNED))
        if rows > 1 or cols > 1:
            out.merged.append((r, c, r + rows - 1, c + cols - 1))
        formula = cell.get(_FORMULA)
        if formula:
            prefix, _, rest = formula.partition(":")
            text = rest if prefix in _NAMESPACES else formula
            out.formulas[(r, c)] = text if text.startswith("=") else "=" + text
        col += repeat
