from __future__ import annotations

from datetime import date

from zhenggai.core.settings import Settings
from zhenggai.core.spec import default_spec, header_word
from zhenggai.importing.sheet import Decision, SheetSource, adopt_sheet

PLACEHOLDERS = Settings().import_placeholders.split()


def _adopt(grid, *, merged=(), overrides=None):
    source = SheetSource("甲.xlsx", "Sheet1", grid, tuple(merged))
    return adopt_sheet(source, default_spec(), overrides=overrides, placeholders=PLACEHOLDERS)


def _decisions(sheet):
    return [(d.header_cell, d.label, d.decision.value, d.key, d.why) for d in sheet.decisions]


def test_every_column_gets_a_decision_by_name_alias_common_name_or_none():
    sheet = _adopt(
        [
            ["存在问题", "整改举措", "目标设定完成时间", "整改时限备注", "责任单位（盖章）", None],
            ["问题甲", "措施甲", date(2024, 6, 30), "说明", "办公室", "无表头的值"],
        ]
    )
    assert _decisions(sheet) == [
        ("A1", "存在问题", "对应字段", "problem", "字段名"),
        ("B1", "整改举措", "对应字段", "measure", "别名"),
        ("C1", "目标设定完成时间", "对应字段", "deadline", "常用名"),
        ("D1", "整改时限备注", "附加列", None, ""),
        ("E1", "责任单位（盖章）", "对应字段", "unit", "去掉括号注释后"),
        ("F1", "无表头列F", "附加列", None, "表头为空"),
    ]
    assert sheet.column("deadline") == 3 and sheet.column("remark") is None


def test_two_columns_claiming_one_field_keep_the_stronger_and_report_the_other():
    sheet = _adopt(
        [
            ["问题描述", "存在问题", "整改措施", "分管领导", "整改责任领导"],
            ["甲", "乙", "措施", "张", "李"],
        ]
    )
    assert [(d.label, d.decision, d.key) for d in sheet.decisions] == [
        ("问题描述", Decision.AMBIGUOUS, None),
        ("存在问题", Decision.MAPPED, "problem"),
        ("整改措施", Decision.MAPPED, "measure"),
        ("分管领导", Decision.MAPPED, "leader"),  # equally strong: the left one
        ("整改责任领导", Decision.AMBIGUOUS, None),
    ]
    assert [p.as_tuple() for p in sheet.problems] == [
        ("Sheet1", "A1", "import-column-ambiguous"),
        ("Sheet1", "E1", "import-column-ambiguous"),
    ]
    assert "--map “问题描述=存在问题”" in sheet.problems[0].message


def test_map_overrides_the_header_words_and_can_keep_a_column_as_extra():
    grid = [["问题描述", "存在问题", "整改措施"], ["甲", "乙", "措施"]]
    overrides = {header_word("问题描述"): "problem", header_word("存在问题"): ""}
    sheet = _adopt(grid, overrides=overrides)
    assert [(d.header_cell, d.label, d.decision, d.key, d.why) for d in sheet.decisions] == [
        ("A1", "问题描述", Decision.MAPPED, "problem", "--map"),
        ("B1", "存在问题", Decision.EXTRA, None, "--map"),
        ("C1", "整改措施", Decision.MAPPED, "measure", "字段名"),
    ]
    assert sheet.problems == []


def test_placeholders_become_empty_and_are_counted_text_is_normalised():
    sheet = _adopt(
        [
            ["存在问题", "整改措施", "佐证材料", "备注", "整改进展"],
            ["问题\u3000", " /", "无", "暂无", "—"],
            ["问题乙", "措施", "\\", "无须整改", 0],
        ]
    )
    first, second = sheet.rows
    assert first.cells == {1: "问题"} and first.placeholders == 4
    assert second.cells == {1: "问题乙", 2: "措施", 4: "无须整改", 5: 0}
    assert second.placeholders == 1


def test_rows_that_are_not_ledger_rows_are_listed_with_the_reason():
    sheet = _adopt(
        [
            ["序号", "存在问题", "整改措施", "问题金额"],
            [1, "问题甲", "措施甲", 10],
            ["序号", "存在问题", "整改措施", "问题金额"],
            [2, "问题乙", "措施乙", 5],
            ["合 计", None, None, 15],
            ["注：金额单位为万元", None, None, None],
            [None, "/", "—", None],
        ]
    )
    assert [r.number for r in sheet.rows] == [2, 4]
    assert [(n.row, n.reason) for n in sheet.not_written] == [
        (3, "重复的表头行"),
        (5, "合计行"),
        (6, "没有“存在问题”和“整改措施”，像是表下的注释或签名行"),
        (7, "没有“存在问题”和“整改措施”，像是表下的注释或签名行"),
    ]
    assert sheet.read == 6


def test_cells_merged_down_in_the_data_repeat_for_every_row():
    grid = [
        ["序号", "存在问题", "整改措施"],
        [1, "问题甲", "措施一"],
        [None, None, "措施二"],
    ]
    sheet = _adopt(grid, merged=[(2, 1, 3, 1), (2, 2, 3, 2)])
    assert [r.cells for r in sheet.rows] == [
        {1: 1, 2: "问题甲", 3: "措施一"},
        {1: 1, 2: "问题甲", 3: "措施二"},
    ]
    assert sheet.merged_filled == 2


def test_a_sheet_without_problem_or_measure_is_not_a_ledger():
    assert _adopt([["单位", "完成情况", "整改时限"], ["办公室", "是", "2024"]]) is None
    assert _adopt([["说明"], ["本表为……"]]) is None


def test_section_rows_give_the_category_of_the_rows_below_them():
    grid = [
        ["序号", "存在问题", "整改措施", "责任单位"],
        ["一、党建工作方面", None, None, None],
        [1, "问题甲", "措施甲", "办公室"],
        ["（二）作风建设方面", None, None, None],
        [2, "问题乙", "措施乙", "办公室"],
        ["注：本表由办公室汇总", None, None, None],
    ]
    sheet = _adopt(grid, merged=[(2, 1, 2, 4), (4, 1, 4, 4)])
    assert [(r.number, r.section) for r in sheet.rows] == [
        (3, "一、党建工作方面"),
        (5, "（二）作风建设方面"),
    ]
    assert [(n.row, n.reason[:5]) for n in sheet.not_written] == [
        (2, "分类标题行"),
        (4, "分类标题行"),
        (6, "没有“存在"),
    ]
    with_column = _adopt([["问题类别", "存在问题", "整改措施"], *[r[:3] for r in grid[1:3]]])
    assert [r.section for r in with_column.rows] == [None]
    assert with_column.not_written[0].reason.startswith("没有“存在问题”")
