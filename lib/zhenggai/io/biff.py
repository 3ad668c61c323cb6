"""The reach of each sheet of an old-format workbook (.xls, WPS .et), before calamine opens it.

calamine parses every sheet of an .xls as it opens the file and lays each
out as a full grid: one value in IV65536 of a 30-row return costs about
0.5 GB before any check runs (1 GB once read). :func:`xls_extents` walks the
BIFF8 records of the ``Workbook`` stream once — only each cell record's row
and column — so :func:`zhenggai.io.sheetscan.check_extent` can refuse such a
sheet first, as it does for .xlsx and .ods.
"""

from __future__ import annotations

import io
import struct

import olefile

from ..core.problems import cell_name
from .sheetscan import Extent

__all__ = ["xls_extents"]

_BOF, _EOF, _BOUNDSHEET = 0x0809, 0x000A, 0x0085
# cell records holding a value: LABELSST, LABEL, NUMBER, RK, BOOLERR, FORMULA, RSTRING
_CELLS = frozenset({0x00FD, 0x0204, 0x0203, 0x027E, 0x0205, 0x0006, 0x00D6})
_MULRK = 0x00BD  # several RK values in one row: row, first col, ..., last col at the end


def xls_extents(data: bytes) -> dict[str, Extent]:
    """Sheet name -> the farthest cell holding a value and how many values, from BIFF8 records.

    An unreadable stream gives {}: calamine then says what is wrong with the file.
    """
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = "Workbook" if ole.exists("Workbook") else "Book"
            stream = ole.openstream(name).read()
    except (OSError, ValueError):
        return {}
    names: list[str] = []
    extents: list[Extent] = []
    substream = -1
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if kind == _BOF:
            substream += 1
            if substream > 0:
                extents.append(Extent(0, 0, 0, ""))
        elif kind == _BOUNDSHEET and substream == 0 and len(body) >= 8:
            names.append(_sheet_name(body))
        elif substream > 0 and len(body) >= 4 and (kind in _CELLS or kind == _MULRK):
            row, col = struct.unpack_from("<HH", body)
            if kind == _MULRK and len(body) >= 6:
                (col,) = struct.unpack_from("<H", body, len(body) - 2)
            extents[-1] = _reach(extents[-1], row + 1, col + 1)
    return {
        (names[i] if i < len(names) else f"第{i + 1}个工作表"): e for i, e in enumerate(extents)
    }


def _sheet_name(body: bytes) -> str:
    cch, high = body[6], body[7] & 1
    raw = body[8 : 8 + cch * (2 if high else 1)]
    return raw.decode("utf-16-le" if high else "latin-1", errors="replace")


def _reach(e: Extent, row: int, col: int) -> Extent:
    far = cell_name(row, col) if row * col > e.rows * e.cols else e.far
    return Extent(max(e.rows, row), max(e.cols, col), e.values + 1, far)
