"""Zip members copied as compressed: the same bytes, CRCs that check, no inflating."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from zhenggai.io.xlsx_patch.copy import copy_member


class _Unseekable(io.RawIOBase):
    """A pipe-like sink: zipfile then writes each member with a data descriptor."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.buffer += data
        return len(data)


def _source(path: Path) -> dict[str, bytes]:
    members = {
        "[Content_Types].xml": b"<Types/>",
        "xl/worksheets/sheet1.xml": ("<row>" + "整改进展" * 20000 + "</row>").encode(),
        "xl/media/image1.png": os.urandom(50_000),  # incompressible, stored
        "docProps/app.xml": b"",
    }
    sink = _Unseekable()
    # streamed (sizes in data descriptors), at the fastest level: deflating again would differ
    with zipfile.ZipFile(sink, "w", compresslevel=1) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = (
                zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED
            )
            with zf.open(info, "w") as fh:
                fh.write(data)
    path.write_bytes(bytes(sink.buffer))
    return members


def test_every_member_copied_as_stored(tmp_path):
    src, dst = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    members = _source(src)
    with zipfile.ZipFile(src) as zin:
        assert any(i.flag_bits & 0x08 for i in zin.infolist())  # data descriptors present
        kinds = {i.compress_type for i in zin.infolist()}
        assert kinds == {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr("new.xml", b"<new/>")
            for info in zin.infolist():
                copy_member(zin, info, out)
            out.writestr("last.xml", b"<last/>")
        before = {i.filename: (i.CRC, i.compress_size, i.file_size) for i in zin.infolist()}
    with zipfile.ZipFile(dst) as zf:
        assert zf.testzip() is None
        assert {n: zf.read(n) for n in members} == members
        after = {i.filename: (i.CRC, i.compress_size, i.file_size) for i in zf.infolist()}
        assert zf.read("new.xml") == b"<new/>" and zf.read("last.xml") == b"<last/>"
    assert {n: after[n] for n in before} == before  # the compressed bytes were not redone
