"""Files on disk as the office's folders hold them: read safely, and their errors in Chinese.

:func:`read_file` reads a file that came from outside: only a regular file
(a FIFO would block forever, a device would never end), opened without
waiting, at most :data:`MAX_FILE` bytes. :func:`describe` turns any
:class:`OSError` into the few words an office worker can act on ("磁盘空间不足",
"没有写入权限" …), for the messages that say what did and did not change.

Example:
    >>> import errno
    >>> describe(OSError(errno.ENOSPC, "No space left on device"))
    '磁盘空间不足'
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from ..core.errors import SaveError, WorkbookError
from ..core.problems import Code

__all__ = ["MAX_FILE", "check_writable", "describe", "read_file", "unreadable"]

# A return is ~100 KB and a 100,000-row ledger ~30 MB: nothing legitimate comes near.
MAX_FILE = 512 * 1024 * 1024

_WORDS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "所在磁盘或文件夹是只读的",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOENT: "文件或文件夹不存在（可能刚被移走或删除）",
    errno.EIO: "读写出错（磁盘或网络故障）",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EFBIG: "文件超过了允许的大小",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.EEXIST: "同名的文件或文件夹已经存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ELOOP: "符号链接循环",
    errno.EMFILE: "打开的文件太多",
    errno.ESTALE: "网络文件已失效",
}


def describe(exc: OSError) -> str:
    """What went wrong, in a few Chinese words (the system's own text when it is unusual)."""
    words = _WORDS.get(exc.errno or 0)
    if words is not None:
        return words
    return f"系统错误：{exc.strerror or type(exc).__name__}"


def unreadable(path: Path, exc: OSError) -> WorkbookError:
    """The error for a file that cannot be read at all (code ``file-unreadable``)."""
    return WorkbookError(
        f"无法读取文件“{path.name}”：{describe(exc)}。请检查文件后重新运行。",
        code=Code.FILE_UNREADABLE,
    )


def read_file(path: Path, *, limit: int = MAX_FILE) -> bytes:
    """The bytes of the regular file *path*, at most *limit* of them.

    Opened with ``O_NONBLOCK`` and checked with ``fstat`` on the open file, so
    a FIFO, socket or device (or a file swapped for one after a scan) is
    refused instead of blocking or never ending.

    Raises:
        WorkbookError: ``file-unreadable`` (not a regular file, or an OSError
            such as EACCES, EIO, ENOENT), ``file-too-large``.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise WorkbookError(
                f"“{path.name}”不是普通文件（是管道、设备或其他特殊文件），未读取。",
                code=Code.FILE_UNREADABLE,
            )
        if info.st_size > limit:
            raise _too_large(path, info.st_size)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:  # the file grew while read
                raise _too_large(path, size)
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    finally:
        os.close(fd)


def _too_large(path: Path, size: int) -> WorkbookError:
    return WorkbookError(
        f"文件“{path.name}”有 {size / 1024 / 1024:.0f} MB，远大于正常的 Excel 文件，已拒绝读取。",
        code=Code.FILE_TOO_LARGE,
    )


def check_writable(path: Path, *, what: str = "台账") -> None:
    """Refuse a file its owner has made read-only, or that belongs to another user.

    The master is replaced, not written in place: a writable folder would let
    a read-only master be swapped silently, and a replaced file becomes the
    replacer's (its owner could no longer write it). So the file itself
    decides, whoever runs the tool (root included).

    Raises:
        SaveError: saying why, naming the owner when it is another user.
    """
    info = os.stat(path)
    if sys.platform == "win32":  # pragma: no cover - the read-only attribute
        problem = "" if info.st_mode & stat.S_IWRITE else "是只读的"
    elif info.st_uid != os.getuid():
        problem = f"属于用户 {_user(info.st_uid)}（替换后会变成当前用户的文件）"
    else:
        problem = "" if info.st_mode & stat.S_IWUSR else "是只读的"
    if problem:
        raise SaveError(
            f"{what}文件“{path.name}”{problem}，本工具不会修改它，{what}未改动。"
            f"如需修改，请由文件的所有者运行，或先取消文件的只读属性后重新运行。"
        )


def _user(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)
