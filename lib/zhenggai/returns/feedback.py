"""Per-unit problem lists (问题清单), ready to email back after a consolidation.

One workbook per unit and batch whose return had problems, at
``<master folder>/<设置 反馈文件夹>/<批次>/<单位>-问题清单.xlsx``: which file,
what became of it, and every problem with its cell, what to do and the raw
value. Files without a known unit (not a template of this ledger) get none:
staff see them in 校验问题.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import OutputError
from ..core.layout import SheetLayout
from ..core.sheets import PROBLEMS
from ..core.text import Value
from ..io.books import write_sheets
from ..template.names import safe_name
from .consolidate import ConsolidateResult, FileResult, Verdict

__all__ = ["feedback_path", "feedback_sheet", "write_feedback"]

_HEADER = ("序号", "位置", "问题及处理办法", "原值", "代码")
_WIDTHS = (6, 14, 70, 30, 18)


def feedback_path(folder: Path, unit: str, batch: str) -> Path:
    """``<folder>/<批次>/<单位>-问题清单.xlsx``."""
    return folder / safe_name(batch) / f"{safe_name(unit)}-问题清单.xlsx"


def write_feedback(result: ConsolidateResult) -> list[Path]:
    """Write a problem list for every unit whose return had problems; the paths written.

    One list that cannot be written (open in Excel, a read-only folder) does
    not stop the others.

    Raises:
        OutputError: some lists were not written; the message names them and
            counts the ones written. The problems are in 校验问题 either way.
    """
    written: list[Path] = []
    failed: list[OutputError] = []
    for f in result.files:
        if not f.problems or not f.unit or not f.batch:
            continue
        if f.verdict in (Verdict.DUPLICATE, Verdict.SUPERSEDED):
            continue
        path = feedback_path(result.feedback_folder, f.unit, f.batch)
        try:
            write_sheets(path, [feedback_sheet(f)])
        except OutputError as exc:
            failed.append(exc)
            continue
        written.append(path)
    if failed:
        also = f"（另 {len(written)} 份已写出）" if written else ""
        raise OutputError(
            f"问题清单 {len(failed)} 份未写出{also}"
            + ("，第一份：" if len(failed) > 1 else "：")
            + f"{failed[0]}各单位的问题都已列入台账的“{PROBLEMS.name}”表；关闭文件后，"
            "可用“检查单个文件”（命令行 zhenggai check）查看该单位报送文件的问题。",
            path=failed[0].path,
        )
    return written


def feedback_sheet(f: FileResult) -> SheetLayout:
    """The problem list of one returned file, as a sheet to write."""
    intro = (
        f"报送文件：{f.file}（保存于 {f.saved:%Y-%m-%d %H:%M}）。汇总结果：{f.verdict.words}，"
        f"已采用 {len(f.changes)} 处修改。以下问题请在原文件中改正后重新报送"
        "（不要改文件名、不要增删行列）："
    )
    rows: list[list[Value]] = [
        [f"{f.unit} {f.batch} 整改进展填报问题清单"],
        [intro],
        [],
        list(_HEADER),
    ]
    for i, p in enumerate(f.problems, start=1):
        where = f"{p.sheet}!{p.cell}" if p.sheet and p.cell else "整个文件"
        rows.append([i, where, p.message, p.value, str(p.code)])
    return SheetLayout(
        "问题清单",
        rows,
        header_row=4,
        title_rows=frozenset({1}),
        merged=[(2, 1, 2, len(_HEADER))],
        widths=dict(enumerate(_WIDTHS, start=1)),
        heights={2: 36},
        freeze="A5",
        landscape=True,
    )
