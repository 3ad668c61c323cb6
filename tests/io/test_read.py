from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest

from tests.conftest import write_book
from zhenggai import WorkbookError
from zhenggai.core.grid import find_header, read_table
from zhenggai.core.spec import default_spec
from zhenggai.io.calamine import open_book
from zhenggai.io.formats import detect_format


def test_header_found_below_title_rows_and_addresses_are_excel_cells(tmp_path):
    path = write_book(
        tmp_path / "t.xlsx",
        {
            "台账": [
                ["××局意识形态督查问题整改台账"],
                ["填报单位：办公室", None, None, "2026年11月"],
                [],
                [None, "序号", "存在问题", "整改措施", "责任单位", "整改时限", "整改状态"],
                [None, "00123", "问题甲", "措施甲", "办公室", date(2024, 6, 30), "正在整改"],
                [None, 7, "问题乙", "措施乙", "宣传科", "2024年底前", "已完成"],
                [None, None, None, None, None, None, None],
            ]
        },
    )
    table = read_table(open_book(path).grid("台账"), default_spec(), sheet="台账")
    assert table.header.row == 4
    assert table.columns["id"] == 2
    assert [r.number for r in table] == [5, 6]
    first, second = table.rows
    assert first["id"] == "00123"  # text that looks like a number stays text
    assert second["id"] == "7"  # a number in a text column becomes its shortest text
    assert first["deadline"] == date(2024, 6, 30)
    assert second["deadline"] == "2024年底前"
    assert first.cell("status") == "G5"
    assert table.by_id()["7"].number == 6


def test_text_is_normalised_but_not_coerced(tmp_path):
    path = write_book(
        tmp_path / "t.xlsx",
        {
            "S": [
                ["编号", "整改状态", "整改进展", "完成时间"],
                ["1", "\u3000已完成 ", "第一行\r\n第二行  \n", "2024-06-30"],
                ["2", "正在整改", 12.5, datetime(2024, 7, 1, 0, 0)],
            ]
        },
    )
    table = read_table(open_book(path).grid("S"), default_spec(), sheet="S")
    one, two = table.rows
    assert one["status"] == "已完成"
    assert one["progress"] == "第一行\n第二行"
    assert one["done_date"] == "2024-06-30"  # text in a date column is kept for validation
    assert two["progress"] == "12.5"
    assert two["done_date"] == date(2024, 7, 1)
    assert one.raw["status"] == "\u3000已完成 "


def test_no_header_is_a_clear_error(tmp_path):
    path = write_book(tmp_path / "t.xlsx", {"S": [["甲", "乙"], [1, 2]]})
    with pytest.raises(WorkbookError, match="找不到表头") as info:
        read_table(open_book(path).grid("S"), default_spec(), sheet="S")
    assert info.value.code == "header-not-found"


def test_duplicate_header_is_reported(tmp_path):
    path = write_book(
        tmp_path / "t.xlsx",
        {"S": [["编号", "整改状态", "状态", "整改状态"], ["1", "已完成", "x", "y"]]},
    )
    table = read_table(open_book(path).grid("S"), default_spec(), sheet="S")
    assert [p.as_tuple() for p in table.problems] == [("S", "D1", "header-duplicate")]
    assert table.rows[0]["status"] == "已完成"
    assert find_header(open_book(path).grid("S"), default_spec()).extra == {3: "状态"}


def _ole(path, streams):
    """A real compound file holding *streams* (name -> bytes), written with our CFB writer."""
    from xl_addin.build.cfb import Storage, write_storage

    path.write_bytes(write_storage(Storage(children=dict(streams))))
    return path


@pytest.mark.parametrize(
    ("content", "fmt", "code"),
    [
        (b"", "empty", "file-empty"),
        (b"hello, not a workbook", "other", "file-not-workbook"),
        ({"Workbook": b"\x09\x08" + b"\x00" * 600}, "xls", "file-unsupported"),
        (
            {"EncryptionInfo": b"\x04\x00" * 100, "EncryptedPackage": b"\x00" * 5000},
            "encrypted",
            "file-encrypted",
        ),
        ({"WordDocument": b"\x00" * 600}, "other", "file-not-workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "corrupt", "file-corrupt"),
    ],
    ids=["empty", "text", "old-xls", "encrypted", "word-doc", "broken-ole"],
)
def test_bad_files_raise_with_a_code(tmp_path, content, fmt, code):
    path = tmp_path / "x.xlsx"
    if isinstance(content, dict):
        _ole(path, content)
    else:
        path.write_bytes(content)
    assert detect_format(path) == fmt
    with pytest.raises(WorkbookError) as info:
        open_book(path)
    assert info.value.code == code
    assert str(info.value)  # a Chinese sentence, not an empty message


def test_truncated_zip_is_corrupt(tmp_path):
    good = write_book(tmp_path / "good.xlsx", {"S": [["编号"], ["1"]]})
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[:-200])
    with pytest.raises(WorkbookError) as info:
        open_book(bad)
    assert info.value.code == "file-corrupt"


def test_zip_bomb_refused_before_parsing(tmp_path):
    good = write_book(tmp_path / "good.xlsx", {"S": [["编号"], ["1"]]})
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/padding.bin", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(WorkbookError) as info:
        open_book(bomb)
    assert info.value.code == "file-too-large"


def test_missing_file(tmp_path):
    with pytest.raises(WorkbookError, match="找不到文件"):
        open_book(tmp_path / "none.xlsx")
