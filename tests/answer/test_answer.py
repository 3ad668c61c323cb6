"""``zhenggai answer`` between two real masters: the province consolidates what the city wrote."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import openpyxl
import pytest

from tests.conftest import set_settings
from tests.support.levels import (
    CITY,
    city_master,
    import_upper,
    province_master,
    province_template,
    set_cells,
)
from tests.support.office import XLSX, convert
from zhenggai import read_ledger
from zhenggai.answer.run import answer_template, default_out
from zhenggai.answer.upper import read_upper
from zhenggai.core.errors import UsageError, WorkbookError
from zhenggai.core.spec import UPPER_ID_KEY
from zhenggai.io.calamine import open_book
from zhenggai.io.master import update_master
from zhenggai.returns.consolidate import Verdict, check_file, consolidate

NOW = datetime(2026, 11, 28, 10, 0)
LATER = datetime(2026, 11, 29, 9, 0)

# What 某市's counties reported, as its master holds it after its own consolidation.
CITY_VALUES = {
    ("1-1", "status"): "已完成",
    ("1-1", "progress"): "已补齐2024年以来12个支部的组织生活记录",
    ("1-1", "done_date"): datetime(2026, 11, 24),
    ("1-1", "evidence"): "组织生活记录、抽查制度",
    ("1-2", "status"): "已完成",
    ("1-2", "progress"): "已补齐9个支部的记录，建立月度抽查制度。",
    ("1-2", "done_date"): datetime(2026, 11, 26),
    ("1-2", "evidence"): "抽查制度；整改报告",
    ("2", "status"): "正在整改",
    ("2", "progress"): "已清退12.6万元，剩余部分12月底前清退",
    ("3", "status"): "长期坚持",
    ("3", "progress"): "已出台精文简会十条措施",
}


@pytest.fixture
def levels(tmp_path):
    """(province master, its template to 某市, 某市's master with the items split and filled)."""
    province = province_master(tmp_path / "省" / "省级整改台账.xlsx")
    template = province_template(province)
    city = city_master(tmp_path / "市" / "市级整改台账.xlsx")
    import_upper(city, template, split_by="责任单位")
    set_cells(city, {("1", "unit"): "甲县、乙县", ("2", "unit"): "甲县", ("3", "unit"): "乙县"})
    import_upper(city, template, split_by="责任单位")
    set_cells(city, CITY_VALUES)
    return province, template, city


def _consolidate(province, files, now=LATER):
    result, saved = update_master(
        province, op="汇总", plan=lambda ledger: consolidate(ledger, files, now=now)
    )
    return result, saved


def _cells(path, sheet):
    return open_book(path).grid(sheet)


def test_the_answer_is_consolidated_upstairs_as_a_normal_return(levels):
    province, template, city = levels
    result = answer_template(template, read_ledger(city), now=NOW)
    assert result.problems == [] and result.unmatched == []
    assert result.out == city.parent / "上报" / f"{CITY}-整改进展填报-2026年11月.xlsx"
    assert [(r.upper.id, [x.text("id") for x in r.rows], str(r.how)) for r in result.rows] == [
        ("1", ["1-1", "1-2"], "上级编号"),
        ("2", ["2"], "上级编号"),
        ("3", ["3"], "上级编号"),
    ]
    # Only the unlocked cells changed: every other cell and the _meta sheet are as issued.
    meta = read_upper(template).meta
    before, after = _cells(template, "填报"), _cells(result.out, "填报")
    editable = {meta.column(k) - 1 for k in meta.editable}
    changed = {
        (r, c)
        for r, (a, b) in enumerate(zip(before, after, strict=True))
        for c, (x, y) in enumerate(zip(a, b, strict=True))
        if x != y
    }
    assert changed and all(c in editable for _, c in changed)
    assert _cells(template, "_meta") == _cells(result.out, "_meta")
    wb = openpyxl.load_workbook(result.out)
    assert wb["填报"].protection.sheet and wb["_meta"].sheet_state == "veryHidden"

    check = check_file(result.out, ledger=read_ledger(province), today=LATER.date())
    assert (check.unit, check.verdict, check.problems) == (CITY, Verdict.APPLIED, [])
    upstairs, saved = _consolidate(province, [result.out])
    assert saved is not None and saved.replaced
    (f,) = upstairs.files
    assert (f.unit, f.verdict, f.problems, f.conflicts) == (CITY, Verdict.APPLIED, [], [])
    rows = read_ledger(province).table.by_id()
    assert rows["1"]["status"] == "已完成"
    assert rows["1"]["done_date"] == date(2026, 11, 26)
    assert rows["1"]["evidence"] == "组织生活记录、抽查制度、整改报告"
    assert rows["1"]["progress"] == (
        "甲县：已补齐2024年以来12个支部的组织生活记录。乙县：已补齐9个支部的记录，建立月度抽查制度。"
    )
    assert (rows["2"]["status"], rows["2"]["done_date"]) == ("正在整改", None)
    assert rows["3"]["status"] == "长期坚持"
    assert rows["4"]["status"] == "未启动"  # 另一市's item: untouched


def test_rows_without_upper_ids_are_matched_by_identical_text_and_the_rest_listed(tmp_path):
    province = province_master(tmp_path / "省台账.xlsx")
    template = province_template(province)
    item = read_ledger(province).table.by_id()["2"]
    problem, measure = item.text("problem"), item.text("measure")
    # 某市 typed the item in by hand long ago: no 上级编号, its own 编号, extra spaces
    city = city_master(
        tmp_path / "市台账.xlsx",
        rows=[
            {
                "id": "A7",
                "category": "纪律",
                "problem": problem + "。",
                "measure": " " + measure.replace("，", "， "),
                "unit": "甲县",
                "deadline": "2026年12月底前",
                "status": "正在整改",
                "progress": "已清退8万元",
            }
        ],
    )
    result = answer_template(template, read_ledger(city), now=NOW)
    assert [(r.upper.id, [x.text("id") for x in r.rows], str(r.how)) for r in result.rows] == [
        ("2", ["A7"], "文字相同")
    ]
    assert [u.id for u in result.unmatched] == ["1", "3"]
    assert [(p.file, p.as_tuple()) for p in result.problems] == [
        (template.name, ("填报", "A9", "answer-unmatched")),
        (template.name, ("填报", "A11", "answer-unmatched")),
    ]
    assert "zhenggai import" in result.problems[0].message  # this master has no 上级编号 yet
    upstairs, _ = _consolidate(province, [result.out])
    assert upstairs.files[0].verdict is Verdict.APPLIED
    assert read_ledger(province).table.by_id()["2"]["progress"] == "已清退8万元"


def test_identical_upper_texts_are_never_matched_by_guess(tmp_path):
    twin = {"problem": "制度执行不严", "measure": "修订制度并严格执行"}
    rows = [
        {"id": n, "category": "三、制度方面", "unit": CITY, "deadline": "2026年底前", **twin}
        for n in ("5", "6")
    ]
    province = province_master(tmp_path / "省台账.xlsx", rows=rows)
    template = province_template(province)
    city = city_master(
        tmp_path / "市台账.xlsx",
        rows=[{"id": "1", "unit": "甲县", "status": "正在整改", **twin}],
    )
    result = answer_template(template, read_ledger(city), now=NOW)
    assert result.rows == [] and result.out is None
    assert [p.as_tuple() for p in result.problems] == [
        ("填报", "A9", "answer-ambiguous"),
        ("填报", "A10", "answer-ambiguous"),
    ]


def test_values_the_upper_rules_refuse_are_listed_and_left_as_issued(tmp_path):
    # The province allows 60 characters a cell and no 长期坚持 in its drop-down.
    province = province_master(tmp_path / "省" / "省台账.xlsx", settings={"单元格字数上限": 60})
    wb = openpyxl.load_workbook(province)
    ws = wb["字段"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "status")
    row[5].value = "未启动、正在整改、已完成"
    wb.save(province)
    template = province_template(province)
    city = city_master(tmp_path / "市" / "市台账.xlsx")
    import_upper(city, template)
    set_cells(
        city,
        {
            ("1", "unit"): "甲县",
            ("1", "status"): "已完成",
            ("1", "done_date"): datetime(2026, 12, 3),  # after today: a typo for 11-03
            ("1", "evidence"): "记录",
            ("2", "unit"): "甲县",
            ("2", "status"): "正在整改",
            ("2", "progress"): "已清退" + "违规发放的津贴补贴" * 8,
            ("3", "unit"): "乙县",
            ("3", "status"): "长期坚持",
            ("3", "progress"): "已建立机制",
        },
    )
    result = answer_template(template, read_ledger(city), now=NOW)
    assert [p.as_tuple() for p in result.problems] == [
        ("填报", "N9", "date-future"),
        ("填报", "M10", "text-too-long"),
        ("填报", "L11", "status-invalid"),
    ]
    assert result.problems[0].message.endswith(
        "未填入上级模板。请填写实际完成的日期。（整改状态、完成时间、佐证材料一并未填）"
    )
    assert {r.upper.id: r.values for r in result.rows} == {
        "1": {},
        "2": {"status": "正在整改"},
        "3": {"progress": "已建立机制"},
    }
    upstairs, _ = _consolidate(province, [result.out])
    (f,) = upstairs.files
    assert (f.verdict, f.problems) == (Verdict.APPLIED, [])
    assert [(c.id, c.key, c.new) for c in f.changes] == [
        ("2", "status", "正在整改"),
        ("3", "progress", "已建立机制"),
    ]


def test_a_template_renamed_by_the_mail_client_is_answered_under_its_issued_name(levels):
    province, template, city = levels
    received = template.parent / "回复：转发：某市-整改进展填报-2026年11月(1).xlsx"
    shutil.copy(template, received)
    ledger = read_ledger(city)
    result = answer_template(received, ledger, now=NOW)
    assert result.out == default_out(ledger, read_upper(received))
    assert result.out.name == "某市-整改进展填报-2026年11月.xlsx"
    upstairs, _ = _consolidate(province, [result.out])
    assert upstairs.files[0].verdict is Verdict.APPLIED


@pytest.mark.libreoffice
def test_a_template_resaved_by_libreoffice_is_answered_and_accepted(levels, tmp_path):
    province, template, city = levels
    saved = tmp_path / "另存"
    convert([template], XLSX, saved, profile=tmp_path / "lo")
    resaved = saved / template.name
    result = answer_template(resaved, read_ledger(city), out=tmp_path / "上报.xlsx", now=NOW)
    assert result.problems == []
    upstairs, _ = _consolidate(province, [result.out])
    (f,) = upstairs.files
    assert (f.verdict, len(f.changes)) == (Verdict.APPLIED, 8)


def test_dry_run_writes_nothing(levels):
    _, template, city = levels
    before = template.read_bytes()
    result = answer_template(template, read_ledger(city), dry_run=True, now=NOW)
    assert result.cells == 8 and result.out is None
    assert not (city.parent / "上报").exists()
    assert template.read_bytes() == before


def test_this_master_s_own_template_is_not_an_upper_template(levels):
    province, template, _ = levels
    with pytest.raises(UsageError, match="本台账自己下发给某市的模板"):
        answer_template(template, read_ledger(province), now=NOW)


def test_a_template_not_as_issued_is_refused_before_anything_is_written(levels):
    _, template, city = levels
    wb = openpyxl.load_workbook(template)
    wb["填报"].delete_rows(10)
    broken = template.with_name("删了一行.xlsx")
    wb.save(broken)
    with pytest.raises(WorkbookError, match="第10行的编号应为“2”"):
        answer_template(broken, read_ledger(city), now=NOW)
    plain = template.with_name("普通表格.xlsx")
    openpyxl.Workbook().save(plain)
    with pytest.raises(WorkbookError, match="不是用 zhenggai 生成的填报模板"):
        answer_template(plain, read_ledger(city), now=NOW)


def test_rows_naming_another_upper_item_are_noted(levels):
    _, template, city = levels
    set_cells(city, {("3", UPPER_ID_KEY): "9"})
    result = answer_template(template, read_ledger(city), now=NOW)
    assert [u.id for u in result.unmatched] == ["3"]
    codes = [(p.file, p.as_tuple()) for p in result.problems]
    assert codes == [
        (template.name, ("填报", "A11", "answer-unmatched")),
        ("", ("台账", "W4", "answer-not-in-template")),
    ]
    assert result.problems[1].code.is_notice


def test_the_city_s_own_settings_do_not_loosen_the_province_s_rules(levels):
    """A longer limit here does not let a longer text through to a province with 2000."""
    _, template, city = levels
    set_settings(city, {"单元格字数上限": 5000})
    set_cells(city, {("2", "progress"): "清" * 2001})
    result = answer_template(template, read_ledger(city), now=NOW)
    assert [p.as_tuple() for p in result.problems] == [("填报", "M10", "text-too-long")]
