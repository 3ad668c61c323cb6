"""Value rules: the fast paths give exactly what the full rules give."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.spec import default_spec
from zhenggai.returns.values import _check_value_full, check_value

SPEC = default_spec()
FIELDS = st.sampled_from(
    [SPEC.field(k) for k in ("person", "status", "progress", "done_date", "remark")]
)
RAW = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "已完成",
            "正在整改",
            " 已完成",
            "基本完成",
            "=1+2",
            "-1",
            "+SUM(A1)",
            "|x",
            "a\x07b",
            "\u3000x",
        ]
    ),
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.booleans(),
)
TODAY = date(2026, 11, 28)


@given(FIELDS, RAW, st.sampled_from([3, 2000]))
def test_fast_paths_agree_with_the_full_rules(f, raw, max_length):
    assert check_value(f, raw, max_length=max_length, today=TODAY) == _check_value_full(
        f, raw, max_length=max_length, today=TODAY
    )


def test_messages_say_what_to_do():
    status = SPEC.field("status")
    _, [found] = check_value(status, "搞定了", max_length=2000, today=TODAY)
    code, message = found.code, found.message
    assert code == "status-invalid" and "下拉列表" in message and "搞定了" in message
    value, [found] = check_value(
        SPEC.field("done_date"), datetime(2026, 12, 1, 9, 30), max_length=2000, today=TODAY
    )
    assert found.code == "date-future" and value == date(2026, 12, 1)


def test_dates_excel_cannot_mean_are_refused_with_what_was_read():
    f = SPEC.field("done_date")
    for raw in (date(1900, 1, 20), datetime(1899, 12, 30)):
        _, [found] = check_value(f, raw, max_length=2000, today=TODAY)
        code, message = found.code, found.message
        assert code == "date-invalid" and "日期格" in message
    # a negative or zero serial reads as a time of day
    _, [found] = check_value(f, "00:00:00", max_length=2000, today=TODAY)
    code, message = found.code, found.message
    assert code == "date-invalid" and "时间" in message
    assert check_value(f, date(1901, 1, 1), max_length=2000, today=TODAY)[1] == []


def test_an_escaped_lone_surrogate_is_a_control_character():
    f = SPEC.field("remark")
    _, findings = check_value(f, "表情_xD83D_", max_length=2000, today=TODAY)
    assert [p.code for p in findings] == ["text-control-chars"]
    assert check_value(f, "编号_x1234_", max_length=2000, today=TODAY)[1] == []
