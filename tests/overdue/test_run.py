"""``zhenggai overdue`` on real masters: 预警 cells, the 统计 sheet and its charts, JSON."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest

from tests.conftest import append_rows, set_settings
from zhenggai import flag_overdue, read_ledger
from zhenggai.cli import main
from zhenggai.core.changes import Fill
from zhenggai.core.sheets import PROBLEMS
from zhenggai.io.calamine import open_book

TODAY = "2026-11-28"


def _warnings(path):
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    id_col, col = header.index("编号") + 1, header.index("预警") + 1
    return {
        ws.cell(r, id_col).value: (ws.cell(r, col).value, ws.cell(r, col).fill.fgColor.rgb[-6:])
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, id_col).value
    }


def test_demo_ledger_shows_every_tier_and_the_chart(demo_master, capsys):
    assert main(["overdue", str(demo_master), "--today", TODAY]) == 0
    shown = capsys.readouterr().out
    assert "已逾期 2 条" in shown and "已写入台账" in shown
    warnings = _warnings(demo_master)
    assert warnings["2"] == ("已逾期28天", Fill.OVERDUE.value)
    assert warnings["5-2"] == ("已逾期59天", Fill.OVERDUE.value)  # 三季度末
    assert warnings["4"] == ("2天后到期", Fill.DUE_7.value)  # 2026.11.30
    assert warnings["6-1"] == ("7天后到期", Fill.DUE_7.value)  # a date cell, the window's edge
    assert warnings["6-2"] == ("22天后到期", Fill.DUE_30.value)  # 12月20日前, base year
    assert warnings["7-2"] == ("17天后到期", Fill.DUE_30.value)  # 二〇二六年十二月十五日
    assert warnings["7-1"] == ("正常", Fill.NORMAL.value)  # 2026年底前，并长期坚持
    assert warnings["3-1"] == ("长期坚持", Fill.ONGOING.value)
    assert warnings["1"] == ("已完成", Fill.DONE.value)  # 立行立改, done
    assert warnings["9-3"] == ("正常", Fill.NORMAL.value)  # 2027年上半年

    wb = openpyxl.load_workbook(demo_master)
    ws = wb["统计"]
    # the counting rule of the report and bulletin: 16 ledger rows carry 14 measures
    assert ws["A1"].value == (
        "整改进展统计（截至2026年11月28日，按整改措施计：几个单位共同承担的措施在各单位各计1条、"
        "合计只计1条，共14条措施，分解到各单位16项）"
    )
    header = [c.value for c in ws[2]]
    assert header == [
        "排名",
        "责任单位",
        "总数",
        "已完成",
        "正在整改",
        "未启动",
        "长期坚持",
        "已逾期",
        "完成率",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert rows[0][:3] == [1, "网络安全科", 2] and rows[0][8] == 0.5
    assert rows[-1][1:4] == ["合计", 14, 3]  # the report's "制定整改措施14条，已完成3条"
    assert ws.cell(3, 9).number_format == "0.00%"
    charts = ws._charts
    assert len(charts) == 2
    bar, status = charts
    assert (bar.type, status.type) == ("bar", "col")
    assert len(bar.series) == 1 and len(status.series) == 5
    # the charts read the unit rows, not the 合计 row
    assert bar.series[0].val.numRef.f == "'统计'!$I$3:$I$8"
    assert bar.series[0].cat.numRef.f == "'统计'!$B$3:$B$8"


def test_json_is_exactly_the_documented_object(demo_master, capsys):
    assert main(["overdue", str(demo_master), "--today", TODAY, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"today", "items", "units", "no_evidence"}
    assert data["today"] == TODAY
    assert all(set(i) == {"id", "unit", "deadline", "due", "tier", "days"} for i in data["items"])
    assert all(set(u) == {"unit", "total", "done", "overdue", "rate"} for u in data["units"])
    by_id = {i["id"]: i for i in data["items"]}
    assert by_id["2"] == {
        "id": "2",
        "unit": "机关党委",
        "deadline": "2026年10月31日",
        "due": "2026-10-31",
        "tier": "overdue",
        "days": -28,
    }
    assert by_id["6-1"]["deadline"] == "2026-12-05" and by_id["6-1"]["tier"] == "orange"
    assert by_id["6-2"]["tier"] == "yellow"
    assert by_id["3-1"] == {
        "id": "3-1",
        "unit": "机关党委",
        "deadline": "长期坚持",
        "due": None,
        "tier": "ongoing",
        "days": None,
    }
    office = next(u for u in data["units"] if u["unit"] == "办公室")
    assert office == {"unit": "办公室", "total": 3, "done": 1, "overdue": 0, "rate": 33.33}


def _row(rid, unit, deadline, status="正在整改", **extra):
    return {
        "id": rid,
        "category": "类别",
        "problem": "问题",
        "measure": f"措施{rid}",
        "unit": unit,
        "deadline": deadline,
        "status": status,
        **extra,
    }


def test_unreadable_deadlines_and_ranking(make_master, capsys):
    path = make_master(
        [
            _row("1", "甲科", "尽快"),
            _row("2", "甲科", "2026-12-31", "已完成", done_date=date(2026, 11, 1), evidence="纪要"),
            _row("3", "乙科", "2026-12-31", "已完成", done_date=date(2026, 11, 1), evidence="纪要"),
            _row("4", "丙科", "2026-11-01"),
        ]
    )
    assert main(["overdue", str(path), "--today", TODAY]) == 1  # an unreadable deadline
    assert _warnings(path)["1"] == ("时限无法识别", Fill.UNKNOWN.value)
    result = flag_overdue(read_ledger(path), today=date(2026, 11, 28))
    assert [(u.rank, u.unit, u.rate, u.overdue) for u in result.units] == [
        (1, "乙科", 100.0, 0),
        (2, "甲科", 50.0, 0),
        (3, "丙科", 0.0, 1),
    ]


def test_settings_decide_windows_base_year_and_day_count(make_master):
    path = make_master([_row("1", "甲科", "12月10日前"), _row("2", "甲科", "2026-10-12")])
    set_settings(path, {"基准年份": 2027, "橙色预警天数": 3, "黄色预警天数": 400})
    result = flag_overdue(read_ledger(path), today=date(2026, 11, 28))
    assert [(i.due, i.tier, i.days) for i in result.items] == [
        (date(2027, 12, 10), "yellow", 377),
        (date(2026, 10, 12), "overdue", -47),
    ]
    set_settings(path, {"基准年份": 0, "预警计日方式": "工作日", "橙色预警天数": 5})
    ledger = read_ledger(path)
    result = flag_overdue(ledger, today=date(2026, 9, 30))
    # 9-30 -> 10-12: 4 working days after National Day, inside the 5-day window
    assert (result.items[1].tier, result.items[1].days) == ("orange", 4)


def test_start_date_counts_immediate_items(make_master):
    path = make_master([_row("1", "甲科", "立行立改"), _row("2", "甲科", "立行立改", "已完成")])
    assert [i.text for i in flag_overdue(read_ledger(path), today=date(2026, 11, 28)).items] == [
        "0天后到期",
        "已完成",
    ]
    set_settings(path, {"整改起始日期": "2026年11月1日"})
    items = flag_overdue(read_ledger(path), today=date(2026, 11, 28)).items
    assert [i.text for i in items] == ["已逾期27天", "已完成"]
    set_settings(path, {"整改起始日期": "收到通知后"})
    assert main(["overdue", str(path), "--today", TODAY]) == 2


def test_ledger_without_a_warning_column_still_gets_statistics(make_master):
    path = make_master([_row("1", "甲科", "2026-10-01")])
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    ws.delete_cols([c.value for c in ws[1]].index("预警") + 1)
    wb.save(path)
    result = flag_overdue(read_ledger(path), today=date(2026, 11, 28))
    assert result.no_warning_column
    assert not result.changes.edits
    assert {t.name for t in result.changes.tables} == {"统计", "校验问题"}


def test_rerun_tracks_closing_problems_and_keeps_the_others(make_master):
    path = make_master([_row("1", "甲科", "2026-12-31", "正在整改", closed="是")])
    append_rows(  # an older master's 校验问题: no 批次, 首次发现, 状态
        path,
        "校验问题",
        [
            ["甲科.xlsx", "甲科", "填报", "H7", "status-invalid", "状态不对", "搞定了"],
            ["", "甲科", "台账", "L9", "closing-no-evidence", "旧的销号问题", ""],
        ],
    )
    for _ in range(2):
        assert main(["overdue", str(path), "--today", TODAY]) == 1
        grid = open_book(path).grid("校验问题")
        assert grid[0] == list(PROBLEMS.headers)
        state = PROBLEMS.column("状态") - 1
        assert [(*r[:5], r[state]) for r in grid[1:]] == [
            (None, "甲科", "台账", "L2", "closing-not-done", "待处理"),
            (None, "甲科", "台账", "N2", "closing-no-done-date", "待处理"),
            (None, "甲科", "台账", "O2", "closing-no-evidence", "待处理"),
            (None, "甲科", "台账", "S2", "closing-no-reviewer", "待处理"),
            ("甲科.xlsx", "甲科", "填报", "H7", "status-invalid", "待处理"),  # not overdue's
            (None, "甲科", "台账", "L9", "closing-no-evidence", "已解决"),  # no longer found
        ]
        first = PROBLEMS.column("首次发现") - 1
        assert grid[1][first] == date(2026, 11, 28)


@pytest.mark.parametrize("flag", ["--json", None])
def test_missing_master_cannot_run(tmp_path, capsys, flag):
    argv = ["overdue", str(tmp_path / "无.xlsx"), *([flag] if flag else [])]
    assert main(argv) == 2
    assert "找不到台账文件" in capsys.readouterr().err


def test_rerun_writes_only_the_warnings_that_change(demo_master):
    assert main(["overdue", str(demo_master), "--today", TODAY, "--json"]) == 0
    same = flag_overdue(read_ledger(demo_master), today=date(2026, 11, 28))
    assert same.changes.edits == []
    later = flag_overdue(read_ledger(demo_master), today=date(2026, 11, 29))
    changed = {e.row: e.value for e in later.changes.edits}
    # the 7 rows counting days move by one; 正常, done and ongoing rows stay as they are
    assert changed[3] == "已逾期29天"
    assert len(changed) == 7 and all(e.sheet == "台账" for e in later.changes.edits)


def test_a_large_ledger_lists_the_longest_overdue_first_and_counts_the_rest(tmp_path, capsys):
    from tests.support.synthetic import synthetic_master
    from zhenggai.cli.overdue import SHOWN

    path = synthetic_master(tmp_path / "台账.xlsx", units=10, rows=30)
    main(["overdue", str(path), "--today", "2031-01-01", "--json"])
    items = json.loads(capsys.readouterr().out)["items"]
    warned = [i for i in items if i["tier"] in ("overdue", "orange", "unknown")]
    overdue = sorted((i for i in warned if i["tier"] == "overdue"), key=lambda i: i["days"])
    assert len(overdue) > SHOWN
    main(["overdue", str(path), "--today", "2031-01-01"])
    shown = capsys.readouterr().out
    assert f"另有 {len(warned) - SHOWN} 条需要关注的事项未列出" in shown
    assert f"已逾期{-overdue[0]['days']}天" in shown  # the longest overdue is on screen
