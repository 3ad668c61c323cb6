"""The ribbon's entry point: ``run(tag)``, called by every button through RunPython.

The VBA callback ``ZhenggaiRibbon.OnButton`` runs
``import xl_addin.buttons as b; b.run('<tag>')``; :func:`run` takes the calling
book with ``xlwings.Book.caller()`` and dispatches on the tag to a handler of
:mod:`xl_addin.handlers`, imported only then: importing this module loads
xlwings and nothing of the library, so the first status message of a click
is not kept waiting by pandas, docx, jinja2 or pydantic. A :class:`~zhenggai.core.errors.ZhenggaiError` (the ledger
cannot be read, a sheet is missing, …) becomes one Chinese message box; any
other exception is a bug and reaches xlwings, which shows the traceback.

Running a handler by hand (``__main__``)::

    python -m xl_addin.buttons flag_overdue 台账.xlsx

opens the workbook in Excel, makes it the mock caller
(``Book.set_mock_caller()``) and runs the button's handler on it, exactly as
the ribbon would. That needs Excel: Windows or macOS. On Linux xlwings has no
engine that opens a file for writing, so the hook says so and exits 2; there,
run the handlers through the tests (``tests/xl_addin/test_handlers.py``, on a
real xlwings Book built from the workbook) or use the CLI.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

import xlwings

from xl_addin.buttons_spec import BUTTONS
from xl_addin.feedback import alert

__all__ = ["HANDLERS", "handler", "main", "run"]

Handler = Callable[[xlwings.Book], None]

#: Button tags, each the name of its handler in :mod:`xl_addin.handlers`
#: (the same tags as :data:`xl_addin.buttons_spec.BUTTONS`).
HANDLERS: tuple[str, ...] = tuple(b.tag for b in BUTTONS)


def handler(tag: str) -> Handler | None:
    """The handler of button *tag*, imported now (None for an unknown tag)."""
    if tag not in HANDLERS:
        return None
    function: Handler = getattr(importlib.import_module("xl_addin.handlers"), tag)
    return function


def run(tag: str) -> None:
    """Run the handler of button *tag* on the workbook that called us."""
    book = xlwings.Book.caller()
    function = handler(tag)
    if function is None:
        alert(
            book,
            f"没有“{tag}”这个按钮的处理程序：加载项与本机安装的 zhenggai 版本不一致。"
            "请在命令行运行 zhenggai addin install 重新安装加载项，然后重新打开 Excel。",
            error=True,
        )
        return
    from zhenggai.core.errors import ZhenggaiError

    try:
        function(book)
    except ZhenggaiError as exc:
        alert(book, str(exc), error=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m xl_addin.buttons TAG WORKBOOK``: run a button's handler on a workbook."""
    parser = argparse.ArgumentParser(
        prog="python -m xl_addin.buttons",
        description="Run a ribbon button's handler on a workbook opened in Excel.",
    )
    parser.add_argument("tag", choices=sorted(HANDLERS), help="the button's tag")
    parser.add_argument("workbook", type=Path, help="the master workbook")
    args = parser.parse_args(argv)
    if sys.platform not in ("win32", "darwin"):
        print(
            "这需要 Excel（Windows 或 macOS）：xlwings 在本系统上无法打开工作簿。"
            "请用命令行 zhenggai，或运行 tests/xl_addin 中的处理程序测试。",
            file=sys.stderr,
        )
        return 2
    xlwings.Book(args.workbook).set_mock_caller()  # pragma: no cover - needs Excel
    run(args.tag)  # pragma: no cover
    return 0  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
