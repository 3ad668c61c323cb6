"""Files written beside the master, and one Chinese sentence when one cannot be.

Templates, problem lists, Word drafts and mail drafts are written after (or
between) changes to the master. On Windows a file open in Excel, WPS or Word
cannot be replaced, a folder may be read-only and a disk full; the OS says so
with an ``OSError`` in English. :func:`writing` turns that into an
:class:`~zhenggai.core.errors.OutputError` naming the file and the reason, and
refuses first when an office program holds the file (its owner file, see
:func:`zhenggai.io.lock.holder`), naming who.

Example:
    >>> with writing(Path("反馈/人事科-问题清单.xlsx")):     # doctest: +SKIP
    ...     wb.save(tmp); os.replace(tmp, path)
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import OutputError
from .files import describe
from .lock import holder

__all__ = ["not_written", "write_bytes", "writing"]


def not_written(path: Path, exc: OSError) -> OutputError:
    """The :class:`OutputError` for *exc*, raised while writing *path*."""
    if isinstance(exc, PermissionError):
        reason = "没有写入权限：文件可能正在 Excel、WPS 或 Word 中打开，或文件夹是只读的"
    elif exc.errno == errno.ENOSPC:
        reason = "磁盘空间不足"
    elif isinstance(exc, IsADirectoryError):
        reason = "同名的文件夹已存在"
    else:
        reason = describe(exc)
    return OutputError(f"“{path}”未能写出：{reason}。", path=path)


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Write *path* inside the block; refusals and OS errors become an :class:`OutputError`.

    Raises:
        OutputError: an office program holds *path* (checked first), or the
            block raised an ``OSError``.
    """
    who = holder(path) if path.exists() else None
    if who is not None:
        raise OutputError(
            f"“{path}”未能写出：文件正被 {who} 在 Excel/WPS/Word 中打开，请先关闭它。",
            path=path,
        )
    try:
        yield
    except OSError as exc:
        raise not_written(path, exc) from exc


def write_bytes(path: Path, data: bytes) -> Path:
    """Write *data* to *path* atomically (temp file, fsync, replace); return *path*.

    Raises:
        OutputError: see :func:`writing`.
    """
    tmp = path.with_name(f".~{path.stem}.{os.getpid()}.tmp{path.suffix}")
    with writing(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return path
