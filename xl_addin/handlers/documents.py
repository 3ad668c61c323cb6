"""生成通报 and 生成报告: a draft sheet in the book and a Word file beside it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import xlwings

from xl_addin.feedback import alert
from xl_addin.handlers.base import NOT_SAVED, free_path, problems_note, run_plan, working

if TYPE_CHECKING:
    from zhenggai.documents.document import Document

__all__ = ["bulletin", "draft_report"]


def _word(document: Document, folder: Path, name: str, today: date, *, sheet: str) -> Path:
    """The draft as a Word file under a new name; a failure says the sheet is written."""
    from zhenggai.core.errors import after
    from zhenggai.core.text import cn_date
    from zhenggai.documents.gongwen import write_docx

    with after(f"草稿已写入“{sheet}”表{NOT_SAVED}"):
        return write_docx(document, free_path(folder, f"{name}-{cn_date(today)}", ".docx"))


def bulletin(book: xlwings.Book) -> None:
    """生成通报: the 督查通报 draft into 通报草稿, and as a Word file beside the master.

    The Word file gets a new name each time (…（2）.docx), so a draft someone
    has edited is never overwritten.
    """
    from zhenggai.core import clock
    from zhenggai.core.sheets import BULLETIN
    from zhenggai.documents.bulletin import draft_bulletin

    today = clock.today()
    with working(book, "生成通报") as status:
        run = run_plan(book, status, lambda ledger: draft_bulletin(ledger, today=today))
        status("生成 Word 文件…")
        path = _word(run.result.document, run.folder, "督查通报", today, sheet=BULLETIN.name)
    alert(book, f"督查通报草稿已写入“{BULLETIN.name}”表，Word 文件：{path}")


def draft_report(book: xlwings.Book) -> None:
    """生成报告: the 整改情况报告 draft into 报告草稿, and as a Word file beside the master."""
    from zhenggai.core import clock
    from zhenggai.core.sheets import REPORT
    from zhenggai.documents.report import draft_report as draft

    today = clock.today()
    with working(book, "生成报告") as status:
        run = run_plan(book, status, lambda ledger: draft(ledger, today=today))
        status("生成 Word 文件…")
        path = _word(run.result.document, run.folder, "整改情况报告", today, sheet=REPORT.name)
    s = run.result.stats
    alert(
        book,
        f"报告草稿已写入“{REPORT.name}”表（措施 {s.measures} 条，完成率 {s.rate_text}），"
        f"Word 文件：{path}。" + problems_note(run.result.problems),
    )
