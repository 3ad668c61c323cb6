"""Three levels, each with its own master, every step through the real ``zhenggai`` commands.

省 issues its template to 某市; 某市 imports it, gives the items to its two
counties, issues them its own templates, consolidates their returns and
answers the province's template; 省 consolidates that like any unit's return.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest

from tests.support.levels import BATCH, CITY, city_master, province_master, set_cells
from zhenggai import read_ledger
from zhenggai.cli import main
from zhenggai.core.ledger import records
from zhenggai.core.logs import ReturnsLog
from zhenggai.core.sheets import CHANGES, RETURNS
from zhenggai.template.fill import fill_template
from zhenggai.template.names import template_name


def _run(*args: object, today: str) -> int:
    return main([*map(str, args), "--today", today])


@pytest.mark.slow
def test_province_city_counties_and_back(tmp_path):
    province = province_master(tmp_path / "省" / "省级整改台账.xlsx")
    city = city_master(tmp_path / "市" / "市级整改台账.xlsx")

    # 省 issues its templates (某市 and 另一市).
    assert _run("templates", province, "--batch", BATCH, today="2026-11-20") == 0
    upper = province.parent / "下发" / BATCH / template_name(CITY, BATCH)

    # 某市 takes the province's items, gives them to its counties, splits item 1 over both.
    assert _run("import", upper, "--into", city, "--split-by", "责任单位", today="2026-11-21") == 0
    set_cells(city, {("1", "unit"): "甲县、乙县", ("2", "unit"): "甲县", ("3", "unit"): "乙县"})
    assert _run("import", upper, "--into", city, "--split-by", "责任单位", today="2026-11-21") == 0
    assert [r.text("id") for r in read_ledger(city).table] == ["1-1", "2", "3", "1-2"]

    # 某市 issues its own templates; 甲县 and 乙县 fill theirs in and send them back.
    assert _run("templates", city, "--batch", BATCH, today="2026-11-22") == 0
    issued = city.parent / "下发" / BATCH
    returns = city.parent / "回收"
    fill_template(
        issued / template_name("甲县", BATCH),
        returns / template_name("甲县", BATCH),
        {
            ("1-1", "status"): "已完成",
            ("1-1", "progress"): "已补齐2024年以来12个支部的组织生活记录",
            ("1-1", "done_date"): date(2026, 11, 24),
            ("1-1", "evidence"): "组织生活记录、抽查制度",
            ("2", "status"): "正在整改",
            ("2", "progress"): "已清退12.6万元，剩余部分12月底前清退",
        },
        saved=datetime(2026, 11, 25, 9, 0),
    )
    fill_template(
        issued / template_name("乙县", BATCH),
        returns / f"回复：{template_name('乙县', BATCH)}",  # renamed by the mail client
        {
            ("1-2", "status"): "已完成",
            ("1-2", "progress"): "已补齐9个支部的记录。",
            ("1-2", "done_date"): date(2026, 11, 26),
            ("1-2", "evidence"): "抽查制度；整改报告",
            ("3", "status"): "长期坚持",
            ("3", "progress"): "已出台精文简会十条措施",
        },
        saved=datetime(2026, 11, 26, 16, 0),
    )
    assert _run("consolidate", city, today="2026-11-27") == 0

    # 某市 answers the province's template from its master.
    assert _run("answer", upper, "--from", city, today="2026-11-28") == 0
    answer = city.parent / "上报" / template_name(CITY, BATCH)

    # 省 consolidates it like any unit's return.
    (province.parent / "回收").mkdir()
    shutil.copy(answer, province.parent / "回收" / answer.name)
    assert _run("consolidate", province, today="2026-11-29") == 0

    rows = read_ledger(province).table.by_id()
    assert (rows["1"]["status"], rows["1"]["done_date"]) == ("已完成", date(2026, 11, 26))
    assert rows["1"]["progress"] == (
        "甲县：已补齐2024年以来12个支部的组织生活记录。乙县：已补齐9个支部的记录。"
    )
    assert rows["1"]["evidence"] == "组织生活记录、抽查制度、整改报告"
    assert (rows["2"]["status"], rows["2"]["progress"]) == (
        "正在整改",
        "已清退12.6万元，剩余部分12月底前清退",
    )
    assert (rows["3"]["status"], rows["3"]["progress"]) == ("长期坚持", "已出台精文简会十条措施")
    assert rows["4"]["status"] == "未启动"

    ledger = read_ledger(province)
    log = records(ledger.grid(CHANGES.name), CHANGES)
    mine = [r for r in log if r["操作"] == "汇总"]
    assert {(r["单位"], r["文件"]) for r in mine} == {(CITY, answer.name)}
    fields = {"1": ("整改状态", "整改进展", "完成时间", "佐证材料"), "2": ("整改状态", "整改进展")}
    fields["3"] = fields["2"]
    assert sorted((r["编号"], r["字段"]) for r in mine) == sorted(
        (rid, name) for rid, names in fields.items() for name in names
    )
    returned = ReturnsLog.from_grid(ledger.grid(RETURNS.name)).get(BATCH, CITY)
    assert (returned["回收文件"], returned["结论"]) == (answer.name, "已汇总")
