"""Which file on this PC is the master a web add-in posted.

The handlers need the master's folder: templates, returns, feedback and Word
files live beside it. A web add-in knows less than VBA does:

- Excel on Windows and Mac (Office.js ``Office.context.document.url``) and WPS
  (``ActiveWorkbook.FullName``) know the file's full local path and send it as
  ``book.fullname``. It is used when it names an existing file with the same
  name as the book.
- Excel on the web (and desktop Excel for a file opened from OneDrive or
  SharePoint) only has a web address. Then the server looks for a file of the
  book's name under the folders given with ``zhenggai serve --root`` (or in
  ``serve.json``), e.g. the folder OneDrive syncs to this PC; exactly one
  match is used, none or several is a message to the user.

Whatever the client sends, only an existing file is ever used, and the server
never writes anywhere but beside it, as the CLI does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from zhenggai import ZhenggaiError

__all__ = ["MAX_DEPTH", "MasterNotFound", "locate_master", "master_key"]

#: How many folder levels below a root are searched.
MAX_DEPTH = 4
# Folders the library itself writes beside a master: never where a master lives.
_SKIP = {"下发", "回收", "反馈", "备份"}
_MAX_LISTED = 3


class MasterNotFound(ZhenggaiError):
    """The server cannot tell which file on this PC the posted workbook is."""


def locate_master(name: str, fullname: str | None, roots: Sequence[Path]) -> Path:
    """The master's file for a book called *name* (see the module docstring).

    Raises:
        MasterNotFound: with a Chinese message saying what to do.
    """
    if not name or Path(name).name != name or "://" in name:
        raise MasterNotFound(f"工作簿名称“{name}”不是一个文件名，无法找到台账文件。")
    if not Path(name).suffix:
        raise MasterNotFound(
            "这个工作簿还没有保存成文件。请先保存（Ctrl+S），再点按钮："
            "模板、问题清单等文件要放在台账所在的文件夹。"
        )
    if fullname and "://" not in fullname:
        path = Path(fullname)
        if path.is_absolute() and path.name == name and path.is_file():
            return path.resolve()
    found = _search(name, roots)
    if len(found) == 1:
        return found[0]
    if found:
        listed = "；".join(str(p) for p in found[:_MAX_LISTED])
        raise MasterNotFound(
            f"找到 {len(found)} 个名为“{name}”的文件（{listed}），不知道是哪一个。"
            "请给台账改一个不重复的名字，或用 zhenggai serve --root 只指定台账所在的文件夹。"
        )
    where = "、".join(str(r) for r in roots)
    if roots:
        raise MasterNotFound(
            f"在 {where} 中没有找到“{name}”。请把台账放在这些文件夹中（OneDrive 的台账要同步到本机），"
            "或用 zhenggai serve --root 文件夹 指定台账所在的文件夹。"
        )
    raise MasterNotFound(
        f"不知道“{name}”保存在本机哪个文件夹（网页版 Excel 或网络位置上的文件只告诉程序一个网址）。"
        "请用 zhenggai serve --root 文件夹 启动服务，指定台账所在（或 OneDrive 同步到本机）的文件夹。"
    )


def master_key(path: Path) -> str:
    """One key per master file: case-insensitive where the file system is (Windows)."""
    return os.path.normcase(str(path))


def _search(name: str, roots: Sequence[Path]) -> list[Path]:
    found: dict[str, Path] = {}
    for root in roots:
        for path in _walk(Path(root), name, 0):
            found.setdefault(master_key(path), path)
    return sorted(found.values())


def _walk(folder: Path, name: str, depth: int) -> Iterator[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name == name and entry.is_file():
            yield Path(entry.path).resolve()
        elif (
            depth < MAX_DEPTH
            and entry.is_dir(follow_symlinks=False)
            and not entry.name.startswith((".", "~$"))
            and entry.name not in _SKIP
        ):
            yield from _walk(Path(entry.path), name, depth + 1)
