"""The save's check reads back only what the xml patch rewrote, and refuses every wrong write.

Every file here is a real master saved by the real patch; the wrong writes
are real edits of its zip (:func:`tests.support.synthetic.rewrite_zip`): a
value changed, a cell moved to another row, a type changed, a style lost, a
sheet cut short or sheets reordered. Each must be refused with the Chinese
"保存校验失败" error, and a correct file of every value type accepted.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.support.office import XLSX, convert
from tests.support.synthetic import rewrite_zip
from zhenggai import WorkbookError
from zhenggai.core.changes import ChangeSet
from zhenggai.io import verify
from zhenggai.io.calamine import open_book
from zhenggai.io.master import OpenpyxlMaster
from zhenggai.io.verify import expected_cells, verify_patched
from zhenggai.io.xlsx_patch import patch
from zhenggai.io.xmlparts import sheet_parts

LEDGER_PART = "xl/worksheets/sheet1.xml"

# (row, col, value): every kind of value a command writes, text with XML specials,
# OOXML escapes, line breaks, spaces at the ends, control characters and formulas
VALUES: list[tuple[int, int, object]] = [
    (2, 13, "a<b & \"c\" > 'd'"),
    (3, 13, "_x000D_ stays as typed, _x005F_ too"),
    (4, 13, "第一行\r\n第二行\n\t缩进"),
    (5, 13, "  两端有空格  "),
    (6, 13, "响铃\x07与\x1f控制字符"),
    (7, 13, "=cmd|' /C calc'!A0"),
    (8, 14, date(2026, 11, 30)),
    (9, 14, datetime(2026, 11, 30, 9, 15, 42)),
    (10, 13, 42),
    (11, 13, -3.25),
    (12, 13, 12345678901234567),  # beyond 2**53: compared exactly
    (13, 13, True),
    (14, 13, False),
    (15, 13, ""),
    (16, 13, None),
    (17, 13, "12"),  # text that looks like a number stays text
    (30, 2, "新的一行"),  # a row the sheet did not have
]


def _changes() -> ChangeSet:
    changes = ChangeSet()
    for row, col, value in VALUES:
        changes.edit("台账", row, col, value)  # type: ignore[arg-type]
    changes.append("变更记录", [["2026-11-28 10:00", "测试", "办公室", "a.xlsx", "", "1"]])
    return changes


@pytest.fixture
def patched(demo_master: Path, tmp_path: Path) -> tuple[Path, Path, ChangeSet, dict[str, int]]:
    """(the master, its patched copy, the changes, first appended rows)."""
    out = tmp_path / "patched.xlsx"
    changes = _changes()
    done = patch(demo_master, out, changes)
    return demo_master, out, changes, done.appended


def _check(base: Path, out: Path, changes: ChangeSet, appended: dict[str, int]) -> None:
    names = list(sheet_parts_of(base))  # the patch never adds, removes or moves a sheet
    verify_patched(out, base, names, expected_cells(changes, appended))


def test_every_value_type_is_accepted_and_reads_back_as_written(patched):
    base, out, changes, appended = patched
    _check(base, out, changes, appended)
    grid = open_book(out, trusted=True).grid("台账")  # an independent reader agrees
    assert grid[1][12] == "a<b & \"c\" > 'd'"
    assert grid[2][12] == "_x000D_ stays as typed, _x005F_ too"
    assert grid[7][13] == date(2026, 11, 30)
    assert grid[11][12] == float(
        12345678901234567
    )  # calamine reads a float; the file has every digit
    assert grid[12][12] is True and grid[13][12] is False
    assert grid[14][12] is None and grid[15][12] is None


def test_the_save_uses_it_and_only_streams_the_parts_the_patch_rewrote(demo_master):
    changes = _changes()
    with OpenpyxlMaster.open(demo_master, op="测试") as master:
        master.apply(changes)
        result = master.save()
    assert result.replaced and result.engine == "xml"
    assert result.backup is not None
    counted = verify_patched(
        demo_master,
        result.backup,
        list(open_book(demo_master, trusted=True).sheet_names),
        expected_cells(changes, {"变更记录": _first_appended(demo_master)}),
    )
    parts = sheet_parts_of(demo_master)
    # the two changed sheets and styles.xml (workbook.xml and core.xml when they
    # changed): nothing else was read
    assert {parts["台账"], parts["变更记录"], "xl/styles.xml"} <= counted.keys()
    assert counted.keys() <= {
        parts["台账"],
        parts["变更记录"],
        "xl/styles.xml",
        "xl/workbook.xml",
        "docProps/core.xml",
    }


def sheet_parts_of(path: Path) -> dict[str, str]:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return sheet_parts(zf)


def _first_appended(path: Path) -> int:
    grid = open_book(path, trusted=True).grid("变更记录")
    return len(grid)  # the one appended row is the last


def _cell(row: int, col: str) -> re.Pattern[bytes]:
    return re.compile(rb'<c r="%s%d"[^>]*?(?:/>|>.*?</c>)' % (col.encode(), row), re.S)


def _sub(pattern: re.Pattern[bytes], new: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        out, n = pattern.subn(lambda m: new(m.group(0)), xml, count=1)
        assert n == 1, "the wrong write must hit the cell"
        return out

    return change


def _move_m2_to_row_3(xml: bytes) -> bytes:
    cell = _cell(2, "M").search(xml)
    assert cell is not None
    xml = xml.replace(cell.group(0), b"", 1)
    moved = cell.group(0).replace(b'r="M2"', b'r="M3"')
    xml = _cell(3, "M").sub(b"", xml, count=1)  # row 3's own M cell makes way
    return re.sub(rb'(<row r="3"[^>]*>)', lambda m: m.group(1) + moved, xml, count=1)


WRONG_WRITES: dict[str, Callable[[bytes], bytes]] = {
    "text changed": _sub(_cell(2, "M"), lambda c: c.replace(b"&amp;", b"and")),
    "escaped text decoded once too often": _sub(
        _cell(3, "M"), lambda c: c.replace(b"_x005F_x000D_", b"_x000D_")
    ),
    "line break lost": _sub(_cell(4, "M"), lambda c: c.replace(b"&#13;", b"")),
    "cell moved to another row": _move_m2_to_row_3,
    "cell left out": _sub(_cell(5, "M"), lambda c: b""),
    "date one day off": _sub(_cell(8, "N"), lambda c: c.replace(b"<v>46356", b"<v>46357")),
    "date without its date format": _sub(_cell(8, "N"), lambda c: re.sub(rb' s="\d+"', b"", c)),
    "number changed": _sub(_cell(10, "M"), lambda c: c.replace(b"<v>42</v>", b"<v>43</v>")),
    "big number off by one": _sub(_cell(12, "M"), lambda c: c.replace(b"4567<", b"4568<")),
    "number written as text": _sub(
        _cell(11, "M"),
        lambda c: b'<c r="M11" t="inlineStr"><is><t>-3.25</t></is></c>',
    ),
    "bool written as a number": _sub(_cell(13, "M"), lambda c: c.replace(b' t="b"', b"")),
    "emptied cell holds a value": _sub(
        _cell(15, "M"), lambda c: b'<c r="M15" t="inlineStr"><is><t>x</t></is></c>'
    ),
    "text that looks like a number written as a number": _sub(
        _cell(17, "M"), lambda c: b'<c r="M17"><v>12</v></c>'
    ),
    "sheet cut short": lambda xml: xml[: len(xml) // 2],
    "not well-formed after the edited rows": lambda xml: xml.replace(
        b"</sheetData>", b"</sheetDta>"
    ),
}


@pytest.mark.parametrize("wrong", sorted(WRONG_WRITES))
def test_a_wrong_write_is_refused(patched, wrong):
    base, out, changes, appended = patched
    rewrite_zip(out, {LEDGER_PART: WRONG_WRITES[wrong]})
    with pytest.raises(WorkbookError, match=r"^保存校验失败：.*台账未改动。$") as info:
        _check(base, out, changes, appended)
    assert str(info.value).count("保存校验失败") == 1


@pytest.mark.parametrize(
    ("old", "new", "col"), [("2026-11-28 10:00", "2026-11-28 10:01", 1), ("办公室", "人事科", 3)]
)
def test_every_appended_cell_is_checked(patched, old, new, col):
    base, out, changes, appended = patched
    part = sheet_parts_of(out)["变更记录"]
    row = appended["变更记录"]
    rewrite_zip(out, {part: lambda xml: xml.replace(old.encode(), new.encode())})
    with pytest.raises(WorkbookError, match=f"变更记录 第{row}行第{col}列"):
        _check(base, out, changes, appended)


def test_sheets_reordered_or_a_rewritten_part_broken_are_refused(patched):
    base, out, changes, appended = patched
    reordered = out.with_name("reordered.xlsx")
    shutil.copy(out, reordered)

    def swap(xml: bytes) -> bytes:
        sheets = re.findall(rb"<sheet [^>]*/>", xml)
        return xml.replace(sheets[0], b"\0").replace(sheets[1], sheets[0]).replace(b"\0", sheets[1])

    rewrite_zip(reordered, {"xl/workbook.xml": swap})
    with pytest.raises(WorkbookError, match="工作表与预期不一致"):
        _check(base, reordered, changes, appended)
    rewrite_zip(out, {"xl/styles.xml": lambda xml: xml[:-20]})
    with pytest.raises(WorkbookError, match=r"styles\.xml 不是完整的 XML"):
        _check(base, out, changes, appended)


@pytest.mark.parametrize("chunk", [7, 97, 4096])
def test_rows_across_chunk_boundaries(patched, monkeypatch, chunk):
    """Rows cut anywhere by the 1 MB reads (here a few bytes): found whole, checked right."""
    base, out, changes, appended = patched
    monkeypatch.setattr(verify, "CHUNK", chunk)
    _check(base, out, changes, appended)
    rewrite_zip(out, {LEDGER_PART: WRONG_WRITES["cell moved to another row"]})
    with pytest.raises(WorkbookError, match="保存校验失败"):
        _check(base, out, changes, appended)


def test_rows_without_their_number(demo_master, tmp_path):
    """Rows may omit ``r`` (each follows the one before): the check walks them."""
    rewrite_zip(demo_master, {LEDGER_PART: lambda xml: re.sub(rb'<row r="\d+"', b"<row", xml)})
    out = tmp_path / "patched.xlsx"
    changes = _changes()
    done = patch(demo_master, out, changes)
    _check(demo_master, out, changes, done.appended)

    def drop_row_5(xml: bytes) -> bytes:  # every row after it now one row up
        rows = re.findall(rb"<row\b.*?</row>", xml, re.S)
        return xml.replace(rows[4], b"", 1)

    rewrite_zip(out, {LEDGER_PART: drop_row_5})
    with pytest.raises(WorkbookError, match="台账 第5行"):
        _check(demo_master, out, changes, done.appended)


@pytest.mark.slow
def test_a_master_saved_by_libreoffice(demo_master, tmp_path):
    """LibreOffice writes shared strings, other row attributes and its own styles."""
    convert([demo_master], XLSX, tmp_path / "lo", profile=tmp_path / "profile")
    saved = tmp_path / "lo" / demo_master.name
    out = tmp_path / "patched.xlsx"
    changes = _changes()
    changes.edit("台账", 16, 2, None)  # a shared string cleared
    done = patch(saved, out, changes)
    _check(saved, out, changes, done.appended)
    rewrite_zip(out, {LEDGER_PART: WRONG_WRITES["date one day off"]})
    with pytest.raises(WorkbookError, match="第8行第14列"):
        _check(saved, out, changes, done.appended)


def test_a_kept_shared_string_is_read_from_the_table(demo_master, tmp_path):
    """An expected cell still holding a shared string (t="s") is compared by its text."""
    grid = open_book(demo_master, trusted=True).grid("台账")
    changes = ChangeSet()
    changes.edit("台账", 2, 13, "新进展")
    out = tmp_path / "patched.xlsx"
    done = patch(demo_master, out, changes)
    # the demo master holds 台账 B3 as a shared string: expect it as it is
    expected = expected_cells(changes, done.appended) | {("台账", 3, 2): grid[2][1]}
    names = list(open_book(out, trusted=True).sheet_names)
    verify_patched(out, demo_master, names, expected)
    with pytest.raises(WorkbookError, match="第3行第2列"):
        verify_patched(out, demo_master, names, expected | {("台账", 3, 2): "别的文字"})
