"""Importing an upper office's template: its items with their 上级编号, split over this level's units."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.conftest import set_ledger_rows
from tests.support.levels import (
    CITY,
    PROVINCE_ROWS,
    city_master,
    import_upper,
    province_master,
    province_template,
    set_cells,
)
from tests.support.synthetic import issue_templates
from zhenggai import read_ledger
from zhenggai.cli import main
from zhenggai.core.errors import UsageError
from zhenggai.core.ledger import records
from zhenggai.core.sheets import CHANGES
from zhenggai.core.spec import UPPER_ID_KEY
from zhenggai.importing.sheet import Decision


@pytest.fixture
def upper(tmp_path):
    province = province_master(tmp_path / "省" / "省台账.xlsx")
    return province, province_template(province)


def _rows(master, *keys):
    return [tuple(row.text(k) for k in keys) for row in read_ledger(master).table]


def test_the_upper_items_come_with_their_upper_ids_and_no_unit(upper, tmp_path):
    _, template = upper
    city = city_master(tmp_path / "市台账.xlsx")
    result = import_upper(city, template)
    assert (result.read, result.written, result.problems) == (3, 3, [])
    unit = next(d for d in result.decisions if d.label == "责任单位")
    assert (unit.decision, unit.key) == (Decision.SKIPPED, None)
    assert "责任单位" not in result.columns()["extra"]
    assert [f.name for f in result.new_fields] == ["导入来源", "上级编号"]
    ledger = read_ledger(city)
    f = ledger.spec.field(UPPER_ID_KEY)
    assert (f.name, f.type.value, f.editable, f.in_template) == ("上级编号", "文本", False, False)
    assert _rows(city, "id", UPPER_ID_KEY, "unit", "deadline", "warning") == [
        ("1", "1", "", "2026年12月底前", ""),
        ("2", "2", "", "2026年12月底前", ""),
        ("3", "3", "", "长期坚持", ""),
    ]
    first = ledger.table.rows[0]
    assert first.text("measure") == PROVINCE_ROWS[0]["measure"]
    assert first.text("origin") == f"{template.name}｜填报｜第9行"
    (note,) = result.notes
    assert "取其中 3 项新事项" in note and f"“责任单位”列是{CITY}自己" in note


def test_a_later_upper_template_adds_only_its_new_items(upper, tmp_path):
    province, template = upper
    city = city_master(tmp_path / "市台账.xlsx")
    import_upper(city, template)
    # December: the province adds item 5 for 某市 and moves item 2's deadline.
    later = [dict(r) for r in PROVINCE_ROWS]
    later[1]["deadline"] = "2027年3月底前"
    later.append({**PROVINCE_ROWS[0], "id": "5", "problem": "新问题", "measure": "新措施"})
    set_ledger_rows(province, later)
    december = issue_templates(
        province, units=[CITY], now=datetime(2026, 12, 20, 9), batch="2026年12月"
    )[CITY]
    result = import_upper(city, december)
    assert result.written == 1
    assert [(n.row, n.reason) for n in result.not_written] == [
        (9, "上级编号“1”的事项台账中已有（第2行），未重复导入"),
        (10, "上级编号“2”的事项台账中已有（第3行），未重复导入"),
        (11, "上级编号“3”的事项台账中已有（第4行），未重复导入"),
    ]
    (changed,) = result.problems
    assert (changed.as_tuple(), changed.value) == (
        ("填报", "J10", "import-upper-changed"),
        "2027年3月底前",
    )
    assert "本级台账第3行是“2026年12月底前”" in changed.message
    assert _rows(city, "id", UPPER_ID_KEY, "deadline")[1:] == [
        ("2", "2", "2026年12月底前"),  # never overwritten
        ("3", "3", "长期坚持"),
        ("5", "5", "2026年12月底前"),
    ]


def test_an_upper_id_this_ledger_already_uses_gets_an_id_of_its_own(upper, tmp_path):
    _, template = upper
    own = {
        "id": "2",
        "category": "本市自查",
        "problem": "会议室管理不规范",
        "measure": "制定会议室管理办法",
        "unit": "甲县",
        "deadline": "2026年12月底前",
        "status": "正在整改",
    }
    city = city_master(tmp_path / "市台账.xlsx", rows=[own])
    result = import_upper(city, template)
    rows = _rows(city, "id", UPPER_ID_KEY, "problem")
    assert rows[0] == ("2", "", "会议室管理不规范")
    made = rows[2]
    assert made[0].startswith("IM") and made[1:] == ("2", PROVINCE_ROWS[1]["problem"])
    assert any(f"此事项编号为“{made[0]}”（上级编号仍是“2”）" in n for n in result.notes)
    again = import_upper(city, template)
    assert again.written == 0  # found by its 上级编号, not by its 编号


def test_this_master_s_own_template_is_a_return_not_items(upper):
    province, template = upper
    result = import_upper(province, template)
    assert result.written == 0
    assert [p.as_tuple()[2] for p in result.problems] == ["import-own-template"]


def test_split_by_unit_splits_the_rows_the_office_assigned_to_several_units(upper, tmp_path):
    _, template = upper
    city = city_master(tmp_path / "市台账.xlsx")
    import_upper(city, template, split_by="责任单位")
    set_cells(
        city,
        {
            ("1", "unit"): "甲县、乙县、丙县",
            ("1", "progress"): "已部署",
            ("2", "unit"): "甲县",
            ("3", "unit"): "乙县",
        },
    )
    result = import_upper(city, template, split_by="责任单位")
    assert result.written == 0
    assert [s.to_dict() for s in result.split_rows] == [
        {"id": "1", "row": 2, "ids": ["1-1", "1-2", "1-3"], "units": ["甲县", "乙县", "丙县"]}
    ]
    assert result.new_units == ["丙县"]
    assert _rows(city, "id", UPPER_ID_KEY, "unit", "progress", "measure") == [
        ("1-1", "1", "甲县", "已部署", PROVINCE_ROWS[0]["measure"]),
        ("2", "2", "甲县", "", PROVINCE_ROWS[1]["measure"]),
        ("3", "3", "乙县", "", PROVINCE_ROWS[2]["measure"]),
        ("1-2", "1", "乙县", "已部署", PROVINCE_ROWS[0]["measure"]),
        ("1-3", "1", "丙县", "已部署", PROVINCE_ROWS[0]["measure"]),
    ]
    ledger = read_ledger(city)
    assert [u.name for u in ledger.units] == ["甲县", "乙县", "丙县"]
    log = [
        (r["操作"], r["编号"], r["字段"], r["原值"], r["新值"])
        for r in records(ledger.grid(CHANGES.name), CHANGES)
        if r["操作"] == "拆分"
    ]
    assert log == [
        ("拆分", "1-1", "编号", "1", "1-1"),
        ("拆分", "1-1", "责任单位", "甲县、乙县、丙县", "甲县"),
        ("拆分", "1-2", "（整行）", "1", "由编号“1”拆分"),
        ("拆分", "1-3", "（整行）", "1", "由编号“1”拆分"),
    ]
    # the templates now go to each county with its own rows
    issued = issue_templates(city, now=datetime(2026, 11, 22, 9))
    assert sorted(issued) == ["丙县", "乙县", "甲县"]


def test_a_split_that_would_reuse_an_id_is_reported_not_done(upper, tmp_path):
    _, template = upper
    city = city_master(tmp_path / "市台账.xlsx")
    import_upper(city, template)
    set_cells(city, {("1", "unit"): "甲县、乙县", ("2", "id"): "1-2"})
    result = import_upper(city, template, split_by="责任单位")
    assert result.split_rows == []
    assert [p.as_tuple() for p in result.problems] == [("台账", "A2", "id-duplicate")]
    assert _rows(city, "id", "unit")[0] == ("1", "甲县、乙县")


def test_split_by_names_the_unit_column_only(upper, tmp_path):
    _, template = upper
    city = city_master(tmp_path / "市台账.xlsx")
    with pytest.raises(UsageError, match="--split-by 只能是“责任单位”"):
        import_upper(city, template, split_by="存在问题")


def test_the_cli_splits_and_says_so(upper, tmp_path, capsys):
    _, template = upper
    city = city_master(tmp_path / "市台账.xlsx")
    args = ["import", str(template), "--into", str(city), "--split-by", "责任单位"]
    assert main(args) == 0
    assert "请在台账“责任单位”列填写本级的承办单位" in capsys.readouterr().out
    set_cells(city, {("1", "unit"): "甲县、乙县"})
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["written"] == 0
    assert data["split"] == [
        {"id": "1", "row": 2, "ids": ["1-1", "1-2"], "units": ["甲县", "乙县"]}
    ]
