"""The cells of one ``<row>`` of a sheet being patched."""

from __future__ import annotations

import re

from openpyxl.utils import column_index_from_string, get_column_letter

from ...core.changes import CellEdit
from .styles import Styles, Unsupported, edited_cell

__all__ = ["row_cells", "spliced"]

_CELL_START = re.compile(rb"<c\b([^>]*)")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_COLUMNS = {get_column_letter(c).encode(): c for c in range(1, 703)}  # A…ZZ
_LETTERS = {c: letter for letter, c in _COLUMNS.items()}
_STYLE = re.compile(rb'\bs="(\d+)"')


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


def spliced(
    inner: bytes, number: int, edits: dict[int, list[CellEdit]], styles: Styles
) -> bytes | None:
    """Row *number*'s content with *edits* spliced in, or None when the row must be split.

    The common cases are done by byte searches, not by splitting the row into
    its cells (overdue edits every row of a 100,000-row sheet): an edited cell
    written as ``<c r="L7"`` is replaced where it is, and a new cell past the
    row's last one is added at the end. Anything else (a cell to insert between
    others, a cell whose ``r`` is not its first attribute) returns None and
    :func:`row_cells` is used.
    """
    last = inner.rfind(b"<c")
    if last < 0:
        return None
    tag = inner[last : inner.find(b">", last)]
    ref = _CELL_REF.search(tag)
    if ref is None or int(ref.group(2)) != number:
        return None
    last_col = _COLUMNS.get(ref.group(1)) or column_index_from_string(ref.group(1).decode())
    end = len(inner.rstrip(b" \t\r\n"))
    out = inner
    for col in sorted(edits, reverse=True):  # right to left: earlier offsets stay valid
        letter = _LETTERS.get(col) or get_column_letter(col).encode()
        at = out.find(b'<c r="%s%d"' % (letter, number))
        if at >= 0:
            stop = out.find(b"<c", at + 2)
            stop = len(out) if stop < 0 else stop
            old = out[at:stop].rstrip(b" \t\r\n")
            if (b't="shared"' in old and b"ref=" in old) or b't="array"' in old:
                raise Unsupported(f"第{number}行第{col}列是共享或数组公式")
            style = _STYLE.search(old[: old.find(b">")])
            new = edited_cell(number, col, int(style.group(1)) if style else 0, edits[col], styles)
            out = out[:at] + new + out[at + len(old) :]
            end += len(new) - len(old) if at < end else 0
        elif col > last_col:
            new = edited_cell(number, col, 0, edits[col], styles)
            out = out[:end] + new + out[end:]
        else:
            return None
    return out
