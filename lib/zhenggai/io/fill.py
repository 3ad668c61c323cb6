"""Typing values into a copy of a workbook, as a person's Excel would save it.

:func:`write_cells` loads a workbook with openpyxl, sets the given cells,
saves it as a new file (atomically: a temp file beside it, read back, then
replaced) and records the save time in its document properties. The demo's
returns are made this way (a unit filling its template), and so is an answer
to an upper office's template: what is not written stays exactly as issued,
protection and signature included.

:func:`read_checks` reads what a template's own drop-downs and length limits
allow, so a value can be checked by the rules of the office that issued it.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.utils import range_boundaries

from ..core.text import Value
from .master import save_new
from .style import write_value
from .xlsx_patch import stamp_modified

__all__ = ["SheetChecks", "read_checks", "set_saved", "write_cells"]


def write_cells(
    source: Path,
    dest: Path,
    cells: Mapping[tuple[str, str], Value],
    *,
    saved: datetime | None = None,
) -> Path:
    """Copy *source* to *dest* with *cells* ((sheet, "M10") -> value) set.

    *dest* is replaced only once the new file is complete and reads back, so an
    interrupted run never leaves half a workbook to be sent on.

    Raises:
        OutputError: *dest* is open in Excel/WPS, its folder is read-only, the disk full.

    Args:
        source: the workbook to start from (left unchanged unless it is *dest*).
        dest: the file to write (folders are made).
        cells: the cells to set, by sheet name and Excel address.
        saved: the save time to record (local time); None keeps openpyxl's (now).
    """
    wb = openpyxl.load_workbook(source)
    for (sheet, cell), value in cells.items():
        write_value(wb[sheet][cell], value)
    finish = None if saved is None else lambda tmp: set_saved(tmp, saved)
    save_new(wb, dest, finish=finish)
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


@dataclass(frozen=True)
class SheetChecks:
    """What a sheet's data validations allow, as its issuer set them.

    Attributes:
        choices: 1-based column -> the values of its drop-down list (literal lists only).
        max_text: the smallest text-length limit on the sheet (None when it has none).
    """

    choices: dict[int, tuple[str, ...]] = field(default_factory=dict)
    max_text: int | None = None


def read_checks(path: Path, sheet: str) -> SheetChecks:
    """The drop-down lists and text-length limit of *sheet* in the workbook at *path*.

    A list drawn from cells (``=$A$1:$A$4``) rather than written out is left
    out: its values are not in the validation.
    """
    wb = openpyxl.load_workbook(path)
    if sheet not in wb.sheetnames:
        return SheetChecks()
    choices: dict[int, tuple[str, ...]] = {}
    limits: list[int] = []
    for dv in wb[sheet].data_validations.dataValidation:
        formula = (dv.formula1 or "").strip()
        if dv.type == "list" and formula.startswith('"') and formula.endswith('"'):
            words = tuple(w.strip() for w in formula[1:-1].split(",") if w.strip())
            for ref in str(dv.sqref).split():
                first, _, last, _ = range_boundaries(ref)
                for col in range(first or 1, (last or first or 1) + 1):
                    choices[col] = words
        elif dv.type == "textLength":
            bound = dv.formula2 if dv.operator == "between" else dv.formula1
            if dv.operator in ("lessThanOrEqual", "between") and bound and bound.isdigit():
                limits.append(int(bound))
            elif dv.operator == "lessThan" and formula.isdigit():
                limits.append(int(formula) - 1)
    return SheetChecks(choices, min(limits) if limits else None)
