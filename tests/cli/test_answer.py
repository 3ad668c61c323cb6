"""``zhenggai answer`` on the command line."""

from __future__ import annotations

import json
import shutil

from tests.support.levels import (
    CITY,
    city_master,
    import_upper,
    province_master,
    province_template,
    set_cells,
)
from zhenggai.cli import main
from zhenggai.cli.console import out


def _city(tmp_path):
    template = province_template(province_master(tmp_path / "省" / "省台账.xlsx"))
    city = city_master(tmp_path / "市" / "市台账.xlsx")
    import_upper(city, template)
    set_cells(
        city,
        {
            ("1", "unit"): "甲县",
            ("1", "status"): "正在整改",
            ("1", "progress"): "[red]已排查[/] 12 个支部",
            ("2", "unit"): "乙县",
            ("2", "status"): "正在整改",
        },
    )
    return template, city


def test_json_reports_every_row_and_what_was_left(tmp_path, capsys):
    template, city = _city(tmp_path)
    # item 3 lost its 上级编号 and was reworded here: it can no longer be matched
    set_cells(city, {("3", "upper_id"): None, ("3", "measure"): "本市另定的措施"})
    code = main(["answer", str(template), "--from", str(city), "--json", "--today", "2026-11-28"])
    assert code == 1
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "template",
        "unit",
        "batch",
        "out",
        "cells",
        "rows",
        "unmatched",
        "problems",
    ]
    assert (data["unit"], data["batch"], data["cells"], data["unmatched"]) == (
        CITY,
        "2026年11月",
        3,
        ["3"],
    )
    assert data["rows"][0] == {
        "id": "1",
        "row": 9,
        "how": "上级编号",
        "local": [{"id": "1", "unit": "甲县", "row": 2}],
        "values": {"status": "正在整改", "progress": "[red]已排查[/] 12 个支部"},
        "cells": {"status": "L9", "progress": "M9"},
    }
    assert [p["code"] for p in data["problems"]] == ["answer-unmatched"]
    assert data["out"].endswith(f"上报/{CITY}-整改进展填报-2026年11月.xlsx")


def test_text_shows_user_data_literally_and_writes_the_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(out, "_width", 300)  # wide enough that no table cell folds
    template, city = _city(tmp_path)
    received = tmp_path / "[bold]收到的模板\x1b[2J.xlsx"
    shutil.copy(template, received)
    dest = tmp_path / "报送" / "某市.xlsx"
    code = main(
        ["answer", str(received), "--from", str(city), "--out", str(dest), "--today", "2026-11-28"]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "[bold]收到的模板␛[2J.xlsx" in text and "\x1b" not in text
    assert "[red]已排查[/]" in text
    assert f"已填写 4 个单元格：{dest}" in text
    assert dest.exists()


def test_dry_run_and_a_missing_template(tmp_path, capsys):
    template, city = _city(tmp_path)
    code = main(["answer", str(template), "--from", str(city), "--dry-run"])
    assert "试运行（--dry-run）：没有写任何文件。" in capsys.readouterr().out
    assert code == 0 and not (city.parent / "上报").exists()
    assert main(["answer", str(tmp_path / "没有这个.xlsx"), "--from", str(city)]) == 2
