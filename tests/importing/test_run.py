"""Importing real-looking ledgers into a real master, end to end through the files."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from tests.conftest import write_book
from tests.support.ledgers import (
    AUDIT_COLUMNS,
    AUDIT_FIRST_DATA_ROW,
    unit_rows,
    write_audit_ledger,
    write_unit_ledger,
)
from tests.support.office import convert
from zhenggai import create_master, read_ledger
from zhenggai.core.text import canonical
from zhenggai.importing.run import plan_import, read_sources
from zhenggai.io.calamine import open_book
from zhenggai.io.master import update_master

PLACEHOLDERS = {"/", "—", "无", "暂无", "\\"}


def _import(master, paths, **kwargs):
    sources, problems = read_sources(paths, sheet=kwargs.pop("sheet", None))
    if not master.exists():
        create_master(master)
    result, saved = update_master(
        master,
        op="导入",
        plan=lambda ledger: plan_import(ledger, sources, problems=problems, **kwargs),
    )
    return result, saved


def _ledger_rows(master):
    ledger = read_ledger(master)
    return ledger, [{f.name: row.values.get(f.key) for f in ledger.spec} for row in ledger.table]


def test_the_audit_ledger_is_imported_whole(tmp_path):
    source = write_audit_ledger(tmp_path / "审计整改台账.xlsx")
    master = tmp_path / "台账.xlsx"
    result, saved = _import(master, [source])
    assert saved is not None and saved.replaced
    assert (result.read, result.written, result.placeholders, result.split) == (10, 9, 46, 1)
    assert [(n.row, n.reason[:4]) for n in result.not_written] == [(13, "合计行"), (14, "没有“存")]
    assert len(result.decisions) == len(AUDIT_COLUMNS) == 33
    columns = result.columns()
    assert columns["mapped"]["整改计划-目标设定完成时间"] == "整改时限"
    assert columns["mapped"]["整改完成情况-是否整改完成"] == "整改状态"
    assert columns["mapped"]["整改责任-所属责任公司"] == "责任单位"
    assert len(columns["mapped"]) == 13 and len(columns["extra"]) == 20
    assert "涉及金额（万元）-问题金额" in columns["extra"]
    assert [s.sheet for s in result.skipped] == ["Sheet2"]
    assert result.problems == []

    ledger, rows = _ledger_rows(master)
    # the 字段 sheet and the 台账 header agree, extra columns included
    assert ledger.table.header.extra == {}
    assert set(ledger.table.columns) == {f.key for f in ledger.spec}
    assert [u.name for u in ledger.units] == ["A公司", "B公司"]
    extra = ledger.spec.field("x_5")
    assert (extra.name, extra.type.value, extra.editable) == (
        "涉及金额（万元）-问题金额",
        "数字",  # only numbers in it: kept as numbers, in the master and in templates
        False,
    )
    assert ledger.spec.field("x_6").type.value == "数字"  # 已整改金额
    assert ledger.spec.field("x_7").type.value == "文本"  # 未整改金额: "/" placeholders only
    units = [r["责任单位"] for r in rows]
    assert units == [
        "A公司",
        "A公司",
        "A公司",
        "B公司",
        "A公司",
        "A公司",
        "B公司",
        "A公司",
        "A公司",
    ]
    deadlines = [r["整改时限"] for r in rows]
    assert deadlines == [
        date(2024, 6, 30),
        "2024年12月31日",
        "2024.9.30",
        "2024.9.30",
        "长期坚持",
        date(2025, 3, 31),
        "2025年底前",
        date(2024, 6, 30),
        "6月底",
    ]
    assert [r["整改状态"] for r in rows][:2] == ["已完成", "正在整改"]
    assert rows[-1]["存在问题"] == rows[-2]["存在问题"] == "问题7（两条措施）"
    assert rows[5]["涉及金额（万元）-问题金额"] == 1234.56
    assert rows[0]["完成时间"] == date(2024, 5, 20) and rows[1]["完成时间"] is None
    assert rows[0]["导入来源"] == "审计整改台账.xlsx｜审计整改台账｜第5行"
    log = open_book(master).grid("变更记录")
    assert len(log) == 1 + 21 + 9  # header, one row per new field, one per row


def test_every_value_round_trips_into_the_master(tmp_path):
    source = write_audit_ledger(tmp_path / "审计整改台账.xlsx")
    master = tmp_path / "台账.xlsx"
    result, _ = _import(master, [source])
    grid = open_book(source).grid("审计整改台账")
    by_label = {d.label: d.field for d in result.decisions}
    labels = [f"{g}-{h}" if g else h for g, h in AUDIT_COLUMNS]
    _, rows = _ledger_rows(master)
    for row in rows:
        number = int(row["导入来源"].rsplit("第", 1)[1][:-1])
        source_row = grid[number - 1]
        if number == AUDIT_FIRST_DATA_ROW + 7:  # merged down from the row above
            source_row = [
                grid[number - 2][c] if c in (0, 4) else v for c, v in enumerate(source_row)
            ]
        for c, label in enumerate(labels):
            value = source_row[c]
            want = "" if isinstance(value, str) and value.strip() in PLACEHOLDERS else value
            got = row[by_label[label]]
            if label == "整改责任-所属责任公司":
                assert got in str(value)
            elif label == "整改完成情况-是否整改完成":
                assert got == {"是": "已完成", "否": "正在整改"}[value]
            else:
                assert canonical(got) == canonical(want), (number, label)


def test_several_unit_files_give_exactly_the_union_each_row_traceable(tmp_path):
    files = {
        "A公司整改台账.xlsx": ("A公司", unit_rows("A", "A公司", 3)),
        "B公司整改台账.xls": ("B公司", unit_rows("B", "B公司", 2)),
        "C公司整改台账.xlsx": ("B公司", unit_rows("C", "C公司", 4)),  # sheet named after B公司
    }
    paths = []
    for name, (sheet, rows) in files.items():
        # an .xlsx saved under .xls, as happens: the content decides, not the name
        paths.append(write_unit_ledger(tmp_path / name, sheet, rows, title=f"{sheet}整改台账"))
    master = tmp_path / "台账.xlsx"
    result, _ = _import(master, paths)
    assert (result.read, result.written) == (9, 9)
    assert [p.as_tuple() for p in result.problems] == [("B公司", "D3", "import-unit-mismatch")]
    _, rows = _ledger_rows(master)
    want = {(r[0], r[1], r[3]) for _, rows_ in files.values() for r in rows_}
    assert {(r["编号"], r["存在问题"], r["责任单位"]) for r in rows} == want
    assert len(rows) == len(want)
    sources = {p.name: open_book(p) for p in paths}
    for row in rows:
        file, sheet, number = row["导入来源"].split("｜")
        source_row = sources[file].grid(sheet)[int(number[1:-1]) - 1]
        assert source_row[0] == row["编号"] and source_row[1] == row["存在问题"]


def test_importing_twice_gives_the_same_ids_and_writes_nothing_the_second_time(tmp_path):
    source = write_audit_ledger(tmp_path / "审计整改台账.xlsx")
    one, two = tmp_path / "一.xlsx", tmp_path / "二.xlsx"
    _import(one, [source])
    _import(two, [source])
    ids = [r["编号"] for r in _ledger_rows(one)[1]]
    assert ids == [r["编号"] for r in _ledger_rows(two)[1]]
    assert ids[2:4] == [f"{ids[2][:-2]}-1", f"{ids[2][:-2]}-2"]
    before = open_book(one).grid("台账")
    again, saved = _import(one, [source])
    assert (again.read, again.written, saved) == (10, 0, None)
    assert all("多半是导入过" in n.reason for n in again.not_written if n.row < 13)
    assert open_book(one).grid("台账") == before


def test_a_second_import_reuses_extra_columns_of_the_same_name(tmp_path):
    master = tmp_path / "台账.xlsx"
    header = ["存在问题", "整改措施", "责任单位", "问题金额"]
    a = write_book(tmp_path / "a.xlsx", {"S": [header, ["甲", "措施", "办公室", 1.5]]})
    b = write_book(tmp_path / "b.xlsx", {"S": [header, ["乙", "措施", "办公室", 2.5]]})
    _import(master, [a])
    result, _ = _import(master, [b])
    assert result.new_fields == []
    last = result.decisions[-1]
    assert (last.label, last.key, last.why) == ("问题金额", "x_1", "字段名")
    ledger, rows = _ledger_rows(master)
    assert [r["问题金额"] for r in rows] == [1.5, 2.5]
    assert [f.name for f in ledger.spec].count("问题金额") == 1


def test_files_that_cannot_be_imported_are_problems_and_the_rest_goes_on(tmp_path):
    good = write_unit_ledger(tmp_path / "甲.xlsx", "甲", unit_rows("A", "甲", 1))
    csv = tmp_path / "乙.csv"
    csv.write_text("存在问题,整改措施\n", encoding="utf-8")
    fake = tmp_path / "丙.xlsx"
    fake.write_text("不是工作簿", encoding="utf-8")
    sources, problems = read_sources([good, csv, fake, tmp_path / "丁.xlsx"])
    assert [s.file for s in sources] == ["甲.xlsx"]
    assert [(p.file, str(p.code)) for p in problems] == [
        ("乙.csv", "file-unsupported"),
        ("丙.xlsx", "file-not-workbook"),
        ("丁.xlsx", "file-corrupt"),
    ]
    assert "只能导入 Excel 工作簿（.xlsx、.xlsm、.xls）" in problems[0].message
    assert "找不到文件" in problems[2].message


def test_sheet_choice_hidden_sheets_and_sheets_without_a_ledger(tmp_path):
    path = tmp_path / "a.xlsx"
    write_book(
        path,
        {
            "台账": [["存在问题", "整改措施", "责任单位"], ["甲", "措施", "办公室"]],
            "说明": [["填表说明"], ["请按要求填写"]],
            "下拉": [["存在问题", "整改措施"], ["隐藏的", "行"]],
        },
        hidden=["下拉"],
    )
    sources, _ = read_sources([path])
    result = plan_import(read_ledger(create_master(tmp_path / "m.xlsx")), sources)
    assert [(s.sheet, s.reason) for s in result.skipped] == [
        ("说明", "找不到台账表头"),
        ("下拉", "隐藏的工作表"),
    ]
    assert [p.as_tuple() for p in result.problems] == [("说明", "", "header-not-found")]
    chosen, _ = read_sources([path], sheet="下拉")
    assert [r["problem"] for r in plan_import(read_ledger(tmp_path / "m.xlsx"), chosen).rows] == [
        "隐藏的"
    ]
    missing, problems = read_sources([path], sheet="没有")
    assert missing == [] and [p.as_tuple() for p in problems] == [("没有", "", "sheet-missing")]


@pytest.mark.libreoffice
def test_a_real_xls_file_with_merged_headers_is_imported(tmp_path):
    xlsx = write_audit_ledger(tmp_path / "审计整改台账.xlsx")
    out = tmp_path / "xls"
    convert([xlsx], "xls", out, profile=tmp_path / "lo-profile")
    xls = out / "审计整改台账.xls"
    sources, problems = read_sources([xls])
    assert problems == [] and sources[0].merged
    from_xls = plan_import(read_ledger(create_master(tmp_path / "m.xlsx")), sources)
    sources, _ = read_sources([xlsx])
    from_xlsx = plan_import(read_ledger(tmp_path / "m.xlsx"), sources)
    assert (from_xls.read, from_xls.written, from_xls.placeholders) == (10, 9, 46)
    assert from_xls.columns() == from_xlsx.columns()
    strip = [{k: canonical(v) for k, v in r.items() if k != "origin"} for r in from_xls.rows]
    assert strip == [
        {k: canonical(v) for k, v in r.items() if k != "origin"} for r in from_xlsx.rows
    ]


def test_dates_in_any_form_are_kept_as_found_and_unreadable_ones_reported(tmp_path):
    path = write_book(
        tmp_path / "a.xlsx",
        {
            "S": [
                ["存在问题", "整改措施", "责任单位", "整改时限", "完成时间"],
                ["甲", "措施", "办公室", datetime(2024, 6, 30), "2024年5月"],
                ["乙", "措施", "办公室", "二〇二四年底前", 45473],
                ["丙", "措施", "办公室", "尽快", "长期坚持"],
            ]
        },
    )
    sources, _ = read_sources([path])
    wb = openpyxl.load_workbook(path)
    assert wb["S"]["E3"].value == 45473  # a bare number: kept, and reported
    result = plan_import(read_ledger(create_master(tmp_path / "m.xlsx")), sources)
    assert [(r["deadline"], r["done_date"]) for r in result.rows] == [
        (date(2024, 6, 30), "2024年5月"),
        ("二〇二四年底前", 45473.0),
        ("尽快", "长期坚持"),
    ]
    assert [(p.cell, str(p.code), p.value) for p in result.problems] == [
        ("E3", "date-invalid", "45473"),
        ("D4", "date-invalid", "尽快"),
        ("E4", "date-invalid", "长期坚持"),
    ]
    assert "已按原样导入" in result.problems[0].message


def test_imported_rows_go_out_whole_in_unit_templates(tmp_path):
    from zhenggai.core.grid import read_table
    from zhenggai.template.make import make_templates
    from zhenggai.template.names import TEMPLATE_SHEET

    source = write_audit_ledger(tmp_path / "审计整改台账.xlsx")
    master = tmp_path / "台账.xlsx"
    _import(master, [source])
    ledger, rows = _ledger_rows(master)
    result = make_templates(ledger, out=tmp_path / "下发", batch="测试")
    assert [(t.unit, t.rows) for t in result.issued] == [("A公司", 7), ("B公司", 2)]
    by_id = {r["编号"]: r for r in rows}
    seen = []
    for issued in result.issued:
        table = read_table(open_book(issued.path).grid(TEMPLATE_SHEET), ledger.spec, sheet="填报")
        assert "x_5" in table.columns and "origin" not in table.columns
        for row in table:
            want = by_id[row["id"]]
            for f in ledger.spec.template_fields:
                assert canonical(row[f.key]) == canonical(want[f.name]), (row["id"], f.name)
            seen.append(row["id"])
    assert sorted(seen) == sorted(by_id)


def test_extra_columns_named_like_a_field_keep_that_name_free(tmp_path):
    master = tmp_path / "台账.xlsx"
    header = ["序号", "问题描述", "存在问题", "整改措施", "责任单位"]
    a = write_book(tmp_path / "a.xlsx", {"S": [header, [1, "甲", "乙", "措施", "办公室"]]})
    b = write_book(
        tmp_path / "b.xlsx",
        {"S": [header, [1, "丙", "丁", "措施", "办公室"], [1, "戊", "己", "措施", "办公室"]]},
    )
    first, _ = _import(master, [a, b])
    names = {f.key: f.name for f in first.new_fields}
    assert names["x_1"] == "序号（原表列）" and names["x_2"] == "问题描述（原表列）"
    ledger = read_ledger(master)
    assert ledger.spec.match_header("问题描述").key == "problem"  # still the alias
    assert ledger.spec.match_header("序号").key == "id"
    c = write_book(tmp_path / "c.xlsx", {"S": [header, [2, "庚", "辛", "措施", "办公室"]]})
    again, _ = _import(master, [c])
    assert again.new_fields == [] and again.written == 1
    assert [d.field for d in again.decisions[:2]] == ["编号", "问题描述（原表列）"]
    assert read_ledger(master).table.rows[-1]["x_2"] == "庚"


def test_a_column_the_office_added_to_the_ledger_is_reused(tmp_path):
    master = create_master(tmp_path / "台账.xlsx")
    wb = openpyxl.load_workbook(master)
    wb["台账"]["V1"] = "问题金额"
    wb.save(master)
    source = write_book(
        tmp_path / "a.xlsx",
        {"S": [["存在问题", "整改措施", "责任单位", "问题金额"], ["甲", "措施", "办公室", 3.5]]},
    )
    result, _ = _import(master, [source])
    assert [c.header for c in result.changes.columns] == ["导入来源"]
    grid = open_book(master).grid("台账")
    assert grid[0][21:] == ["问题金额", "导入来源"]
    assert grid[1][21] == 3.5


def test_values_outside_the_ledgers_rules_are_imported_as_found_and_each_reported(tmp_path):
    """An office ledger's own words (已整改, a future completion date, a formula) stay, and are listed."""
    path = write_book(
        tmp_path / "a.xlsx",
        {
            "S": [
                ["存在问题", "整改措施", "责任单位", "整改状态", "完成时间", "备注"],
                ["甲", "措施", "办公室", "已整改", datetime(2099, 1, 1), "@HYPERLINK(A1)"],
                ["乙", "措施", "办公室", "否", None, "正常"],
            ]
        },
    )
    sources, _ = read_sources([path])
    result = plan_import(
        read_ledger(create_master(tmp_path / "m.xlsx")), sources, now=datetime(2026, 11, 28)
    )
    assert [(r["status"], r["remark"]) for r in result.rows] == [
        ("已整改", "@HYPERLINK(A1)"),
        ("正在整改", "正常"),
    ]
    assert [(p.cell, str(p.code)) for p in result.problems] == [
        ("D2", "status-invalid"),
        ("E2", "date-future"),
        ("F2", "formula-as-text"),
    ]
    assert all("已按原样导入" in p.message for p in result.problems[:2])


@pytest.mark.parametrize("unique", [True, False])
def test_the_summary_never_claims_a_repeated_column_is_the_id(tmp_path, unique):
    """序号 restarts on every sheet: it is kept as an extra column, and the problem says so."""
    header = ["序号", "问题编号", "存在问题", "整改措施", "责任单位"]
    sheets = {
        name: [
            header,
            *[
                [n, f"{name[:2]}-{n}" if unique else f"Q{n}", f"{name}问题{n}", f"措施{n}", "A公司"]
                for n in (1, 2)
            ],
        ]
        for name in ("审计问题", "巡察问题")
    }
    source = write_book(tmp_path / "A公司整改台账.xlsx", sheets)
    result, _ = _import(tmp_path / "台账.xlsx", [source])
    assert result.written == 4  # no row dropped as a repeated 编号
    messages = [p.message for p in result.problems if p.code == "import-column-ambiguous"]
    assert messages and all("已把“序号”列作为“编号”" not in m for m in messages)
    assert all("“序号”列有重复值（如“1”）" in m for m in messages)
    if unique:
        assert all("--map “问题编号=编号”" in m for m in messages)
        forced, _ = _import(tmp_path / "按问题编号.xlsx", [source], mapping={"问题编号": "编号"})
        assert forced.written == 4
    else:
        assert all("“问题编号”列也有重复值" in m and "--map" not in m for m in messages)
