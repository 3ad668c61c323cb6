"""XlwingsMaster: the same ChangeSet gives the same cells as OpenpyxlMaster, writing only changes."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.xl_addin.payload import payload
from tests.xl_addin.replay import Excel, replay, typed
from xl_addin.cells import excel_value, runs
from xl_addin.master import XlwingsMaster, same_value
from zhenggai.core.changes import ChangeSet, ChartSpec, Fill, SheetTable
from zhenggai.core.errors import WorkbookError
from zhenggai.core.sheets import LEDGER
from zhenggai.core.text import Value
from zhenggai.io.calamine import open_book as open_file
from zhenggai.io.master import OpenpyxlMaster, read_ledger

FORMULAS = ["=1+1", "=cmd|' /C calc'!A0", "+86 10 1234", "-已完成", "@SUM(A1)", "＝1", "  =1", "|x"]


def _changes(master: Path) -> ChangeSet:
    """Edits, appends and output sheets touching every part of the adapter."""
    table = read_ledger(master).table
    col = table.columns
    row2, row3, row4 = (r.number for r in table.rows[:3])
    cs = ChangeSet()
    cs.edit("台账", row2, col["status"], "正在整改", fill=Fill.OVERDUE)
    cs.edit("台账", row3, col["status"], table.rows[1]["status"], fill=Fill.DONE)  # unchanged value
    cs.edit("台账", row2, col["progress"], FORMULAS[1])
    cs.edit("台账", row3, col["progress"], "00123")
    cs.edit("台账", row4, col["progress"], "（一）按期推进")
    cs.edit("台账", row2, col["done_date"], date(2026, 11, 20))
    cs.edit("台账", row4, col["done_date"], None, fill=Fill.NONE)
    cs.append(
        "变更记录",
        [[datetime(2026, 11, 28, 10, 5), "汇总", "办公室", "=A1"], ["2026-11-28", "撤销"]],
    )
    cs.append("发送记录", [["时间", "单位"], [datetime(2026, 11, 28, 9, 0), "宣传科"]])
    cs.add_column("台账", 22, "问题金额", width=14)  # zhenggai import adds columns so
    cs.append("台账", [["99", *[None] * 20, 12.5]])
    rows: list[list[Value]] = [
        ["办公室", 3, 2, 2 / 3],
        ["宣传科", 4, 1, 0.25],
        ["=危险", 1, 0, 0.0],
    ]
    cs.table(
        SheetTable(
            "统计",
            ["单位", "事项", "已完成", "完成率"],
            rows,
            title="各单位整改统计",
            fills={(3, 4): Fill.DUE_7, (4, 4): Fill.OVERDUE},
            number_formats={4: "0.00%"},
            wrap={1},
            charts=[
                ChartSpec("bar", "完成率", 1, (4,), "F2", 3, 5, "完成率"),
                ChartSpec("column", "事项", 1, (2, 3), "F20", 3, 5),
                ChartSpec("column", "不相邻", 1, (2, 4), "F40", 3, 5),
            ],
        )
    )
    return cs


def _with_openpyxl(master: Path, changes: ChangeSet, tmp_path: Path) -> Path:
    copy = tmp_path / "cli" / master.name
    copy.parent.mkdir()
    shutil.copy2(master, copy)
    with OpenpyxlMaster.open(copy, op="测试") as m:
        m.apply(changes)
        m.save()
    return copy


def _with_xlwings(master: Path, changes: ChangeSet, open_book) -> tuple[Excel, object]:
    book = open_book(master)
    applied = XlwingsMaster(book).write(changes)
    return replay(payload(master), book.json()["actions"]), applied


def _fill(cell: openpyxl.cell.cell.Cell) -> str | None:
    if cell.fill.fill_type != "solid":
        return None
    return "#" + str(cell.fill.fgColor.rgb)[-6:].upper()


def _same_grid(a: list[list[Value]], b: list[list[Value]]) -> bool:
    width = max((len(r) for r in a + b), default=0)
    rows = max(len(a), len(b))
    pad = [[*r, *[None] * (width - len(r))] for r in a] + [[None] * width] * (rows - len(a))
    pad_b = [[*r, *[None] * (width - len(r))] for r in b] + [[None] * width] * (rows - len(b))
    return all(
        same_value(x, y)
        for ra, rb in zip(pad, pad_b, strict=True)
        for x, y in zip(ra, rb, strict=True)
    )


def test_both_adapters_write_the_same_cells_and_fills(
    demo_master: Path, open_book, tmp_path: Path
) -> None:
    changes = _changes(demo_master)
    cli = _with_openpyxl(demo_master, changes, tmp_path)
    excel, applied = _with_xlwings(demo_master, changes, open_book)

    file = open_file(cli)
    assert excel.names == file.sheet_names
    for name in ("台账", "变更记录", "发送记录", "统计"):
        assert _same_grid(excel[name].grid(), file.grid(name)), name

    wb = openpyxl.load_workbook(cli)
    for sheet in ("台账", "统计"):
        for (r, c), colour in excel[sheet].fills.items():
            assert _fill(wb[sheet].cell(r, c)) == colour, (sheet, r, c)
    for e in changes.edits:
        if e.fill is not None:
            assert excel[e.sheet].fills[(e.row, e.col)] == (f"#{e.fill}" if e.fill else None)
    assert excel["统计"].fills[(4, 4)] == "#FFC7CE"
    assert applied.charts == 2 and applied.charts_skipped == 1
    assert [c[1] for c in excel["统计"].charts] == ["BarClustered", "ColumnClustered"]
    assert [c[3] for c in excel["统计"].charts] == ["$D$2:$D$5", "$B$2:$C$5"]


def test_only_changed_cells_are_written(demo_master: Path, open_book) -> None:
    table = read_ledger(demo_master).table
    cs = ChangeSet()
    for row in table.rows:
        for key in ("status", "progress", "done_date", "id"):
            cs.edit("台账", row.number, table.columns[key], row[key])
    changed = table.rows[5]
    cs.edit("台账", changed.number, table.columns["progress"], "新的进展")
    book = open_book(demo_master)
    applied = XlwingsMaster(book).write(cs)
    writes = [a for a in book.json()["actions"] if a["func"] == "setValues"]
    assert (applied.cells, applied.unchanged) == (1, 4 * len(table.rows) - 1)
    assert [(a["start_row"] + 1, a["start_column"] + 1, a["values"]) for a in writes] == [
        (changed.number, table.columns["progress"], [["新的进展"]])
    ]


def test_a_columns_edits_go_in_one_assignment(demo_master: Path, open_book) -> None:
    """Rows 2-5 and 7 edited: one assignment from 2 to 7, row 6 written back as it was."""
    col = read_ledger(demo_master).table.columns["warning"]
    cs = ChangeSet()
    for r in (2, 3, 4, 7):
        cs.edit("台账", r, col, f"已逾期{r}天", fill=Fill.OVERDUE)
    cs.edit("台账", 5, col, "正常", fill=Fill.NORMAL)
    book = open_book(demo_master)
    XlwingsMaster(book).write(cs)
    actions = book.json()["actions"]
    values = [(a["start_row"] + 1, a["row_count"]) for a in actions if a["func"] == "setValues"]
    colours = [
        (a["start_row"] + 1, a["row_count"], a["args"][0])
        for a in actions
        if a["func"] == "setRangeColor"
    ]
    assert values == [(2, 6)]
    excel = replay(payload(demo_master), actions)
    before = replay(payload(demo_master), [])
    assert excel[LEDGER].values[(6, col)] == before[LEDGER].values[(6, col)]
    assert [excel[LEDGER].values[(r, col)] for r in (2, 5, 7)] == ["已逾期2天", "正常", "已逾期7天"]
    assert sorted(colours) == [(2, 3, "#FFC7CE"), (5, 1, "#C6EFCE"), (7, 1, "#FFC7CE")]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_is_written_as_text(demo_master: Path, open_book, text: str) -> None:
    table = read_ledger(demo_master).table
    cs = ChangeSet()
    cs.edit("台账", table.rows[0].number, table.columns["progress"], text)
    cs.append("变更记录", [[text]])
    cs.table(SheetTable("通报草稿", [], [[text]]))
    book = open_book(demo_master)
    XlwingsMaster(book).write(cs)
    written = [a["values"] for a in book.json()["actions"] if a["func"] == "setValues"]
    assert written == [[["'" + text]]] * 3
    excel = replay(payload(demo_master), book.json()["actions"])
    assert excel["台账"].values[(table.rows[0].number, table.columns["progress"])] == text


@given(st.text())
def test_any_text_reads_back_unchanged(text: str) -> None:
    # typed() raises when text reaches Excel unquoted although Excel could parse it.
    assert typed(excel_value(text)) == (text or None)


def test_appends_go_below_the_last_row_each_time(demo_master: Path, open_book) -> None:
    book = open_book(demo_master)
    master = XlwingsMaster(book)
    for i in range(2):
        cs = ChangeSet()
        cs.append("变更记录", [[f"第{i}次", "汇总"], [f"第{i}次", "汇总"]])
        assert master.write(cs).rows == 2
    excel = replay(payload(demo_master), book.json()["actions"])
    assert [r[0] for r in excel["变更记录"].grid()] == ["时间", "第0次", "第0次", "第1次", "第1次"]


def test_a_missing_standard_sheet_is_added_before_meta_with_its_header(
    tmp_path: Path, demo_master: Path, open_book
) -> None:
    wb = openpyxl.load_workbook(demo_master)
    del wb["冲突"]
    wb.save(demo_master)
    cs = ChangeSet()
    cs.append("冲突", [["a.xlsx", "办公室"]])
    book = open_book(demo_master)
    XlwingsMaster(book).write(cs)
    excel = replay(payload(demo_master), book.json()["actions"])
    assert excel.names[-2:] == ["冲突", "_meta"]
    assert excel["冲突"].grid()[0][:3] == ["文件", "单位", "编号"]
    assert excel["冲突"].grid()[1][:2] == ["a.xlsx", "办公室"]
    assert excel["冲突"].fills[(1, 1)] == "#DCE6F1"


def test_edit_of_a_missing_sheet_is_refused(demo_master: Path, open_book) -> None:
    cs = ChangeSet()
    cs.edit("不存在", 1, 1, "x")
    with pytest.raises(WorkbookError, match="缺少工作表“不存在”"):
        XlwingsMaster(open_book(demo_master)).write(cs)


def test_rewriting_an_output_sheet_deletes_its_old_charts(demo_master: Path, monkeypatch) -> None:
    import xlwings

    data = payload(demo_master)
    stats = next(s for s in data["sheets"] if s["name"] == "统计")
    stats["charts"] = [{"name": "Chart 1", "chart_type": "BarClustered"}]
    monkeypatch.chdir(demo_master.parent)
    book = xlwings.Book(json=data)
    cs = ChangeSet()
    cs.table(SheetTable("统计", ["单位"], [["办公室"]]))
    XlwingsMaster(book).write(cs)
    funcs = [a["func"] for a in book.json()["actions"]]
    # A new header ("单位" alone): the sheet is cleared whole and styled afresh.
    assert funcs[:3] == ["deleteChart", "sheetClear", "setValues"]
    assert "freezePaneAtRange" in funcs


def test_runs() -> None:
    assert list(runs([(5, "c"), (2, "a"), (3, "b")])) == [(2, ["a", "b"]), (5, ["c"])]
    assert list(runs([])) == []


def test_an_engine_without_freeze_panes_still_gets_every_value(
    demo_master: Path, open_book, monkeypatch
) -> None:
    # xlwings' Windows engine (Excel itself) has no freeze panes in 0.37.8: its Sheet
    # inherits base_classes.Sheet.freeze_panes, which raises NotImplementedError.
    from xlwings import base_classes
    from xlwings.pro import _xlremote

    monkeypatch.setattr(_xlremote.Sheet, "freeze_panes", base_classes.Sheet.freeze_panes)
    wb = openpyxl.load_workbook(demo_master)
    del wb["冲突"]
    wb.save(demo_master)
    cs = _changes(demo_master)
    cs.append("冲突", [["a.xlsx", "办公室"]])
    book = open_book(demo_master)
    XlwingsMaster(book).write(cs)
    excel = replay(payload(demo_master), book.json()["actions"])
    assert not [f for f in excel.done if f.startswith("freezePane")]
    assert excel["统计"].grid()[1] == ["单位", "事项", "已完成", "完成率"]
    assert excel["冲突"].grid()[1][:2] == ["a.xlsx", "办公室"]
