"""学习: 导入学习积分."""

from __future__ import annotations

import re

import xlwings

from xl_addin.feedback import alert
from xl_addin.handlers.base import problems_note, run_plan, working
from xl_addin.picked import picked_file

__all__ = ["import_study"]

# "学习积分导出-2026年10月.xlsx", "2026-10积分": the month a file name gives.
_NAME_MONTH = re.compile(r"(20\d{2})\s*(?:年|[-._])\s*(\d{1,2})\s*月?")


def import_study(book: xlwings.Book) -> None:
    """导入学习积分: one 学习强国 points export into 学习积分 and 学习统计 (``zhenggai study``).

    The file: chosen in Excel's file dialog (the VBA add-in), or, from a web
    client, the full path in the 设置 row 待处理文件 (see
    :mod:`xl_addin.picked`). The period is the month the export's title names,
    else the month in its file name, else this month; the message says which.
    """
    from zhenggai.study.export import read_export_file
    from zhenggai.study.history import Period, current_period, parse_period
    from zhenggai.study.run import plan_study

    path = picked_file(book, "学习积分导出表")
    with working(book, "导入学习积分") as status:
        status(f"读取 {path.name}…")
        export = read_export_file(path)
        named = _NAME_MONTH.search(path.stem)
        by_name = parse_period(f"{named.group(1)}年{named.group(2)}月") if named else None
        period: Period = export.title_period or by_name or current_period()
        how = (
            "按表格标题"
            if export.title_period
            else "按文件名"
            if by_name
            else "文件中没有写月份，记为本月"
        )
        result = run_plan(
            book, status, lambda ledger: plan_study(ledger, [export], period=period)
        ).result
    if not result.people:
        alert(
            book,
            f"{path.name}没有导入任何人员，台账未改动。" + problems_note(result.problems),
            error=True,
        )
        return
    message = (
        f"已导入{result.period}（{how}）学习积分：{len(result.people)} 人，"
        f"{len(result.units)} 个单位，人均 {result.average} 分；"
        f"未学习 {len(result.inactive)} 人，积分偏低 {len(result.low)} 人，见“学习统计”表。"
    )
    if result.replaced:
        message += f"已替换{result.period}原有的 {result.replaced} 条记录。"
    alert(book, message + problems_note(result.problems))
