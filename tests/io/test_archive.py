"""Zip attachments opened behind the returns' guards: what offices send, and what attackers send."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.support.mailbuild import craft_zip
from zhenggai.core.errors import WorkbookError
from zhenggai.core.problems import Code
from zhenggai.io.archive import MAX_MEMBERS, unpack_zip
from zhenggai.io.zipguard import MAX_ENTRIES


def test_windows_zip_with_gbk_names_and_folders():
    members = {
        "11月电子档案/1-1党组会议纪要.pdf": b"%PDF minutes",
        "11月电子档案/签到表.jpg": b"\xff\xd8jpg",
    }
    got = unpack_zip(craft_zip(members, gbk_names=True))
    assert [(m.parts, m.data) for m in got] == [
        (("11月电子档案", "1-1党组会议纪要.pdf"), b"%PDF minutes"),
        (("11月电子档案", "签到表.jpg"), b"\xff\xd8jpg"),
    ]


def test_utf8_flagged_names_and_junk_left_out():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("材料/", b"")
        zf.writestr("材料/纪要.pdf", b"pdf")
        zf.writestr("__MACOSX/材料/._纪要.pdf", b"junk")
        zf.writestr("材料/Thumbs.db", b"junk")
        zf.writestr("材料/.DS_Store", b"junk")
        zf.writestr("内层.zip", b"PK\x05\x06" + b"\0" * 18)
    assert [m.parts for m in unpack_zip(buf.getvalue())] == [("材料", "纪要.pdf"), ("内层.zip",)]


@pytest.mark.parametrize(
    "name",
    ["../../回收/evil.xlsx", "..\\..\\evil.pdf", "/etc/passwd", "C:\\Windows\\x.dll", "a/../../b"],
)
def test_path_like_member_refuses_the_whole_zip(name):
    data = craft_zip({"ok.pdf": b"fine", name: b"evil"})
    with pytest.raises(WorkbookError) as exc:
        unpack_zip(data)
    assert exc.value.code is Code.FILE_UNSAFE
    assert "路径" in str(exc.value)


def test_deflate_bomb_is_refused_before_inflating():
    bomb = craft_zip({"zeros.pdf": b"\0" * (40 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(WorkbookError) as exc:
        unpack_zip(bomb)
    assert exc.value.code is Code.FILE_TOO_LARGE
    assert "炸弹" in str(exc.value)


def test_huge_declared_size_is_refused():
    data = craft_zip({"big.pdf": b"small really"}, declared={"big.pdf": 0xFFFFFFF0})
    with pytest.raises(WorkbookError) as exc:
        unpack_zip(data)
    assert exc.value.code is Code.FILE_TOO_LARGE


def test_member_bigger_than_declared_is_not_read_past_its_size():
    data = craft_zip({"liar.pdf": b"x" * 200_000}, declared={"liar.pdf": 1000})
    with pytest.raises(WorkbookError) as exc:
        unpack_zip(data)
    assert exc.value.code in (Code.FILE_UNSAFE, Code.FILE_CORRUPT)


def test_too_many_entries_claimed_is_refused_from_the_end_record():
    data = craft_zip({"a.pdf": b"a"}, entries=MAX_ENTRIES + 1)
    with pytest.raises(WorkbookError) as exc:
        unpack_zip(data)
    assert exc.value.code is Code.FILE_TOO_LARGE


def test_more_files_than_are_saved_from_one_zip():
    data = craft_zip({f"p{i}.jpg": b"j" for i in range(MAX_MEMBERS + 1)})
    with pytest.raises(WorkbookError) as exc:
        unpack_zip(data)
    assert str(MAX_MEMBERS) in str(exc.value)


def test_bzip2_member_is_not_inflated():
    data = craft_zip({"a.pdf": b"a" * 1000}, method=zipfile.ZIP_BZIP2)
    with pytest.raises(WorkbookError) as exc:
        unpack_zip(data)
    assert exc.value.code is Code.FILE_UNSUPPORTED


def test_encrypted_member_is_refused():
    raw = bytearray(craft_zip({"secret.pdf": b"pdf"}, method=zipfile.ZIP_STORED))
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(sig)
        raw[at + flag_at] |= 0x1
    with pytest.raises(WorkbookError) as exc:
        unpack_zip(bytes(raw))
    assert exc.value.code is Code.FILE_ENCRYPTED


def test_damaged_zip():
    data = craft_zip({"a.pdf": b"a" * 5000})
    with pytest.raises(WorkbookError) as exc:
        unpack_zip(data[: len(data) // 2])
    assert exc.value.code in (Code.FILE_CORRUPT, Code.FILE_TOO_LARGE)
