"""The XML-patch save writes what openpyxl would, keeps what openpyxl drops, and knows its limits.

Every comparison is between two real saves of the same change: one through
:mod:`zhenggai.io.xlsx_patch` (engine "xml"), one through openpyxl, both read back
with calamine and with openpyxl.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from tests.support.office import XLSX, convert
from tests.support.returns_kit import ISSUED, NOW
from tests.support.synthetic import rewrite_zip
from zhenggai import read_ledger
from zhenggai.core.changes import ChangeSet, Fill, SheetTable
from zhenggai.core.ledger import Ledger
from zhenggai.core.text import canonical
from zhenggai.demo.returns import fill_demo_returns
from zhenggai.io.calamine import CalamineBook, open_book
from zhenggai.io.master import OpenpyxlMaster, SaveResult, update_master
from zhenggai.io.xmlparts import sheet_parts
from zhenggai.overdue.run import OverdueResult, flag_overdue
from zhenggai.returns.consolidate import consolidate_folder
from zhenggai.template.make import make_templates


def _save(path: Path, changes: ChangeSet, engine: str) -> SaveResult:
    with OpenpyxlMaster.open(path, op="测试", engine=engine) as master:
        master.apply(changes)
        return master.save()


def _both(master: Path, tmp_path: Path, changes: ChangeSet) -> tuple[Path, Path]:
    """Save *changes* into two copies of *master*: (patched, through openpyxl)."""
    xml_dir, opx_dir = tmp_path / "xml", tmp_path / "openpyxl"
    for d in (xml_dir, opx_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    xml = Path(shutil.copy2(master, xml_dir / master.name))
    opx = Path(shutil.copy2(master, opx_dir / master.name))
    assert _save(xml, changes, "xml").engine == "xml"
    assert _save(opx, changes, "openpyxl").engine == "openpyxl"
    _well_formed(xml)
    return xml, opx


NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _well_formed(path: Path) -> None:
    """What Excel insists on and calamine forgives: rows and cells in order, counts right."""
    with zipfile.ZipFile(path) as zf:
        for part in sheet_parts(zf).values():
            root = ElementTree.fromstring(zf.read(part))
            numbers = []
            for row in root.iter(f"{NS}row"):
                numbers.append(int(row.get("r", (numbers or [0])[-1] + 1)))
                refs = [coordinate_from_string(c.get("r", "")) for c in row.iter(f"{NS}c")]
                assert all(r == numbers[-1] for _, r in refs), (part, numbers[-1])
                cols = [column_index_from_string(col) for col, _ in refs]
                assert cols == sorted(set(cols)), (part, numbers[-1], cols)
            assert numbers == sorted(set(numbers)), part
        styles = ElementTree.fromstring(zf.read("xl/styles.xml"))
        for tag in ("numFmts", "fills", "cellXfs"):
            block = styles.find(f"{NS}{tag}")
            if block is not None and block.get("count") is not None:
                assert int(block.get("count", "")) == len(block), tag


def _grids(book: CalamineBook) -> dict[str, list[list[str]]]:
    out = {}
    for name in book.sheet_names:
        rows = [[canonical(v) for v in row] for row in book.grid(name)]
        while rows and not any(rows[-1]):
            rows.pop()
        out[name] = [_trim(r) for r in rows]
    return out


def _trim(row: list[str]) -> list[str]:
    while row and not row[-1]:
        row = row[:-1]
    return row


def _same_content(a: Path, b: Path) -> None:
    ga, gb = _grids(open_book(a)), _grids(open_book(b))
    assert list(ga) == list(gb)
    for name in ga:
        assert ga[name] == gb[name], name


def _look(path: Path, sheet: str, cells: list[tuple[int, int]]) -> list[tuple[object, ...]]:
    """What openpyxl sees of each cell: value, fill colour, number format, quote prefix."""
    ws = openpyxl.load_workbook(path)[sheet]
    out = []
    for r, c in cells:
        cell = ws.cell(r, c)
        colour = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
        out.append((cell.value, colour, cell.number_format, cell.quotePrefix))
    return out


# --- a consolidation, both ways ---------------------------------------------------


def _consolidation(master: Path, returns: Path) -> ChangeSet:
    return consolidate_folder(read_ledger(master), returns, now=NOW).changes


def test_a_consolidation_patched_equals_the_openpyxl_save(demo_master, tmp_path):
    issued = make_templates(read_ledger(demo_master), now=ISSUED)
    fill_demo_returns(issued.folder, tmp_path / "回收")
    changes = _consolidation(demo_master, tmp_path / "回收")
    assert changes.edits and changes.appends and changes.tables
    xml, opx = _both(demo_master, tmp_path, changes)
    _same_content(xml, opx)
    edited = sorted({(e.row, e.col) for e in changes.edits if e.sheet == "台账"})
    assert _look(xml, "台账", edited) == _look(opx, "台账", edited)
    # the patched file is a consolidated master like any other: a second run finds nothing new
    again = _consolidation(xml, tmp_path / "回收")
    assert not [e for e in again.edits if e.sheet == "台账"]


def test_the_patch_leaves_every_other_part_byte_for_byte(demo_master, tmp_path):
    changes = ChangeSet()
    changes.edit("台账", 3, 13, "新的进展")
    with zipfile.ZipFile(demo_master) as before:
        old = {i.filename: before.read(i) for i in before.infolist()}
    assert _save(demo_master, changes, "auto").engine == "xml"
    with zipfile.ZipFile(demo_master) as after:
        new = {i.filename: after.read(i) for i in after.infolist()}
    changed = {n for n in old if old[n] != new.get(n)}
    assert sorted(new) == sorted(old)  # same members (styles.xml now comes last)
    assert changed <= {"xl/worksheets/sheet1.xml", "docProps/core.xml", "xl/workbook.xml"}
    assert "xl/worksheets/sheet1.xml" in changed


# --- values and formats ------------------------------------------------------------

TRICKY = [
    '=HYPERLINK("http://x")',
    "@SUM(A1)",
    "+1",
    "-cmd|' /C calc'!A0",
    "文字\n第二行",
    "含\x07响铃",
    "非字符\uffff",
    'a < b & c > d "引号"',
    "  前后空格  ",
    3,
    2.5,
    True,
    date(2026, 12, 31),
    datetime(2026, 11, 28, 9, 30),
    None,
    "",
]


def test_tricky_values_read_back_the_same_both_ways(demo_master, tmp_path):
    changes = ChangeSet()
    for i, value in enumerate(TRICKY):
        changes.edit("台账", 2 + i % 6, 12 + i // 6, value, fill=Fill.OVERDUE if i % 2 else None)
    xml, opx = _both(demo_master, tmp_path, changes)
    _same_content(xml, opx)
    cells = [(e.row, e.col) for e in changes.edits]
    assert _look(xml, "台账", cells) == _look(opx, "台账", cells)
    got = _look(xml, "台账", cells)
    formula = got[0]
    assert formula[0] == TRICKY[0] and formula[3] is True  # text, not a formula
    day, moment = TRICKY.index(date(2026, 12, 31)), TRICKY.index(datetime(2026, 11, 28, 9, 30))
    assert got[day][2] == "yyyy-mm-dd" and got[moment][2] == "yyyy-mm-dd hh:mm"
    assert got[1][1] == "00FFC7CE"
    assert got[TRICKY.index("非字符\uffff")][0] == "非字符\ufffd"  # XML cannot carry U+FFFF


def test_excel_escape_lookalikes_are_kept_literally(demo_master):
    changes = ChangeSet()
    changes.edit("台账", 2, 13, "编号_x0041_不变")
    _save(demo_master, changes, "xml")
    assert open_book(demo_master).grid("台账")[1][12] == "编号_x0041_不变"


# --- random changes: the property -------------------------------------------------

_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r_"), max_size=12
)
_value = st.one_of(
    _text,
    st.integers(-(10**9), 10**9),
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 3)),
    st.booleans(),
    st.dates(date(1900, 3, 1), date(2100, 1, 1)),
    st.none(),
)
_fill = st.one_of(st.none(), st.sampled_from(list(Fill)))


@st.composite
def _changes(draw: st.DrawFn) -> ChangeSet:
    cs = ChangeSet()
    for _ in range(draw(st.integers(0, 12))):
        row, col = draw(st.integers(2, 40)), draw(st.integers(1, 25))
        cs.edit("台账", row, col, draw(_value), fill=draw(_fill))
    for _ in range(draw(st.integers(0, 2))):
        cs.append("变更记录", draw(st.lists(st.lists(_value, max_size=9), min_size=1, max_size=4)))
    if draw(st.booleans()):
        rows = draw(st.lists(st.lists(_value, max_size=7), max_size=5))
        cs.table(
            SheetTable(
                "校验问题",
                ["时间", "单位", "文件", "工作表", "单元格", "编号", "问题", "原值", "处理"],
                rows,
                wrap={7},
                fills={(2, 3): Fill.CONFLICT} if rows else {},
            )
        )
    return cs


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@pytest.mark.slow
@given(changes=_changes())
def test_any_change_patched_equals_the_openpyxl_save(demo_master, tmp_path, changes):
    xml, opx = _both(demo_master, tmp_path, changes)
    _same_content(xml, opx)
    cells = sorted({(e.row, e.col) for e in changes.edits})
    assert _look(xml, "台账", cells) == _look(opx, "台账", cells)


# --- sheets as other programs write them --------------------------------------------


def _resaved_by_libreoffice(master: Path, out: Path) -> Path:
    convert([master], XLSX, out / "lo", profile=out / "lo-profile")
    return out / "lo" / master.name


@pytest.mark.libreoffice
def test_a_master_saved_by_libreoffice_patches_like_openpyxl(demo_master, tmp_path):
    """LibreOffice writes shared strings, spans and its own styles, as Excel does."""
    resaved = _resaved_by_libreoffice(demo_master, tmp_path)
    with zipfile.ZipFile(resaved) as zf:
        assert b't="s"' in zf.read("xl/worksheets/sheet1.xml")
    master = tmp_path / "台账.xlsx"
    shutil.copy2(resaved, master)
    changes = ChangeSet()
    changes.edit("台账", 2, 13, "改后的进展", fill=Fill.DONE)
    changes.edit("台账", 3, 1, date(2026, 12, 1))
    changes.append("变更记录", [["2026-11-28 10:00", "汇总", "办公室", "a.xlsx"]])
    xml, opx = _both(master, tmp_path, changes)
    _same_content(xml, opx)
    cells = [(2, 13), (3, 1)]
    assert _look(xml, "台账", cells) == _look(opx, "台账", cells)


@pytest.mark.libreoffice
def test_libreoffice_opens_a_patched_master(demo_master, tmp_path):
    issued = make_templates(read_ledger(demo_master), now=ISSUED)
    fill_demo_returns(issued.folder, tmp_path / "回收")
    changes = _consolidation(demo_master, tmp_path / "回收")
    assert _save(demo_master, changes, "xml").engine == "xml"
    resaved = _resaved_by_libreoffice(demo_master, tmp_path)
    for name in ("台账", "变更记录", "校验问题"):
        assert _grids(open_book(resaved))[name] == _grids(open_book(demo_master))[name], name


def _edit_sheet_xml(path: Path, change: Callable[[bytes], bytes]) -> None:
    """Rewrite the XML of the 台账 sheet of *path* with *change*."""
    with zipfile.ZipFile(path) as zf:
        part = sheet_parts(zf)["台账"]
    rewrite_zip(path, {part: change})


def test_rows_without_position_and_self_closing_rows(demo_master, tmp_path):
    """Row ``r`` is optional in the format; an empty row may be ``<row/>``."""

    def strip(xml: bytes) -> bytes:
        assert b'<row r="3"' in xml and b'<row r="45"' not in xml
        xml = xml.replace(b'<row r="3"', b"<row", 1)
        return xml.replace(b"</sheetData>", b'<row r="45" ht="30" customHeight="1"/></sheetData>')

    _edit_sheet_xml(demo_master, strip)
    changes = ChangeSet()
    changes.edit("台账", 3, 13, "第三行的新进展")
    changes.edit("台账", 60, 2, "原来没有的行")
    xml, opx = _both(demo_master, tmp_path, changes)
    _same_content(xml, opx)


def test_formatted_empty_rows_below_the_log_do_not_push_appended_rows_down(demo_master, tmp_path):
    wb = openpyxl.load_workbook(demo_master)
    ws = wb["变更记录"]
    last = ws.max_row
    for r in range(last + 1, last + 30):
        ws.cell(r, 2).fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    wb.save(demo_master)
    changes = ChangeSet()
    changes.append(
        "变更记录", [["2026-11-28 10:00", "汇总", "办公室"], ["2026-11-28 10:01", "汇总", "人事科"]]
    )
    xml, opx = _both(demo_master, tmp_path, changes)
    _same_content(xml, opx)
    log = open_book(xml).grid("变更记录")
    assert log[last][2] == "办公室" and log[last + 1][2] == "人事科"
    # the formatting further down is still there
    assert openpyxl.load_workbook(xml)["变更记录"].cell(last + 10, 2).fill.fgColor.rgb == "00FFFF00"


# --- what goes through openpyxl instead ---------------------------------------------


def test_a_shared_formula_in_an_edited_cell_goes_through_openpyxl(demo_master):
    def shared(xml: bytes) -> bytes:
        return re.sub(
            rb'<c r="M2"([^>]*?)(?:/>|>.*?</c>)',
            b'<c r="M2"><f t="shared" ref="M2:M3" si="0">1+1</f><v>2</v></c>',
            xml,
            count=1,
            flags=re.S,
        )

    _edit_sheet_xml(demo_master, shared)
    changes = ChangeSet()
    changes.edit("台账", 2, 13, "覆盖公式")
    result = _save(demo_master, changes, "auto")
    assert result.engine == "openpyxl" and "共享或数组公式" in result.fallback
    assert open_book(demo_master).grid("台账")[1][12] == "覆盖公式"


def test_new_sheets_and_charts_go_through_openpyxl(demo_master):
    changes = ChangeSet()
    changes.table(SheetTable("新表", ["甲"], [["1"]]))
    result = _save(demo_master, changes, "auto")
    assert result.engine == "openpyxl" and "新表" in result.fallback
    assert open_book(demo_master).grid("新表")[1][0] == "1"


def test_engine_xml_refuses_what_it_cannot_do_and_leaves_the_master(demo_master):
    from zhenggai import WorkbookError

    before = demo_master.read_bytes()
    changes = ChangeSet()
    changes.add_column("台账", 30, "新列")
    with pytest.raises(WorkbookError, match="新增列"):
        _save(demo_master, changes, "xml")
    assert demo_master.read_bytes() == before
    assert not list(demo_master.parent.glob(".~*"))


def _prose(rows: list[list[object]]) -> ChangeSet:
    changes = ChangeSet()
    changes.table(
        SheetTable("通报草稿", [], rows, widths={1: 90}, wrap={1}, title="关于整改进展情况的通报")  # type: ignore[arg-type]
    )
    return changes


def test_a_prose_sheet_with_a_title_line_is_patched_like_openpyxl_writes_it(demo_master, tmp_path):
    _save(demo_master, _prose([["旧的第一段"], ["旧的第二段"], ["旧的第三段"]]), "openpyxl")
    xml, opx = _both(demo_master, tmp_path, _prose([["新的第一段"], ["新的第二段"]]))
    _same_content(xml, opx)
    for path in (xml, opx):
        ws = openpyxl.load_workbook(path)["通报草稿"]
        title, first = ws["A1"], ws["A2"]
        assert (title.value, title.font.b, title.font.sz, title.font.name) == (
            "关于整改进展情况的通报",
            True,
            14,
            "微软雅黑",
        )
        assert (first.value, first.alignment.wrap_text, ws["A4"].value) == (
            "新的第一段",
            True,
            None,
        )
        assert ws.column_dimensions["A"].width == 90


# --- charts -------------------------------------------------------------------------


def _overdue(today: date) -> Callable[[Ledger], OverdueResult]:
    return lambda ledger: flag_overdue(ledger, today=today)


def _charts(path: Path, sheet: str) -> list[tuple[object, ...]]:
    """Each chart as openpyxl reads it back: kind, anchor, title, data and category ranges."""
    out = []
    for chart in openpyxl.load_workbook(path)[sheet]._charts:
        title = chart.title.tx.rich.p[0].r[0].t if chart.title and chart.title.tx else None
        data = [s.val.numRef.f for s in chart.series]
        cats = [(s.cat.strRef or s.cat.numRef).f for s in chart.series if s.cat]
        anchor = (chart.anchor._from.row, chart.anchor._from.col)
        out.append((type(chart).__name__, getattr(chart, "type", None), anchor, title, data, cats))
    return out


def test_charts_are_drawn_again_like_openpyxl_draws_them(demo_master, tmp_path):
    update_master(demo_master, op="逾期预警", plan=_overdue(date(2026, 11, 28)))  # draws them
    changes = flag_overdue(read_ledger(demo_master), today=date(2027, 3, 1)).changes
    assert any(t.charts for t in changes.tables)
    xml, opx = _both(demo_master, tmp_path, changes)
    _same_content(xml, opx)
    drawn = _charts(xml, "统计")
    assert len(drawn) == 2 and drawn == _charts(opx, "统计")
    with zipfile.ZipFile(demo_master) as a, zipfile.ZipFile(xml) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())  # the same parts, redrawn in place


def test_a_picture_beside_the_charts_sends_the_save_through_openpyxl(demo_master):
    update_master(demo_master, op="逾期预警", plan=_overdue(date(2026, 11, 28)))
    with zipfile.ZipFile(demo_master) as zf:
        drawing = next(n for n in zf.namelist() if n.startswith("xl/drawings/drawing"))

    def another_anchor(xml: bytes) -> bytes:  # as if the office had pasted a shape
        first = re.search(rb"<(\w+:)?oneCellAnchor\b.*?</\1?oneCellAnchor>", xml, re.S)
        assert first is not None
        return xml.replace(first.group(0), first.group(0) * 2, 1)

    rewrite_zip(demo_master, {drawing: another_anchor})
    changes = flag_overdue(read_ledger(demo_master), today=date(2027, 3, 1)).changes
    result = _save(demo_master, changes, "auto")
    assert result.engine == "openpyxl" and "图表与本次不同" in result.fallback


@pytest.mark.libreoffice
def test_libreoffice_opens_a_master_with_redrawn_charts(demo_master, tmp_path):
    update_master(demo_master, op="逾期预警", plan=_overdue(date(2026, 11, 28)))
    changes = flag_overdue(read_ledger(demo_master), today=date(2027, 3, 1)).changes
    assert _save(demo_master, changes, "xml").engine == "xml"
    resaved = _resaved_by_libreoffice(demo_master, tmp_path)
    with zipfile.ZipFile(resaved) as zf:
        assert len([n for n in zf.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]) == 2
    assert _grids(open_book(resaved))["统计"] == _grids(open_book(demo_master))["统计"]
