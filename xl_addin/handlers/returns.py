"""汇总: 一键汇总 and 检查单个文件."""

from __future__ import annotations

import xlwings

from xl_addin.feedback import alert
from xl_addin.handlers.base import NOT_SAVED, run_plan, saved_path, working
from xl_addin.picked import picked_file

__all__ = ["check_return", "consolidate"]

#: How many problems a 检查单个文件 message lists before "…".
SHOWN = 5


def consolidate(book: xlwings.Book) -> None:
    """一键汇总: every return in the returns folder beside the master, merged into the book.

    Problem lists for the units go to the feedback folder, as with the CLI. What
    the book held before is recorded beside the master (:mod:`xl_addin.history`),
    so 撤销上次汇总 can put it back.
    """
    from xl_addin.history import save_record
    from zhenggai.core.errors import OutputError, after
    from zhenggai.core.sheets import CONFLICTS, PROBLEMS
    from zhenggai.evidence.refresh import consolidate_and_index

    with working(book, "一键汇总") as status:
        run = run_plan(
            book,
            status,
            lambda ledger: consolidate_and_index(ledger, progress=status.progress),
            keep_undo=True,
        )
        result = run.result
        message = (
            f"共 {len(result.files)} 个文件，修改 {result.n_changes} 处，冲突 {result.n_conflicts} 处"
            + (f"（见“{CONFLICTS.name}”表）" if result.n_conflicts else "")
            + "。"
        )
        done = (
            f"台账已更新{NOT_SAVED}：{message.rstrip('。')}" if run.applied.any else "台账没有改动"
        )
        unrecorded = ""
        if run.undo is not None and run.undo.cells:
            status("记录撤销信息…")
            try:
                save_record(run.undo, run.ledger)
            except OutputError as exc:  # the consolidation stands; only its undo is lost
                unrecorded = f"注意：撤销信息未能保存，这次汇总不能用“撤销上次汇总”撤销：{exc}"
        with after(done + ("；" + unrecorded.rstrip("。") if unrecorded else "")):
            status("写问题清单…")
            from zhenggai.returns.feedback import write_feedback  # openpyxl: only now

            written = write_feedback(result)
    problems = sum(len(f.problems) for f in result.files)
    if problems:
        message += f"校验问题 {problems} 个，见“{PROBLEMS.name}”表"
        message += f"，问题清单 {len(written)} 份在 {result.feedback_folder}。" if written else "。"
    if result.ledger_problems:
        message += (
            f"台账本身的问题（销号检查等）{len(result.ledger_problems)} 个，见“{PROBLEMS.name}”表。"
        )
    if result.not_returned:
        message += f"{result.batch}尚未报送：{'、'.join(result.not_returned)}。"
    alert(book, message + unrecorded)


def check_return(book: xlwings.Book) -> None:
    """检查单个文件: one returned file checked against the open master; nothing is changed.

    The file: chosen in Excel's file dialog (the VBA add-in), or, from a web
    client, the full path in the 设置 row 待处理文件 (see
    :mod:`xl_addin.picked`). The master is read from the open book (unsaved
    edits included), as ``zhenggai check FILE --master 台账`` reads the file.
    """
    from xl_addin.source import XlwingsSource
    from zhenggai.core.ledger import load_ledger
    from zhenggai.returns.consolidate import check_file

    path = picked_file(book, "要检查的报送文件")
    with working(book, "检查单个文件") as status:
        status("读取台账…")
        ledger = load_ledger(XlwingsSource(book), path=saved_path(book))
        status(f"检查 {path.name}…")
        result = check_file(path, ledger=ledger)
    who = f"{result.unit}，{result.batch}" if result.unit else "单位未知"
    message = f"{path.name}（{who}）：{result.verdict.words}。"
    blocking = [p for p in result.problems if not p.code.is_notice]
    if result.problems:
        lines = [
            f"{i}. {p.where + '：' if p.cell else ''}{p.message}"
            for i, p in enumerate(result.problems[:SHOWN], start=1)
        ]
        more = f"\n……共 {len(result.problems)} 个" if len(result.problems) > SHOWN else ""
        message += f"\n问题 {len(result.problems)} 个：\n" + "\n".join(lines) + more + "\n"
    message += (
        f"按台账预览：汇总时将修改 {len(result.changes)} 处，冲突 {len(result.conflicts)} 处。"
        if result.changes or result.conflicts
        else "与台账相比没有需要修改的内容。"
    )
    if not blocking:
        message += "没有发现问题。"
    alert(book, message + "（只做了检查，没有改动任何文件。）")
