"""Consolidation end to end: verdicts, order of returns, conflicts, results in the master."""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.memory_book import MemoryBook
from tests.support.returns_kit import NOW, SAVED, fill, issue, ledger_value
from zhenggai import read_ledger
from zhenggai.cli import main
from zhenggai.core.ledger import load_ledger
from zhenggai.core.logs import ReturnsLog
from zhenggai.io.calamine import open_book
from zhenggai.io.lock import MasterLock
from zhenggai.io.master import update_master
from zhenggai.returns.consolidate import Verdict, consolidate, consolidate_folder
from zhenggai.template.make import make_templates

NAME = "机关党委-整改进展填报-2026年11月.xlsx"  # rows 2, 3-1, 5-1


@pytest.fixture
def master(demo_master):
    return demo_master


@pytest.fixture
def templates(master):
    return issue(master)


def _run(master, *, now=NOW, folder=None, dry_run=False):
    return update_master(
        master,
        op="汇总",
        plan=lambda ledger: consolidate_folder(ledger, folder, now=now),
        dry_run=dry_run,
    )


def _staff_edit(master, rid, key, value):
    ledger = read_ledger(master)
    row = ledger.table.by_id()[rid]
    wb = openpyxl.load_workbook(master)
    wb["台账"].cell(row.number, row.columns[key], value)
    wb.save(master)


def test_applied_values_log_and_tracking(master, templates):
    returns = master.parent / "回收"
    fill(
        templates["机关党委"],
        returns / NAME,
        {
            ("2", "progress"): "联席会议已召开",
            ("2", "status"): "已完成",
            ("2", "done_date"): date(2026, 11, 26),
            ("2", "evidence"): "会议纪要",
        },
    )
    result, saved = _run(master)
    [f] = result.files
    assert (f.unit, f.batch, f.verdict) == ("机关党委", "2026年11月", Verdict.APPLIED)
    assert sorted(c.key for c in f.changes) == ["done_date", "evidence", "progress", "status"]
    assert saved is not None and saved.replaced
    row = read_ledger(master).table.by_id()["2"]
    assert row["status"] == "已完成" and row["done_date"] == date(2026, 11, 26)
    assert row["updated"] == "2026-11-28 机关党委"
    book = open_book(master)
    log = book.grid("变更记录")
    assert log[0][-1] == "批次"
    entry = next(r for r in log[1:] if r[6] == "整改进展")
    assert entry[:3] == [NOW, "汇总", "机关党委"]
    assert entry[3:6] == [NAME, f.sha256, "2"]
    assert entry[7:] == [
        "已拟定联席会议方案，待主要领导审定后召开。",
        "联席会议已召开",
        "2026年11月",
    ]
    tracking = {(r[0], r[1]): r for r in book.grid("回收情况")[1:]}
    rec = tracking[("2026年11月", "机关党委")]
    assert rec[4] == SAVED and rec[5] == NAME and rec[6] == SAVED
    assert rec[7:11] == ["已汇总", 4, 0, 0] and rec[11] == f.sha256
    assert result.batch == "2026年11月"
    assert result.not_returned == ["办公室", "宣传教育科", "人事科", "网络安全科", "舆情信息科"]


def test_two_returns_apply_in_save_time_order_whatever_their_names(master, templates):
    returns = master.parent / "回收"
    early = SAVED
    fill(templates["机关党委"], returns / "b-先报.xlsx", {("2", "progress"): "第一次"}, saved=early)
    fill(
        templates["机关党委"],
        returns / "a-后报.xlsx",
        {("2", "progress"): "第二次"},
        saved=early + timedelta(hours=2),
    )
    result, _ = _run(master)
    verdicts = {f.file: f.verdict for f in result.files}
    assert verdicts == {"a-后报.xlsx": Verdict.APPLIED, "b-先报.xlsx": Verdict.SUPERSEDED}
    assert ledger_value(master, "2", "progress") == "第二次"


def test_later_return_changing_what_the_earlier_set_is_not_a_conflict(master, templates):
    returns = master.parent / "回收"
    fill(templates["机关党委"], returns / "1.xlsx", {("2", "progress"): "第一次"}, saved=SAVED)
    _run(master)
    fill(
        templates["机关党委"],
        returns / "2.xlsx",
        {("2", "progress"): "第二次"},
        saved=SAVED + timedelta(days=1),
    )
    result, _ = _run(master, now=NOW + timedelta(hours=1))
    verdicts = {f.file: f.verdict for f in result.files}
    assert verdicts == {"1.xlsx": Verdict.DUPLICATE, "2.xlsx": Verdict.APPLIED}
    assert result.n_conflicts == 0
    assert ledger_value(master, "2", "progress") == "第二次"


def test_a_staff_edit_in_between_is_a_conflict_listed_with_all_three_values(master, templates):
    returns = master.parent / "回收"
    fill(templates["机关党委"], returns / "1.xlsx", {("2", "progress"): "第一次"}, saved=SAVED)
    _run(master)
    _staff_edit(master, "2", "progress", "办公室核实后的表述")
    fill(
        templates["机关党委"],
        returns / "2.xlsx",
        {("2", "progress"): "第二次", ("3-1", "remark"): "无"},
        saved=SAVED + timedelta(days=1),
    )
    result, _ = _run(master, now=NOW + timedelta(hours=1))
    f = next(f for f in result.files if f.file == "2.xlsx")
    assert f.verdict is Verdict.PARTLY
    [k] = f.conflicts
    assert (k.base, k.ours, k.theirs) == ("第一次", "办公室核实后的表述", "第二次")
    assert [c.key for c in f.changes] == ["remark"]
    assert ledger_value(master, "2", "progress") == "办公室核实后的表述"
    rows = open_book(master).grid("冲突")
    assert rows[0][:5] == ["文件", "单位", "编号", "字段", "单元格"]
    assert rows[1][:8] == [
        "2.xlsx",
        "机关党委",
        "2",
        "整改进展",
        "台账!M3",
        "第一次",
        "办公室核实后的表述",
        "第二次",
    ]


def test_unchanged_cell_of_a_later_return_keeps_a_staff_edit(master, templates):
    returns = master.parent / "回收"
    fill(templates["机关党委"], returns / "1.xlsx", {("2", "progress"): "第一次"}, saved=SAVED)
    _run(master)
    _staff_edit(master, "2", "progress", "办公室改过")
    fill(
        templates["机关党委"],
        returns / "2.xlsx",
        {("2", "progress"): "第一次", ("2", "remark"): "补充说明"},
        saved=SAVED + timedelta(days=1),
    )
    result, _ = _run(master, now=NOW + timedelta(hours=1))
    assert result.n_conflicts == 0
    assert ledger_value(master, "2", "progress") == "办公室改过"
    assert ledger_value(master, "2", "remark") == "补充说明"


def test_an_older_return_arriving_late_never_overwrites_a_newer_one(master, templates):
    returns = master.parent / "回收"
    fill(templates["机关党委"], returns / "新.xlsx", {("2", "progress"): "新"}, saved=SAVED)
    _run(master)
    fill(
        templates["机关党委"],
        returns / "旧.xlsx",
        {("2", "progress"): "旧"},
        saved=SAVED - timedelta(days=2),
    )
    result, _ = _run(master, now=NOW + timedelta(hours=1))
    verdicts = {f.file: f.verdict for f in result.files}
    assert verdicts == {"新.xlsx": Verdict.DUPLICATE, "旧.xlsx": Verdict.SUPERSEDED}
    assert result.n_changes == 0
    assert ledger_value(master, "2", "progress") == "新"
    # it was the unit's first return all the same: 回收时间 is its save time, the file the newer
    row = ReturnsLog.from_grid(open_book(master).grid("回收情况")).get("2026年11月", "机关党委")
    assert (row["回收时间"], row["回收文件"]) == (SAVED - timedelta(days=2), "新.xlsx")
    _, again = _run(master, now=NOW + timedelta(hours=2))
    assert again is None  # nothing left to record


def test_problems_sheet_feedback_and_exit_code(master, templates, capsys):
    returns = master.parent / "回收"
    fill(templates["宣传教育科"], returns / "宣传教育科.xlsx", {("6-2", "status"): "差不多了"})
    fill(templates["人事科"], returns / "人事科.xlsx", {("4", "progress"): "已完成述职安排"})
    assert main(["consolidate", str(master)]) == 1
    text = capsys.readouterr().out
    assert "部分汇总" in text and "status-invalid" in text and "问题清单" in text
    problems = open_book(master).grid("校验问题")
    assert problems[1][:5] == ["宣传教育科.xlsx", "宣传教育科", "填报", "L10", "status-invalid"]
    assert problems[1][6] == "差不多了"
    feedback = master.parent / "反馈" / "2026年11月" / "宣传教育科-问题清单.xlsx"
    grid = open_book(feedback).grid("问题清单")
    assert "宣传教育科" in grid[0][0]
    assert grid[4][:2] == [1, "填报!L10"] and "下拉列表" in grid[4][2]
    assert not (master.parent / "反馈" / "2026年11月" / "人事科-问题清单.xlsx").exists()
    assert ledger_value(master, "4", "progress") == "已完成述职安排"


def test_clean_run_exits_zero_and_the_second_run_changes_nothing(master, templates, capsys):
    returns = master.parent / "回收"
    fill(templates["人事科"], returns / "人事科.xlsx", {("4", "progress"): "已完成述职安排"})
    assert main(["consolidate", str(master)]) == 0
    before = master.read_bytes()
    capsys.readouterr()
    assert main(["consolidate", str(master), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["verdict"] for f in data["files"]] == ["duplicate"]
    assert master.read_bytes() == before


def test_json_is_exactly_the_specified_object(master, templates, capsys):
    returns = master.parent / "回收"
    fill(templates["人事科"], returns / "人事科.xlsx", {("4", "status"): "已完成"})
    capsys.readouterr()
    assert main(["consolidate", str(master), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data == {
        "files": [
            {
                "file": "人事科.xlsx",
                "unit": "人事科",
                "batch": "2026年11月",
                "verdict": "partly-applied",
                "changes": 0,
                "conflicts": 0,
                "problems": [
                    {
                        "code": "done-needs-date",
                        "sheet": "填报",
                        "cell": "N9",
                        "message": data["files"][0]["problems"][0]["message"],
                        "value": "",
                    },
                    {
                        "code": "done-needs-evidence",
                        "sheet": "填报",
                        "cell": "O9",
                        "message": data["files"][0]["problems"][1]["message"],
                        "value": "",
                    },
                ],
            }
        ],
        "changes": 0,
        "conflicts": 0,
        "not_returned": ["办公室", "机关党委", "宣传教育科", "网络安全科", "舆情信息科"],
    }


def test_dry_run_changes_nothing_and_shows_the_changes(master, templates, capsys):
    fill(templates["人事科"], master.parent / "回收" / "x.xlsx", {("4", "remark"): "试运行"})
    before = master.read_bytes()
    assert main(["consolidate", str(master), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert ("试运行" in text and "remark" in text) or "备注" in text
    assert master.read_bytes() == before
    assert not (master.parent / "备份").exists() or not list(
        (master.parent / "备份").glob("*汇总*")
    )


def test_cannot_run_exits_two(master, tmp_path, capsys):
    assert main(["consolidate", str(tmp_path / "无.xlsx")]) == 2
    assert "找不到台账" in capsys.readouterr().err
    assert main(["consolidate", str(master)]) == 2  # no 回收 folder yet
    assert "找不到回收文件夹" in capsys.readouterr().err
    (master.parent / "回收").mkdir()
    with MasterLock(master.resolve(), command="汇总"):
        assert main(["consolidate", str(master)]) == 2
    assert "另一个 zhenggai" in capsys.readouterr().err


def test_ignored_files_are_counted(master, templates):
    returns = master.parent / "回收"
    fill(templates["人事科"], returns / "sub" / "人事科.xlsx", {("4", "remark"): "子文件夹里"})
    (returns / "说明.docx").write_bytes(b"x")
    (returns / "~$人事科.xlsx").write_bytes(b"x")
    (returns / ".~lock.人事科.xlsx#").write_bytes(b"x")
    result, _ = _run(master)
    assert [f.file for f in result.files] == ["sub/人事科.xlsx"]
    assert len(result.ignored) == 3


def test_check_command_previews_the_merge(master, templates, capsys):
    path = fill(templates["人事科"], master.parent / "r.xlsx", {("4", "remark"): "预览"})
    assert main(["check", str(path), "--master", str(master)]) == 0
    text = capsys.readouterr().out
    assert "预览" in text and "已汇总" in text
    assert main(["check", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unit"] == "人事科" and data["problems"] == []
    bad = fill(templates["人事科"], master.parent / "bad.xlsx", {("4", "status"): "差不多"})
    assert main(["check", str(bad), "--master", str(master)]) == 1


# --- idempotence, over many random returns (in memory) -------------------------


@pytest.fixture(scope="module")
def memory_world(tmp_path_factory):
    """A demo master kept in memory, and its templates on disk."""
    book = MemoryBook.demo_master()
    out = tmp_path_factory.mktemp("templates")
    result = make_templates(
        load_ledger(book, path=out / "台账.xlsx"), out=out, now=datetime(2026, 11, 20)
    )
    book.write(result.changes)
    return book, {t.unit: t.path for t in result.issued}


CELLS = [("2", "progress"), ("2", "status"), ("3-1", "remark"), ("5-1", "done_date")]
VALUES = st.sampled_from(
    ["进展甲", "进展乙", "已完成", "基本完成", "", date(2026, 11, 1), "2026年11月"]
)
RETURN = st.dictionaries(st.sampled_from(CELLS), VALUES, max_size=4)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(RETURN, st.integers(0, 3)), min_size=1, max_size=3))
def test_consolidating_the_same_folder_twice_equals_once(memory_world, returns):
    book0, templates = memory_world
    book = MemoryBook(
        {k: [list(r) for r in v] for k, v in book0.grids.items()},
        visibility=dict(book0._visibility),
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, (values, hours) in enumerate(returns):
            fill(
                templates["机关党委"],
                folder / f"{i}.xlsx",
                values,
                saved=SAVED + timedelta(hours=hours),
            )
        fill(templates["人事科"], folder / "人事科.xlsx", {("4", "remark"): "同一个"})
        first = consolidate(load_ledger(book), sorted(folder.iterdir()), root=folder, now=NOW)
        book.write(first.changes)
        once = {k: [list(r) for r in v] for k, v in book.grids.items()}
        second = consolidate(
            load_ledger(book), sorted(folder.iterdir()), root=folder, now=NOW + timedelta(hours=1)
        )
        book.write(second.changes)
    assert book.grids == once
    assert second.n_changes == 0 and second.n_conflicts == 0
    assert {f.verdict for f in second.files} <= {Verdict.DUPLICATE, Verdict.SUPERSEDED}


def test_applying_to_a_file_equals_applying_in_memory(master, templates):
    """The memory book used above behaves like the real adapter."""
    fill(templates["人事科"], master.parent / "回收" / "人事科.xlsx", {("4", "remark"): "核对"})
    book = MemoryBook.from_file(master)
    result = consolidate(
        load_ledger(book, path=master),
        sorted((master.parent / "回收").iterdir()),
        root=master.parent / "回收",
        now=NOW,
    )
    book.write(result.changes)
    update_master(master, op="汇总", plan=lambda ledger: consolidate_folder(ledger, now=NOW))
    real = MemoryBook.from_file(master)
    for sheet in ("台账", "变更记录", "回收情况", "校验问题", "冲突"):
        assert _same(real.grid(sheet), book.grid(sheet)), sheet


def _same(a, b):
    def norm(grid):
        rows = [[v for v in r] for r in grid]
        for r in rows:
            while r and r[-1] in (None, ""):
                r.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows

    return norm(a) == norm(b)


def test_consolidation_of_an_empty_folder_changes_nothing(master, templates):
    (master.parent / "回收").mkdir()
    before = master.read_bytes()
    result, saved = _run(master)
    assert result.files == [] and saved is None
    assert master.read_bytes() == before


def test_closing_checks_run_on_the_ledger_as_merged(master, templates):
    # closed after the template went out: 已完成 with evidence, but no 审核人
    _staff_edit(master, "1", "closed", "是")
    # (clearing 佐证材料 of an 已完成 item is itself a problem and not applied, so the
    # return reopens the item instead)
    fill(templates["办公室"], master.parent / "回收" / "办公室.xlsx", {("1", "status"): "正在整改"})
    _run(master)
    rows = open_book(master).grid("校验问题")[1:]
    found = {(r[2], r[3], r[4]) for r in rows}
    assert ("台账", "S2", "closing-no-reviewer") in found
    assert ("台账", "L2", "closing-not-done") in found  # the return reopened the closed item
    assert next(r for r in rows if r[3] == "S2")[1] == "办公室"


def test_a_returns_folder_holding_the_master_skips_its_own_files(master, templates):
    result, saved = _run(master, folder=master.parent)
    assert result.files == [] and saved is None
    assert len(result.ignored) >= 1 + len(templates)  # the master and every issued template
