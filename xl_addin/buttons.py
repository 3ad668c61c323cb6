"""The ribbon's entry point: ``run(tag)``, called by every button through RunPython.

The VBA callbacks of ``ZhenggaiRibbon`` run
``import xl_addin.buttons as b; b.run('<tag>')`` (with the chosen file as a
second argument for the buttons that pick one, see :mod:`xl_addin.picked`).
:func:`run` takes the calling book with ``xlwings.Book.caller()``, says in the
status bar that the button started, then imports the clicked button's handler
module only (``xl_addin.handlers.<module>``, see
:data:`xl_addin.buttons_spec.BUTTONS`): importing this module loads xlwings and
nothing of the library, and a click loads only what its handler needs.

Every failure ends in one Chinese message box: a
:class:`~zhenggai.core.errors.ZhenggaiError` (the ledger cannot be read, a file
cannot be written …) shows its own sentence, which says what has already
changed; anything else is a bug, shown as a short sentence while the traceback
goes to :data:`ERROR_LOG` for the maintainers, never to the user.

Servers and tests find handlers through :data:`HANDLERS` and :func:`handler`;
each handler takes the book, ``(book: xlwings.Book) -> None``.

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
import tempfile
import traceback
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from pathlib import Path

import xlwings

from xl_addin.buttons_spec import BUTTONS
from xl_addin.feedback import TITLE, alert

__all__ = ["ERROR_LOG", "HANDLERS", "handler", "main", "run"]

Handler = Callable[[xlwings.Book], None]

#: Button tags, each the name of its handler in ``xl_addin.handlers.<module>``
#: (the same tags, in the same order, as :data:`xl_addin.buttons_spec.BUTTONS`).
HANDLERS: tuple[str, ...] = tuple(b.tag for b in BUTTONS)

_MODULES = {b.tag: f"xl_addin.handlers.{b.module}" for b in BUTTONS}
_LABELS = {b.tag: b.label for b in BUTTONS}

#: Where the traceback of an unexpected error goes (the user sees one sentence).
ERROR_LOG = Path(tempfile.gettempdir()) / "zhenggai-addin-errors.log"


def handler(tag: str) -> Handler | None:
    """The handler of button *tag*, its module imported now (None for an unknown tag)."""
    if tag not in HANDLERS:
        return None
    function: Handler = getattr(importlib.import_module(_MODULES[tag]), tag)
    return function


def run(tag: str, file: str = "") -> None:
    """Run the handler of button *tag* on the workbook that called us.

    Args:
        tag: the button's tag.
        file: the file chosen in the VBA file dialog, as UTF-16 hex
            (:func:`xl_addin.picked.encode_path`), for the buttons that pick one.
    """
    book = xlwings.Book.caller()
    if tag not in HANDLERS:
        alert(
            book,
            f"没有“{tag}”这个按钮的处理程序：加载项与本机安装的 zhenggai 版本不一致。"
            "请在命令行运行 zhenggai addin install 重新安装加载项，然后重新打开 Excel。",
            error=True,
        )
        return
    _status(book, f"{TITLE}：{_LABELS[tag]}，正在启动…")
    try:
        _call(book, tag, file)
    except Exception as exc:  # a bug: one sentence for the user, the traceback in the log
        log = _log_error(tag)
        alert(
            book,
            f"“{_LABELS[tag]}”没有完成：程序内部错误（{type(exc).__name__}）。"
            "台账如已有改动，都还没有保存：可以检查后保存，或关闭台账不保存以放弃。"
            f"详细信息已记入 {log}，请发给维护人员。",
            error=True,
        )
    finally:
        _status(book, False)


def _call(book: xlwings.Book, tag: str, file: str) -> None:
    from xl_addin.picked import PICKED, decode_path
    from zhenggai.core.errors import ZhenggaiError

    token = PICKED.set(decode_path(file) if file else None)
    try:
        function = handler(tag)
        assert function is not None
        function(book)
    except ZhenggaiError as exc:
        alert(book, str(exc), error=True)
    finally:
        PICKED.reset(token)


def _status(book: xlwings.Book, value: str | bool) -> None:
    # xlwings Server/Lite have no status bar.
    with suppress(NotImplementedError):
        book.app.status_bar = value


def _log_error(tag: str) -> Path:
    """Append the current exception's traceback to :data:`ERROR_LOG` (or a fallback)."""
    text = f"--- {datetime.now():%Y-%m-%d %H:%M:%S} {tag}\n{traceback.format_exc()}\n"
    for path in (ERROR_LOG, Path.home() / ERROR_LOG.name):
        try:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(text)
        except OSError:
            continue
        return path
    return ERROR_LOG


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
