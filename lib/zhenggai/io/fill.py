"""Typing values into a copy of a workbook, as a person's Excel would save it.

:func:`write_cells` loads a workbook with openpyxl, sets the given cells,
saves it as a new file and records the save time in its document
properties. The demo's returns are made this way (a unit filling its
template), and so is an answer to an upper office's template: what is not
written stays exactly as issued, protection and signature included.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import openpyxl

from ..core.text import Value
from .style import write_value
from .xlsx_patch import stamp_modified

__all__ = ["set_saved", "write_cells"]


def write_cells(
    source: Path,
    dest: Path,
    cells: Mapping[tuple[str, str], Value],
    *,
    saved: datetime | None = None,
) -> Path:
    """Copy *source* to *dest* with *cells* ((sheet, "M10") -> value) set.

    Args:
        source: the workbook to start from (left unchanged).
        dest: the file to write (folders are made).
        cells: the cells to set, by sheet name and Excel address.
        saved: the save time to record (local time); None keeps openpyxl's (now).
    """
    wb = openpyxl.load_workbook(source)
    for (sheet, cell), value in cells.items():
        write_value(wb[sheet][cell], value)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    if saved is not None:
        set_saved(dest, saved)
    return dest


def set_saved(path: Path, when: datetime) -> None:
    """Record local time *when* as the workbook's last save (``docProps/core.xml``)."""
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as fh:
        tmp = Path(fh.name)
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "docProps/core.xml":
                    data = stamp_modified(data, when)
                out.writestr(info, data)
        shutil.move(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
