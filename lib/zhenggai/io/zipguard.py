"""Refusing hostile workbook packages from the zip directory, before any member is inflated.

A returned file comes from outside. It may be a zip bomb, hold path-like
member names or two members that readers would take for one another. The
checks here look only at the zip directory:

* :func:`check_entry_count` — the number of members, read from the zip's end
  record before the directory itself is parsed (a "many entries" bomb);
* :func:`check_members` — declared size per member and in total, compression
  ratio, path-like names, and names that collide once case and backslashes
  are ignored (calamine and Excel look members up that way). Declared sizes
  are binding: :class:`zhenggai.io.package.Package` never inflates a member
  past its declared size, whatever its compression method.

What the XML inside says is read by :mod:`zhenggai.io.xmlparts` and
:mod:`zhenggai.io.sheetscan`. Every refusal is a
:class:`~zhenggai.core.errors.WorkbookError` with a code and a Chinese message.
"""

from __future__ import annotations

import re
import struct
import zipfile

from ..core.errors import WorkbookError
from ..core.problems import Code
from .package import normal_name
from .sheetscan import MAX_AREA

__all__ = [
    "HEAD",
    "MAX_ENTRIES",
    "MAX_ENTRY",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "TAIL",
    "check_entry_count",
    "check_members",
    "dimension_area",
    "entry_count",
    "trusted_head_ok",
]

# An xlsx holds a few dozen parts; thousands of pictures would still fit.
MAX_ENTRIES = 10_000
# A 100,000-row master's sheet is ~170 MB of XML; nothing legitimate is bigger.
MAX_ENTRY = 256 * 1024 * 1024
MAX_UNCOMPRESSED = 400 * 1024 * 1024
# XML compresses 10-50 times; a bomb compresses 1,000 times.
MAX_RATIO = 200
RATIO_FLOOR = 2 * 1024 * 1024  # small parts compress well and are harmless
HEAD = 64 * 1024  # the first bytes of a trusted sheet: where its <dimension> is

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
TAIL = 22 + 0xFFFF + 20  # the end record, the longest comment, the zip64 locator

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


def _refuse(message: str, code: Code = Code.FILE_TOO_LARGE, **where: str) -> WorkbookError:
    return WorkbookError(message, code=code, **where)


# --- the zip directory ----------------------------------------------------------


def entry_count(tail: bytes) -> int | None:
    """Members the zip says it holds, from its last bytes (None when no end record is found)."""
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 22:
        return None
    (count,) = struct.unpack_from("<H", tail, at + 10)
    if count == 0xFFFF:  # zip64: the real count is in the zip64 end record
        loc = tail.rfind(_EOCD64_LOCATOR, 0, at)
        rec = tail.rfind(_EOCD64, 0, loc) if loc >= 0 else -1
        if rec < 0 or len(tail) < rec + 40:
            return int(count)
        (count,) = struct.unpack_from("<Q", tail, rec + 32)
    return int(count)


def check_entry_count(tail: bytes) -> None:
    """Refuse a zip claiming more than :data:`MAX_ENTRIES` members (before reading its directory)."""
    count = entry_count(tail)
    if count is not None and count > MAX_ENTRIES:
        raise _refuse(
            f"文件内含 {count} 个部件（正常的 Excel 文件只有几十个），疑似异常文件，已拒绝读取。"
            "请用办公室下发的原模板重新填报。"
        )


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        name.startswith(("/", "\\"))
        or ".." in parts
        or bool(re.match(r"^[A-Za-z]:", name))
        or "\x00" in name
    )


def check_members(zf: zipfile.ZipFile) -> None:
    """Refuse zip bombs (declared sizes, ratio), path-like member names and names that collide."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refuse(f"文件内含 {len(infos)} 个部件，疑似异常文件，已拒绝读取。")
    total = 0
    seen: dict[str, str] = {}
    for info in infos:
        key = normal_name(info.filename)
        twin = seen.get(key)
        seen[key] = info.filename
        if twin is not None:
            raise _refuse(
                f"文件内有两个部件名称相同（“{twin[:60]}”与“{info.filename[:60]}”，不计大小写），"
                "读取时无法确定用哪一个，疑似恶意文件，已拒绝读取。请用办公室下发的原模板重新填报。",
                Code.FILE_UNSAFE,
            )
        if _unsafe_name(info.filename):
            raise _refuse(
                f"文件内部含有路径形式的部件名“{info.filename[:80]}”，Excel 不会这样保存，"
                "疑似恶意文件，已拒绝读取。请用办公室下发的原模板重新填报。",
                Code.FILE_UNSAFE,
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_ENTRY or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise _refuse(
                f"文件解压后过大（其中 {info.filename[:80]} 解压后 {_mb(info.file_size)}，"
                f"压缩比 {ratio:.0f} 倍），疑似异常文件，已拒绝读取。请用办公室下发的原模板重新填报。"
            )
        if total > MAX_UNCOMPRESSED:
            raise _refuse(
                f"文件解压后共超过 {_mb(MAX_UNCOMPRESSED)}（{len(infos)} 个部件），疑似异常文件，"
                "已拒绝读取。请用办公室下发的原模板重新填报。"
            )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def dimension_area(head: bytes) -> int | None:
    """Cells a trusted sheet's ``<dimension>`` claims (from A1), or None when it has none."""
    m = _DIMENSION.search(head)
    if m is None or m.group(2) is None:
        return None
    last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
    return _column(last_col or b"A") * int(last_row)


def _column(letters: bytes) -> int:
    col = 0
    for ch in letters.upper():
        col = col * 26 + ch - 64
    return col


def trusted_head_ok(head: bytes) -> bool:
    """Whether a trusted sheet's ``<dimension>`` alone shows it is small enough to read."""
    area = dimension_area(head)
    return area is not None and area <= MAX_AREA // 3
