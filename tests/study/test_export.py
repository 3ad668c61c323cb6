"""Reading points exports: layouts, merged cells, and every bad export."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.study_books import HEADER_A, HEADER_B, export, layout_a, layout_b
from zhenggai.core.problems import Code
from zhenggai.study.export import read_export_file, read_export_grid
from zhenggai.study.history import Period

PEOPLE = [("办公室", "张三", 300), ("办公室", "李四", 120.5), ("人事科", "王五", 0)]


def people(export_):
    return [(r.unit, r.name, r.points) for r in export_.records]


def problems(export_):
    return [p.as_tuple() for p in export_.problems]


def test_layout_a_with_merged_title_rows(tmp_path):
    got = read_export_file(layout_a(tmp_path / "a.xlsx", PEOPLE))
    assert people(got) == PEOPLE
    assert got.problems == []
    assert got.sheet == "Sheet1"
    assert got.title_period == Period(2026, 11) and got.title_cell == "A1"
    first = got.records[0]
    assert (first.total, first.daily, first.last_login, first.cell) == (
        5001,
        3.5,
        "2026-11-20",
        "B4",
    )


def test_layout_b_fills_units_merged_down_and_skips_the_total_line(tmp_path):
    got = read_export_file(layout_b(tmp_path / "b.xlsx", PEOPLE))
    assert people(got) == PEOPLE
    assert got.problems == []
    assert got.title_period is None
    assert [r.row for r in got.records] == [2, 3, 4]


def test_text_numbers_spaces_in_names_and_dates_are_read_as_meant():
    grid = [
        ["姓名", "单位", "本期积分(分)", "最近登录"],
        ["王  伟", "办公室", "１２０", datetime(2026, 11, 3, 8, 0)],
        ["Anna Li", "办公室", "1,200", None],
        ["制表人：陈静", None, None, None],
    ]
    got = read_export_grid(grid, file="x.xlsx", sheet="S")
    assert people(got) == [("办公室", "王伟", 120), ("办公室", "Anna Li", 1200)]
    assert got.records[0].last_login == datetime(2026, 11, 3, 8, 0)
    assert got.problems == []


def test_the_table_is_found_on_a_later_sheet(tmp_path):
    path = export(
        tmp_path / "x.xlsx",
        ["姓名", "所属单位", "积分"],
        [["张三", "办公室", 10]],
        before={"说明": [["本表由学习平台导出"]]},
        sheet="积分",
    )
    got = read_export_file(path)
    assert (got.sheet, people(got)) == ("积分", [("办公室", "张三", 10)])


def test_no_name_column(tmp_path):
    path = export(tmp_path / "x.xlsx", ["学号", "所在组织", "本月积分"], [[1, "办公室", 10]])
    got = read_export_file(path)
    assert problems(got) == [("Sheet1", "1:1", "study-no-name-column")]
    assert got.records == []


def test_no_table_at_all(tmp_path):
    got = read_export_file(export(tmp_path / "x.xlsx", ["随便写的"], [["一些字"]]))
    assert problems(got) == [("Sheet1", "", "study-no-name-column")]


def test_no_unit_column(tmp_path):
    path = export(tmp_path / "x.xlsx", ["姓名", "本月积分"], [["张三", 10]])
    assert problems(read_export_file(path)) == [("Sheet1", "1:1", "study-no-unit-column")]


def test_only_total_points_is_not_this_period(tmp_path):
    path = export(tmp_path / "x.xlsx", ["姓名", "部门", "总积分"], [["张三", "办公室", 9000]])
    got = read_export_file(path)
    assert problems(got) == [("Sheet1", "1:1", "study-no-points-column")]
    assert "“总积分”" in got.problems[0].message


def test_non_numeric_empty_and_negative_points(tmp_path):
    rows = [
        [1, "张三", "办公室", "12分", None, None, None],
        [2, "李四", "办公室", None, None, None, None],
        [3, "王五", "办公室", -5, None, None, None],
        [4, "赵六", "办公室", 50, None, None, None],
    ]
    got = read_export_file(export(tmp_path / "x.xlsx", HEADER_A, rows))
    assert problems(got) == [
        ("Sheet1", "D2", "study-points-invalid"),
        ("Sheet1", "D3", "study-points-invalid"),
        ("Sheet1", "D4", "study-points-invalid"),
    ]
    assert got.problems[0].value == "12分" and "不是数字" in got.problems[0].message
    assert "为空" in got.problems[1].message
    assert people(got) == [("办公室", "赵六", 50)]


def test_points_without_a_name_and_a_name_without_a_unit(tmp_path):
    rows = [[1, None, "办公室", 30], [2, "李四", None, 40], [3, None, None, None]]
    got = read_export_file(export(tmp_path / "x.xlsx", HEADER_A[:4], rows))
    assert problems(got) == [
        ("Sheet1", "B2", "study-name-missing"),
        ("Sheet1", "C3", "study-unit-missing"),
    ]


def test_names_merged_over_several_rows_are_not_guessed(tmp_path):
    rows = [
        ["张三", "办公室", 0, 10, None],
        [None, "办公室", 0, 20, None],
        ["李四", "办公室", 0, 30, None],
    ]
    got = read_export_file(export(tmp_path / "x.xlsx", HEADER_B, rows, merges=["A2:A3"]))
    assert problems(got) == [("Sheet1", "A2:A3", "study-merged-cells")]
    assert got.problems[0].value == "张三"
    assert people(got) == [("办公室", "李四", 30)]


def test_points_merged_over_several_rows_are_not_guessed(tmp_path):
    rows = [["张三", "办公室", 0, 10], ["李四", "办公室", 0, None], ["王五", "办公室", 0, 5]]
    got = read_export_file(export(tmp_path / "x.xlsx", HEADER_B[:4], rows, merges=["D2:D3"]))
    assert problems(got) == [("Sheet1", "D2:D3", "study-merged-cells")]
    assert people(got) == [("办公室", "王五", 5)]


def test_a_merged_title_naming_a_range_or_a_day_sets_no_period():
    for title in ("2026年1月至11月积分", "导出于2026年11月30日"):
        got = read_export_grid(
            [[title], ["姓名", "单位", "积分"], ["张三", "办", 1]], file="f", sheet="S"
        )
        assert got.title_period is None, title


def test_a_repeated_header_column_is_reported(tmp_path):
    path = export(
        tmp_path / "x.xlsx", ["姓名", "部门", "本月积分", "本期积分"], [["张三", "办", 1, 2]]
    )
    got = read_export_file(path)
    assert problems(got) == [("Sheet1", "D1", "header-duplicate")]
    assert people(got) == [("办", "张三", 1)]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "file-empty"),
        (b"not a workbook", "file-not-workbook"),
        (b"PK\x03\x04broken", "file-corrupt"),
    ],
)
def test_unreadable_files_become_one_problem(tmp_path, content, code):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(content)
    got = read_export_file(path)
    assert [(p.file, p.code) for p in got.problems] == [("坏.xlsx", Code(code))]
