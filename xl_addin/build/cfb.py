"""A small compound file ([MS-CFB]) writer, enough for ``vbaProject.bin``.

olefile reads compound files but only rewrites streams in place at the same
size, and adding a VBA module changes several sizes. So we keep the whole tree
in memory (:class:`Storage`) and write a fresh version 3 file (512-byte
sectors): header, FAT, DIFAT, directory, MiniFAT, the mini stream (for streams
under 4096 bytes, in 64-byte mini sectors) and the regular streams, in that
order. Sibling directory entries form a balanced binary search tree coloured
all black, which meets the three constraints of [MS-CFB] 2.6.4 (root black,
no two reds in a row, left < right by length then upper case).

Example:
    >>> tree = Storage({"VBA": Storage({"dir": b"..."}), "PROJECT": b"ID=..."})
    >>> read_storage(write_storage(tree)) == tree
    True
"""

from __future__ import annotations

import io
import math
import struct
import uuid
from dataclasses import dataclass, field

import olefile

from xl_addin.errors import VbaFormatError

__all__ = ["Storage", "read_storage", "write_storage"]

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_IDS_PER_SECTOR = _SECTOR // 4
_HEADER_DIFAT = 109
_DIRS_PER_SECTOR = _SECTOR // 128

_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_DIFSECT = 0xFFFFFFFC
_NOSTREAM = 0xFFFFFFFF

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_BLACK = 1
_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class Storage:
    """A storage: named children that are storages or streams (bytes)."""

    children: dict[str, Storage | bytes] = field(default_factory=dict)
    clsid: bytes = bytes(16)


def sort_key(name: str) -> tuple[int, bytes]:
    """Order of sibling names ([MS-CFB] 2.6.4): shorter first, then upper-cased code units."""
    upper = "".join(c.upper() if len(c.upper()) == 1 else c for c in name)
    return len(name.encode("utf-16-le")) // 2, upper.encode("utf-16-be")


def read_storage(data: bytes) -> Storage:
    """Read a whole compound file into a :class:`Storage` tree (with olefile).

    Raises:
        VbaFormatError: ``data`` is not a compound file.
    """
    if not olefile.isOleFile(data=data):
        raise VbaFormatError("不是复合文档（CFB/OLE）格式的数据")
    ole: olefile.OleFileIO[str] = olefile.OleFileIO(io.BytesIO(data))
    with ole:
        if ole.root is None:
            raise VbaFormatError("复合文档没有根目录项")
        root = Storage(clsid=_clsid_bytes(ole.root.clsid))
        for path in ole.listdir(streams=True, storages=True):
            parent = root
            for part in path[:-1]:
                child = parent.children.setdefault(part, Storage())
                assert isinstance(child, Storage)
                parent = child
            if ole.get_type(path) == olefile.STGTY_STREAM:
                parent.children[path[-1]] = ole.openstream(path).read()
            else:
                existing = parent.children.setdefault(path[-1], Storage())
                assert isinstance(existing, Storage)
                existing.clsid = _clsid_bytes(ole.getclsid(path))
    return root


def _clsid_bytes(text: str) -> bytes:
    return uuid.UUID(text).bytes_le if text else bytes(16)


@dataclass
class _Entry:
    name: str
    kind: int
    clsid: bytes = bytes(16)
    data: bytes = b""
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    start: int = _ENDOFCHAIN
    size: int = 0


def _flatten(root: Storage) -> list[_Entry]:
    """Directory entries in pre-order, with sibling trees and child pointers set."""
    entries = [_Entry("Root Entry", _ROOT, clsid=root.clsid)]

    def add_storage(storage: Storage, index: int) -> None:
        names = sorted(storage.children, key=sort_key)
        keys = [sort_key(n)[1] for n in names]
        if len(set(keys)) != len(keys):
            raise ValueError(f"sibling names differ only in case: {names}")
        entries[index].child = add_tree(storage, names)

    def add_tree(storage: Storage, names: list[str]) -> int:
        if not names:
            return _NOSTREAM
        mid = len(names) // 2
        name = names[mid]
        _check_name(name)
        node = storage.children[name]
        index = len(entries)
        if isinstance(node, Storage):
            entries.append(_Entry(name, _STORAGE, clsid=node.clsid, start=0))
            add_storage(node, index)
        else:
            entries.append(_Entry(name, _STREAM, data=bytes(node), size=len(node)))
        entries[index].left = add_tree(storage, names[:mid])
        entries[index].right = add_tree(storage, names[mid + 1 :])
        return index

    add_storage(root, 0)
    return entries


def _check_name(name: str) -> None:
    if not name or len(name.encode("utf-16-le")) // 2 > 31 or any(c in name for c in "/\\:!"):
        raise ValueError(f"invalid compound file entry name: {name!r}")


def write_storage(root: Storage) -> bytes:
    """Write ``root`` as a version 3 compound file and return its bytes."""
    entries = _flatten(root)
    streams = [e for e in entries if e.kind == _STREAM]
    small = [e for e in streams if e.size < _MINI_CUTOFF]
    large = [e for e in streams if e.size >= _MINI_CUTOFF]

    # The mini stream: small streams back to back, each padded to 64 bytes.
    mini_stream = bytearray()
    minifat: list[int] = []
    for e in small:
        if e.size == 0:
            continue  # an empty stream owns no sector: start stays ENDOFCHAIN
        e.start = len(minifat)
        count = math.ceil(e.size / _MINI_SECTOR)
        minifat += [*range(e.start + 1, e.start + count), _ENDOFCHAIN]
        mini_stream += e.data.ljust(count * _MINI_SECTOR, b"\0")

    n_dir = math.ceil(len(entries) / _DIRS_PER_SECTOR)
    n_minifat = math.ceil(len(minifat) / _IDS_PER_SECTOR)
    n_mini = math.ceil(len(mini_stream) / _SECTOR)
    n_large = sum(math.ceil(e.size / _SECTOR) for e in large)
    n_other = n_dir + n_minifat + n_mini + n_large
    n_fat, n_difat = _fat_sizes(n_other)

    fat: list[int] = [_FATSECT] * n_fat + [_DIFSECT] * n_difat
    body = bytearray()

    def place(data: bytes) -> int:
        """Append ``data`` as a chain of whole sectors; return its first sector."""
        first = len(fat)
        count = math.ceil(len(data) / _SECTOR)
        fat.extend([*range(first + 1, first + count), _ENDOFCHAIN])
        body.extend(data.ljust(count * _SECTOR, b"\0"))
        return first

    root_entry = entries[0]
    dir_start = len(fat)
    fat.extend([*range(dir_start + 1, dir_start + n_dir), _ENDOFCHAIN])
    body.extend(bytes(n_dir * _SECTOR))  # directory filled in below, once starts are known
    minifat_start = _ENDOFCHAIN
    if minifat:
        packed = b"".join(struct.pack("<I", v) for v in minifat)
        minifat_start = place(packed.ljust(n_minifat * _SECTOR, b"\xff"))
    if mini_stream:
        root_entry.start = place(bytes(mini_stream))
        root_entry.size = len(mini_stream)
    for e in large:
        e.start = place(e.data)

    directory = b"".join(_pack_entry(e) for e in entries)
    pad = n_dir * _DIRS_PER_SECTOR - len(entries)
    directory += _pack_entry(None) * pad
    body[0 : len(directory)] = directory

    fat_sectors = list(range(n_fat))
    fat += [_FREESECT] * (n_fat * _IDS_PER_SECTOR - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    difat_bytes = _difat_sectors(fat_sectors, n_fat)

    header = _header(
        n_fat=n_fat,
        dir_start=dir_start,
        minifat_start=minifat_start,
        n_minifat=n_minifat,
        difat_start=n_fat if n_difat else _ENDOFCHAIN,
        n_difat=n_difat,
        fat_sectors=fat_sectors,
    )
    return header + fat_bytes + difat_bytes + bytes(body)


def _fat_sizes(n_other: int) -> tuple[int, int]:
    """Return (FAT sectors, DIFAT sectors) for ``n_other`` sectors of content."""
    n_fat = 1
    while True:
        n_difat = max(0, math.ceil((n_fat - _HEADER_DIFAT) / (_IDS_PER_SECTOR - 1)))
        needed = math.ceil((n_other + n_fat + n_difat) / _IDS_PER_SECTOR)
        if needed <= n_fat:
            return n_fat, n_difat
        n_fat = needed


def _difat_sectors(fat_sectors: list[int], n_fat: int) -> bytes:
    """DIFAT sectors (after the FAT): 127 FAT locations each, then the next DIFAT sector."""
    rest = fat_sectors[_HEADER_DIFAT:]
    out = bytearray()
    per = _IDS_PER_SECTOR - 1
    count = math.ceil(len(rest) / per)
    for i in range(count):
        ids = rest[i * per : (i + 1) * per]
        ids += [_FREESECT] * (per - len(ids))
        ids.append(n_fat + i + 1 if i + 1 < count else _ENDOFCHAIN)
        out += struct.pack(f"<{_IDS_PER_SECTOR}I", *ids)
    return bytes(out)


def _header(
    *,
    n_fat: int,
    dir_start: int,
    minifat_start: int,
    n_minifat: int,
    difat_start: int,
    n_difat: int,
    fat_sectors: list[int],
) -> bytes:
    difat = fat_sectors[:_HEADER_DIFAT]
    difat += [_FREESECT] * (_HEADER_DIFAT - len(difat))
    head = _MAGIC + bytes(16)
    head += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
    head += bytes(6)
    head += struct.pack(
        "<IIIIIIIII",
        0,  # directory sectors: always 0 in version 3
        n_fat,
        dir_start,
        0,  # transaction signature
        _MINI_CUTOFF,
        minifat_start,
        n_minifat,
        difat_start,
        n_difat,
    )
    head += struct.pack(f"<{_HEADER_DIFAT}I", *difat)
    assert len(head) == _SECTOR
    return head


def _pack_entry(e: _Entry | None) -> bytes:
    if e is None:  # an unused slot
        return (
            bytes(64) + struct.pack("<HBBIII", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM) + bytes(48)
        )
    name = (e.name + "\0").encode("utf-16-le")
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(name), e.kind, _BLACK, e.left, e.right, e.child)
        + e.clsid
        + struct.pack("<IQQIQ", 0, 0, 0, e.start, e.size)
    )
