"""Copy a zip member's compressed bytes into another zip, without inflating them.

A master's unchanged parts are most of its bytes (the 100 MB of 台账 XML of a
province's master when a command writes only its own sheet). Inflating and
deflating them again cost ~1.5 s a save and changed nothing: their bytes,
CRC and sizes are copied as they are, behind a new local header.

This reaches into :class:`zipfile.ZipFile`'s writing state (``fp``,
``filelist``, ``NameToInfo``, ``start_dir``), as ``ZipFile.write`` itself
does; Python 3.11 to 3.13 keep these the same, and the patch tests read every
result back with zipfile (CRC checked), calamine and LibreOffice.
"""

from __future__ import annotations

import copy
import struct
import zipfile

__all__ = ["copy_member"]

_CHUNK = 1 << 20
_DATA_DESCRIPTOR = 0x08
_HEADER = struct.Struct("<4s2B4HL2L2H")  # a local file header (APPNOTE 4.3.7): 30 bytes
_SIGNATURE = b"PK\x03\x04"
_ZIP64_LIMIT = (1 << 31) - 1  # as zipfile decides when sizes need zip64


def copy_member(src: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """Append member *info* of *src* to *out* as it is stored (compressed bytes, CRC, sizes).

    A member stored with a data descriptor gets its sizes in the new local
    header instead (the descriptor is not copied). An encrypted member, or a
    compression *out* could not describe, is inflated and written again.
    """
    if info.flag_bits & 0x01 or info.compress_type not in (
        zipfile.ZIP_STORED,
        zipfile.ZIP_DEFLATED,
    ):
        _rewrite(src, info, out)
        return
    fp = src.fp
    assert fp is not None and out.fp is not None, "both zips must be open"
    fp.seek(info.header_offset)
    header = fp.read(_HEADER.size)
    if len(header) != _HEADER.size or header[:4] != _SIGNATURE:
        raise zipfile.BadZipFile(f"{info.filename}: 本地文件头损坏")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + _HEADER.size + name_length + extra_length)
    target = copy.copy(info)
    target.flag_bits = info.flag_bits & ~_DATA_DESCRIPTOR
    target.extra = b""  # zip64 sizes are written again when needed, from the sizes below
    target.header_offset = out.fp.tell()
    zip64 = info.file_size > _ZIP64_LIMIT or info.compress_size > _ZIP64_LIMIT
    out.fp.write(target.FileHeader(zip64))
    left = info.compress_size
    while left:
        chunk = fp.read(min(_CHUNK, left))
        if not chunk:
            raise zipfile.BadZipFile(f"{info.filename}: 数据不完整")
        out.fp.write(chunk)
        left -= len(chunk)
    out.filelist.append(target)
    out.NameToInfo[target.filename] = target
    # where the central directory goes, and that it must be written on close
    setattr(out, "start_dir", out.fp.tell())  # noqa: B010 - not in the type stubs
    setattr(out, "_didModify", True)  # noqa: B010


def _rewrite(src: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    target = zipfile.ZipInfo(info.filename, info.date_time)
    target.compress_type = zipfile.ZIP_DEFLATED
    target.external_attr = info.external_attr
    with src.open(info) as fh, out.open(target, "w", force_zip64=True) as sink:
        while chunk := fh.read(_CHUNK):
            sink.write(chunk)
