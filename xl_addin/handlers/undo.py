"""汇总: 撤销上次汇总."""

from __future__ import annotations

import xlwings

from xl_addin.feedback import alert
from xl_addin.handlers.base import NOT_SAVED, run_plan, working

__all__ = ["undo_consolidate"]


def undo_consolidate(book: xlwings.Book) -> None:
    """撤销上次汇总: the add-in's last 一键汇总 taken back in the open book (see :mod:`xl_addin.history`).

    A consolidation run from the command line is undone there (``zhenggai
    undo``, from its backup file): when the newest is one of those, the
    message says so and nothing changes.
    """
    from xl_addin.history import UndoResult, latest_record, undo_plan
    from zhenggai.core import clock
    from zhenggai.core.errors import UsageError
    from zhenggai.core.ledger import Ledger

    now = clock.now().replace(microsecond=0)

    def plan(ledger: Ledger) -> UndoResult:
        # The CLI's backups are found through io (openpyxl): imported once the status shows.
        from zhenggai.returns.merge import CONSOLIDATE_OP
        from zhenggai.returns.undo import backups

        found = latest_record(ledger)
        assert ledger.path is not None
        cli = [
            b
            for b in backups(ledger.path, ledger.path.parent / ledger.settings.backup_folder)
            if b.op == CONSOLIDATE_OP
        ]
        if cli and (found is None or cli[-1].time > found[1].time):
            raise UsageError(
                f"最近一次汇总（{cli[-1].time:%Y-%m-%d %H:%M}）是用命令行做的，要用命令行撤销："
                f"关闭台账后运行 zhenggai undo “{ledger.path}”。台账没有改动。"
            )
        if found is None:
            raise UsageError("没有找到加载项做过的一键汇总，没有可撤销的内容。台账没有改动。")
        return undo_plan(ledger, found, now=now)

    with working(book, "撤销上次汇总") as status:
        result = run_plan(book, status, plan).result
    sheets = f"，并恢复了“{'”“'.join(result.sheets)}”表" if result.sheets else ""
    alert(
        book,
        f"已撤销 {result.time:%Y-%m-%d %H:%M:%S} 的一键汇总：{result.cells} 个单元格改回汇总前的内容"
        f"{sheets}，“变更记录”中登记了这次撤销{NOT_SAVED}。",
    )
