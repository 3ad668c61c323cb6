from __future__ import annotations

import openpyxl
import pytest

from zhenggai import UsageError, create_master, read_ledger
from zhenggai.cli import main
from zhenggai.core.sheets import SHEETS
from zhenggai.core.spec import default_spec
from zhenggai.demo.ledger import create_demo_master
from zhenggai.io.calamine import open_book

ALL_SHEETS = ["台账", "单位", "字段", "设置", "节假日", *[d.name for d in SHEETS[2:]], "_meta"]


def test_init_makes_every_sheet_for_people(tmp_path):
    path = create_master(tmp_path / "台账.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ALL_SHEETS
    assert wb["_meta"].sheet_state == "veryHidden"
    ledger = wb["台账"]
    assert [c.value for c in ledger[1]] == default_spec().headers
    assert ledger["A1"].font.b and ledger["A1"].fill.fgColor.rgb.endswith("DCE6F1")
    assert ledger.freeze_panes == "B2"
    assert ledger.auto_filter.ref.startswith("A1:")
    lists = {dv.formula1 for dv in ledger.data_validations.dataValidation if dv.type == "list"}
    assert lists == {'"立行立改,限期整改,长期坚持"', '"未启动,正在整改,已完成,长期坚持"', '"是,否"'}
    assert any(dv.type == "date" for dv in ledger.data_validations.dataValidation)
    assert ledger.column_dimensions["D"].width >= 40  # 存在问题 is wide
    settings = {r[0].value: r[1].value for r in wb["设置"].iter_rows(min_row=2)}
    assert settings["橙色预警天数"] == 7 and settings["黄色预警天数"] == 30
    assert [c.value for c in wb["设置"][1]] == ["项目", "值", "说明"]
    assert [c.value for c in wb["节假日"][1]] == ["日期", "类型", "说明"]
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows()}
    assert len(meta["ledger_id"]) == 36 and len(meta["hmac_key"]) == 64


def test_two_masters_get_different_identities(tmp_path):
    a = read_ledger(create_master(tmp_path / "a.xlsx")).meta
    b = read_ledger(create_master(tmp_path / "b.xlsx")).meta
    assert a.ledger_id != b.ledger_id and a.hmac_key != b.hmac_key


def test_demo_ledger_rebuilds_the_example_report(tmp_path):
    ledger = read_ledger(create_demo_master(tmp_path / "示例.xlsx"))
    rows = ledger.table.rows
    categories = list(dict.fromkeys(r["category"] for r in rows))
    assert categories == [
        "意识形态工作责任落实不够到位方面",
        "理论学习不够系统全面和及时有效方面",
        "防范化解意识形态领域风险能力有待提高",
    ]
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    assert len(problems) == 6
    assert problems[0].startswith("专题研究意识形态工作制度不够到位")
    assert problems[5].startswith("未在本行业系统内开展意识形态专项督查")
    assert len(rows) >= 15
    assert len({r["unit"] for r in rows}) == 6
    assert {r["unit"] for r in rows} <= {u.name for u in ledger.units}
    assert all(u.email.endswith("@example.org") for u in ledger.units)
    assert ledger.settings.recipient == "网信办"
    assert ledger.settings.notice == "《党委（党组）意识形态工作责任制落实情况督查问题整改通知书》"
    deadlines = [r["deadline"] for r in rows]
    assert "立行立改" in deadlines and "长期坚持" in deadlines
    assert len({type(d) for d in deadlines}) == 2  # real date cells and text


def test_init_refuses_to_overwrite_without_force(tmp_path):
    path = create_master(tmp_path / "台账.xlsx")
    before = read_ledger(path).meta.ledger_id
    with pytest.raises(UsageError, match="--force"):
        create_master(path)
    assert read_ledger(path).meta.ledger_id == before
    create_master(path, force=True)
    assert read_ledger(path).meta.ledger_id != before


def test_init_cli(tmp_path, capsys):
    path = tmp_path / "示例.xlsx"
    assert main(["init", str(path), "--demo"]) == 0
    assert "已新建台账" in capsys.readouterr().out
    assert main(["init", str(path)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "x.xls")]) == 2
    assert open_book(path).visibility("_meta") == "veryhidden"
