"""One handler per ribbon button: ``(book: xlwings.Book) -> None``, one module per concern.

=============  ===========================================================
module         buttons
=============  ===========================================================
``issue``      生成模板 (make_templates), 生成邮件 (mail_drafts), 催报 (remind)
``collect``    收取邮件 (collect_mail)
``returns``    一键汇总 (consolidate), 检查单个文件 (check_return)
``undo``       撤销上次汇总 (undo_consolidate)
``overdue``    逾期预警 (flag_overdue), 回头看 (review)
``documents``  生成通报 (bulletin), 生成报告 (draft_report)
``study``      导入学习积分 (import_study)
``selftest``   自检 (selftest)
=============  ===========================================================

The dispatcher (:mod:`xl_addin.buttons`) imports only the clicked button's
module, and each handler imports the library parts it uses inside its body, so
a click pays for what it does: no Word or Jinja for 逾期预警, no openpyxl for
检查单个文件. This package itself imports nothing of the library; a handler is
also reachable as ``xl_addin.handlers.<tag>``, its module imported on first use.

Each handler reads the open master (:class:`~xl_addin.source.XlwingsSource`),
calls the same library function as the CLI command, writes the result's
``changes`` into the book (:class:`~xl_addin.master.XlwingsMaster`), shows
progress in the status bar and ends with a one-line Chinese summary. Files the
library writes (templates, feedback workbooks, Word drafts, mail drafts) go next
to the master's file, as with the CLI. The book itself is never saved: the user
saves it.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__: list[str] = []


def __getattr__(tag: str) -> Any:
    """``xl_addin.handlers.flag_overdue``: a handler by its button's tag, its module imported now.

    Kept for callers that reach handlers as attributes of this package, as when
    it was one module; :func:`xl_addin.buttons.handler` is the way to find one.
    """
    from xl_addin.buttons_spec import BUTTONS

    for button in BUTTONS:
        if button.tag == tag:
            return getattr(importlib.import_module(f"{__name__}.{button.module}"), tag)
    raise AttributeError(f"module {__name__!r} has no attribute {tag!r}")
