"""Opening a zip a unit attached, behind the same guards as a returned workbook.

Units zip their 电子档案 (a month's photos, minutes and scans) before mailing
them. A zip from outside may be a bomb, hold ``../`` or ``C:\\`` names, claim
sizes it does not have or many thousands of members. :func:`unpack_zip`
checks the zip's end record and directory first
(:func:`~zhenggai.io.zipguard.check_entry_count`,
:func:`~zhenggai.io.zipguard.check_members`: declared sizes, ratio, path-like
names), then reads each member in bounded pieces, never past the size the
directory declares, and CRC-checked. Only stored and deflated members are
read: zipfile inflates a bzip2 or LZMA member in one unbounded call whatever
its header claims, and the compressors offices use (Windows' 发送到→压缩文件夹,
WinRAR, 7-Zip, Bandizip in zip mode) write deflate.

Names without the zip's UTF-8 flag are read as the Chinese Windows that made
them wrote them (GBK), unless they are valid UTF-8 (macOS, some 7-Zip
versions). The members come back as relative name parts; nothing is
written here, so nothing can land outside the folder the caller chooses.

Example:
    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as zf:
    ...     zf.writestr("11月/会议纪要.pdf", b"%PDF-1.4")
    >>> [(m.parts, m.data) for m in unpack_zip(buf.getvalue())]
    [(('11月', '会议纪要.pdf'), b'%PDF-1.4')]
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ..core.errors import WorkbookError
from ..core.problems import Code
from .failures import PACKAGE_ERRORS
from .zipguard import TAIL, check_entry_count, check_members

__all__ = ["MAX_MEMBERS", "Member", "unpack_zip"]

MAX_MEMBERS = 1000  # files saved from one zip (its directory may list MAX_ENTRIES)
_PIECE = 1 << 20
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_JUNK = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Member:
    """A file in the zip: its path inside it (as name parts) and its bytes."""

    parts: tuple[str, ...]
    data: bytes


def _name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")  # what zipfile decoded the bytes as
    except UnicodeEncodeError:
        return info.filename
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", "replace")


def _refuse(message: str, code: Code = Code.FILE_UNSAFE) -> WorkbookError:
    return WorkbookError(message, code=code)


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, read in pieces, never past its declared size, CRC-checked."""
    out = bytearray()
    with zf.open(info) as fh:
        while True:
            piece = fh.read(min(_PIECE, info.file_size - len(out) + 1))
            if not piece:
                break
            out += piece
            if len(out) > info.file_size:
                raise _refuse(
                    f"压缩包中的“{_name(info)[:80]}”实际内容比声明的大，疑似异常文件，已拒绝解压。"
                )
    return bytes(out)


def _check_directory(data: bytes, zf: zipfile.ZipFile | None) -> None:
    """The returns' guards, with a message about a zip rather than a template."""
    try:
        if zf is None:
            check_entry_count(data[-TAIL:])
        else:
            check_members(zf)
    except WorkbookError as exc:
        if exc.code is Code.FILE_UNSAFE:
            raise _refuse(
                "压缩包内含有路径形式的文件名（如 ../ 或盘符），解开会写到别的文件夹，疑似恶意文件，"
                "已拒绝解压。请对方重新压缩后发送。"
            ) from exc
        raise _refuse(
            "压缩包声明的解压后大小、压缩比或文件数异常，疑似“压缩包炸弹”，已拒绝解压。"
            "请对方直接发送文件，或分几次发送。",
            Code.FILE_TOO_LARGE,
        ) from exc


def unpack_zip(data: bytes) -> list[Member]:
    """The files of a zip attachment (folders, ``__MACOSX`` and Thumbs.db left out).

    Raises:
        WorkbookError: the zip is damaged, encrypted, uses an unusual compression,
            is a bomb, names paths outside itself or holds too many files; the
            message says which, in Chinese.
    """
    _check_directory(data, None)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        _check_directory(data, zf)
        infos = [i for i in zf.infolist() if not i.is_dir()]
        members: list[Member] = []
        for info in infos:
            name = _name(info)
            parts = tuple(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))
            if not parts or parts[0] == "__MACOSX" or parts[-1].lower() in _JUNK:
                continue
            if info.flag_bits & _ENCRYPTED_FLAG:
                raise _refuse(
                    "压缩包设置了密码，无法解开：请对方去掉密码后重新发送。", Code.FILE_ENCRYPTED
                )
            if info.compress_type not in _METHODS:
                raise _refuse(
                    f"压缩包中的“{name[:80]}”用了不常见的压缩方式，为安全起见没有解开："
                    "请对方用 Windows 自带的“发送到→压缩(zipped)文件夹”重新压缩，或直接发送文件。",
                    Code.FILE_UNSUPPORTED,
                )
            if len(members) >= MAX_MEMBERS:
                raise _refuse(
                    f"压缩包内文件超过 {MAX_MEMBERS} 个，没有解开：请对方分成几个压缩包发送。",
                    Code.FILE_TOO_LARGE,
                )
            members.append(Member(parts, _read(zf, info)))
        return members
    except WorkbookError:
        raise
    except PACKAGE_ERRORS as exc:
        raise _refuse(
            f"压缩包已损坏，无法解开（{exc}）：请对方重新压缩后发送。", Code.FILE_CORRUPT
        ) from exc
