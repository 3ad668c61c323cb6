"""The file a button works on (检查单个文件, 导入学习积分), however the click came.

A handler keeps the one signature ``(book) -> None``; the file reaches it in
one of two ways, and :func:`picked_file` looks in this order:

1. **The VBA add-in** shows Excel's own file dialog (``OnPickFile`` in
   ``vba/ZhenggaiRibbon.bas``) and passes the path with the tag:
   ``run(tag, file)``, *file* being the path's UTF-16 code units in hex, so
   that neither cmd.exe, the AppleScript bridge nor a code page can mangle a
   Chinese or quoted name. The dispatcher puts it in :data:`PICKED` for the
   handler's duration.
2. **A web client** (the Office.js or WPS add-in of ``zhenggai serve``) cannot
   hand over a path of its own; it writes the full path of the file, as seen
   by the machine the server runs on, into a cell and gives that cell the
   workbook-level name :data:`FILE_NAME` (``zhenggai_file``) before it posts
   the book. The handler reads that cell.

Importing this module loads nothing of the library (the dispatcher imports it).
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path

import xlwings

__all__ = ["FILE_NAME", "PICKED", "decode_path", "encode_path", "picked_file"]

#: The workbook-scoped defined name a web client gives the cell holding the path.
FILE_NAME = "zhenggai_file"

#: The path the VBA file dialog gave for the click being handled.
PICKED: ContextVar[Path | None] = ContextVar("zhenggai_picked_file", default=None)


def encode_path(path: str) -> str:
    """*path* as the VBA client sends it: UTF-16 code units as upper-case hex.

    >>> encode_path("回收/a.xlsx")
    '56DE6536002F0061002E0078006C00730078'
    """
    return path.encode("utf-16-be").hex().upper()


def decode_path(hex_units: str) -> Path:
    """The path :func:`encode_path` (or the VBA ``HexPath``) encoded.

    Raises:
        ValueError: not an even run of hex digits, or not UTF-16.

    >>> decode_path("56DE6536002F0061002E0078006C00730078")
    PosixPath('回收/a.xlsx')
    """
    if len(hex_units) % 4:
        raise ValueError(f"not a UTF-16 hex path: {hex_units!r}")
    return Path(bytes.fromhex(hex_units).decode("utf-16-be"))


def picked_file(book: xlwings.Book, what: str) -> Path:
    """The file the user chose for this click (see the module docstring).

    Args:
        book: the calling book.
        what: what the file is, in Chinese, for the message when there is none
            ("要检查的报送文件").

    Raises:
        zhenggai.core.errors.UsageError: no file was chosen, or it does not exist.
    """
    from zhenggai.core.errors import UsageError

    path = PICKED.get()
    if path is None:
        path = _named_cell(book)
    if path is None:
        raise UsageError(
            f"没有选择{what}：请点按钮后在弹出的对话框中选择文件"
            f"（网页版加载项：把文件的完整路径写进名为 {FILE_NAME} 的单元格）。"
        )
    if not path.is_file():
        raise UsageError(f"找不到{what}：{path}")
    return path


def _named_cell(book: xlwings.Book) -> Path | None:
    for name in book.names:
        if name.name.rsplit("!", 1)[-1].casefold() != FILE_NAME:
            continue
        try:
            value = name.refers_to_range.value
        except (AttributeError, ValueError, KeyError):
            return None
        if isinstance(value, str) and value.strip():
            return Path(value.strip())
    return None
