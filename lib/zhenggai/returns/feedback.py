"""Per-unit problem lists (问题清单), ready to email back after a consolidation.

One workbook per unit whose returns have open problems, at
``<master folder>/<设置 反馈文件夹>/<批次>/<单位>-问题清单.xlsx`` (the batch of
its latest file in the run): every open (待处理) problem of the unit in
校验问题 — from this run's file and from earlier returns not corrected
since — with its file, cell, what to do and the raw value, then this run's
notices. A unit whose problems are all settled gets no list (a stale one of
the same batch is removed). Files without a known unit get none: staff see
them in 校验问题.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..core.errors import OutputError
from ..core.layout import SheetLayout
from ..core.problems import Problem
from ..core.sheets import PROBLEMS
from ..core.text import Value, cell_text
from ..io.books import write_sheets
from ..template.names import label
from .consolidate import ConsolidateResult, FileResult, Verdict

__all__ = ["feedback_path", "feedback_sheet", "write_feedback"]

_HEADER = ("序号", "位置", "问题及处理办法", "原值", "代码", "文件", "批次", "首次发现")
_WIDTHS = (6, 14, 70, 30, 18, 36, 12, 12)


def feedback_path(folder: Path, unit: str, batch: str) -> Path:
    """``<folder>/<批次>/<单位>-问题清单.xlsx``."""
    return folder / label(batch) / f"{label(unit)}-问题清单.xlsx"


def write_feedback(result: ConsolidateResult) -> list[Path]:
    """Write the problem list of every unit of the run with open problems; the paths written.

    One list that cannot be written (open in Excel, a read-only folder) does
    not stop the others.

    Raises:
        OutputError: some lists were not written; the message names them and
            counts the ones written. The problems are in 校验问题 either way.
    """
    written: list[Path] = []
    failed: list[OutputError] = []
    for unit, open_items in result.open_problems.items():
        files = [
            f
            for f in result.files
            if f.unit == unit and f.batch and f.verdict is not Verdict.DUPLICATE and not f.settled
        ]
        if not files:
            continue
        latest = max(files, key=lambda f: (f.verdict is not Verdict.SUPERSEDED, f.saved, f.file))
        notices = [p for f in files for p in f.problems if p.code.is_notice]
        path = feedback_path(result.feedback_folder, unit, latest.batch or "")
        if not open_items and not notices:
            # everything in it is settled now; a list held open in Excel stays as it is
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            continue
        try:
            write_sheets(path, [feedback_sheet(latest, open_items, notices)])
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


def feedback_sheet(
    f: FileResult,
    open_items: Sequence[Mapping[str, Value]] | None = None,
    notices: Sequence[Problem] = (),
) -> SheetLayout:
    """The problem list of a unit after its latest file *f*, as a sheet to write.

    Args:
        f: the unit's latest file of the run.
        open_items: the unit's open problems in 校验问题 (default: *f*'s own problems).
        notices: this run's notices to the unit (values used, said once).
    """
    intro = (
        f"最近一次报送：{f.file}（保存于 {f.saved:%Y-%m-%d %H:%M}）。汇总结果：{f.verdict.words}，"
        f"已采用 {len(f.changes)} 处修改。以下是贵单位尚未解决的问题（含以前报送中还没改正的），"
        "请在最新下发的模板中改正后重新报送（不要增删行列）："
    )
    rows: list[list[Value]] = [
        [f"{f.unit} {f.batch} 整改进展填报问题清单"],
        [intro],
        [],
        list(_HEADER),
    ]
    items: list[Mapping[str, Value]] = (
        list(open_items)
        if open_items is not None
        else [_as_record(p, f) for p in f.problems if not p.code.is_notice]
    )
    for i, rec in enumerate(items, start=1):
        sheet, cell = cell_text(rec.get("工作表")), cell_text(rec.get("单元格"))
        where = f"{sheet}!{cell}" if sheet and cell else "整个文件"
        rows.append(
            [
                i,
                where,
                rec.get("问题及处理办法"),
                rec.get("原值"),
                rec.get("代码"),
                rec.get("文件"),
                rec.get("批次"),
                rec.get("首次发现"),
            ]
        )
    if notices:
        rows += [[], ["提示（以下内容已采用，仅供今后填报参考）："]]
        for i, p in enumerate(notices, start=1):
            where = f"{p.sheet}!{p.cell}" if p.sheet and p.cell else "整个文件"
            rows.append([i, where, p.message, p.value, str(p.code), p.file, f.batch])
    return SheetLayout(
        "问题清单",
        rows,
        header_row=4,
        title_rows=frozenset({1}),
        merged=[(2, 1, 2, len(_HEADER))],
        widths=dict(enumerate(_WIDTHS, start=1)),
        heights={2: 48},
        freeze="A5",
        landscape=True,
    )


def _as_record(p: Problem, f: FileResult) -> dict[str, Value]:
    return {
        "工作表": p.sheet,
        "单元格": p.cell,
        "问题及处理办法": p.message,
        "原值": p.value,
        "代码": str(p.code),
        "文件": p.file,
        "批次": f.batch,
    }
