"""The row model built from the 字段 sheet validates rows with the value rules, cell by cell."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.rowmodel import RowModel
from zhenggai.core.spec import default_spec
from zhenggai.core.values import Rules, check_value

SPEC = default_spec()
RULES = Rules(today=date(2026, 11, 28), max_length=20)
EDITABLE = list(SPEC.editable_fields)
MODEL = RowModel(EDITABLE)

CELL = st.one_of(
    st.none(),
    st.sampled_from(["已完成", "正在整改", "搞定了", "=1+1", "进展\x07", "x" * 30, "2026-11-01"]),
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1899, 12, 31), max_value=date(2030, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2030, 1, 1)),
)


@given(st.dictionaries(st.sampled_from([f.key for f in EDITABLE]), CELL))
def test_a_row_gets_exactly_what_each_cell_would_get_alone(raw):
    checked = MODEL.check(raw, RULES)
    values, problems = {}, []
    for f in EDITABLE:
        if f.key not in raw:
            continue
        value, found = check_value(f, raw[f.key], RULES)
        problems += [(f.key, p) for p in found]
        if all(p.code.is_notice for p in found):
            values[f.key] = value
    assert checked.values == values
    assert checked.problems == problems


def test_errors_are_placed_by_field_and_the_good_values_kept():
    checked = MODEL.check(
        {"status": "搞定了", "done_date": "2026-11-01", "progress": "已召开会议", "remark": "=A1"},
        RULES,
    )
    assert checked.values == {"progress": "已召开会议", "remark": "=A1"}
    assert [(k, str(p.code)) for k, p in checked.problems] == [
        ("status", "status-invalid"),
        ("done_date", "date-invalid"),
        ("remark", "formula-as-text"),
    ]
    assert all("本次未采用" in p.message for _, p in checked.problems[:2])


def test_headers_work_as_aliases_and_results_are_keyed_by_field_key():
    checked = MODEL.check({"整改状态": "已完成", "完成时间": date(2026, 11, 2)}, RULES)
    assert checked.values == {"status": "已完成", "done_date": date(2026, 11, 2)}
    bad = MODEL.check({"整改状态": "搞定了"}, RULES)
    assert [k for k, _ in bad.problems] == ["status"]


def test_an_import_keeps_the_value_and_says_so():
    rules = Rules(
        today=date(2026, 11, 28), max_length=20, kept=True, base_year=2026, text_dates=True
    )
    model = RowModel([SPEC.field("deadline"), SPEC.field("done_date")])
    checked = model.check({"deadline": "尽快", "done_date": "2024年5月31日"}, rules)
    assert [(k, str(p.code)) for k, p in checked.problems] == [("deadline", "date-invalid")]
    assert "已按原样导入" in checked.problems[0][1].message
    assert checked.values == {"done_date": "2024年5月31日"}
