"""帮助: 自检, the last links of the chain a click goes through (see :mod:`xl_addin.diagnose`).

The VBA ``OnSelfTest`` checks what it can before Python runs (the macros run at
all, a child process may start, the interpreter exists, it imports zhenggai),
opens a new scratch workbook and clicks this handler through RunPython, then
reads back the cell the handler wrote: that proves ``Book.caller()`` found the
workbook and the write reached Excel. From a web client the handler writes into
a sheet 自检 of the book it was sent, which may be deleted afterwards.
"""

from __future__ import annotations

import sys
from datetime import datetime

import xlwings

from xl_addin.cells import excel_value
from xl_addin.feedback import alert
from xl_addin.handlers.base import working

__all__ = ["selftest"]

SHEET = "自检"
#: What A1 of the 自检 sheet starts with; the VBA reads it back (ASCII: VBA compares it as is).
MARK_OK = "zhenggai selftest OK"
MARK_FAIL = "zhenggai selftest FAIL"


def selftest(book: xlwings.Book) -> None:
    """自检: the packages load and no installed file is missing; one cell written; a message."""
    import zhenggai
    from xl_addin.diagnose import check_imports, check_installed_files

    with working(book, "自检") as status:
        status("检查程序包…")
        checks = [check_imports(), check_installed_files()]
        ok = all(c.ok for c in checks)
        names = [s.name for s in book.sheets]
        sheet = (
            book.sheets[SHEET] if SHEET in names else book.sheets.add(SHEET, after=book.sheets[-1])
        )
        lines = [
            [f"{MARK_OK if ok else MARK_FAIL} {datetime.now():%Y-%m-%d %H:%M:%S}"],
            [
                f"Python {sys.version.split()[0]}（{sys.executable}），zhenggai {zhenggai.__version__}，xlwings {xlwings.__version__}"
            ],
            *[[c.line()] for c in checks],
        ]
        # As text, whatever it looks like (see excel_value): the VBA reads A1 back.
        sheet.range((1, 1), (len(lines), 1)).value = [[excel_value(v[0])] for v in lines]
    summary = "\n".join(c.line() for c in checks)
    if ok:
        alert(
            book,
            "自检通过：宏已运行，Python 已启动并找到了这个工作簿，"
            f"已在“{SHEET}”表写入结果。\n{summary}",
        )
    else:
        alert(book, f"自检发现问题：\n{summary}", error=True)
