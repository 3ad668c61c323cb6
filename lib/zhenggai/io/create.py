"""``zhenggai init``: a new master ledger, made for people.

Every sheet of the design's table, with bold filled headers, frozen panes,
filters, widths that fit Chinese text, drop-downs and date formats from the
field spec, a documented 设置 sheet and a veryHidden ``_meta`` holding the
ledger's identity and HMAC key.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .._version import __version__
from ..core.errors import UsageError
from ..core.ledger import Seed
from ..core.settings import SETTINGS_SHEET, settings_rows
from ..core.sheets import DATE_FORMAT, HOLIDAYS, LEDGER, META, SHEETS, UNITS, field_width
from ..core.spec import SPEC_HEADER, SPEC_SHEET, Field, FieldType, Spec, default_spec
from ..core.spec_sheet import spec_rows
from ..core.text import Value
from .master import save_new
from .style import WRAP, style_header, write_value

__all__ = [
    "create_master",
    "ledger_validations",
]


def ledger_validations(
    spec: Iterable[Field],
    *,
    first_row: int,
    last_row: int,
    columns: Mapping[str, int],
    max_text: int | None = None,
) -> list[DataValidation]:
    """Drop-downs for choice/status fields, date checks for date fields and,
    with *max_text*, a length limit on text fields."""
    out: list[DataValidation] = []
    for f in spec:
        col = columns.get(f.key)
        if col is None:
            continue
        ref = f"{get_column_letter(col)}{first_row}:{get_column_letter(col)}{last_row}"
        if f.type in (FieldType.CHOICE, FieldType.STATUS) and f.choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(f.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉列表选择",
                error=f"“{f.name}”只能选：{'、'.join(f.choices)}",
                showDropDown=False,
            )
        elif f.type is FieldType.DATE:
            dv = DataValidation(
                type="date",
                operator="between",
                formula1="36526",
                formula2="73051",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="日期格式不对",
                error="请填写日期，如 2026-11-28",
                showInputMessage=True,
                promptTitle=f.name,
                prompt="填写日期，如 2026-11-28",
            )
        elif f.type is FieldType.TEXT and max_text:
            dv = DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(max_text),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="字数太多",
                error=f"“{f.name}”最多 {max_text} 字，请精简后填写",
            )
        else:
            continue
        dv.add(ref)
        out.append(dv)
    return out


def _write_rows(ws: Worksheet, rows: Sequence[Sequence[Value]]) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            write_value(ws.cell(r, c), value)


def _ledger_sheet(ws: Worksheet, spec: Spec, rows: Sequence[Mapping[str, Value]]) -> None:
    fields = list(spec)
    for c, f in enumerate(fields, start=1):
        ws.cell(1, c, f.name)
        ws.column_dimensions[get_column_letter(c)].width = field_width(f)
    style_header(ws, 1, len(fields))
    ws.row_dimensions[1].height = 30
    for r, row in enumerate(rows, start=2):
        for c, f in enumerate(fields, start=1):
            cell = ws.cell(r, c)
            write_value(cell, row.get(f.key))
            if f.type is FieldType.DATE:
                cell.number_format = DATE_FORMAT
            if f.type is FieldType.TEXT:
                cell.alignment = WRAP
    last = max(len(rows) + 1, 2)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(fields))}{last}"
    columns = {f.key: c for c, f in enumerate(fields, start=1)}
    for dv in ledger_validations(spec, first_row=2, last_row=5000, columns=columns):
        ws.add_data_validation(dv)


def _table_sheet(
    ws: Worksheet,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[Value]] = (),
) -> None:
    _write_rows(ws, [list(headers), *rows])
    style_header(ws, 1, len(headers))
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows) + 1, 2)}"


def create_master(
    path: str | Path, *, seed: Seed | None = None, force: bool = False, spec: Spec | None = None
) -> Path:
    """Create a master ledger workbook at *path*.

    Args:
        path: the new file (.xlsx).
        seed: rows, units and settings to start with (the demo ledger's:
            :func:`zhenggai.demo.ledger.demo_seed`); empty by default.
        force: overwrite an existing file.
        spec: the field spec (default: :func:`zhenggai.core.spec.default_spec`).

    Raises:
        UsageError: the file exists and *force* is False, or the suffix is not .xlsx.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"台账文件名应以 .xlsx 结尾：{path.name}")
    if path.exists() and not force:
        raise UsageError(f"文件已存在：{path}。如确定要覆盖，请加 --force。")
    spec = spec or default_spec()
    seed = seed or Seed()
    wb = Workbook()
    ledger = wb.active
    assert ledger is not None
    ledger.title = LEDGER
    _ledger_sheet(ledger, spec, seed.rows)

    units = wb.create_sheet(UNITS.name)
    _table_sheet(units, UNITS.headers, UNITS.widths, seed.units)

    fields = wb.create_sheet(SPEC_SHEET)
    _table_sheet(fields, spec_rows(spec)[0], (12, 12, 8, 9, 6, 30, 30, 40, 9), spec_rows(spec)[1:])
    note = fields.cell(
        1, len(SPEC_HEADER) + 2, "类型可选：" + "、".join(t.value for t in FieldType)
    )
    note.font = Font(italic=True, color="808080")

    settings = wb.create_sheet(SETTINGS_SHEET)
    rows = settings_rows()
    rows = [[name, seed.settings.get(str(name), value), note] for name, value, note in rows]
    _table_sheet(settings, rows[0], (16, 50, 60), rows[1:])
    for r in range(2, len(rows) + 1):
        settings.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
        settings.cell(r, 3).alignment = WRAP

    holidays = wb.create_sheet(HOLIDAYS.name)
    _table_sheet(holidays, HOLIDAYS.headers, HOLIDAYS.widths)
    holidays.add_data_validation(_choice("A2:A1000", ("休息日", "工作日"), col="B"))
    for r in range(2, 1001):
        holidays.cell(r, 1).number_format = DATE_FORMAT

    for d in SHEETS:
        if d.name in wb.sheetnames:
            continue
        ws = wb.create_sheet(d.name)
        if d.headers:
            _table_sheet(ws, d.headers, d.widths)
        else:
            ws.cell(1, 1, f"（{d.note}）").font = Font(italic=True, color="808080")
            ws.column_dimensions["A"].width = 100

    meta = wb.create_sheet(META)
    _write_rows(
        meta,
        [
            ["ledger_id", str(uuid.uuid4())],
            ["hmac_key", secrets.token_hex(32)],
            ["spec_version", spec.version],
            ["created", datetime.now().isoformat(timespec="seconds")],
            ["zhenggai", __version__],
        ],
    )
    meta.sheet_state = "veryHidden"
    save_new(wb, path)
    return path


def _choice(ref: str, choices: Sequence[str], *, col: str) -> DataValidation:
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
    dv.add(ref.replace("A", col))
    return dv
