"""回头看: items listed after the interval, staff entries kept across runs, 反弹 sent back and logged."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl

from tests.conftest import set_ledger_rows, set_settings
from zhenggai import follow_up_review, read_ledger
from zhenggai.cli import main
from zhenggai.io.calamine import open_book
from zhenggai.overdue.review import review_counts


def _row(rid, status, done=None, **extra):
    return {
        "id": rid,
        "category": "类别",
        "problem": "问题",
        "measure": f"措施{rid}",
        "unit": "甲科",
        "deadline": "2026-06-30",
        "status": status,
        "done_date": done,
        "evidence": "纪要" if done else None,
        **extra,
    }


ROWS = [
    _row("A", "已完成", date(2026, 6, 1)),  # 180 days before 11-28
    _row("B", "已完成", date(2026, 10, 1)),  # 58 days: not yet
    _row("C", "已完成", None, closed="是", closed_date=date(2026, 5, 1), reviewer="王审"),
    _row("D", "正在整改"),
    _row("E", "已完成", date(2026, 8, 30)),  # exactly 90 days: not more than 90
]


def _sheet(path):
    grid = open_book(path).grid("回头看")
    header = grid[1]
    return [dict(zip(header, row, strict=False)) for row in grid[2:]]


def _fill_in(path, values_by_id):
    wb = openpyxl.load_workbook(path)
    ws = wb["回头看"]
    header = [c.value for c in ws[2]]
    for r in range(3, ws.max_row + 1):
        rid = ws.cell(r, 1).value
        for name, value in values_by_id.get(rid, {}).items():
            ws.cell(r, header.index(name) + 1, value)
    wb.save(path)


def _ledger(path):
    ledger = read_ledger(path)
    return {row.text("id"): (row.text("status"), row.text("closed")) for row in ledger.table}


def test_review_round_trip_keeps_staff_entries_and_logs_relapse(make_master, capsys):
    path = make_master(ROWS)
    assert main(["review", str(path), "--today", "2026-11-28"]) == 0
    assert "待复查 2 条：A、C" in capsys.readouterr().out
    rows = _sheet(path)
    assert [r["编号"] for r in rows] == ["A", "C"]
    assert rows[0]["完成时间"] == date(2026, 6, 1) and rows[1]["销号时间"] == date(2026, 5, 1)
    assert open_book(path).grid("回头看")[0][0].startswith("回头看：完成或销号满90天的事项")

    _fill_in(
        path,
        {
            "A": {
                "复查时间": date(2026, 12, 1),
                "复查人": "王五",
                "复查结果": "制度运行良好",
                "是否反弹": "否",
            },
            "C": {"复查人": "李四", "复查结果": "问题重新出现", "是否反弹": "是"},
        },
    )
    result = follow_up_review(read_ledger(path), today=date(2026, 12, 5))
    assert result.relapsed == ["C"] and result.relapse_count == 1
    assert main(["review", str(path), "--today", "2026-12-05"]) == 0
    assert "本次因反弹退回“正在整改” 1 条：C" in capsys.readouterr().out
    rows = _sheet(path)
    # A reviewed and C relapsed are not listed again; E has now passed 90 days
    assert [r["编号"] for r in rows] == ["A", "C", "E"]
    assert (rows[0]["复查时间"], rows[0]["复查人"], rows[0]["复查结果"], rows[0]["是否反弹"]) == (
        date(2026, 12, 1),
        "王五",
        "制度运行良好",
        "否",
    )
    assert (
        rows[1]["复查人"] == "李四" and rows[1]["处理情况"] == "已退回“正在整改”（2026年12月5日）"
    )
    assert _ledger(path)["C"] == ("正在整改", "否")
    log = open_book(path).grid("变更记录")
    assert [r[1:9] for r in log[1:]] == [
        ["回头看", "甲科", None, None, "C", "整改状态", "已完成", "正在整改"],
        ["回头看", "甲科", None, None, "C", "是否销号", "是", "否"],
    ]
    assert isinstance(log[1][0], datetime)

    # a rerun changes nothing more
    assert main(["review", str(path), "--today", "2026-12-06"]) == 0
    assert "本次因反弹退回“正在整改” 0 条" in capsys.readouterr().out
    assert len(open_book(path).grid("变更记录")) == 3
    assert _sheet(path)[1]["处理情况"] == "已退回“正在整改”（2026年12月5日）"

    counts = review_counts(read_ledger(path))
    assert (counts.listed, counts.reviewed, counts.relapsed) == (3, 2, 1)


def test_a_relapsed_item_done_again_is_listed_again(make_master):
    path = make_master(ROWS)
    main(["review", str(path), "--today", "2026-11-28"])
    _fill_in(path, {"C": {"是否反弹": "是"}})
    main(["review", str(path), "--today", "2026-11-28"])
    rows = [dict(r) for r in ROWS]
    rows[2].update(status="已完成", done_date=date(2026, 12, 1), closed="否")
    set_ledger_rows(path, rows)
    set_settings(path, {"回头看间隔天数": 30})
    result = follow_up_review(read_ledger(path), today=date(2027, 1, 15))
    assert result.pending == ["A", "B", "C", "E"]  # C again, as a new review
    assert main(["review", str(path), "--today", "2027-01-15"]) == 0
    rows = _sheet(path)
    assert [(r["编号"], r["是否反弹"]) for r in rows] == [
        ("C", "是"),  # the old review, kept
        ("A", None),
        ("B", None),
        ("C", None),
        ("E", None),
    ]


def test_invalid_relapse_flag_is_a_problem(make_master, capsys):
    path = make_master(ROWS)
    main(["review", str(path), "--today", "2026-11-28"])
    _fill_in(path, {"A": {"是否反弹": "反弹了"}})
    assert main(["review", str(path), "--today", "2026-11-28"]) == 1
    result = follow_up_review(read_ledger(path), today=date(2026, 11, 28))
    assert [p.as_tuple() for p in result.problems] == [("回头看", "J3", "review-relapse-invalid")]
    assert result.problems[0].value == "反弹了"
    assert _ledger(path)["A"] == ("已完成", "")
    assert _sheet(path)[0]["是否反弹"] == "反弹了"  # kept for staff to correct


def test_done_items_without_a_completion_date_are_said_not_skipped(make_master):
    """An imported 是否整改完成 = 是 with no 完成时间: 回头看 cannot count from it, and says so."""
    path = make_master(
        [*ROWS, _row("F", "已完成", None), _row("G", "已完成", "2025年6月", evidence="纪要")]
    )
    result = follow_up_review(read_ledger(path), today=date(2026, 11, 28))
    assert result.pending == ["A", "C"]
    rows = read_ledger(path).table.by_id()
    assert [(p.as_tuple(), p.value) for p in result.problems] == [
        (("台账", rows["F"].cell("done_date"), "done-needs-date"), ""),
        (("台账", rows["G"].cell("done_date"), "done-needs-date"), "2025年6月"),
    ]
    assert "没有完成时间" in result.problems[0].message
    assert "完成时间不是日期" in result.problems[1].message
    assert main(["review", str(path), "--today", "2026-11-28"]) == 1
