"""Who holds the master: Excel/WPS/LibreOffice owner files and our own lock file.

A command that changes the master first refuses while an office program has
it open (:func:`check_not_open`, naming the holder), then takes
:class:`MasterLock` so two zhenggai runs never interleave.

An owner file alone does not prove the file is open: a crash leaves it
behind. What counts as evidence:

* Excel/WPS (``~$name``): the owner file *and* a lock on the master we cannot
  take (on Windows Excel opens the file deny-write);
* LibreOffice (``.~lock.name#``, ``,user,host,date,profile;``) holds no lock
  on the document at all, so the owner file is taken as live when it names
  another computer (its processes cannot be seen from here: a shared folder),
  or this computer while a LibreOffice process runs here, or when the master
  cannot be locked. Only a lock file of this computer with no LibreOffice
  running is a crash's leftover.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import struct
import sys
from datetime import datetime
from pathlib import Path
from typing import IO

from ..core.errors import MasterBusyError

__all__ = ["MasterLock", "check_not_open", "holder", "libreoffice_running", "owner_files"]


def owner_files(path: Path) -> list[Path]:
    """Excel/WPS (``~$name``) and LibreOffice (``.~lock.name#``) owner files of *path*."""
    return [path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")]


def _read_owner(owner: Path) -> str:
    try:
        data = owner.read_bytes()
    except OSError:
        return "未知用户"
    if owner.name.startswith(".~lock."):
        # LibreOffice: "<full name>,<user>,<host>,<date>,<dir>;"
        parts = data.decode("utf-8", "replace").split(",")
        return (parts[0] or parts[1]).strip() if len(parts) > 1 else "未知用户"
    # Excel: one byte of length, then the user name in the ANSI code page;
    # newer versions repeat it in UTF-16 from byte 54.
    if len(data) > 56:
        n = data[0]
        wide = data[54 : 54 + 2 * n].decode("utf-16-le", "replace").strip("\x00 ")
        if wide and "\ufffd" not in wide:
            return wide
    if data:
        return data[1 : 1 + data[0]].decode("gbk", "replace").strip("\x00 ") or "未知用户"
    return "未知用户"


def _in_use(path: Path) -> bool:
    """True when another program holds *path* so that we cannot lock it."""
    try:
        fd = os.open(path, os.O_RDWR)
    except PermissionError:
        return True  # Windows: Excel opened it with share-deny-write
    except OSError:
        return False
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            except OSError:
                return True
            return False
        import fcntl

        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True  # LibreOffice holds a POSIX lock on files it has open
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _libreoffice_owner(owner: Path) -> tuple[str, str] | None:
    """(who, host) from a LibreOffice lock file, or None when it cannot be read."""
    try:
        text = owner.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError:
        return None
    parts = text.split(",")
    if len(parts) < 3:
        return None
    who = (parts[0] or parts[1]).strip() or "未知用户"
    return who, parts[2].strip()


_LIBREOFFICE = frozenset({"soffice.bin", "soffice", "oosplash", "soffice.exe", "libreoffice"})


def libreoffice_running() -> bool:
    """Whether a LibreOffice process runs on this computer (True when that cannot be told)."""
    proc = Path("/proc")
    if sys.platform.startswith("linux") and proc.is_dir():
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                name = (entry / "comm").read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                continue  # the process ended
            if name.lower() in _LIBREOFFICE:
                return True
        return False
    return True  # elsewhere: cannot tell, so never take the file for abandoned


def _libreoffice_holder(path: Path, owner: Path) -> str | None:
    found = _libreoffice_owner(owner)
    if found is None:
        return "未知用户（LibreOffice）" if _in_use(path) else None
    who, host = found
    here = socket.gethostname()
    if host and host.lower() != here.lower():
        return f"{who}（电脑 {host} 上的 LibreOffice）"
    if libreoffice_running() or _in_use(path):
        return f"{who}（本机的 LibreOffice）"
    return None  # this computer, and no LibreOffice runs here: left behind by a crash


def holder(path: Path) -> str | None:
    """The user holding *path* open in Excel/WPS/LibreOffice, or None.

    An owner file left behind by a crash is ignored (see the module's rules).
    """
    for owner in owner_files(path):
        if not owner.exists():
            continue
        if owner.name.startswith(".~lock."):
            who = _libreoffice_holder(path, owner)
            if who is not None:
                return who
        elif _in_use(path):
            return _read_owner(owner)
    return None


def check_not_open(path: Path) -> None:
    """Raise :class:`MasterBusyError` naming the holder when *path* is open elsewhere."""
    who = holder(path)
    if who is not None:
        lock = path.with_name(f".~lock.{path.name}#")
        stale = f"若确认没有人打开它，可删除锁文件“{lock.name}”后再运行。" if lock.exists() else ""
        raise MasterBusyError(
            f"台账“{path.name}”正被 {who} 打开，请先关闭 Excel/WPS/LibreOffice 中的台账再运行。"
            + stale
        )


class MasterLock:
    """An exclusive lock beside the master, released on exit.

    The lock is an OS lock on byte 0 of ``~zhenggai.<name>.lock`` (see
    :func:`_lock_first_byte`), so a lock file left by a killed run never blocks
    the next one. The holder's user, host, process and command follow that
    byte, for the message the next run shows.
    """

    def __init__(self, path: Path, *, command: str = "") -> None:
        self.path = path.with_name(f"~zhenggai.{path.name}.lock")
        self.command = command
        self._fh: IO[bytes] | None = None

    def __enter__(self) -> MasterLock:
        for _ in range(5):
            # "a+" creates the file and never truncates what a holder wrote; it also
            # leaves the position at the end, which is why the lock seeks to byte 0.
            fh = open(self.path, "a+b")
            if not _lock_first_byte(fh.fileno()):
                fh.seek(_INFO_AT)
                info = _lock_info(fh.read().decode("utf-8", "replace"))
                fh.close()
                raise MasterBusyError(
                    f"另一个 zhenggai 正在修改这个台账（{info}），锁文件：{self.path}。请等它结束后再运行。"
                )
            try:
                same = os.stat(self.path).st_ino == os.fstat(fh.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if same:  # the file we locked is still the lock file (not unlinked by a finishing run)
                fh.seek(0)
                fh.truncate()
                details = {
                    "user": getpass.getuser(),
                    "host": socket.gethostname(),
                    "pid": os.getpid(),
                    "started": datetime.now().isoformat(timespec="seconds"),
                    "command": self.command,
                }
                fh.write(b"\n" + json.dumps(details, ensure_ascii=False).encode("utf-8"))
                fh.flush()
                self._fh = fh
                return self
            fh.close()
        raise MasterBusyError(f"无法取得台账的锁文件：{self.path}")

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                _unlock_first_byte(self._fh.fileno())
            with contextlib.suppress(OSError):
                self.path.unlink()  # Windows refuses while the file is open: it stays, unlocked
            self._fh.close()
            self._fh = None


#: Where the holder's details start: after the locked byte, which Windows lets
#: no other handle read.
_INFO_AT = 1


def _lock_first_byte(fd: int) -> bool:
    """Lock byte 0 of the open file *fd* for this handle; False when another handle holds it.

    ``msvcrt.locking`` locks from the file's *current position*: a file opened
    in "a+" sits at its end, so without the seek each run would lock a
    different byte and none would exclude another. On Linux the same one-byte
    lock from the current position is an open-file-description lock (per
    handle, like Windows', also between two handles of one process), so the
    tests exercise the very path Windows takes. macOS has no such lock and
    falls back to ``flock`` on the whole file (also per handle).
    """
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        _lock_here(fd, exclusive=True)
    except OSError:
        return False
    return True


def _unlock_first_byte(fd: int) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    _lock_here(fd, exclusive=False)


def _lock_here(fd: int, *, exclusive: bool) -> None:
    """Lock (or unlock) one byte at the current position, without waiting; OSError when taken."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK if exclusive else msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    if hasattr(fcntl, "F_OFD_SETLK"):
        kind = fcntl.F_WRLCK if exclusive else fcntl.F_UNLCK
        # struct flock: l_type, l_whence, l_start, l_len, l_pid (0 for OFD locks).
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("@hhqqi4x", kind, os.SEEK_CUR, 0, 1, 0))
        return
    fcntl.flock(
        fd, (fcntl.LOCK_EX | fcntl.LOCK_NB) if exclusive else fcntl.LOCK_UN
    )  # pragma: no cover - macOS


def _lock_info(text: str) -> str:
    try:
        info = json.loads(text)
        return f"{info['user']}@{info['host']}，进程 {info['pid']}，{info['started']} 开始，{info['command']}"
    except (ValueError, KeyError, TypeError):
        return "信息不可读"
