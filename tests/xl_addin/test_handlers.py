"""Each button's handler on a real xlwings Book built from a real master workbook.

The Book is ``xlwings.Book(json=payload)`` (see payload.py): what the handler
writes comes back as the actions of ``book.json()``, which replay.py plays onto
the workbook as Excel would. Files the handlers write (templates, feedback)
are checked on disk.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings

from tests.support.returns_kit import issue
from tests.xl_addin.payload import payload
from tests.xl_addin.replay import Excel, replay
from xl_addin.buttons import handler
from xl_addin.master import XlwingsMaster, same_value
from zhenggai.core.ledger import Ledger, plan_and_write
from zhenggai.core.sheets import (
    BULLETIN,
    CHANGES,
    CONFLICTS,
    LEDGER,
    PROBLEMS,
    REPORT,
    RETURNS,
    REVIEW,
    STATS,
)
from zhenggai.core.text import cn_date
from zhenggai.demo.returns import fill_demo_returns
from zhenggai.documents import bulletin, report
from zhenggai.documents.bulletin import draft_bulletin
from zhenggai.io.calamine import open_book as open_file
from zhenggai.io.master import OpenpyxlMaster, read_ledger, update_master
from zhenggai.overdue import review
from zhenggai.overdue import run as overdue
from zhenggai.returns.consolidate import consolidate_folder
from zhenggai.study.export import read_export_file
from zhenggai.study.history import Period
from zhenggai.study.run import plan_study
from zhenggai.template import make as templates
from zhenggai.template.names import TEMPLATE_SHEET

WORKBOOKS = Path(__file__).parents[2] / "workbooks"

NOW = datetime(2026, 11, 28, 10, 30)
TODAY = NOW.date()


def _run(book: xlwings.Book, handler: Callable[[xlwings.Book], None], master: Path) -> Excel:
    handler(book)
    return replay(payload(master), book.json()["actions"])


@pytest.fixture
def status_bar(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Give the JSON engine Excel's status bar, recording what the handler shows."""
    from xlwings.pro import _xlremote

    shown: list[object] = []
    monkeypatch.setattr(
        _xlremote.App,
        "status_bar",
        property(lambda self: shown[-1], lambda self, v: shown.append(v)),
    )
    return shown


def test_make_templates(
    demo_master: Path, open_book, status_bar: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the demo's 报送截止 (12月5日前) is in time for its November batch only
    monkeypatch.setenv("ZHENGGAI_TODAY", "2026-11-28")
    ledger = read_ledger(demo_master)
    book = open_book(demo_master)
    excel = _run(book, handler("make_templates"), demo_master)

    files = sorted((demo_master.parent / "下发").glob("*/*.xlsx"))
    units = [u.name for u in ledger.units]
    assert sorted(p.name.split("-")[0] for p in files) == sorted(units)
    for path in files:
        assert open_file(path).sheet_names == [TEMPLATE_SHEET, "_meta"]
    returns = excel[RETURNS.name].grid()
    assert returns[0][: len(RETURNS.headers)] == list(RETURNS.headers)
    issued = RETURNS.column("下发文件") - 1
    assert [(r[1], r[issued]) for r in returns[1:]] == [
        (u, next(p.name for p in files if p.name.startswith(u + "-"))) for u in units
    ]
    assert all(isinstance(r[RETURNS.column("下发时间") - 1], datetime) for r in returns[1:])
    batch = files[0].parent.name
    assert excel.alerts == [
        f"已为 {len(units)} 个单位生成{batch}填报模板，保存在 {files[0].parent}，并已在“回收情况”登记下发。"
    ]
    assert status_bar[0] == "生成模板：读取台账…"
    assert f"生成模板：1/{len(units)} {units[0]}" in status_bar
    assert status_bar[-1] is False


def _returned(master: Path, *, conflict: bool = False) -> Path:
    """The master after templates were issued and the demo units sent theirs back to 回收/.

    With *conflict*, staff also changed in the master a 整改进展 that a unit changed.
    """
    folder = next(iter(issue(master).values())).parent
    fill_demo_returns(folder, master.parent / "回收")
    if conflict:
        ledger = read_ledger(master)
        result = consolidate_folder(ledger, now=NOW)
        change = next(c for f in result.files for c in f.changes if c.key == "progress")
        row = ledger.table.by_id()[change.id]
        wb = openpyxl.load_workbook(master)
        wb[LEDGER].cell(row.number, row.columns["progress"], "办公室在台账里改过的进展")
        wb.save(master)
    return master


def test_consolidate(demo_master: Path, open_book, status_bar: list[object]) -> None:
    master = _returned(demo_master)
    want = consolidate_folder(read_ledger(master))
    excel = _run(open_book(master), handler("consolidate"), master)

    table = read_ledger(master).table
    for f in want.files:
        for change in f.changes:
            row = table.by_id()[change.id]
            value = excel[LEDGER].values[(row.number, table.columns[change.key])]
            assert same_value(value, change.new), (change.id, change.key)
    log = excel[CHANGES.name].grid()
    assert len(log) - 1 == want.n_changes > 0
    problems = excel[PROBLEMS.name].grid()
    assert {r[1] for r in problems[1:] if r[1]} >= {"宣传教育科", "人事科"}
    feedback = sorted((master.parent / "反馈").rglob("*.xlsx"))
    assert [p.name for p in feedback] == ["人事科-问题清单.xlsx", "宣传教育科-问题清单.xlsx"]
    assert all(open_file(p).grid("问题清单") for p in feedback)
    [message] = excel.alerts
    assert message.startswith(f"共 {len(want.files)} 个文件，修改 {want.n_changes} 处，冲突 0 处。")
    assert "问题清单 2 份" in message and "尚未报送：舆情信息科" in message
    assert CONFLICTS.name in excel.names
    assert f"一键汇总：1/{len(want.files)} " in " ".join(str(s) for s in status_bar)
    assert status_bar[-1] is False


def test_flag_overdue(demo_master: Path, open_book, status_bar: list[object]) -> None:
    book = open_book(demo_master)
    excel = _run(book, handler("flag_overdue"), demo_master)
    want = overdue.flag_overdue(read_ledger(demo_master), today=date.today())
    col = read_ledger(demo_master).table.columns["warning"]
    ledger = excel[LEDGER]
    assert [ledger.values[(i.row, col)] for i in want.items] == [i.text for i in want.items]
    # The colours are conditional-formatting rules on the column, not a fill per cell.
    assert not [key for key in ledger.fills if key[1] == col]
    assert [ledger.shown_fill(i.row, col) for i in want.items] == [f"#{i.fill}" for i in want.items]
    assert {i.text[:3] for i in want.items} >= {"已逾期"}  # the demo has overdue items
    stats = excel[STATS.name].grid()
    assert [row[1] for row in stats[2:-1]] == [u.unit for u in want.units]
    assert [c[1] for c in excel[STATS.name].charts] == ["BarClustered", "ColumnClustered"]
    [message] = excel.alerts
    assert message.startswith(f"截至{cn_date(date.today())}，共 {len(want.items)} 条：已逾期 ")
    assert status_bar[0] == "逾期预警：读取台账…" and status_bar[-1] is False


def test_bulletin_sheet_and_word_file_never_overwritten(demo_master: Path, open_book) -> None:
    book = open_book(demo_master)
    excel = _run(book, handler("bulletin"), demo_master)
    want = draft_bulletin(read_ledger(demo_master), today=date.today()).document
    grid = excel[BULLETIN.name].grid()
    assert [row[0] for row in grid] == [want.title, *(p.text for p in want.paras)]
    word = demo_master.parent / f"督查通报-{cn_date(date.today())}.docx"
    assert word.is_file()
    assert excel.alerts == [f"督查通报草稿已写入“{BULLETIN.name}”表，Word 文件：{word}"]
    handler("bulletin")(open_book(demo_master))
    assert word.with_name(f"{word.stem}（2）.docx").is_file()


def test_review(demo_master: Path, open_book) -> None:
    book = open_book(demo_master)
    excel = _run(book, handler("review"), demo_master)
    want = review.follow_up_review(read_ledger(demo_master), today=date.today())
    grid = excel[REVIEW.name].grid()
    assert grid[1][:3] == ["编号", "责任单位", "整改措施"]
    assert [row[0] for row in grid[2:]] == want.pending and want.pending
    assert excel.alerts == [f"待复查 {len(want.pending)} 条，已列入“{REVIEW.name}”表。"]


def _reviewed(master: Path) -> Path:
    """The master after a first 回头看, with staff marking item 1 as 反弹."""
    update_master(
        master, op="回头看", plan=lambda ledger: review.follow_up_review(ledger, today=TODAY)
    )
    wb = openpyxl.load_workbook(master)
    ws = wb[REVIEW.name]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "1")
    for col, value in ((7, TODAY), (8, "张三"), (9, "会议纪要不全"), (10, "是")):
        ws.cell(row, col, value)
    wb.save(master)
    return master


def test_review_sends_relapsed_items_back(demo_master: Path, open_book) -> None:
    master = _reviewed(demo_master)
    table = read_ledger(master).table
    first = table.by_id()["1"]
    excel = _run(open_book(master), handler("review"), master)
    assert excel[LEDGER].values[(first.number, table.columns["status"])] == "正在整改"
    log = excel[CHANGES.name].grid()
    assert [r[5:9] for r in log[1:]][-1][:3] == ["1", "整改状态", "已完成"]
    assert "因反弹退回“正在整改” 1 条：1" in excel.alerts[0]


def test_draft_report(demo_master: Path, open_book) -> None:
    book = open_book(demo_master)
    excel = _run(book, handler("draft_report"), demo_master)
    want = report.draft_report(read_ledger(demo_master), today=date.today())
    grid = excel[REPORT.name].grid()
    assert grid[0][0] == want.document.title
    assert [row[0] for row in grid[1:]] == [p.text for p in want.document.paras]
    word = demo_master.parent / f"整改情况报告-{cn_date(date.today())}.docx"
    assert word.is_file()
    [message] = excel.alerts
    assert f"完成率 {want.stats.rate_text}" in message and str(word) in message


# --- the same library result through both adapters ------------------------------------------


def _both(
    master: Path, plan: Callable[[Ledger], Any], open_book, tmp_path: Path
) -> tuple[Any, Any]:
    """Run *plan* through the one read → plan → write path on both writers:
    OpenpyxlMaster on a copy of the file, XlwingsMaster on a Book of it."""
    copy = tmp_path / "cli" / master.name
    copy.parent.mkdir()
    shutil.copy2(master, copy)
    with OpenpyxlMaster.open(copy, op="测试") as m:
        plan_and_write(m, plan)
    book = open_book(master)
    plan_and_write(XlwingsMaster(book), plan)
    return copy, replay(payload(master), book.json()["actions"])


def _same(a: list[list[Any]], b: list[list[Any]]) -> bool:
    width = max((len(r) for r in a + b), default=0)
    rows = [[*r, *[None] * (width - len(r))] for r in a]
    other = [[*r, *[None] * (width - len(r))] for r in b]
    return len(rows) == len(other) and all(
        same_value(x, y)
        for ra, rb in zip(rows, other, strict=True)
        for x, y in zip(ra, rb, strict=True)
    )


PLANS: dict[str, Callable[[Path], Callable[[Ledger], Any]]] = {
    "make_templates": lambda out: lambda ledger: templates.make_templates(ledger, now=NOW, out=out),
    # The returns folder beside the original master (the CLI's copy lives in cli/).
    "consolidate": lambda out: (
        lambda ledger: consolidate_folder(ledger, out.parent / "回收", now=NOW)
    ),
    "flag_overdue": lambda _: lambda ledger: overdue.flag_overdue(ledger, today=TODAY),
    "bulletin": lambda _: lambda ledger: bulletin.draft_bulletin(ledger, today=TODAY),
    "review": lambda _: lambda ledger: review.follow_up_review(ledger, today=TODAY, now=NOW),
    "draft_report": lambda _: lambda ledger: report.draft_report(ledger, today=TODAY),
    "import_study": lambda _: (
        lambda ledger: plan_study(
            ledger,
            [read_export_file(WORKBOOKS / "学习积分导出-2026年11月.xlsx")],
            period=Period(2026, 11),
            now=NOW,
        )
    ),
}

#: Buttons whose handler has no plan for the ledger that the CLI could run too.
NO_LEDGER_PLAN = {
    "mail_drafts": "writes .eml drafts only (test_handlers_more)",
    "remind": "writes .eml drafts only (test_handlers_more)",
    "check_return": "reads only (test_handlers_more)",
    "undo_consolidate": "the add-in's own undo; the CLI restores a backup (test_history)",
    "selftest": "writes a 自检 sheet, not the ledger (test_handlers_more)",
    "collect_mail": "reads a mailbox (test_collect_mail; the CLI's in tests/collect)",
}


@pytest.mark.parametrize("name", [*sorted(PLANS), "review-relapse", "consolidate-conflict"])
def test_library_result_gives_the_same_cells_through_both_adapters(
    name: str, demo_master: Path, open_book, tmp_path: Path
) -> None:
    if name == "review-relapse":
        name, demo_master = "review", _reviewed(demo_master)
    elif name == "consolidate-conflict":
        name, demo_master = "consolidate", _returned(demo_master, conflict=True)
        assert consolidate_folder(read_ledger(demo_master), now=NOW).n_conflicts == 1
    elif name == "consolidate":
        demo_master = _returned(demo_master)
    cli, excel = _both(demo_master, PLANS[name](tmp_path / "out"), open_book, tmp_path)
    file = open_file(cli)
    assert excel.names == file.sheet_names
    touched = [
        s for s in file.sheet_names if excel[s].values != replay(payload(demo_master), [])[s].values
    ]
    assert touched, "the plan changed nothing"
    for sheet in file.sheet_names:
        assert _same(excel[sheet].grid(), file.grid(sheet)), sheet
    wb = openpyxl.load_workbook(cli)
    for sheet in excel.names:
        shown = excel[sheet]
        # Every fill the add-in wrote, and every cell its conditional formats colour.
        cells = set(shown.fills) | {
            (r, c)
            for (r, c) in shown.values
            for first, col, last, _ in shown.rules
            if c == col and first <= r <= last
        }
        for r, c in cells:
            fill = wb[sheet].cell(r, c).fill
            got = "#" + str(fill.fgColor.rgb)[-6:].upper() if fill.fill_type == "solid" else None
            assert got == shown.shown_fill(r, c), (sheet, r, c)


def test_every_handler_is_checked_through_both_adapters() -> None:
    from xl_addin.buttons import HANDLERS

    assert set(PLANS) | set(NO_LEDGER_PLAN) == set(HANDLERS)
    assert not set(PLANS) & set(NO_LEDGER_PLAN)
