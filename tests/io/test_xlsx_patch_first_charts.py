"""The first ``overdue`` on a master is patched too: 统计 gets its first table and charts.

A new master's 统计 holds one placeholder line, no header and no drawing. Its
first table (styled header, frozen pane) and charts (new drawing and chart
parts, their relationships and content types) are written by the patch, not
by an openpyxl load of the whole master; every comparison is with the openpyxl
save of the same change, read back by calamine, openpyxl and LibreOffice.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.io.test_xlsx_patch import (
    _both,
    _charts,
    _grids,
    _resaved_by_libreoffice,
    _same_content,
    _save,
)
from zhenggai import read_ledger
from zhenggai.core.changes import ChangeSet, SheetTable
from zhenggai.io.calamine import open_book
from zhenggai.io.master import update_master
from zhenggai.io.xmlparts import sheet_parts
from zhenggai.overdue.run import flag_overdue


def _first_overdue(master: Path) -> ChangeSet:
    with zipfile.ZipFile(master) as zf:
        part = sheet_parts(zf)["统计"]
        assert b"<drawing" not in zf.read(part)  # never drawn: the first run
        assert not any(n.startswith("xl/charts/") for n in zf.namelist())
    return flag_overdue(read_ledger(master), today=date(2026, 11, 28)).changes


def _header(path: Path) -> list[tuple[object, ...]]:
    """The 统计 header row as openpyxl reads it: value, font, fill, border, alignment; the pane."""
    ws = openpyxl.load_workbook(path)["统计"]
    out: list[tuple[object, ...]] = [(ws.freeze_panes,)]
    for cell in ws[2]:
        out.append(
            (
                cell.value,
                cell.font.name,
                cell.font.b,
                cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None,
                cell.border.left.style,
                cell.border.bottom.color.rgb if cell.border.bottom.color else None,
                cell.alignment.horizontal,
                cell.alignment.wrap_text,
            )
        )
    return out


def test_the_first_overdue_is_patched_like_openpyxl_writes_it(demo_master, tmp_path):
    changes = _first_overdue(demo_master)
    xml, opx = _both(demo_master, tmp_path, changes)
    _same_content(xml, opx)
    drawn = _charts(xml, "统计")
    assert len(drawn) == 2 and drawn == _charts(opx, "统计")
    header = _header(xml)
    assert header == _header(opx)
    assert header[0] == ("A3",) and header[1][1:4] == ("微软雅黑", True, "00DCE6F1")


def test_a_second_run_redraws_the_charts_the_first_patched_run_drew(demo_master, tmp_path):
    first = _save(demo_master, _first_overdue(demo_master), "auto")
    assert first.engine == "xml", first.fallback
    with zipfile.ZipFile(demo_master) as zf:
        parts = sorted(zf.namelist())
    changes = flag_overdue(read_ledger(demo_master), today=date(2027, 3, 1)).changes
    again = _save(demo_master, changes, "auto")
    assert again.engine == "xml", again.fallback
    with zipfile.ZipFile(demo_master) as zf:
        assert sorted(zf.namelist()) == parts  # redrawn in place, nothing added twice
    assert len(_charts(demo_master, "统计")) == 2


def test_the_first_charts_take_part_names_and_ids_not_in_use(demo_master, tmp_path):
    """A workbook that already has drawings and charts elsewhere (an office's own chart sheet)."""
    update_master(
        demo_master, op="逾期预警", plan=lambda led: flag_overdue(led, today=date(2026, 11, 28))
    )
    other = tmp_path / "other.xlsx"
    shutil.copy2(demo_master, other)
    # the drawn master's 统计 becomes another sheet's picture of charts: rename it away
    wb = openpyxl.load_workbook(other)
    wb["统计"].title = "旧统计"
    wb.create_sheet("统计", 0)["A1"] = "（占位）"
    wb.save(other)
    changes = flag_overdue(read_ledger(other), today=date(2027, 3, 1)).changes
    xml, opx = _both(other, tmp_path, changes)
    _same_content(xml, opx)
    assert _charts(xml, "统计") == _charts(opx, "统计")
    assert len(_charts(xml, "旧统计")) == 2  # the old ones kept
    with zipfile.ZipFile(xml) as zf:
        charts = [n for n in zf.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]
        assert len(charts) == len(set(charts)) == 4
        types = zf.read("[Content_Types].xml")
        assert all(b'PartName="/%s"' % n.encode() in types for n in charts)


def test_a_sheet_with_a_pane_but_no_header_format_still_goes_through_openpyxl(demo_master):
    changes = ChangeSet()
    changes.table(SheetTable("统计", ["甲", "乙"], [["1", "2"]]))
    wb = openpyxl.load_workbook(demo_master)
    wb["统计"].freeze_panes = "A4"  # a pane the office set: the header's place is unknown
    wb.save(demo_master)
    result = _save(demo_master, changes, "auto")
    assert result.engine == "openpyxl" and result.fallback.startswith("统计: ")


@pytest.mark.libreoffice
def test_libreoffice_opens_a_master_with_first_patched_charts(demo_master, tmp_path):
    assert _save(demo_master, _first_overdue(demo_master), "xml").engine == "xml"
    resaved = _resaved_by_libreoffice(demo_master, tmp_path)
    with zipfile.ZipFile(resaved) as zf:
        assert len([n for n in zf.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]) == 2
    assert _grids(open_book(resaved))["统计"] == _grids(open_book(demo_master))["统计"]
