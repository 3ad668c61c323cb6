"""Saving received files into the office's folders: never overwriting, never twice.

:func:`save_new` writes a file under a name no file has yet (``名称（2）.pdf``
when ``名称.pdf`` exists): the bytes go to a hidden temporary file in the
same folder first and are then linked to the final name, which fails rather
than replace a file that appeared meanwhile, so a file is either whole under
its name or absent. :class:`SameBytes` answers "is this content already
here?" by sha256, hashing only the files of the same size, once each.

File names come from mail, so :func:`file_name` makes any of them safe on
Windows too (no ``\\ / : * ? " < > |``, control characters, reserved device
names or trailing dots) and short enough for its path.

Example:
    >>> file_name("..\\\\..\\\\回收/CON.xlsx")
    'CON_.xlsx'
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

__all__ = ["MAX_NAME", "SameBytes", "file_name", "save_new", "sha256"]

MAX_NAME = 120  # characters: deep folders on Windows stay under its 260-character paths
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.I)
TEMP_PREFIX = ".zhenggai-"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_name(name: str, *, default: str = "附件") -> str:
    """*name* as a safe file name: its last path part, Windows' forbidden characters as "_"."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if _RESERVED.match(stem.strip()):
        stem += "_"
    if len(suffix) > 16 or not suffix.isprintable():
        stem, suffix = f"{stem}.{suffix}" if dot else stem, ""
    keep = MAX_NAME - (len(suffix) + 1 if suffix else 0)
    stem = stem[:keep].strip(" .") or default
    return f"{stem}.{suffix}" if suffix else stem


def _candidates(folder: Path, name: str) -> Iterator[Path]:
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    ext = f".{suffix}" if suffix else ""
    yield folder / name
    for n in range(2, 1000):
        yield folder / f"{stem}（{n}）{ext}"


def save_new(folder: Path, name: str, data: bytes) -> Path:
    """Write *data* as *name* in *folder* (made if needed) under a name not yet taken.

    Raises:
        OSError: the folder cannot be written (the caller says so in Chinese).
    """
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}.tmp"
    with open(tmp, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        for path in _candidates(folder, name):
            if path.exists():
                continue
            try:
                os.link(tmp, path)  # fails if the name was taken meanwhile: never replaces
            except FileExistsError:
                continue
            except OSError:  # no hard links here (FAT, some network drives)
                try:
                    with open(path, "xb") as fh:
                        fh.write(data)
                except FileExistsError:
                    continue
            return path
        raise FileExistsError(f"{folder / name}：同名文件太多")
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


class SameBytes:
    """Files under some folders, found by content: the sha256 of each is computed once, when asked.

    Args:
        folders: searched recursively (missing ones are skipped); hidden and
            temporary files are left out.
    """

    def __init__(self, *folders: Path) -> None:
        self._by_size: dict[int, list[Path]] = {}
        self._hashes: dict[Path, str] = {}
        for folder in folders:
            if not folder.is_dir():
                continue
            for path in folder.rglob("*"):
                rel = path.relative_to(folder).parts
                if any(p.startswith(".") or p.startswith("~$") for p in rel) or not path.is_file():
                    continue
                with contextlib.suppress(OSError):
                    self._by_size.setdefault(path.stat().st_size, []).append(path)

    def add(self, path: Path, digest: str, size: int) -> None:
        """Note a file just written, so a second copy in the same run is found."""
        self._by_size.setdefault(size, []).append(path)
        self._hashes[path] = digest

    def find(self, digest: str, size: int) -> Path | None:
        """A file with these bytes (sha256 *digest*, *size* bytes), or None."""
        for path in self._by_size.get(size, []):
            if path not in self._hashes:
                try:
                    self._hashes[path] = sha256(path.read_bytes())
                except OSError:
                    self._hashes[path] = ""
            if self._hashes[path] == digest:
                return path
        return None
