"""Hostile packages are refused from the zip directory, and far values before calamine reads a sheet."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import write_book
from zhenggai.core.errors import WorkbookError
from zhenggai.io.calamine import open_book, open_package
from zhenggai.io.package import Package
from zhenggai.io.sheetscan import check_extent, scan_sheet
from zhenggai.io.xmlparts import book_map
from zhenggai.io.zipguard import check_members, dimension_area, entry_count


def measure(xml: bytes, *, sheet: str = "填报"):
    return check_extent(scan_sheet(xml, part=sheet, strings=1).extent, sheet=sheet)


def _zip(items, *, level=6):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        for name, data in items:
            out.writestr(name, data)
    return buf.getvalue()


def _refused(data, code="file-too-large"):
    with pytest.raises(WorkbookError) as info:
        open_package(Path("x.xlsx"), data)
    assert info.value.code == code, str(info.value)
    return str(info.value)


def test_entry_count_comes_from_the_end_record_zip64_included():
    data = _zip([(f"f{i}", b"") for i in range(3)])
    assert entry_count(data) == 3
    # a zip64 end record: the classic record says 0xFFFF, the real count is in the zip64 one
    zip64 = b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, 70_000, 70_000, 0, 0)
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, 0, 1)
    classic = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 0xFFFF, 0xFFFF, 0, 0, 0)
    assert entry_count(zip64 + locator + classic) == 70_000
    assert entry_count(b"no end record") is None


def test_many_entries_are_refused_before_the_directory_is_read():
    # The end record claims 60,000 members and the directory is garbage: parsing it would
    # say "corrupt"; the count alone refuses the file first.
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 60_000, 60_000, 10, 0, 0)
    assert "60000" in _refused(b"PK\x03\x04" + b"\0" * 100 + end)


def test_ratio_entry_size_and_total_limits():
    _refused(_zip([("xl/workbook.xml", b" " * (30 * 1024 * 1024))]))  # ratio ~1000
    small = b"\0" * (19 * 1024 * 1024 // 10)  # under the ratio floor, 250 of them past 400 MB
    message = _refused(_zip([(f"xl/media/i{i}.bin", small) for i in range(250)], level=1))
    assert "共超过" in message


def test_a_bomb_inside_the_sheet_xml_is_refused_before_calamine_parses_it(tmp_path):
    # The bomb is also broken XML: had it been parsed, the problem would be file-corrupt.
    good = write_book(tmp_path / "g.xlsx", {"填报": [["编号"], ["1"]]})
    with zipfile.ZipFile(good) as zf:
        items = [(i.filename, zf.read(i)) for i in zf.infolist()]
    bomb = b"<worksheet><sheetData>" + b"<" * (40 * 1024 * 1024)
    data = _zip([(n, bomb if n.endswith("sheet1.xml") else d) for n, d in items])
    _refused(data)


@pytest.mark.parametrize(
    "name", ["../../evil.sh", "/etc/cron.d/evil", "xl\\..\\..\\evil.bat", "C:/Windows/evil.dll"]
)
def test_path_like_member_names_are_unsafe(name):
    with (
        zipfile.ZipFile(
            io.BytesIO(_zip([("xl/workbook.xml", b"<workbook/>"), (name, b"x")]))
        ) as zf,
        pytest.raises(WorkbookError) as info,
    ):
        check_members(zf)
    assert info.value.code == "file-unsafe" and "路径" in str(info.value)


def test_backslashes_alone_are_not_unsafe():
    with zipfile.ZipFile(io.BytesIO(_zip([("xl\\media\\image1.png", b"x")]))) as zf:
        check_members(zf)


def _sheet(rows: bytes) -> bytes:
    return (
        b'<worksheet xmlns="x"><dimension ref="A1:C3"/><sheetData>'
        + rows
        + b"</sheetData></worksheet>"
    )


def test_extent_of_an_ordinary_sheet_is_cheap_and_small():
    xml = _sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C3"><v>1</v></c></row>')
    assert measure(xml).area <= 999 * 26


@pytest.mark.parametrize(
    ("rows", "far"),
    [
        (b'<row r="1048576"><c r="P1048576" t="inlineStr"><is><t>x</t></is></c></row>', "P1048576"),
        (
            b'<row r="2"><c r="XFD2"><v>1</v></c></row><row r="900000"><c r="A900000"><v>1</v></c></row>',
            "XFD2",
        ),
        # written without references: each row and cell follows the previous one
        (b'<row r="1048575"/><row><c><v>1</v></c><c><v>2</v></c></row>', "A1048576"),
        (b'<x:row r="5000"><x:c r="ZZ5000"><x:v>1</x:v></x:c></x:row>', "ZZ5000"),
        (b"<row r='1048576'><c r='Q1048576'><v>1</v></c></row>", "Q1048576"),
    ],
)
def test_a_value_far_away_is_refused_naming_its_cell(rows, far):
    with pytest.raises(WorkbookError) as info:
        measure(_sheet(rows))
    assert (info.value.code, info.value.sheet, info.value.cell) == ("file-too-large", "填报", far)


def test_formatted_empty_cells_do_not_count():
    rows = b"".join(
        b'<row r="%d" s="3" customFormat="1"><c r="A%d" s="3"/><c r="P%d" s="3"/></row>' % (r, r, r)
        for r in range(1, 200_000)
    )
    extent = measure(_sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>' + rows))
    assert (extent.rows, extent.cols) == (1, 1)


def test_dimension_area():
    assert dimension_area(b'<dimension ref="A1:U50001"/>') == 21 * 50001
    assert dimension_area(b'<dimension ref="A1"/>') == 1
    assert dimension_area(b"<sheetData/>") is None


def test_book_map_and_references_in_xml_text():
    wb = (
        b'<workbook><sheets><sheet name="&#22635;&#25253;" sheetId="1" r:id="rId1"/>'
        b'<sheet name="A &amp; B" sheetId="2" r:id="rId2"/></sheets></workbook>'
    )
    ws = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    rels = (
        b'<Relationships><Relationship Id="rId1" Type="%s" Target="worksheets/../worksheets/sheet1.xml"/>'
        b'<Relationship Id="rId2" Type="%s" Target="/xl/worksheets/sheet2.xml"/></Relationships>'
    ) % (ws, ws)
    data = _zip(
        [
            ("xl/workbook.xml", wb),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/worksheets/sheet1.xml", b"<worksheet/>"),
            ("xl/worksheets/sheet2.xml", b"<worksheet/>"),
        ]
    )
    assert {s.name: s.member for s in book_map(Package(data)).sheets} == {
        "填报": "xl/worksheets/sheet1.xml",
        "A & B": "xl/worksheets/sheet2.xml",
    }


def test_a_far_value_never_reaches_calamine(tmp_path):
    """Without the guard calamine would try to allocate ~550 GB and abort the process."""
    path = write_book(tmp_path / "far.xlsx", {"填报": [["编号"], ["1"]]})
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["填报"]["XFD1048576"] = "x"
    wb.save(path)
    code = (
        "import sys\nfrom zhenggai.io.calamine import open_book\nfrom zhenggai.core.errors import WorkbookError\n"
        "try:\n    open_book(sys.argv[1]).grid('填报')\n"
        "except WorkbookError as e:\n    print(e.code, e.cell)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert (out.returncode, out.stdout.split()) == (0, ["file-too-large", "XFD1048576"])


def test_the_master_is_trusted_by_its_dimension(tmp_path):
    path = write_book(tmp_path / "m.xlsx", {"台账": [["编号"], *([str(i)] for i in range(2000))]})
    assert len(open_book(path, trusted=True).grid("台账")) == 2001
    assert len(open_book(path).grid("台账")) == 2001
