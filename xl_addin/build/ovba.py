"""[MS-OVBA] 2.4.1 compression: the LZ77 variant used inside ``vbaProject.bin``.

The ``dir`` stream and every module's source are stored as a *CompressedContainer*:
a signature byte ``0x01`` followed by chunks. Each chunk decompresses to at most
4096 bytes and starts with a 2-byte header (bits 0-11: chunk size minus 3,
bits 12-14: ``0b011``, bit 15: 1 = compressed, 0 = raw). A compressed chunk is
a series of token sequences: one flag byte, then up to eight tokens, each a
literal byte (flag bit 0) or a 16-bit copy token (flag bit 1) whose split
between offset and length bits depends on the position inside the chunk.

Written from the specification text. The matcher takes the longest match, the
nearest on ties, among the start positions of earlier tokens in the chunk (not
every earlier position): with that rule our output equals the specification's
compression example and the containers Excel wrote for the small modules of
xlwings' template byte for byte.

Example:
    >>> decompress(compress(b"Attribute VB_Name = \\"a\\"\\r\\n" * 3))[:9]
    b'Attribute'
"""

from __future__ import annotations

from xl_addin.errors import VbaFormatError

__all__ = ["chunk_flags", "compress", "decompress"]

_CHUNK = 4096  # decompressed bytes per chunk (2.4.1.1.4)
_MAX_DATA = 4096  # largest CompressedChunkData: a 12-bit size field holds at most 4098 - 2
_SIGNATURE = 0x01
_HEADER_SIGNATURE = 0b011 << 12
_FLAG_COMPRESSED = 0x8000
_MIN_MATCH = 3


def _copy_token_help(position: int) -> tuple[int, int]:
    """Return (bit count of the offset, maximum length) at ``position`` in a chunk.

    2.4.1.3.19.1: the offset field needs ceil(log2(position)) bits, at least 4;
    the remaining bits of the 16-bit token hold ``length - 3``.
    """
    bit_count = max((position - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def decompress(container: bytes) -> bytes:
    """Decompress a CompressedContainer ([MS-OVBA] 2.4.1.3.1).

    Accepts what Office writes, including a final raw chunk shorter than 4096
    bytes.

    Raises:
        VbaFormatError: The signature, a chunk header or a copy token is invalid.
    """
    if not container or container[0] != _SIGNATURE:
        raise VbaFormatError("压缩数据的签名字节不是 0x01，不是 VBA 压缩容器")
    out = bytearray()
    pos = 1
    end = len(container)
    while pos < end:
        if pos + 2 > end:
            raise VbaFormatError(f"压缩数据在位置 {pos} 被截断（块头不完整）")
        header = int.from_bytes(container[pos : pos + 2], "little")
        if header & 0x7000 != _HEADER_SIGNATURE:
            raise VbaFormatError(f"位置 {pos} 的块头签名无效：0x{header:04X}")
        chunk_end = min(end, pos + (header & 0x0FFF) + 3)
        pos += 2
        if header & _FLAG_COMPRESSED:
            _decompress_chunk(container, pos, chunk_end, out)
        else:
            # A raw chunk holds 4096 bytes; tolerate a short last one.
            out += container[pos : pos + _CHUNK]
            chunk_end = min(end, pos + _CHUNK)
        pos = chunk_end
    return bytes(out)


def _decompress_chunk(data: bytes, pos: int, end: int, out: bytearray) -> None:
    chunk_start = len(out)
    while pos < end:
        flags = data[pos]
        pos += 1
        for bit in range(8):
            if pos >= end:
                break
            if not flags & (1 << bit):
                out.append(data[pos])
                pos += 1
                continue
            if pos + 2 > end:
                raise VbaFormatError(f"位置 {pos} 的复制标记被截断")
            token = int.from_bytes(data[pos : pos + 2], "little")
            pos += 2
            bit_count, _ = _copy_token_help(len(out) - chunk_start)
            length = (token & (0xFFFF >> bit_count)) + 3
            offset = (token >> (16 - bit_count)) + 1
            src = len(out) - offset
            if src < chunk_start:
                raise VbaFormatError(f"复制标记指向块外（位置 {pos - 2}）")
            if offset >= length:
                out += out[src : src + length]
            else:
                # Overlapping copy: the source grows while we copy, byte by byte.
                for i in range(length):
                    out.append(out[src + i])


def compress(data: bytes) -> bytes:
    """Compress ``data`` into a CompressedContainer ([MS-OVBA] 2.4.1.3.6).

    A full 4096-byte chunk that does not shrink is stored raw, as the
    specification says. A shorter last chunk is never stored raw, because the
    specification pads raw chunks to 4096 bytes and that would append zeros on
    decompression; when such a tail does not fit one compressed chunk (only
    incompressible data between 3641 and 4095 bytes) it is split into two
    compressed chunks, which 2.4.1.3.2 decompresses back exactly. VBA source,
    being text, never takes that path.
    """
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), _CHUNK):
        piece = data[start : start + _CHUNK]
        body = _compress_chunk(piece)
        if len(body) <= _MAX_DATA:
            _append_chunk(out, body, compressed=True)
        elif len(piece) == _CHUNK:
            _append_chunk(out, piece, compressed=False)
        else:
            half = len(piece) // 2
            _append_chunk(out, _compress_chunk(piece[:half]), compressed=True)
            _append_chunk(out, _compress_chunk(piece[half:]), compressed=True)
    return bytes(out)


def _append_chunk(out: bytearray, body: bytes, *, compressed: bool) -> None:
    if compressed:
        header = _FLAG_COMPRESSED | _HEADER_SIGNATURE | (len(body) + 2 - 3)
    else:
        header = _HEADER_SIGNATURE | (_CHUNK + 2 - 3)
    out += header.to_bytes(2, "little")
    out += body


def _compress_chunk(chunk: bytes) -> bytes:
    """Encode one chunk (<= 4096 bytes) as token sequences, without its header."""
    out = bytearray()
    end = len(chunk)
    # Token start positions by their first three bytes: a match of three or
    # more bytes can only start at one with the same key. Positions inside a
    # copy are left out, as Office does (see the module docstring).
    chains: dict[bytes, list[int]] = {}
    pos = 0
    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            length, offset = _longest_match(chunk, pos, chains)
            if length:
                bit_count, max_length = _copy_token_help(pos)
                length = min(length, max_length)
                token = ((offset - 1) << (16 - bit_count)) | (length - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
            else:
                out.append(chunk[pos])
                length = 1
            chains.setdefault(chunk[pos : pos + 3], []).append(pos)
            pos += length
        out[flag_at] = flags
    return bytes(out)


def _longest_match(chunk: bytes, pos: int, chains: dict[bytes, list[int]]) -> tuple[int, int]:
    """Return (length, offset) of the longest earlier match, nearest first; (0, 0) if none.

    Lengths are measured uncapped, as in 2.4.1.3.19.4; the caller caps them.
    """
    end = len(chunk)
    if end - pos < _MIN_MATCH:
        return 0, 0
    candidates = chains.get(chunk[pos : pos + 3])
    if not candidates:
        return 0, 0
    best_length, best_candidate = 0, 0
    for candidate in reversed(candidates):
        probe = pos + best_length
        if best_length and (probe >= end or chunk[candidate + best_length] != chunk[probe]):
            continue  # cannot beat the best so far
        length = _common_prefix(chunk, candidate, pos, end)
        if length > best_length:
            best_length, best_candidate = length, candidate
            if pos + length == end:
                break
    return best_length, pos - best_candidate


def _common_prefix(data: bytes, a: int, b: int, end: int) -> int:
    """Length of the common prefix of data[a:end] and data[b:end] (a < b).

    Comparing the original bytes is right even when the ranges overlap: the
    decompressor will have produced data[a + i] before it copies it.
    """
    low, high = 0, end - b
    while low < high:  # binary search on slice equality: C speed for long runs
        mid = (low + high + 1) // 2
        if data[a : a + mid] == data[b : b + mid]:
            low = mid
        else:
            high = mid - 1
    return low


def chunk_flags(container: bytes) -> list[bool]:
    """Return, per chunk, whether it is compressed (True) or raw (False).

    Used to check that what we write contains only compressed chunks, the only
    kind Office itself writes for VBA source.
    """
    flags: list[bool] = []
    pos = 1
    while pos + 2 <= len(container):
        header = int.from_bytes(container[pos : pos + 2], "little")
        compressed = bool(header & _FLAG_COMPRESSED)
        flags.append(compressed)
        pos += 2 + ((header & 0x0FFF) + 1 if compressed else _CHUNK)
    return flags
