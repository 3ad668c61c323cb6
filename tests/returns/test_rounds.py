"""Consolidation that stays true round after round, on ledgers imported as offices keep them.

The master is imported from three companies' own files (one sheet per
inspection, 序号 restarting on each sheet, 是否整改完成 and no 佐证材料 column);
returns are renamed by units and mail clients, re-saved by LibreOffice, sent
twice, corrected after the deadline.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from tests.support.group import GroupWorld, grids, group_world, rename
from zhenggai import read_ledger
from zhenggai.core.lifecycle import IGNORED, OPEN, RESOLVED
from zhenggai.core.logs import ReturnsLog
from zhenggai.core.sheets import PROBLEMS, RETURNS
from zhenggai.documents.bulletin import draft_bulletin
from zhenggai.io.calamine import open_book
from zhenggai.io.master import update_master
from zhenggai.returns.consolidate import Verdict, consolidate
from zhenggai.returns.feedback import write_feedback

ISSUED = datetime(2026, 11, 20, 9, 0)
ON_TIME = datetime(2026, 11, 25, 10, 0)  # before 报送截止 12月5日前 (2026-12-05)
LATE = datetime(2026, 12, 7, 16, 0)
NOW = datetime(2026, 12, 8, 9, 0)
SHEETS = ("台账", "校验问题", "回收情况", "冲突")


@pytest.fixture
def world(tmp_path: Path) -> GroupWorld:
    w = group_world(tmp_path / "集团")
    w.issue(ISSUED)
    return w


def _run(master: Path, files: list[Path], root: Path, now: datetime = NOW):
    return update_master(
        master, op="汇总", plan=lambda ledger: consolidate(ledger, files, root=root, now=now)
    )


def _problems(master: Path) -> list[dict[str, object]]:
    grid = open_book(master).grid(PROBLEMS.name)
    return [dict(zip(grid[0], row, strict=False)) for row in grid[1:]]


def _a_returns(w: GroupWorld, folder: Path) -> tuple[Path, Path]:
    """A公司's first return (on time, with mistakes) and its correction (after the deadline)."""
    a = w.templates["2026年11月"]["A公司"]
    r2, r3 = w.rid("A公司", "A公司审计措施二"), w.rid("A公司", "A公司审计措施三")
    first = w.fill(
        a,
        rename(a.name, "回复：{name}"),
        {
            (r2, "status"): "已完戍",  # a typo: with it, 完成时间 and 佐证材料 are held back
            (r2, "done_date"): date(2026, 11, 18),
            (r2, "evidence"): "资产清查报告",
            (r2, "progress"): "资产清查已完成",
            (r3, "done_date"): "2026年11月18日",  # typed as text
        },
        saved=ON_TIME,
        folder=folder,
    )
    second = w.fill(
        a,
        rename(a.name, "第二次-{name}"),
        {
            (r2, "status"): "已完成",
            (r2, "done_date"): date(2026, 11, 18),
            (r2, "evidence"): "资产清查报告",
            (r2, "progress"): "资产清查已完成",
            (r3, "done_date"): date(2025, 6, 30),
            (r3, "evidence"): "督办台账",
        },
        saved=LATE,
        folder=folder,
    )
    return first, second


@pytest.mark.libreoffice
def test_first_on_time_correction_late_one_run_or_two_rounds_same_master(world, tmp_path):
    stage = tmp_path / "收件"
    first, second = _a_returns(world, stage)
    world.libreoffice(first, saved=ON_TIME)  # A公司 works in LibreOffice Calc
    b_template = world.templates["2026年11月"]["B公司"]
    b = world.fill(
        b_template,
        rename(b_template.name, "Re_ {name}"),
        saved=datetime(2026, 12, 1, 9),
        folder=stage,
    )
    again = stage / rename(first.name, "{stem}(1){suffix}")  # the same mail saved twice
    shutil.copy(first, again)

    one, two = tmp_path / "一次.xlsx", tmp_path / "两次.xlsx"
    shutil.copy(world.master, one)
    shutil.copy(world.master, two)
    result, _ = _run(one, [first, second, b, again], stage)
    _run(two, [first, b], stage)
    _run(two, [first, second, b, again], stage)

    assert grids(one, SHEETS) == grids(two, SHEETS)
    verdicts = {f.file: f.verdict for f in result.files}
    assert verdicts == {
        first.name: Verdict.SUPERSEDED,
        second.name: Verdict.APPLIED,
        b.name: Verdict.APPLIED,
        again.name: Verdict.DUPLICATE,
    }
    log = ReturnsLog.from_grid(open_book(one).grid(RETURNS.name))
    a_row = log.get("2026年11月", "A公司")
    assert (a_row["回收时间"], a_row["回收文件"], a_row["文件保存时间"]) == (
        ON_TIME,
        second.name,
        LATE,
    )
    # the bulletin judges punctuality on the first return: A公司 is on time
    text = "\n".join(
        p.text for p in draft_bulletin(read_ledger(one), today=NOW.date()).document.paras
    )
    assert "按时报送的有2个单位：A公司、B公司。" in text
    assert "逾期报送" not in text and "C公司" in text
    # the first file's problems were settled by the correction, in either path
    a_problems = [p for p in _problems(one) if p["单位"] == "A公司" and p["工作表"] == "填报"]
    assert {(p["代码"], p["状态"]) for p in a_problems} == {
        ("status-invalid", RESOLVED),
        ("date-invalid", RESOLVED),
        ("done-needs-evidence", RESOLVED),
    }
    assert all(p["文件"] == first.name and p["批次"] == "2026年11月" for p in a_problems)


def test_open_problems_survive_a_run_that_brings_another_units_file(world, tmp_path):
    """The regression: consolidating one more file cut 校验问题 to that file's problems."""
    folder = world.returns
    first, _ = _a_returns(world, folder)
    _run(world.master, [first], folder)
    opened = [p for p in _problems(world.master) if p["状态"] == OPEN and p["工作表"] == "填报"]
    assert len(opened) == 3
    b_template = world.templates["2026年11月"]["B公司"]
    r = world.rid("B公司", "B公司审计措施二")
    b = world.fill(b_template, b_template.name, {(r, "progress"): "清查过半"}, saved=LATE)
    result, _ = _run(world.master, [first, b], folder, now=datetime(2026, 12, 9, 9))
    assert [f.verdict for f in result.files] == [Verdict.DUPLICATE, Verdict.APPLIED]
    still = [p for p in _problems(world.master) if p["状态"] == OPEN and p["工作表"] == "填报"]
    assert still == opened  # same rows, same 首次发现 (2026-12-08), nothing lost
    assert {p["首次发现"] for p in still} == {NOW.date()}
    row = ReturnsLog.from_grid(open_book(world.master).grid(RETURNS.name)).get(
        "2026年11月", "A公司"
    )
    assert row["问题数"] == 3


def test_a_units_later_return_settles_its_problems_and_staff_ignored_ones_stay(world):
    folder = world.returns
    first, second = _a_returns(world, folder)
    second.unlink()
    result, _ = _run(world.master, [first], folder)
    written = write_feedback(result)
    assert [p.name for p in written] == ["A公司-问题清单.xlsx"]
    listed = open_book(written[0]).grid("问题清单")[4:]
    assert [row[4] for row in listed] == ["status-invalid", "date-invalid", "done-needs-evidence"]
    # staff decide the text date needs no action
    _set_state(world.master, "date-invalid", "忽略")
    # A公司 sends a file that corrects the status but still has the text date
    a = world.templates["2026年11月"]["A公司"]
    r2, r3 = world.rid("A公司", "A公司审计措施二"), world.rid("A公司", "A公司审计措施三")
    fixed = world.fill(
        a,
        a.name,
        {
            (r2, "status"): "已完成",
            (r2, "done_date"): date(2026, 11, 18),
            (r2, "evidence"): "资产清查报告",
            (r3, "done_date"): "2026年11月18日",
        },
        saved=LATE,
    )
    result, _ = _run(world.master, [first, fixed], folder, now=datetime(2026, 12, 9, 9))
    states = {
        p["代码"]: p["状态"]
        for p in _problems(world.master)
        if p["单位"] == "A公司" and p["工作表"] == "填报"
    }
    assert states == {
        "status-invalid": RESOLVED,
        "date-invalid": IGNORED,  # found again, and staff's choice stands
        "done-needs-evidence": OPEN,  # r3 claims 已完成 with no 佐证材料, still
    }
    assert read_ledger(world.master).table.by_id()[r2].values["status"] == "已完成"
    listed = open_book(write_feedback(result)[0]).grid("问题清单")[4:]
    assert [row[4] for row in listed] == ["done-needs-evidence"]


def _set_state(master: Path, code: str, state: str) -> None:
    wb = openpyxl.load_workbook(master)
    ws = wb[PROBLEMS.name]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, header.index("代码") + 1).value == code:
            ws.cell(r, header.index("状态") + 1, state)
    wb.save(master)


def test_an_older_file_arriving_in_a_later_round_gives_the_same_first_time(world, tmp_path):
    stage = tmp_path / "收件"
    first, second = _a_returns(world, stage)
    one, two = tmp_path / "一次.xlsx", tmp_path / "倒序.xlsx"
    shutil.copy(world.master, one)
    shutil.copy(world.master, two)
    _run(one, [first, second], stage)
    _run(two, [second], stage)  # the correction came first, the first return later
    _run(two, [second, first], stage)
    for master in (one, two):
        row = ReturnsLog.from_grid(open_book(master).grid(RETURNS.name)).get("2026年11月", "A公司")
        assert (row["回收时间"], row["回收文件"]) == (ON_TIME, second.name)
    assert grids(one, ("台账", "回收情况")) == grids(two, ("台账", "回收情况"))
    open_one = [p for p in _problems(one) if p["状态"] == OPEN]
    assert open_one == [p for p in _problems(two) if p["状态"] == OPEN]


def test_consolidating_the_same_folder_twice_changes_nothing(world):
    folder = world.returns
    first, second = _a_returns(world, folder)
    _run(world.master, [first, second], folder)
    before = grids(world.master, SHEETS)
    result, saved = _run(world.master, [first, second], folder, now=datetime(2026, 12, 10, 9))
    assert saved is None
    assert [f.verdict for f in result.files] == [Verdict.SUPERSEDED, Verdict.DUPLICATE]
    assert grids(world.master, SHEETS) == before
