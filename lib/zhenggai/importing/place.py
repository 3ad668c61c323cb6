"""Placing imported rows into the master: the :class:`ChangeSet` of an import.

The master's sheets are read by header text, so an office may have moved
columns: every row appended here is laid out by the header actually in the
sheet. New fields get a 字段 row and a 台账 column at the right of the header,
keeping the two consistent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ..core.changes import ChangeSet
from ..core.ledger import Ledger
from ..core.sheets import CHANGES, LEDGER, UNITS, SheetDef, field_width
from ..core.spec import SPEC_HEADER, SPEC_SHEET, Field, Spec
from ..core.spec_sheet import spec_rows
from ..core.text import Value, normalise_text
from .rows import ORIGIN_KEY, LedgerRow

__all__ = ["ledger_changes"]

_OP = "导入"


def _header(ledger: Ledger, sheet: str, *, row: int = 1) -> list[str]:
    grid = ledger.grid(sheet)
    if len(grid) < row:
        return []
    cells = [normalise_text(str(v)) if v is not None else "" for v in grid[row - 1]]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _laid_out(header: Sequence[str], values: Mapping[str, Value]) -> list[Value]:
    """*values* by header text, in the columns of *header* (missing headers get nothing)."""
    row = [values.get(h) for h in header]
    while row and row[-1] is None:
        row.pop()
    return row


def _fixed_header(ledger: Ledger, sheet: SheetDef) -> list[str]:
    # An output sheet the master lacks is created with the standard header on first append.
    return _header(ledger, sheet.name) or list(sheet.headers)


def _spec_header(ledger: Ledger) -> tuple[int, list[str]]:
    for r, row in enumerate(ledger.grid(SPEC_SHEET), start=1):
        words = [normalise_text(str(v)) if v is not None else "" for v in row]
        if "字段名" in words and "键名" in words:
            return r, words
    return 1, list(SPEC_HEADER)


def ledger_changes(
    ledger: Ledger,
    spec: Spec,
    new_fields: Sequence[Field],
    rows: Sequence[LedgerRow],
    new_units: Sequence[str],
    *,
    now: datetime,
) -> ChangeSet:
    """New 字段 rows and 台账 columns for *new_fields*, the 台账 rows, new 单位 rows and
    one 变更记录 row per row and field added.

    Args:
        ledger: the master as read.
        spec: the master's spec with *new_fields* added.
        new_fields: fields the import adds.
        rows: the 台账 rows to append.
        new_units: unit names to add to 单位.
        now: time for 变更记录.
    """
    changes = ChangeSet()
    if not rows:
        return changes
    stamp = now.isoformat(sep=" ", timespec="seconds")
    log: list[list[Value]] = []
    changes_header = _fixed_header(ledger, CHANGES)

    _, spec_header = _spec_header(ledger)
    body = spec_rows(Spec(tuple(new_fields)))[1:] if new_fields else []
    changes.append(
        SPEC_SHEET, [_laid_out(spec_header, dict(zip(SPEC_HEADER, r, strict=True))) for r in body]
    )

    header = ledger.table.header
    columns = dict(header.columns)
    last = max([len(_header(ledger, LEDGER, row=header.row)), *columns.values()])
    stray = {label: col for col, label in header.extra.items()}
    for f in spec:
        if f.key not in columns and f.name in stray:
            columns[f.key] = stray[f.name]  # a column the office added without a 字段 row
        elif f.key not in columns:
            last += 1
            columns[f.key] = last
            changes.add_column(LEDGER, last, f.name, row=header.row, width=field_width(f))
    for f in new_fields:
        log.append(
            _laid_out(
                changes_header,
                {"时间": stamp, "操作": _OP, "字段": f.name, "新值": "新增列"},
            )
        )

    width = max(columns.values())
    table: list[list[Value]] = []
    for row in rows:
        cells: list[Value] = [None] * width
        for key, value in row.values.items():
            if key in columns:
                cells[columns[key] - 1] = value
        table.append(cells)
        log.append(
            _laid_out(
                changes_header,
                {
                    "时间": stamp,
                    "操作": _OP,
                    "单位": row.values.get("unit"),
                    "文件": row.file,
                    "文件SHA256": row.sha256,
                    "编号": row.values.get("id"),
                    "字段": "（整行）",
                    "新值": row.values.get(ORIGIN_KEY),
                },
            )
        )
    changes.append(LEDGER, table)

    units_header = _fixed_header(ledger, UNITS)
    changes.append(UNITS.name, [_laid_out(units_header, {"单位名称": u}) for u in new_units])
    changes.append(CHANGES.name, log)
    return changes
