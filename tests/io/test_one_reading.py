"""The guard and calamine read one document: the guard's parse decides what calamine gets.

Class 1 of the second audit: a regex guard and calamine's XML parser read
different things. Here the guard's scan of a sheet is compared with what
calamine really builds, for sheets generated at random in every way a writer
may spell them (references or none, lower case, prefixes, quotes, comments,
CDATA, empty cells); and the package's parts are refused when they are
ambiguous. Classes 2-4 (declared counts, panics, compression bombs) too.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import zipfile

import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhenggai.core.errors import WorkbookError
from zhenggai.io.calamine import open_package
from zhenggai.io.package import Package
from zhenggai.io.sheetscan import scan_sheet

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def book(
    sheet: bytes, *, workbook: bytes | None = None, rels: bytes | None = None, extra=()
) -> bytes:
    """A minimal xlsx around one sheet's XML (parts replaceable)."""
    workbook = workbook or (
        b"<workbook " + MAIN + b' xmlns:r="' + RELS_NS + b'"><sheets>'
        b'<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = rels or (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="'
        + RELS_NS
        + b'/worksheet" Target="worksheets/sheet1.xml"/>'
        b"</Relationships>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "_rels/.rels",
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="'
            + RELS_NS
            + b'/officeDocument" Target="xl/workbook.xml"/>'
            b"</Relationships>",
        )
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in extra:
            zf.writestr(name, data)
    return buf.getvalue()


def _letters(col: int, lower: bool) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out.lower() if lower else out


@st.composite
def sheets(draw: st.DrawFn) -> bytes:
    """Sheet XML as any writer might spell it, small enough for calamine to read safely."""
    prefix = draw(st.sampled_from(["", "x:"]))
    quote = draw(st.sampled_from(['"', "'"]))
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        row_ref = draw(st.none() | st.integers(1, 60))
        attrs = f" r={quote}{row_ref}{quote}" if row_ref else ""
        cells = []
        for _ in range(draw(st.integers(0, 5))):
            ref = draw(st.none() | st.tuples(st.integers(1, 40), st.integers(1, 60), st.booleans()))
            r = f" r={quote}{_letters(ref[0], ref[2])}{ref[1]}{quote}" if ref else ""
            body = draw(
                st.sampled_from(
                    [
                        "",
                        f"<{prefix}v>1</{prefix}v>",
                        f"<{prefix}is><{prefix}t>t</{prefix}t></{prefix}is>",
                        f"<{prefix}v><![CDATA[2]]></{prefix}v>",
                        f"<!-- <{prefix}c r='ZZ999'><{prefix}v>1</{prefix}v></{prefix}c> -->"
                        f"<{prefix}v>3</{prefix}v>",
                    ]
                )
            )
            t = " t='inlineStr'" if "is>" in body else ""
            cells.append(f"<{prefix}c{r}{t}>{body}</{prefix}c>" if body else f"<{prefix}c{r}/>")
        parts.append(f"<{prefix}row{attrs}>{''.join(cells)}</{prefix}row>")
    ns = f'xmlns:x="{MAIN.decode()[7:-1]}" ' if prefix else ""
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><{prefix}worksheet {ns}{MAIN.decode()}>"
        f"<{prefix}sheetData>{''.join(parts)}</{prefix}sheetData></{prefix}worksheet>"
    ).encode()


def _calamine_reach(xml: bytes) -> tuple[int, int]:
    grid = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(book(xml)))
        .get_sheet_by_name("S")
        .to_python(skip_empty_area=False)
    )
    cells = [(r, c) for r, row in enumerate(grid, 1) for c, v in enumerate(row, 1) if v != ""]
    return max((r for r, _ in cells), default=0), max((c for _, c in cells), default=0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_the_guard_places_every_value_where_calamine_does(xml):
    scan = scan_sheet(xml, part="S", strings=None, numbers=True)  # the full, event-by-event scan
    rows, cols = _calamine_reach(xml)
    assert scan.extent.rows >= rows and scan.extent.cols >= cols
    if b"CDATA" not in xml:  # calamine reads a CDATA value as empty; the guard counts it
        assert (scan.extent.rows, scan.extent.cols) == (rows, cols)
    # and the quick path never claims less than calamine reads
    quick = scan_sheet(xml, part="S", strings=None).extent
    assert quick.rows >= rows and quick.cols >= cols


def _refused(data: bytes, code: str) -> str:
    with pytest.raises(WorkbookError) as info:
        open_package(__import__("pathlib").Path("x.xlsx"), data)
    assert info.value.code == code, str(info.value)
    return str(info.value)


SHEET = (
    b"<worksheet "
    + MAIN
    + b"><sheetData><row r='1'><c r='A1'><v>1</v></c></row></sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("workbook", "code", "words"),
    [
        (  # two sheets of one name (calamine reads the first it finds by name)
            b'<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
            b'<sheet name="s" sheetId="2" r:id="rId1"/></sheets></workbook>',
            "file-unsafe",
            "重名",
        ),
        (  # a sheet with two relationship ids
            b'<workbook xmlns:r="r" xmlns:q="q"><sheets><sheet name="S" sheetId="1" r:id="rId1" '
            b'q:id="rId9"/></sheets></workbook>',
            "file-unsafe",
            "关系编号",
        ),
        (  # another encoding than calamine reads
            '<?xml version="1.0" encoding="GB18030"?><workbook/>'.encode("gb18030"),
            "file-unsupported",
            "GB18030",
        ),
        (b"<!DOCTYPE workbook><workbook/>", "file-unsafe", "DOCTYPE"),
        (b"<workbook><sheets><sheet name='S' r:id='rId1'></workbook>", "file-corrupt", "XML"),
    ],
)
def test_ambiguous_or_unparseable_parts_are_refused(workbook, code, words):
    assert words in _refused(book(SHEET, workbook=workbook), code)


def test_a_relationship_id_given_twice_is_refused_whichever_comes_first():
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b"<Relationship Id='rId1' Type='"
        + RELS_NS
        + b"/worksheet' Target='worksheets/sheet1.xml'/>"
        b"<Relationship Id='rId&#49;' Type='"
        + RELS_NS
        + b"/worksheet' Target='worksheets/far.xml'/>"
        b"</Relationships>"
    )
    assert "rId1" in _refused(book(SHEET, rels=rels), "file-unsafe")


def test_a_panic_becomes_the_files_problem_naming_the_cell_and_prints_nothing(capfd):
    styles = (
        b"<styleSheet "
        + MAIN
        + b"><numFmts count='1'><numFmt numFmtId='165' formatCode='[h]:mm:ss'/>"
        b"</numFmts><cellXfs count='2'><xf numFmtId='0'/><xf numFmtId='165'/></cellXfs></styleSheet>"
    )
    sheet = SHEET.replace(b"<c r='A1'><v>1</v></c>", b"<c r='A1'/><c r='B1' s='1'><v>-1e15</v></c>")
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="'
        + RELS_NS
        + b'/worksheet" Target="worksheets/sheet1.xml"/>'
        b'<Relationship Id="rId2" Type="'
        + RELS_NS
        + b'/styles" Target="styles.xml"/></Relationships>'
    )
    data = book(sheet, rels=rels, extra=[("xl/styles.xml", styles)])
    book_ = open_package(__import__("pathlib").Path("x.xlsx"), data)[0]
    with pytest.raises(WorkbookError) as info:
        book_.grid("S")
    assert info.value.code == "file-corrupt" and "B1：-1e15" in str(info.value)
    assert "panicked" not in capfd.readouterr().err


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, zipfile.ZIP_STORED])
def test_every_compression_method_is_read_within_its_declared_size(method):
    from tests.hostile.craft import lie_about_size

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook>" + b" " * (8 << 20) + b"</workbook>")
    data = lie_about_size(buf.getvalue(), "xl/workbook.xml", 1000)
    with pytest.raises(WorkbookError) as info:
        Package(data).read("xl/workbook.xml")
    assert info.value.code == "file-corrupt"


BOMB = """
import io, resource, sys, zipfile
sys.path[:0] = {path!r}
from tests.hostile.craft import lie_about_size
from zhenggai.io.calamine import open_package
from pathlib import Path
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_BZIP2) as zf:
    for name, data in [("xl/workbook.xml", b"<workbook/>")]:
        zf.writestr(name, data)
    zf.writestr("docProps/core.xml", b" " * (1600 << 20))  # 1.6 GB of bzip2: a few hundred bytes
data = lie_about_size(buf.getvalue(), "docProps/core.xml", 600)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from zhenggai.io.return_file import _core_modified
from zhenggai.io.package import Package
print(_core_modified(Package(data)), (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)
"""


@pytest.mark.slow
def test_a_bzip2_bomb_is_read_bounded(tmp_path):
    """1.6 GB of bzip2 claiming 600 bytes, read as the save-time part: a few MB, not 1.6 GB."""
    code = BOMB.format(path=sys.path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    modified, grown_mb = out.stdout.split()
    assert modified == "None" and int(grown_mb) < 50
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > 0
