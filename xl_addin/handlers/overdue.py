"""预警与通报: 逾期预警 and 回头看."""

from __future__ import annotations

import xlwings

from xl_addin.feedback import alert
from xl_addin.handlers.base import problems_note, run_plan, working

__all__ = ["flag_overdue", "review"]


def flag_overdue(book: xlwings.Book) -> None:
    """逾期预警: 预警 of every row with its colour, the 统计 sheet and charts, 销号 checks.

    The colours are conditional-formatting rules on the 预警 column, written
    once (see :func:`xl_addin.cells.column_fills`), not a fill per cell.
    """
    from zhenggai.core import clock
    from zhenggai.core.sheets import PROBLEMS, STATS
    from zhenggai.overdue.run import flag_overdue as flag

    today = clock.today()
    with working(book, "逾期预警") as status:
        result = run_plan(book, status, lambda ledger: flag(ledger, today=today)).result
    message = f"{result.summary()}“{STATS.name}”表已更新。"
    if result.no_warning_column:
        message += "台账没有“预警”列，未写入预警。"
    if result.problems:
        message += f"销号问题 {len(result.problems)} 个，见“{PROBLEMS.name}”表。"
    alert(book, message)


def review(book: xlwings.Book) -> None:
    """回头看: items due for a follow-up review into 回头看; 反弹 items back to 正在整改."""
    from zhenggai.core import clock
    from zhenggai.core.sheets import REVIEW
    from zhenggai.overdue.review import follow_up_review

    today = clock.today()
    with working(book, "回头看") as status:
        result = run_plan(book, status, lambda ledger: follow_up_review(ledger, today=today)).result
    message = f"待复查 {len(result.pending)} 条，已列入“{REVIEW.name}”表"
    if result.relapsed:
        message += f"；因反弹退回“正在整改” {len(result.relapsed)} 条：{'、'.join(result.relapsed)}"
    alert(book, message + "。" + problems_note(result.problems))
