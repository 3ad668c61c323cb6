"""``zhenggai study`` end to end: exit codes, output, --json exactly as issue 9 says."""

from __future__ import annotations

import json

import openpyxl

from tests.support.study_books import layout_a, layout_b
from zhenggai.cli import main

NOV = [
    ("办公室", "张三", 320),
    ("办公室", "李四", 320),
    ("人事科", "王五", 0),
    ("人事科", "赵六", 40),
]


def test_json_is_exactly_the_issue_object(make_master, tmp_path, capsys):
    master = make_master()
    path = layout_b(tmp_path / "11.xlsx", NOV)
    assert main(["study", str(path), "--into", str(master), "--period", "2026-11", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["period", "people", "units", "inactive", "low", "problems"]
    assert data["period"] == "2026年11月"
    assert data["people"] == [
        {"name": "张三", "unit": "办公室", "points": 320, "rank": 1, "unit_rank": 1, "flag": None},
        {"name": "李四", "unit": "办公室", "points": 320, "rank": 1, "unit_rank": 1, "flag": None},
        {"name": "赵六", "unit": "人事科", "points": 40, "rank": 3, "unit_rank": 1, "flag": "low"},
        {
            "name": "王五",
            "unit": "人事科",
            "points": 0,
            "rank": 4,
            "unit_rank": 2,
            "flag": "inactive",
        },
    ]
    assert data["units"] == [
        {
            "unit": "办公室",
            "count": 2,
            "avg": 320,
            "median": 320,
            "low_share": 0.0,
            "rank": 1,
            "trend": None,
        },
        {
            "unit": "人事科",
            "count": 2,
            "avg": 20,
            "median": 20,
            "low_share": 1.0,
            "rank": 2,
            "trend": None,
        },
    ]
    assert data["inactive"] == ["王五"] and data["low"] == ["赵六"]
    assert data["problems"] == []


def test_problems_in_json_and_exit_code_one(make_master, tmp_path, capsys):
    master = make_master()
    path = layout_a(tmp_path / "11.xlsx", [("办公室", "张三", "十分"), ("办公室", "李四", 5)])
    assert (
        main(["study", str(path), "--into", str(master), "--period", "2026年11月", "--json"]) == 1
    )
    data = json.loads(capsys.readouterr().out)
    assert data["problems"] == [
        {
            "code": "study-points-invalid",
            "file": "11.xlsx",
            "sheet": "Sheet1",
            "cell": "D4",
            "message": "“张三”的本期积分不是数字，这一行未导入。请填写不小于 0 的数字（没有学习填 0）后重新导入。",
            "value": "十分",
        }
    ]
    assert [p["name"] for p in data["people"]] == ["李四"]


def test_human_output_reimport_and_threshold(make_master, tmp_path, capsys):
    master = make_master()
    path = layout_b(tmp_path / "11.xlsx", NOV)
    argv = ["study", str(path), "--into", str(master), "--period", "2026年11月"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "2026年11月：读取 1 个文件，4 人，2 个单位" in text
    assert "未学习（0 分） 1 人：王五（人事科，0分）" in text
    assert "积分偏低 1 人：赵六（人事科，40分）" in text
    assert f"已写入：{master.resolve()}" in text
    assert main([*argv, "--threshold", "500"]) == 0
    text = capsys.readouterr().out
    assert "已替换2026年11月原有的 4 条记录" in text
    assert "积分偏低 3 人" in text
    ws = openpyxl.load_workbook(master)["学习积分"]
    assert ws.max_row == 1 + len(NOV)


def test_nothing_importable_leaves_the_master_alone(make_master, tmp_path, capsys):
    master = make_master()
    before = master.read_bytes()
    path = layout_a(tmp_path / "10.xlsx", NOV, month="2026年10月")
    assert main(["study", str(path), "--into", str(master), "--period", "2026年11月"]) == 1
    text = capsys.readouterr().out
    assert "没有导入任何人员" in text and "台账未改动" in text
    assert master.read_bytes() == before


def test_bad_period_and_missing_files_cannot_run(make_master, tmp_path, capsys):
    master = make_master()
    path = layout_b(tmp_path / "11.xlsx", NOV)
    assert main(["study", str(path), "--into", str(master), "--period", "下半年"]) == 2
    assert "统计期间“下半年”看不懂" in capsys.readouterr().err
    assert main(["study", str(tmp_path / "无.xlsx"), "--into", str(master)]) == 2
    assert main(["study", str(path)]) == 2
    assert "缺少选项 --into" in capsys.readouterr().err  # the flag, not the parameter's name
