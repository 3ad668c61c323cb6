"""The file a button works on (检查单个文件, 导入学习积分), however the click came.

A handler keeps the one signature ``(book) -> None``; the file reaches it in
one of two ways, and :func:`picked_file` looks in this order:

1. **The VBA add-in** shows Excel's own file dialog (``OnPickFile`` in
   ``vba/ZhenggaiRibbon.bas``) and passes the path with the tag:
   ``run(tag, file)``, *file* being the path's UTF-16 code units in hex, so
   that neither cmd.exe, the AppleScript bridge nor a code page can mangle a
   Chinese or quoted name. The dispatcher puts it in :data:`PICKED` for the
   handler's duration.
2. **A web client** (the Office.js or WPS add-in of ``zhenggai serve``) has no
   dialog that gives a local path, and its adapters send every sheet's values
   but no defined names. So the path comes with the book: a row of the 设置
   sheet whose 项目 is :data:`FILE_SETTING` ("待处理文件") and whose 值 is the
   file's full path on the machine the server runs on, typed by the user or
   written by the web client before it posts the book. The library ignores 设置
   rows it does not know, so the row harms nothing.

Importing this module loads nothing of the library (the dispatcher imports it).
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path

import xlwings

__all__ = ["FILE_SETTING", "PICKED", "decode_path", "encode_path", "picked_file"]

#: The 设置 row (项目) whose 值 is the file's path, for web clients.
FILE_SETTING = "待处理文件"

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
        path = _setting(book)
    if path is None:
        raise UsageError(
            f"没有选择{what}：请点按钮后在弹出的对话框中选择文件"
            f"（不用宏的加载项：在“设置”表加一行“{FILE_SETTING}”，右边写文件的完整路径）。"
        )
    if not path.is_file():
        raise UsageError(f"找不到{what}：{path}")
    return path


def _setting(book: xlwings.Book) -> Path | None:
    from xl_addin.source import XlwingsSource
    from zhenggai.core.settings import SETTINGS_SHEET
    from zhenggai.core.text import normalise_text

    source = XlwingsSource(book)
    if SETTINGS_SHEET not in source.sheet_names:
        return None
    for row in source.grid(SETTINGS_SHEET):
        if len(row) > 1 and isinstance(row[0], str) and normalise_text(row[0]) == FILE_SETTING:
            value = row[1]
            if isinstance(value, str) and value.strip():
                return Path(value.strip())
    return None
