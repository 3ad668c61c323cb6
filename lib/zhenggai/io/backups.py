"""Backups of the master in 备份/: whole and verified before the master changes.

A backup is written under a temporary name, fsynced, checked (same size and
sha256 as the master it copies, every zip member's CRC), and only then given
its real name ``<stem>.<time>.<op><suffix>``. A run killed or out of disk
space while copying leaves at most a ``.part`` file, never a 0-byte backup
that looks real. :func:`verify_backup` checks a backup again before
``undo`` restores it.

Example:
    >>> taken = take_backup(master, master.parent / "备份", op="汇总")  # doctest: +SKIP
    >>> verify_backup(taken.path, sha256=taken.sha256)                 # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.errors import SaveError, WorkbookError
from .calamine import open_book
from .failures import PACKAGE_ERRORS
from .files import describe

__all__ = ["STAMP", "Taken", "fsync_dir", "glob_escape", "take_backup", "verify_backup"]

STAMP = "%Y%m%d-%H%M%S-%f"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Taken:
    """A backup just written: where, and the sha256 of its bytes (those of the master)."""

    path: Path
    sha256: str


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened there
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(src: Path, dest: Path) -> str:
    """Copy *src* to *dest*, fsynced; the sha256 of the bytes read."""
    digest = hashlib.sha256()
    with src.open("rb") as fin, dest.open("wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    shutil.copystat(src, dest)
    return digest.hexdigest()


def take_backup(path: Path, folder: Path, *, op: str, keep: int = 20) -> Taken:
    """Copy *path* into *folder* as ``<stem>.<time>.<op><suffix>``, verified; keep the newest *keep*.

    Raises:
        SaveError: the copy could not be written or does not verify; the
            master has not been changed.
    """
    stamp = datetime.now().strftime(STAMP)
    target = folder / f"{path.stem}.{stamp}.{op}{path.suffix}"
    part = folder / f".~{target.name}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        sha = _copy(path, part)
        verify_backup(part, sha256=sha, size=path.stat().st_size)
        os.replace(part, target)
        with contextlib.suppress(OSError):
            fsync_dir(folder)
    except (OSError, WorkbookError) as exc:
        with contextlib.suppress(OSError):
            part.unlink()
        why = describe(exc) if isinstance(exc, OSError) else str(exc)
        raise SaveError(
            f"无法在“{folder}”写入台账的备份（{why}），台账未改动。"
            "请检查磁盘空间和文件夹的写入权限后重新运行。"
        ) from exc
    _prune(path, folder, keep)
    return Taken(target, sha)


def _prune(path: Path, folder: Path, keep: int) -> None:
    ours = sorted(folder.glob(f"{glob_escape(path.stem)}.*{path.suffix}"), key=lambda p: p.name)
    for old in ours[: max(len(ours) - keep, 0)]:
        with contextlib.suppress(OSError):
            old.unlink()


def verify_backup(
    path: Path, *, sha256: str = "", size: int | None = None, read_sheets: bool = False
) -> None:
    """Check a backup: not empty, the expected size and sha256, every member's CRC, and
    (with *read_sheets*) every sheet read back.

    Raises:
        WorkbookError: saying what is wrong with it.
    """
    try:
        actual = path.stat().st_size
    except OSError as exc:
        raise WorkbookError(f"备份文件无法读取（{describe(exc)}）") from exc
    if actual == 0 or (size is not None and actual != size):
        raise WorkbookError(f"备份文件不完整（{actual} 字节）")
    if sha256:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            raise WorkbookError("备份文件的内容与备份时不同（已被改动或损坏）")
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
    except PACKAGE_ERRORS as exc:
        raise WorkbookError(f"备份文件已损坏（{type(exc).__name__}）") from exc
    if bad is not None:
        raise WorkbookError(f"备份文件已损坏（{bad} 校验失败）")
    if read_sheets:
        book = open_book(path, trusted=True)
        for name in book.sheet_names:
            book.grid(name)
