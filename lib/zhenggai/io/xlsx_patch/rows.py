"""The cells of one ``<row>`` of a sheet being patched."""

from __future__ import annotations

import re

from openpyxl.utils import column_index_from_string, get_column_letter

from .styles import Unsupported

__all__ = ["row_cells"]

_CELL_START = re.compile(rb"<c\b([^>]*)")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_COLUMNS = {get_column_letter(c).encode(): c for c in range(1, 703)}  # A…ZZ


def row_cells(inner: bytes, number: int) -> dict[int, bytes]:
    """The ``<c>`` elements of row *number* by 1-based column.

    A cell ends where the next begins: text inside a cell has its ``<`` escaped,
    so ``<c`` starts only cells, and no cell's content needs scanning.
    """
    starts = list(_CELL_START.finditer(inner))
    cells: dict[int, bytes] = {}
    for i, c in enumerate(starts):
        ref = _CELL_REF.search(c.group(1))
        if ref is None or int(ref.group(2)) != number:
            raise Unsupported(f"第{number}行的单元格没有位置")
        end = starts[i + 1].start() if i + 1 < len(starts) else len(inner)
        col = _COLUMNS.get(ref.group(1)) or column_index_from_string(ref.group(1).decode())
        cells[col] = inner[c.start() : end].rstrip(b" \t\r\n")
    return cells
