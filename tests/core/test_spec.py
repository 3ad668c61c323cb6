from __future__ import annotations

from datetime import date

import pydantic
import pytest

from zhenggai import SpecError
from zhenggai.core.spec import SPEC_HEADER, FieldType, default_spec
from zhenggai.core.spec_sheet import read_spec, spec_rows


def test_default_spec_round_trips_through_its_sheet_rows():
    spec = default_spec()
    again = read_spec(spec_rows(spec))
    assert again.headers == spec.headers
    assert again.version == spec.version
    assert [f.key for f in again.editable_fields] == [
        "person",
        "status",
        "progress",
        "done_date",
        "evidence",
        "remark",
    ]


def test_default_spec_roles():
    spec = default_spec()
    assert spec.key_field.key == "id"
    assert spec.field("status").choices == ("未启动", "正在整改", "已完成", "长期坚持")
    assert spec.field("kind").choices == ("立行立改", "限期整改", "长期坚持")
    assert not spec.field("closed").in_template
    assert spec.match_header("序号").key == "id"
    assert spec.match_header(" 整改\n措施 ").key == "measure"
    assert spec.match_header("没有这列") is None


def _rows(*edits: tuple[int, str, str]) -> list[list[str]]:
    rows = spec_rows(default_spec())
    for r, header, value in edits:
        rows[r][SPEC_HEADER.index(header)] = value
    return rows


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        ([(1, "类型", "文本")], [("字段", "", "spec-no-key")]),
        ([(2, "类型", "编号"), (2, "键名", "id2")], [("字段", "C3", "spec-many-keys")]),
        ([(3, "类型", "数值")], [("字段", "C4", "spec-bad-type")]),
        ([(6, "可选值", "")], [("字段", "F7", "spec-no-choices")]),
        ([(3, "字段名", "编号")], [("字段", "A4", "spec-duplicate")]),
        ([(11, "单位可填", "可以")], [("字段", "D12", "spec-bad-flag")]),
    ],
    ids=[
        "no-key",
        "two-keys",
        "unknown-type",
        "choice-without-values",
        "duplicate-name",
        "bad-flag",
    ],
)
def test_bad_spec_names_the_cell(edits, expected):
    with pytest.raises(SpecError) as info:
        read_spec(_rows(*edits))
    assert [p.as_tuple() for p in info.value.problems] == expected
    cell = expected[0][1]
    assert (f"字段!{cell}" if cell else "字段") in str(info.value)


def test_spec_missing_a_key_the_logic_needs():
    rows = [r for r in spec_rows(default_spec()) if r[1] != "evidence"]
    with pytest.raises(SpecError, match="evidence"):
        read_spec(rows)


def test_spec_sheet_without_header():
    with pytest.raises(SpecError, match="缺少表头"):
        read_spec([["随便", "写写"]])


def test_office_can_add_a_field_and_rename_headers():
    rows = spec_rows(default_spec())
    rows[4][0] = "具体问题描述"
    rows.append(["督办科室", "office", "文本", "否", "否", "", "", "办公室自用", "否"])
    spec = read_spec(rows)
    assert spec.field("problem").name == "具体问题描述"
    assert spec.field("office").type is FieldType.TEXT
    assert spec.version != default_spec().version


def test_row_model_accepts_a_good_row_and_rejects_bad_values():
    model = default_spec().row_model
    good = {
        "id": "1",
        "category": "甲",
        "problem": "问题",
        "measure": "措施",
        "unit": "办公室",
        "deadline": "2024年底前",
        "status": "正在整改",
        "done_date": date(2024, 6, 30),
    }
    row = model.model_validate(good)
    assert row.status == "正在整改"
    spec = default_spec()
    by_header = {spec.field(k).name: v for k, v in good.items()}
    assert model.model_validate(by_header) == row  # 字段名 work as aliases
    with pytest.raises(pydantic.ValidationError) as info:
        model.model_validate({**good, "status": "搞定了", "done_date": "2024-06-30"})
    assert {e["loc"][0] for e in info.value.errors()} == {"status", "done_date"}
    with pytest.raises(pydantic.ValidationError):
        model.model_validate({**good, "id": ""})


@pytest.mark.parametrize(
    ("header", "key", "kind"),
    [
        ("存在问题", "problem", "字段名"),
        ("问题简述", "problem", "别名"),
        ("目标设定完成时间", "deadline", "常用名"),
        ("整改时限（年月日）", "deadline", "去掉括号注释后"),
        ("具体整改措施(含时间节点)", "measure", "去掉括号注释后"),
        (" 牵头\n部门 ", "unit", "常用名"),
    ],
)
def test_header_match_says_how_a_header_named_its_field(header, key, kind):
    f, how = default_spec().header_match(header, common=True)
    assert (f.key, how) == (key, kind)


def test_common_synonyms_only_when_asked_and_only_for_fields_the_spec_has():
    spec = default_spec()
    assert spec.match_header("目标设定完成时间") is None
    assert spec.match_header("目标设定完成时间", common=True).key == "deadline"
    assert spec.header_match("整改时限（年月日）") == (spec.field("deadline"), "去掉括号注释后")
    assert spec.header_match("问题金额（万元）", common=True) is None
    assert spec.header_match("（万元）", common=True) is None
    rows = [r for r in spec_rows(spec) if r[1] != "co_units"]
    assert read_spec(rows).match_header("协同单位", common=True) is None


def test_names_in_the_spec_win_over_common_synonyms():
    rows = spec_rows(default_spec())
    rows.append(["分管领导", "x_1", "文本", "否", "否", "", "", "", "是"])
    spec = read_spec(rows)
    assert spec.header_match("分管领导", common=True)[0].key == "x_1"
    assert spec.header_match("整改责任领导", common=True)[0].key == "leader"


def test_readme_lists_every_common_synonym():
    from pathlib import Path

    from zhenggai.core.spec import COMMON_SYNONYMS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    spec = default_spec()
    for key, words in COMMON_SYNONYMS.items():
        rest = [w for w in words if w != spec.field(key).name]
        if rest:
            assert f"| {spec.field(key).name} | {'、'.join(rest)} |" in readme
