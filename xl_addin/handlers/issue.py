"""下发: 生成模板, 生成邮件, 催报."""

from __future__ import annotations

from typing import TYPE_CHECKING

import xlwings

from xl_addin.feedback import alert
from xl_addin.handlers.base import problems_note, run_plan, working

if TYPE_CHECKING:
    from zhenggai.core.ledger import Ledger

__all__ = ["mail_drafts", "make_templates", "remind"]


def make_templates(book: xlwings.Book) -> None:
    """生成模板: one fill-in workbook per unit beside the master, the issue logged in 回收情况."""
    from zhenggai.template.make import TemplatesResult

    def plan(ledger: Ledger) -> TemplatesResult:
        # Imported once the status bar says 读取台账: writing workbooks needs openpyxl.
        from zhenggai.template.make import make_templates as make

        return make(ledger, progress=status.progress)

    with working(book, "生成模板") as status:
        result = run_plan(book, status, plan).result
    if result.issued:
        message = (
            f"已为 {len(result.issued)} 个单位生成{result.batch}填报模板，"
            f"保存在 {result.folder}，并已在“回收情况”登记下发。"
        )
    else:
        message = "没有生成任何模板。"
    if result.no_rows:
        message += f"没有待填报事项的单位：{'、'.join(result.no_rows)}。"
    alert(book, message + problems_note(result.problems))


def mail_drafts(book: xlwings.Book) -> None:
    """生成邮件: one .eml draft per unit with its template attached (``zhenggai mail``).

    Drafts only: sending needs the SMTP password, which the add-in never asks
    for nor stores; ``zhenggai mail --send`` sends from the command line.
    """
    _mail(book, reminder=False)


def remind(book: xlwings.Book) -> None:
    """催报: .eml reminders to units that have not returned or have overdue items.

    With study points imported, the study reminders too (``zhenggai mail --reminder``).
    """
    _mail(book, reminder=True)


def _mail(book: xlwings.Book, *, reminder: bool) -> None:
    from zhenggai.mail.result import MailResult
    from zhenggai.mail.run import run_mail

    title = "催报" if reminder else "生成邮件"
    with working(book, title) as status:
        # Drafts change nothing in the master: the plan's ChangeSet stays empty.
        result: MailResult = run_plan(
            book, status, lambda ledger: run_mail(ledger, reminder=reminder)
        ).result
    what = "催报邮件" if reminder else "填报模板邮件"
    if result.eml_files:
        message = (
            f"已生成{result.batch}{what} {len(result.eml_files)} 封，在 {result.eml_files[0].parent}。"
            "用 Outlook 双击打开即为待发送的新邮件，检查后点“发送”。"
        )
    elif reminder:
        message = f"{result.batch}各单位都已报送，也没有逾期事项，无需催报。"
    else:
        message = "没有需要发送的单位。"
    if result.skipped:
        unit, reason = result.skipped[0]
        message += f"未生成 {len(result.skipped)} 个单位的邮件，第一个：{unit}（{reason}）。"
    alert(book, message + problems_note(result.problems))
