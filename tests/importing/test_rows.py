"""Units, ids and duplicates across an import (pure: grids in, plan out)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from zhenggai.core.ledger import Unit
from zhenggai.core.spec import default_spec
from zhenggai.importing.rows import generated_id, named_unit, row_value
from zhenggai.importing.run import blank_ledger, plan_import
from zhenggai.importing.sheet import SheetSource, SourceRow

HEADER = ["存在问题", "整改措施", "责任单位", "整改时限"]


def _plan(*sheets, ledger=None, mapping=None):
    sources = [SheetSource(file, sheet, grid, sha256="ab") for file, sheet, grid in sheets]
    return plan_import(ledger or blank_ledger(), sources, mapping=mapping)


def _tuples(result):
    return [(p.file, p.sheet, p.cell, str(p.code)) for p in result.problems]


def test_a_cell_naming_several_units_becomes_one_row_per_unit_with_suffixed_ids():
    result = _plan(
        (
            "台账.xlsx",
            "Sheet1",
            [["编号", *HEADER], ["3", "问题", "措施", "办公室、宣传科；人事科", "2024年底前"]],
        )
    )
    assert [(r["id"], r["unit"]) for r in result.rows] == [
        ("3-1", "办公室"),
        ("3-2", "宣传科"),
        ("3-3", "人事科"),
    ]
    assert (result.read, result.written, result.split) == (1, 3, 1)
    assert result.new_units == ["办公室", "宣传科", "人事科"]
    assert {r["origin"] for r in result.rows} == {"台账.xlsx｜Sheet1｜第2行"}


def test_generated_ids_depend_on_the_content_only():
    rows = [["问题甲", "措施甲", "办公室", date(2024, 6, 30)], ["问题乙", "措施乙", "办公室", "/"]]
    one = _plan(("a.xlsx", "S", [HEADER, *rows]))
    again = _plan(("renamed.xlsx", "其他", [["标题"], HEADER, *rows]))
    ids = [r["id"] for r in one.rows]
    assert ids == [r["id"] for r in again.rows]
    assert all(i.startswith("IM") and len(i) == 10 for i in ids) and len(set(ids)) == 2
    row = SourceRow(2, {1: "问题甲"})
    assert generated_id(row, ["办公室"]) != generated_id(row, ["宣传科"])


def test_identical_rows_both_written_and_reported():
    row = ["问题甲", "措施甲", "办公室", "2024年底前"]
    result = _plan(("a.xlsx", "S", [HEADER, row, row]))
    first, second = (r["id"] for r in result.rows)
    assert second == f"{first}.2"
    assert _tuples(result) == [("a.xlsx", "S", "3:3", "import-row-repeated")]


def test_repeated_ids_are_problems_and_those_rows_are_not_written():
    result = _plan(
        ("a.xlsx", "S", [["编号", *HEADER], ["1", "甲", "措施", "办公室", "/"]]),
        ("b.xlsx", "S", [["编号", *HEADER], ["1", "乙", "措施", "宣传科", "/"]]),
    )
    assert [r["problem"] for r in result.rows] == ["甲"]
    assert _tuples(result) == [("b.xlsx", "S", "A2", "id-duplicate")]
    assert [(n.file, n.row) for n in result.not_written] == [("b.xlsx", 2)]
    assert "a.xlsx｜S 第2行" in result.not_written[0].reason


def test_a_serial_number_is_the_id_only_when_unique_across_the_import():
    unique = _plan(
        ("a.xlsx", "S", [["序号", *HEADER], [1, "甲", "措施", "办公室", "/"]]),
        ("b.xlsx", "S", [["序号", *HEADER], [2, "乙", "措施", "宣传科", "/"]]),
    )
    assert [r["id"] for r in unique.rows] == ["1", "2"]
    repeated = _plan(
        ("a.xlsx", "S", [["序号", *HEADER], [1, "甲", "措施", "办公室", "/"]]),
        ("b.xlsx", "S", [["序号", *HEADER], [1, "乙", "措施", "宣传科", "/"]]),
    )
    assert [r["id"][:2] for r in repeated.rows] == ["IM", "IM"]
    assert repeated.columns()["extra"] == ["序号"]
    assert [r["x_1"] for r in repeated.rows] == [1, 1]  # kept, as an extra column
    assert _tuples(repeated) == []
    forced = _plan(
        ("a.xlsx", "S", [["序号", *HEADER], [1, "甲", "措施", "办公室", "/"]]),
        ("b.xlsx", "S", [["序号", *HEADER], [1, "乙", "措施", "宣传科", "/"]]),
        mapping={"序号": "编号"},
    )
    assert _tuples(forced) == [("b.xlsx", "S", "A2", "id-duplicate")]


def test_a_sheet_named_after_another_unit_is_reported_not_corrected():
    result = _plan(
        ("A公司.xlsx", "A公司", [HEADER, ["甲", "措施", "A公司", "/"]]),
        ("B公司.xlsx", "B公司", [HEADER, ["乙", "措施", "B公司", "/"]]),
        (
            "C公司.xlsx",
            "B公司",
            [HEADER, ["丙", "措施", "C公司", "/"], ["丁", "措施", "C公司", "/"]],
        ),
    )
    assert [r["unit"] for r in result.rows] == ["A公司", "B公司", "C公司", "C公司"]
    assert _tuples(result) == [("C公司.xlsx", "B公司", "C2", "import-unit-mismatch")]
    problem = result.problems[0]
    assert problem.value == "B公司"
    assert "工作表名是“B公司”，但第2、3行（共2行）的责任单位是“C公司”" in problem.message
    assert "“B公司”是“B公司”" not in problem.message


def test_without_a_unit_column_the_unit_comes_from_names_that_agree():
    units = blank_ledger()
    units.units = [Unit("", "办公室"), Unit("", "宣传科")]
    header = ["存在问题", "整改措施"]
    result = _plan(
        ("办公室整改台账.xlsx", "Sheet1", [header, ["甲", "措施"]]),
        ("宣传科.xlsx", "办公室", [header, ["乙", "措施"]]),
        ("汇总.xlsx", "Sheet1", [header, ["丙", "措施"]]),
        ledger=units,
    )
    assert [r["unit"] for r in result.rows] == ["办公室", None, None]
    assert result.notes == [
        "办公室整改台账.xlsx｜Sheet1：没有责任单位列，各行的责任单位取自文件名“办公室”。"
    ]
    assert _tuples(result) == [
        ("宣传科.xlsx", "办公室", "", "import-unit-mismatch"),
        ("汇总.xlsx", "Sheet1", "", "import-unit-missing"),
    ]
    assert result.new_units == []


def test_an_empty_unit_is_written_and_reported():
    result = _plan(("a.xlsx", "S", [HEADER, ["甲", "措施", "/", "2024年底前"]]))
    assert result.written == 1 and result.rows[0]["unit"] is None
    assert _tuples(result) == [("a.xlsx", "S", "C2", "required-missing")]


def test_values_are_kept_raw_except_ids_as_text_and_yes_no_status():
    spec = default_spec()
    assert row_value(spec, "id", 7.0) == "7"
    assert row_value(spec, "status", "是") == "已完成"
    assert row_value(spec, "status", "否") == "正在整改"
    assert row_value(spec, "status", "基本完成") == "基本完成"
    assert row_value(spec, "deadline", "2024.6.30") == "2024.6.30"
    assert row_value(spec, "deadline", date(2024, 6, 30)) == date(2024, 6, 30)
    assert row_value(spec, "x_1", 12.5) == 12.5


def test_named_unit_takes_the_longest_name_and_refuses_two():
    known = ["A公司", "A公司本部", "B公司"]
    assert named_unit("A公司本部整改台账", known) == "A公司本部"
    assert named_unit("C公司整改台账", known) is None
    assert named_unit("A公司与B公司", known) is None


cell = st.one_of(
    st.none(),
    st.sampled_from(["/", "无", "—", "办公室、宣传科", "办公室", "宣传科", "合计"]),
    st.text(alphabet="甲乙丙丁问题措施", min_size=1, max_size=4),
    st.integers(min_value=0, max_value=5),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cell, min_size=4, max_size=4), max_size=8))
def test_nothing_is_lost_every_row_read_is_written_or_listed(rows):
    result = _plan(("a.xlsx", "S", [HEADER, *rows]))
    written_rows = {int(r["origin"].rsplit("第", 1)[1][:-1]) for r in result.rows}
    listed = {n.row for n in result.not_written}
    assert written_rows | listed == {
        i for i, row in enumerate(rows, start=2) if any(v is not None for v in row)
    }
    assert result.read == len(written_rows | listed)
    assert len({r["id"] for r in result.rows}) == result.written
    again = _plan(("a.xlsx", "S", [HEADER, *rows]))
    assert [r["id"] for r in again.rows] == [r["id"] for r in result.rows]


def test_rows_under_a_section_row_take_it_as_their_category():
    result = _plan(
        (
            "a.xlsx",
            "S",
            [HEADER, ["一、党建方面", None, None, None], ["甲", "措施", "办公室", "/"]],
        )
    )
    assert [r["category"] for r in result.rows] == ["一、党建方面"]


def test_serial_numbers_are_judged_by_header_and_may_not_meet_other_headers():
    rows_a = [["序号", *HEADER], [1, "甲", "措施", "办公室", "/"], [1, "乙", "措施", "办公室", "/"]]
    rows_b = [["问题编号", *HEADER], ["B-1", "丙", "措施", "宣传科", "/"]]
    mixed = _plan(("a.xlsx", "S", rows_a), ("b.xlsx", "S", rows_b))
    assert [r["id"][:2] for r in mixed.rows] == ["IM", "IM", "B-"]
    clash = _plan(
        ("a.xlsx", "S", [["序号", *HEADER], [1, "甲", "措施", "办公室", "/"]]),
        ("b.xlsx", "S", [["问题编号", *HEADER], ["1", "丙", "措施", "宣传科", "/"]]),
    )
    assert [r["id"][:2] for r in clash.rows] == ["IM", "IM"]
    assert _tuples(clash) == []
