"""销号 checks: 是否销号 = 是 needs 已完成, 完成时间, 佐证材料 and 审核人."""

from __future__ import annotations

from datetime import date

from zhenggai import Code, Problem, read_ledger
from zhenggai.core.closing import CLOSING_CODES, check_closing, problems_table
from zhenggai.core.sheets import PROBLEMS


def _row(rid, **values):
    base = {
        "id": rid,
        "category": "类别",
        "problem": "问题",
        "measure": "措施",
        "unit": "甲科",
        "deadline": "2026-12-31",
        "closed": "是",
        "status": "已完成",
        "done_date": date(2026, 11, 1),
        "evidence": "会议纪要",
        "reviewer": "王审",
    }
    return {**base, **values}


def test_closing_problems_as_flat_tuples(make_master):
    path = make_master(
        [
            _row("1"),  # complete: no problem
            _row("2", status="正在整改"),
            _row("3", done_date=None, evidence=None),
            _row("4", done_date="上个月", reviewer=None),
            _row("5", status="正在整改", closed="否", evidence=None),  # not closed: not checked
            _row("6", status=None, closed="是"),
        ]
    )
    problems = list(check_closing(read_ledger(path)))
    assert [p.as_tuple() for p in problems] == [
        ("台账", "L3", "closing-not-done"),
        ("台账", "N4", "closing-no-done-date"),
        ("台账", "O4", "closing-no-evidence"),
        ("台账", "N5", "closing-no-done-date"),
        ("台账", "S5", "closing-no-reviewer"),
        ("台账", "L7", "closing-not-done"),
    ]
    assert problems[0].value == "正在整改"
    assert "只有已完成的事项才能销号" in problems[0].message
    assert problems[3].value == "上个月" and "不是日期" in problems[3].message
    assert {p.code for p in problems} <= CLOSING_CODES


def test_problems_table_keeps_other_rows_and_names_the_unit(make_master):
    path = make_master([_row("1", evidence=None, unit="乙科")])
    ledger = read_ledger(path)
    problems = list(check_closing(ledger))
    other = Problem(Code.STATUS_INVALID, "状态不对", sheet="填报", cell="H7")
    table = problems_table(ledger, problems, owned=CLOSING_CODES, today=date(2026, 11, 28))
    assert table.header == list(PROBLEMS.headers)
    assert table.rows == [
        [
            "",
            "乙科",
            "台账",
            "O2",
            "closing-no-evidence",
            problems[0].message,
            "",
            "",
            date(2026, 11, 28),
            "待处理",
        ]
    ]
    # a caller owning other codes keeps ours
    assert (
        problems_table(ledger, [other], owned={Code.STATUS_INVALID}, today=date(2026, 11, 28)).rows[
            0
        ][4]
        == "status-invalid"
    )
