"""Byte-level tools to make hostile workbooks: zip members, sheet XML, bombs."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from tests.support.synthetic import rewrite_zip
from zhenggai.io.xmlparts import sheet_parts

MB = 1024 * 1024

BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%s;" % (b"" if i == 1 else b"%d" % (i - 1))) * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)
XXE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
)


def members(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(i, zf.read(i)) for i in zf.infolist()]


def names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def part_of(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return sheet_parts(zf)[sheet]


def edit_sheet(path: Path, change: Callable[[bytes], bytes], *, sheet: str = "填报") -> Path:
    """Rewrite the XML of *sheet* in the workbook at *path*."""
    rewrite_zip(path, {part_of(path, sheet): change})
    return path


def set_cell(ref: str, cell_xml: bytes) -> Callable[[bytes], bytes]:
    """A sheet edit replacing cell *ref* (written by openpyxl) with *cell_xml*."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)

    def change(xml: bytes) -> bytes:
        new, n = pattern.subn(lambda m: cell_xml, xml, count=1)
        assert n == 1, f"no cell {ref}"
        return new

    return change


def text_cell(ref: str, text: bytes, style: int = 6) -> bytes:
    """An inline-string cell holding *text* (already XML-escaped bytes)."""
    return b'<c r="%s" s="%d" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), style, text)


def number_cell(ref: str, value: bytes, style: int = 7) -> bytes:
    """A number cell (style 7 is the template's date format)."""
    return b'<c r="%s" s="%d"><v>%s</v></c>' % (ref.encode(), style, value)


def append_rows(rows: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>", 1)


def zip_bytes(items: Iterable[tuple[str, bytes]], *, level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        for name, data in items:
            out.writestr(name, data)
    return buf.getvalue()


def with_members(
    path: Path,
    *,
    add: Iterable[tuple[str, bytes]] = (),
    stream: Iterable[tuple[str, Callable[[], Iterable[bytes]]]] = (),
    replace: dict[str, Callable[[], Iterable[bytes]]] | None = None,
) -> Path:
    """Rewrite *path* adding members; *stream* and *replace* members are written chunk by chunk
    (a bomb of hundreds of megabytes is never held in memory)."""
    items = members(path)
    replace = replace or {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info, data in items:
            if info.filename in replace:
                _write_chunks(out, info.filename, replace[info.filename]())
            else:
                out.writestr(info, data)
        for name, data in add:
            out.writestr(name, data)
        for name, chunks in stream:
            _write_chunks(out, name, chunks())
    return path


def _write_chunks(out: zipfile.ZipFile, name: str, chunks: Iterable[bytes]) -> None:
    info = zipfile.ZipInfo(name, (2026, 11, 25, 15, 30, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with out.open(info, "w", force_zip64=True) as fh:
        for chunk in chunks:
            fh.write(chunk)


def spaces(total: int, chunk: int = 4 * MB) -> Callable[[], Iterable[bytes]]:
    def gen() -> Iterable[bytes]:
        block = b" " * chunk
        for _ in range(total // chunk):
            yield block

    return gen


def padded_sheet(xml: bytes, total: int) -> Callable[[], Iterable[bytes]]:
    """The sheet's XML with *total* bytes of whitespace inside <sheetData>: valid XML, a bomb."""
    head, tail = xml.split(b"<sheetData>", 1)

    def gen() -> Iterable[bytes]:
        yield head + b"<sheetData>"
        yield from spaces(total)()
        yield tail

    return gen


def lie_about_size(data: bytes, name: str, claimed: int) -> bytes:
    """Patch the local header and central directory so member *name* claims *claimed* bytes."""
    raw = bytearray(data)
    for sig, size_at, name_len_at, header in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        i = 0
        while (i := raw.find(sig, i)) >= 0:
            n = int.from_bytes(raw[i + name_len_at : i + name_len_at + 2], "little")
            if raw[i + header : i + header + n] == name.encode():
                raw[i + size_at : i + size_at + 4] = claimed.to_bytes(4, "little")
            i += 4
    return bytes(raw)
