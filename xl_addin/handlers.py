"""One handler per ribbon button: ``(book: xlwings.Book) -> None``.

Each reads the open master (:class:`~xl_addin.source.XlwingsSource`), calls the
same library function as the CLI command, writes the result's ``changes`` into
the book (:class:`~xl_addin.master.XlwingsMaster`), shows progress in the status
bar and ends with a one-line Chinese summary. Nothing else lives here: what a
button does is the library's business.

Files the library writes (templates, feedback workbooks) go next to the master's
file, as with the CLI. The book itself is not saved: the user saves it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import xlwings

from xl_addin.feedback import StatusBar, alert
from xl_addin.master import Applied, XlwingsMaster
from xl_addin.source import XlwingsSource, book_path
from zhenggai import templates
from zhenggai.ledger import Ledger, load_ledger
from zhenggai.master import Planned
from zhenggai.problems import Problem

__all__ = ["make_templates"]

P = TypeVar("P", bound=Planned)


def run_plan(
    book: xlwings.Book, status: StatusBar, plan: Callable[[Ledger], P]
) -> tuple[P, Applied]:
    """Read the ledger from *book*, run *plan* on it, write its changes back."""
    status("读取台账…")
    source = XlwingsSource(book)
    ledger = load_ledger(source, path=book_path(book))
    status("处理中…")
    result = plan(ledger)
    status("写入台账…")
    return result, XlwingsMaster(book, source=source).apply(result.changes)


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
        result, _ = run_plan(
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
