"""A row's values apply together or not at all; a unit is blamed only for what it sent."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from tests.support.group import GroupWorld, group_world
from zhenggai import read_ledger
from zhenggai.core.lifecycle import OPEN, RESOLVED
from zhenggai.core.sheets import PROBLEMS
from zhenggai.core.spec import default_spec
from zhenggai.core.values import Rules
from zhenggai.io.calamine import open_book
from zhenggai.io.master import update_master
from zhenggai.returns.consolidate import Verdict, consolidate
from zhenggai.returns.feedback import write_feedback
from zhenggai.returns.rowrules import check_row

SPEC = default_spec()
RULES = Rules(today=date(2026, 11, 28), max_length=2000)
ISSUED = {"status": "正在整改", "done_date": "", "evidence": "", "progress": "推进中"}


def _codes(row):
    return [(k, str(p.code)) for k, p in row.problems]


def test_a_refused_status_holds_back_its_date_and_evidence_and_says_so():
    raw = {
        "status": "已完戍",
        "done_date": date(2026, 11, 20),
        "evidence": "纪要",
        "progress": "好",
    }
    row = check_row(SPEC, raw, RULES, base=ISSUED)
    assert row.values == {"progress": "好"}
    [(key, problem)] = row.problems
    assert (key, str(problem.code)) == ("status", "status-invalid")
    assert "同一行的完成时间、佐证材料也暂未采用" in problem.message


def test_done_without_evidence_holds_back_status_and_date():
    raw = {"status": "已完成", "done_date": date(2026, 11, 20), "evidence": None}
    row = check_row(SPEC, raw, RULES, base=ISSUED)
    assert row.values == {}
    assert _codes(row) == [("evidence", "done-needs-evidence")]
    assert "同一行的整改状态、完成时间也暂未采用" in row.problems[0][1].message


def test_a_bad_date_holds_back_the_status_claiming_completion():
    raw = {"status": "已完成", "done_date": "11月20日", "evidence": "纪要"}
    row = check_row(SPEC, raw, RULES, base=ISSUED)
    assert row.values == {}
    assert _codes(row) == [("done_date", "date-invalid")]


@pytest.mark.parametrize("progress", ["推进中", "新的进展"])
def test_rules_failing_only_on_cells_left_as_issued_are_the_ledgers(progress):
    # an imported row: 已完成 with no 佐证材料 and a month as text, sent back as issued
    issued = {"status": "已完成", "done_date": "2025年6月", "evidence": "", "progress": "推进中"}
    raw = {"status": "已完成", "done_date": "2025年6月", "evidence": None, "progress": progress}
    row = check_row(SPEC, raw, RULES, base=issued)
    assert row.problems == [] and row.ledger
    assert row.values == {"progress": progress}
    # the unit touching any of the three makes the rule its own
    touched = check_row(SPEC, raw | {"evidence": "验收报告"}, RULES, base=issued)
    assert _codes(touched) == [("done_date", "date-invalid")] and not touched.ledger


@pytest.fixture
def world(tmp_path) -> GroupWorld:
    w = group_world(tmp_path / "集团")
    w.issue(datetime(2026, 11, 20, 9))
    return w


def _run(world, files, now=datetime(2026, 11, 28, 10)):
    return update_master(
        world.master,
        op="汇总",
        plan=lambda ledger: consolidate(ledger, files, root=world.returns, now=now),
    )


def test_a_status_typo_leaves_the_master_consistent(world):
    a = world.templates["2026年11月"]["A公司"]
    rid = world.rid("A公司", "A公司审计措施二")
    path = world.fill(
        a,
        a.name,
        {
            (rid, "status"): "已完戍",
            (rid, "done_date"): date(2026, 11, 18),
            (rid, "evidence"): "资产清查报告",
            (rid, "progress"): "资产清查已完成",
        },
        saved=datetime(2026, 11, 25, 10),
    )
    result, _ = _run(world, [path])
    [f] = result.files
    assert f.verdict is Verdict.PARTLY
    assert [(c.id, c.key) for c in f.changes] == [(rid, "progress")]
    row = read_ledger(world.master).table.by_id()[rid]
    assert (row["status"], row["done_date"], row["evidence"]) == ("正在整改", None, None)
    assert row["progress"] == "资产清查已完成"


def test_untouched_imported_rows_are_the_ledgers_problems_listed_once(world):
    """已完成 came from the imported 是否整改完成, and the ledger had no 佐证材料 column."""
    b = world.templates["2026年11月"]["B公司"]
    first = world.fill(b, b.name, saved=datetime(2026, 11, 25, 10))
    again = world.fill(b, "回复：" + b.name, saved=datetime(2026, 11, 26, 10))
    result, _ = _run(world, [first, again])
    assert [f.verdict for f in result.files] == [Verdict.SUPERSEDED, Verdict.APPLIED]
    assert all(f.problems == [] for f in result.files)
    assert write_feedback(result) == []  # nothing for B公司 to correct
    ledger = read_ledger(world.master)
    done = [r for r in ledger.table if r.text("unit") == "B公司" and r.text("status") == "已完成"]
    want = {(r.cell("evidence"), "done-needs-evidence") for r in done}
    want |= {(r.cell("done_date"), "date-invalid") for r in done if isinstance(r["done_date"], str)}
    grid = open_book(world.master).grid(PROBLEMS.name)
    rows = [dict(zip(grid[0], r, strict=False)) for r in grid[1:]]
    listed = [(r["单元格"], r["代码"]) for r in rows if r["工作表"] == "台账"]
    assert sorted(listed) == sorted(want)  # each once, though two files surfaced them
    assert all(r["单位"] == "B公司" and r["状态"] == OPEN for r in rows)
    # staff fill in one row's evidence in the master; A公司's return brings a new run
    fixed = done[0]
    wb = openpyxl.load_workbook(world.master)
    wb["台账"][fixed.cell("evidence")] = "审计整改报告"
    wb.save(world.master)
    a = world.templates["2026年11月"]["A公司"]
    _run(world, [world.fill(a, a.name, saved=datetime(2026, 11, 27, 10))])
    grid = open_book(world.master).grid(PROBLEMS.name)
    states = {(r[3], r[4]): r[PROBLEMS.column("状态") - 1] for r in grid[1:] if r[2] == "台账"}
    assert states[(fixed.cell("evidence"), "done-needs-evidence")] == RESOLVED
    # still open: B公司's other rows, and A公司's, which its untouched return surfaced
    a_done = [r for r in ledger.table if r.text("unit") == "A公司" and r.text("status") == "已完成"]
    a_want = {(r.cell("evidence"), "done-needs-evidence") for r in a_done}
    a_want |= {
        (r.cell("done_date"), "date-invalid") for r in a_done if isinstance(r["done_date"], str)
    }
    assert {k for k, s in states.items() if s == OPEN} == (want | a_want) - {
        (fixed.cell("evidence"), "done-needs-evidence")
    }
