"""Per-unit problem lists (问题清单), ready to email back after a consolidation.

One workbook per unit and batch whose return had problems, at
``<master folder>/<设置 反馈文件夹>/<批次>/<单位>-问题清单.xlsx``: which file,
what became of it, and every problem with its cell, what to do and the raw
value. Files without a known unit (not a template of this ledger) get none:
staff see them in 校验问题.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..core.text import Value
from ..io.master import save_new
from ..io.style import WRAP, style_header, write_value
from ..template.names import safe_name
from .consolidate import ConsolidateResult, FileResult, Verdict

__all__ = ["feedback_path", "write_feedback"]

_HEADER = ("序号", "位置", "问题及处理办法", "原值", "代码")
_WIDTHS = (6, 14, 70, 30, 18)


def feedback_path(folder: Path, unit: str, batch: str) -> Path:
    """``<folder>/<批次>/<单位>-问题清单.xlsx``."""
    return folder / safe_name(batch) / f"{safe_name(unit)}-问题清单.xlsx"


def write_feedback(result: ConsolidateResult) -> list[Path]:
    """Write a problem list for every unit whose return had problems; the paths written."""
    written: list[Path] = []
    for f in result.files:
        if not f.problems or not f.unit or not f.batch:
            continue
        if f.verdict in (Verdict.DUPLICATE, Verdict.SUPERSEDED):
            continue
        path = feedback_path(result.feedback_folder, f.unit, f.batch)
        save_new(_workbook(f), path)
        written.append(path)
    return written


def _workbook(f: FileResult) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "问题清单"
    ws.cell(1, 1, f"{f.unit} {f.batch} 整改进展填报问题清单").font = Font(
        name="微软雅黑", bold=True, size=14
    )
    intro = (
        f"报送文件：{f.file}（保存于 {f.saved:%Y-%m-%d %H:%M}）。汇总结果：{f.verdict.words}，"
        f"已采用 {len(f.changes)} 处修改。以下问题请在原文件中改正后重新报送"
        "（不要改文件名、不要增删行列）："
    )
    ws.cell(2, 1, intro).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(_HEADER))
    ws.row_dimensions[2].height = 36
    for c, (h, w) in enumerate(zip(_HEADER, _WIDTHS, strict=True), start=1):
        ws.cell(4, c, h)
        ws.column_dimensions[get_column_letter(c)].width = w
    style_header(ws, 4, len(_HEADER))
    for i, p in enumerate(f.problems, start=1):
        where = f"{p.sheet}!{p.cell}" if p.sheet and p.cell else "整个文件"
        values: tuple[Value, ...] = (i, where, p.message, p.value, str(p.code))
        for c, value in enumerate(values, start=1):
            cell = ws.cell(4 + i, c)
            write_value(cell, value)
            cell.alignment = WRAP
    ws.freeze_panes = "A5"
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "4:4"
    return wb
