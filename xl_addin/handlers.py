"""One handler per ribbon button: ``(book: xlwings.Book) -> None``.

Each reads the open master (:class:`~xl_addin.source.XlwingsSource`), calls the
same library function as the CLI command, writes the result's ``changes`` into
the book (:class:`~xl_addin.master.XlwingsMaster`), shows progress in the status
bar and ends with a one-line Chinese summary. Nothing else lives here: what a
button does is the library's business.

Files the library writes (templates, feedback workbooks) go next to the master's
file, as with the CLI. 生成通报 and 生成报告 also write their draft as a Word
file beside the master (what ``--docx`` does on the command line), under a new
name each time, so a draft someone has edited is never overwritten. The book
itself is not saved: the user saves it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TypeVar

import xlwings

from xl_addin.feedback import StatusBar, alert
from xl_addin.master import Applied, XlwingsMaster
from xl_addin.source import book_path
from zhenggai.core.changes import Planned
from zhenggai.core.errors import WorkbookError
from zhenggai.core.ledger import Ledger, plan_and_write
from zhenggai.core.problems import Problem
from zhenggai.core.sheets import BULLETIN, CONFLICTS, PROBLEMS, REPORT, REVIEW, STATS
from zhenggai.core.text import cn_date
from zhenggai.documents import bulletin as bulletins
from zhenggai.documents import report
from zhenggai.documents.document import Document
from zhenggai.documents.gongwen import write_docx
from zhenggai.overdue import review as reviews
from zhenggai.overdue import run as overdue
from zhenggai.returns.consolidate import consolidate_folder
from zhenggai.returns.feedback import write_feedback
from zhenggai.template import make as templates

__all__ = ["bulletin", "consolidate", "draft_report", "flag_overdue", "make_templates", "review"]

P = TypeVar("P", bound=Planned)


def run_plan(
    book: xlwings.Book, status: StatusBar, plan: Callable[[Ledger], P]
) -> tuple[Path, P, Applied]:
    """Read the ledger from *book*, run *plan* on it, write its changes back.

    Returns:
        The master's folder, the plan's result and the cells written.
    """
    path = book_path(book)
    if path is None:
        # RunPython starts Python in the interpreter's folder: never write there.
        raise WorkbookError(
            "这个工作簿还没有保存成文件。请先保存（Ctrl+S），再点按钮："
            "模板、问题清单等文件要放在台账所在的文件夹。"
        )
    result, applied = plan_and_write(XlwingsMaster(book), plan, step=lambda s: status(s + "…"))
    return path.parent, result, applied or Applied()


def free_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem（2）.suffix`` … when that file exists."""
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}（{n}）{suffix}"
    return path


def _word(document: Document, folder: Path, name: str, today: date) -> Path:
    return write_docx(document, free_path(folder, f"{name}-{cn_date(today)}", ".docx"))


def problems_note(problems: Sequence[Problem]) -> str:
    """ "" or "另有 N 个问题，第一个：…" for the end of a summary."""
    if not problems:
        return ""
    first = problems[0]
    where = f"（{first.sheet}!{first.cell}）" if first.cell else ""
    return f"另有 {len(problems)} 个问题，第一个{where}：{first.message}"


def make_templates(book: xlwings.Book) -> None:
    """生成模板: one fill-in workbook per unit beside the master, the issue logged in 回收情况."""
    with StatusBar(book, "生成模板") as status:
        _, result, _ = run_plan(
            book, status, lambda ledger: templates.make_templates(ledger, progress=status.progress)
        )
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


def consolidate(book: xlwings.Book) -> None:
    """一键汇总: every return in the returns folder beside the master, merged into the book.

    Problem lists for the units go to the feedback folder, as with the CLI.
    """
    with StatusBar(book, "一键汇总") as status:
        _, result, _ = run_plan(
            book,
            status,
            lambda ledger: consolidate_folder(ledger, progress=status.progress),
        )
        status("写问题清单…")
        written = write_feedback(result)
    message = (
        f"共 {len(result.files)} 个文件，修改 {result.n_changes} 处，冲突 {result.n_conflicts} 处"
        + (f"（见“{CONFLICTS.name}”表）" if result.n_conflicts else "")
        + "。"
    )
    problems = sum(len(f.problems) for f in result.files)
    if problems:
        message += f"校验问题 {problems} 个，见“{PROBLEMS.name}”表"
        message += f"，问题清单 {len(written)} 份在 {result.feedback_folder}。" if written else "。"
    if result.ledger_problems:
        message += f"台账销号问题 {len(result.ledger_problems)} 个，见“{PROBLEMS.name}”表。"
    if result.not_returned:
        message += f"{result.batch}尚未报送：{'、'.join(result.not_returned)}。"
    alert(book, message)


def flag_overdue(book: xlwings.Book) -> None:
    """逾期预警: 预警 of every row with its colour, the 统计 sheet and charts, 销号 checks."""
    today = date.today()
    with StatusBar(book, "逾期预警") as status:
        _, result, _ = run_plan(
            book, status, lambda ledger: overdue.flag_overdue(ledger, today=today)
        )
    message = f"{result.summary()}“{STATS.name}”表已更新。"
    if result.no_warning_column:
        message += "台账没有“预警”列，未写入预警。"
    if result.problems:
        message += f"销号问题 {len(result.problems)} 个，见“{PROBLEMS.name}”表。"
    alert(book, message)


def bulletin(book: xlwings.Book) -> None:
    """生成通报: the 督查通报 draft into 通报草稿, and as a Word file beside the master."""
    today = date.today()
    with StatusBar(book, "生成通报") as status:
        folder, result, _ = run_plan(
            book, status, lambda ledger: bulletins.draft_bulletin(ledger, today=today)
        )
        status("生成 Word 文件…")
        path = _word(result.document, folder, "督查通报", today)
    alert(book, f"督查通报草稿已写入“{BULLETIN.name}”表，Word 文件：{path}")


def review(book: xlwings.Book) -> None:
    """回头看: items due for a follow-up review into 回头看; 反弹 items back to 正在整改."""
    today = date.today()
    with StatusBar(book, "回头看") as status:
        _, result, _ = run_plan(
            book, status, lambda ledger: reviews.follow_up_review(ledger, today=today)
        )
    message = f"待复查 {len(result.pending)} 条，已列入“{REVIEW.name}”表"
    if result.relapsed:
        message += f"；因反弹退回“正在整改” {len(result.relapsed)} 条：{'、'.join(result.relapsed)}"
    alert(book, message + "。" + problems_note(result.problems))


def draft_report(book: xlwings.Book) -> None:
    """生成报告: the 整改情况报告 draft into 报告草稿, and as a Word file beside the master."""
    today = date.today()
    with StatusBar(book, "生成报告") as status:
        folder, result, _ = run_plan(
            book, status, lambda ledger: report.draft_report(ledger, today=today)
        )
        status("生成 Word 文件…")
        path = _word(result.document, folder, "整改情况报告", today)
    s = result.stats
    alert(
        book,
        f"报告草稿已写入“{REPORT.name}”表（措施 {s.measures} 条，完成率 {s.rate_text}），"
        f"Word 文件：{path}。" + problems_note(result.problems),
    )
