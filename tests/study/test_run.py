"""Study statistics and storing periods in the master (学习积分, 学习统计)."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from tests.support.study_books import NOV, OCT, layout_a, layout_b
from zhenggai import read_ledger
from zhenggai.io.master import update_master
from zhenggai.study.export import read_export_file
from zhenggai.study.history import Period, parse_period, read_history
from zhenggai.study.run import plan_study

NOW = datetime(2026, 11, 28, 10, 0)


# --- importing a period into the master -----------------------------------------


def _import(master, paths, *, period, threshold=None):
    exports = [read_export_file(p) for p in paths]
    return update_master(
        master,
        op="学习积分",
        plan=lambda ledger: plan_study(
            ledger, exports, period=period, threshold=threshold, now=NOW
        ),
    )


def _history(master):
    rows, problems = read_history(read_ledger(master).grid("学习积分"))
    assert problems == []
    return rows


def test_two_periods_in_two_layouts_give_the_trend(make_master, tmp_path):
    master = make_master()
    first, saved = _import(
        master, [layout_a(tmp_path / "10.xlsx", OCT, month="2026年10月")], period=Period(2026, 10)
    )
    assert saved is not None and saved.replaced
    assert first.previous is None and all(u.trend is None for u in first.units)
    second, _ = _import(master, [layout_b(tmp_path / "11.xlsx", NOV)], period=Period(2026, 11))
    assert second.previous == Period(2026, 10)
    assert {u.unit: u.trend for u in second.units} == {
        "办公室": 40,
        "人事科": -3.33,
        "宣传科": None,
    }
    assert second.replaced == 0 and second.problems == []
    history = _history(master)
    assert [str(p) for p in dict.fromkeys(r.period for r in history)] == [
        "2026年10月",
        "2026年11月",
    ]
    assert len(history) == len(OCT) + len(NOV)
    nov = [r for r in history if r.period == Period(2026, 11)]
    assert [(r.unit, r.name, r.points, r.flag, r.threshold) for r in nov][:4] == [
        ("办公室", "张三", 320, None, 100),
        ("办公室", "李四", 200, None, 100),
        ("办公室", "钱七", 200, None, 100),
        ("人事科", "李四", 200, None, 100),
    ]
    wb = openpyxl.load_workbook(master)
    row = [c.value for c in wb["学习积分"][len(OCT) + 2]]
    assert row == [
        "2026年11月",
        "办公室",
        "张三",
        320,
        1,
        1,
        None,
        100,
        9000,
        None,
        None,
        "11.xlsx",
        NOW,
    ]


def test_the_stats_sheet_has_a_native_chart_of_unit_averages(make_master, tmp_path):
    master = make_master()
    _import(master, [layout_b(tmp_path / "11.xlsx", NOV)], period=Period(2026, 11))
    ws = openpyxl.load_workbook(master)["学习统计"]
    assert ws["A1"].value.startswith("2026年11月学习强国积分统计：共8人")
    assert [c.value for c in ws[2]][:4] == ["排名", "单位", "人数", "平均积分"]
    assert [c.value for c in ws[5]][:2] == [3, "宣传科"]
    assert ws["J5"].value == "孙八、周九" and ws["K4"].value == "赵六（90分）"
    assert ws["H4"].number_format == "0.0%"
    (chart,) = ws._charts
    assert chart.tagname == "barChart" and chart.type == "col"
    assert (chart.anchor._from.row, chart.anchor._from.col) == (7, 1)  # B8, below the table
    (series,) = chart.series
    assert series.val.numRef.f == "'学习统计'!$D$3:$D$5"
    assert (
        series.cat.numRef.f == "'学习统计'!$B$3:$B$5"
        or series.cat.strRef.f == "'学习统计'!$B$3:$B$5"
    )


def test_reimporting_a_period_replaces_it_and_says_so(make_master, tmp_path):
    master = make_master()
    _import(
        master, [layout_a(tmp_path / "10.xlsx", OCT, month="2026年10月")], period=Period(2026, 10)
    )
    _import(master, [layout_b(tmp_path / "11.xlsx", NOV)], period=Period(2026, 11))
    fixed = [("办公室", "张三", 330), ("人事科", "王五", 10)]
    again, saved = _import(
        master, [layout_b(tmp_path / "11b.xlsx", fixed)], period=Period(2026, 11)
    )
    assert saved is not None
    assert again.replaced == len(NOV)
    history = _history(master)
    assert [(str(r.period), r.name, r.points) for r in history if r.period == Period(2026, 11)] == [
        ("2026年11月", "张三", 330),
        ("2026年11月", "王五", 10),
    ]
    assert len([r for r in history if r.period == Period(2026, 10)]) == len(OCT)


def test_reimporting_an_older_period_keeps_periods_in_order_and_extra_columns(
    make_master, tmp_path
):
    master = make_master()
    _import(
        master, [layout_a(tmp_path / "10.xlsx", OCT, month="2026年10月")], period=Period(2026, 10)
    )
    _import(master, [layout_b(tmp_path / "11.xlsx", NOV)], period=Period(2026, 11))
    wb = openpyxl.load_workbook(master)
    ws = wb["学习积分"]
    ws.cell(1, 14, "备注")
    ws.cell(2, 14, "已谈话")
    wb.save(master)
    result, _ = _import(
        master,
        [layout_a(tmp_path / "10b.xlsx", OCT[:2], month="2026年10月")],
        period=Period(2026, 10),
    )
    assert result.replaced == len(OCT)
    ws = openpyxl.load_workbook(master)["学习积分"]
    assert ws.cell(1, 14).value == "备注"
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == ["2026年10月"] * 2 + [
        "2026年11月"
    ] * len(NOV)
    notes = [ws.cell(r, 14).value for r in range(2, ws.max_row + 1)]
    assert "已谈话" not in notes[:2]  # the October row it was on was replaced
    ws2 = openpyxl.load_workbook(master)["学习积分"]
    assert ws2.max_column == 14


def test_the_same_name_twice_in_one_unit_is_reported_across_files(make_master, tmp_path):
    master = make_master()
    a = layout_a(tmp_path / "a.xlsx", [("办公室", "张三", 10), ("办公室", "张三", 20)])
    b = layout_b(tmp_path / "b.xlsx", [("办公室", "张三", 10), ("人事科", "张三", 5)])
    result, _ = _import(master, [a, b], period=Period(2026, 11))
    assert [(p.file, *p.as_tuple()) for p in result.problems] == [
        ("a.xlsx", "Sheet1", "B5", "study-duplicate"),
        ("b.xlsx", "Sheet1", "A2", "study-duplicate"),
    ]
    assert "积分不同" in result.problems[0].message
    assert "完全相同" in result.problems[1].message and "a.xlsx" in result.problems[1].message
    assert [(p.unit, p.name, p.points) for p in result.people] == [
        ("办公室", "张三", 10),
        ("人事科", "张三", 5),
    ]


def test_an_export_titled_with_another_month_is_not_imported(make_master, tmp_path):
    master = make_master()
    path = layout_a(tmp_path / "a.xlsx", OCT, month="2026年10月")
    result, saved = _import(master, [path], period=Period(2026, 11))
    assert [p.as_tuple() for p in result.problems] == [("Sheet1", "A1", "study-period-mismatch")]
    assert "--period 2026年10月" in result.problems[0].message
    assert saved is None and result.people == []


def test_a_failed_reimport_keeps_the_stored_period(make_master, tmp_path):
    master = make_master()
    _import(master, [layout_b(tmp_path / "11.xlsx", NOV)], period=Period(2026, 11))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"")
    result, saved = _import(master, [bad], period=Period(2026, 11))
    assert saved is None and result.replaced == 0
    assert len(_history(master)) == len(NOV)


def test_threshold_from_settings_and_from_the_option(make_master, tmp_path):
    master = make_master()
    wb = openpyxl.load_workbook(master)
    for row in wb["设置"].iter_rows(min_row=2):
        if row[0].value == "学习积分低分线":
            row[1].value = 250
    wb.save(master)
    path = layout_b(tmp_path / "11.xlsx", NOV)
    from_settings, _ = _import(master, [path], period=Period(2026, 11))
    assert from_settings.threshold == 250
    assert [p.name for p in from_settings.low] == ["李四", "钱七", "李四", "赵六"]
    from_option, _ = _import(master, [path], period=Period(2026, 11), threshold=95)
    assert [p.name for p in from_option.low] == ["赵六"]
    assert {r.threshold for r in _history(master)} == {95}


def test_default_period_is_the_current_month(make_master, tmp_path):
    master = make_master()
    exports = [read_export_file(layout_b(tmp_path / "x.xlsx", NOV))]
    result = plan_study(read_ledger(master), exports, today=date(2027, 1, 5), now=NOW)
    assert str(result.period) == "2027年1月"


def test_units_missing_from_the_units_sheet_are_named(demo_master, tmp_path):
    result, _ = _import(demo_master, [layout_b(tmp_path / "x.xlsx", NOV)], period=Period(2026, 11))
    assert result.unknown_units == ["宣传科"]


def test_bad_rows_in_the_history_are_reported_and_kept(make_master, tmp_path):
    master = make_master()
    _import(master, [layout_b(tmp_path / "11.xlsx", NOV)], period=Period(2026, 11))
    wb = openpyxl.load_workbook(master)
    wb["学习积分"]["D2"] = "很多"
    wb.save(master)
    result, _ = _import(
        master, [layout_a(tmp_path / "10.xlsx", OCT, month="2026年10月")], period=Period(2026, 10)
    )
    assert [p.as_tuple() for p in result.problems] == [("学习积分", "D2", "study-history-invalid")]
    ws = openpyxl.load_workbook(master)["学习积分"]
    assert "很多" in [c.value for c in ws["D"]]
    # Re-importing November replaces its bad row too, and counts it.
    again, _ = _import(master, [layout_b(tmp_path / "11.xlsx", NOV)], period=Period(2026, 11))
    assert again.replaced == len(NOV)
    assert [p.as_tuple() for p in again.problems] == [("学习积分", "D2", "study-history-invalid")]
    assert len(_history(master)) == len(OCT) + len(NOV)


@pytest.mark.parametrize(
    "text", ["2026年11月", "2026-11", "2026.11", "202611", "２０２６年１１月", "2026年11月份"]
)
def test_period_spellings(text):
    assert parse_period(text) == Period(2026, 11)


@pytest.mark.parametrize("text", ["11月", "2026年13月", "下半年", "", None])
def test_not_periods(text):
    assert parse_period(text) is None
