"""A zip package held in memory, its members read with a counted bound.

``zipfile`` bounds nothing for bzip2 and LZMA members: one ``read()`` inflates
a whole member whatever its header claims (a 100 KB member can be a 1.6 GB
bzip2 bomb), and even ``ZipExtFile.read(200)`` hands a whole compressed chunk
to the decompressor. Every member of a file that comes from outside is read
here instead: its raw bytes are sliced from the package and decompressed
with ``max_length`` (deflate, bzip2, LZMA) or copied (stored), never past the
size the zip directory declares, then CRC-checked. The directory's declared
sizes are bounded before anything is read (:func:`zhenggai.io.zipguard.check_members`).

Member names are looked up as calamine and Excel look them up: exactly, else
ignoring ASCII case and backslashes. Two members that would be found under one
name are refused by :func:`zhenggai.io.zipguard.check_members`.

Example:
    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_BZIP2) as zf:
    ...     zf.writestr("xl/workbook.xml", b"<workbook/>")
    >>> Package(buf.getvalue()).read("XL/Workbook.xml")
    b'<workbook/>'
"""

from __future__ import annotations

import bz2
import io
import lzma
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from ..core.errors import WorkbookError
from ..core.problems import Code
from .failures import CORRUPT, translated

__all__ = ["Package", "normal_name"]

_LOCAL = b"PK\x03\x04"
_CHUNK = 64 * 1024
_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
}


def normal_name(name: str) -> str:
    """A member name as calamine finds it: backslashes as slashes, ASCII letters lower-cased."""
    return (
        name.replace("\\", "/")
        .encode("utf-8", "surrogatepass")
        .translate(_ASCII_LOWER)
        .decode("utf-8", "surrogatepass")
    )


def _corrupt(what: str) -> WorkbookError:
    return WorkbookError(f"文件已损坏（{what}），无法打开，请重新报送。", code=Code.FILE_CORRUPT)


class Package:
    """The zip package *data*: its directory, and its members read with bounds.

    Raises:
        WorkbookError: the directory cannot be read (file-corrupt).
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        with translated():
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.infos = self.zip.infolist()
        self._exact = {i.filename: i for i in self.infos}
        self._normal = {normal_name(i.filename): i for i in self.infos}

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """The member called *name*: exactly, else ignoring ASCII case and backslashes."""
        return self._exact.get(name) or self._normal.get(normal_name(name))

    def read(self, member: str | zipfile.ZipInfo, *, limit: int | None = None) -> bytes:
        """Member *member* inflated, never past its declared size (nor *limit* bytes).

        With *limit* below the declared size, the first *limit* bytes are
        returned (no CRC check: the member is not read to its end).

        Raises:
            KeyError: no such member.
            WorkbookError: damaged, inflating past its declared size, encrypted or
                compressed by a method Excel never uses.
        """
        info = member if isinstance(member, zipfile.ZipInfo) else self.find(member)
        if info is None:
            raise KeyError(member)
        want = info.file_size if limit is None else min(limit, info.file_size)
        out = bytearray()
        for chunk in self._inflate(info, want):
            out += chunk
        if len(out) < want:
            raise _corrupt(f"{info.filename[:80]} 不完整")
        if want == info.file_size and zlib.crc32(out) != info.CRC:
            raise _corrupt(f"{info.filename[:80]} 校验失败")
        return bytes(out)

    def _raw(self, info: zipfile.ZipInfo) -> memoryview:
        """The compressed bytes of *info*, checked against its local header."""
        if info.flag_bits & 0x1:
            raise WorkbookError(
                "文件的压缩包带有密码，无法打开。请取消密码后重新报送。", code=Code.FILE_ENCRYPTED
            )
        at = info.header_offset
        head = self.data[at : at + 30]
        if len(head) < 30 or head[:4] != _LOCAL:
            raise _corrupt(f"{info.filename[:80]} 的位置不对")
        name_len, extra_len = struct.unpack_from("<HH", head, 26)
        start = at + 30 + name_len + extra_len
        end = start + info.compress_size
        if end > len(self.data):
            raise _corrupt(f"{info.filename[:80]} 被截断")
        return memoryview(self.data)[start:end]

    def _inflate(self, info: zipfile.ZipInfo, want: int) -> Iterator[bytes]:
        """Yield at most *want* inflated bytes; raise if the member holds more than declared."""
        method = _METHODS.get(info.compress_type)
        if method is None:
            raise WorkbookError(
                f"文件中的 {info.filename[:80]} 使用了 Excel 不会使用的压缩方式（{info.compress_type}），"
                "无法读取。请用 Excel 重新保存为 .xlsx 后报送。",
                code=Code.FILE_UNSUPPORTED,
            )
        raw = self._raw(info)
        if method == "stored":
            if len(raw) != info.file_size:
                raise _corrupt(f"{info.filename[:80]} 大小不符")
            yield bytes(raw[:want])
            return
        decompressor, raw = _decompressor(method, raw, info.filename)
        with translated(CORRUPT):
            yield from _bounded(decompressor, raw, want, info)


def _decompressor(method: str, raw: memoryview, name: str) -> tuple[Any, memoryview]:
    if method == "deflate":
        return zlib.decompressobj(-15), raw
    if method == "bzip2":
        return bz2.BZ2Decompressor(), raw
    # zip's LZMA: a 2-byte version, a 2-byte properties size, the properties, then raw LZMA1
    if len(raw) < 4:
        raise _corrupt(f"{name[:80]} 不完整")
    (size,) = struct.unpack_from("<H", raw, 2)
    props = bytes(raw[4 : 4 + size])
    with translated(CORRUPT):
        filters = [lzma._decode_filter_properties(lzma.FILTER_LZMA1, props)]  # type: ignore[attr-defined]
        return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters), raw[4 + size :]


def _bounded(
    decompressor: Any, raw: memoryview, want: int, info: zipfile.ZipInfo
) -> Iterator[bytes]:
    """Inflate *raw*, yielding at most *want* bytes; more than declared is damage.

    Each call asks for at most one byte more than the member may still hold,
    so no call can produce more than that, whatever the compressed data says.
    """
    count = _Count(info.file_size)
    chunks = _zlib_chunks if isinstance(decompressor, _ZLIB) else _stream_chunks
    for chunk in chunks(decompressor, raw, count.room):
        if not chunk:
            continue
        before = count.produced
        count.produced += len(chunk)
        if count.produced > count.allowed:
            raise _corrupt(f"{info.filename[:80]} 解压后超过声明的大小")
        if before < want:
            yield chunk[: want - before]
        if count.produced >= want and want < count.allowed:
            return  # only a head was asked for


class _Count:
    def __init__(self, allowed: int) -> None:
        self.allowed, self.produced = allowed, 0

    def room(self) -> int:
        return self.allowed - self.produced + 1


_ZLIB = type(zlib.decompressobj())


def _zlib_chunks(d: Any, raw: memoryview, room: Callable[[], int]) -> Iterator[bytes]:
    pos, pending = 0, b""
    while not d.eof:
        if not pending:
            if pos >= len(raw):
                yield d.flush()
                return
            pending, pos = bytes(raw[pos : pos + _CHUNK]), pos + _CHUNK
        yield d.decompress(pending, room())  # room() >= 1: 0 would mean "no limit"
        pending = d.unconsumed_tail


def _stream_chunks(d: Any, raw: memoryview, room: Callable[[], int]) -> Iterator[bytes]:
    pos = 0
    while not d.eof:
        data = b""
        if d.needs_input:
            if pos >= len(raw):
                return
            data, pos = bytes(raw[pos : pos + _CHUNK]), pos + _CHUNK
        yield d.decompress(data, max_length=room())
