"""Value rules: the fast paths give exactly what the full rules give."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.spec import default_spec
from zhenggai.core.values import Rules, _check_value_full, check_value

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
    assert check_value(f, raw, Rules(today=TODAY, max_length=max_length)) == _check_value_full(
        f, raw, Rules(today=TODAY, max_length=max_length)
    )


def test_messages_say_what_to_do():
    status = SPEC.field("status")
    _, [found] = check_value(status, "搞定了", Rules(today=TODAY, max_length=2000))
    code, message = found.code, found.message
    assert code == "status-invalid" and "下拉列表" in message and "搞定了" in message
    value, [found] = check_value(
        SPEC.field("done_date"), datetime(2026, 12, 1, 9, 30), Rules(today=TODAY, max_length=2000)
    )
    assert found.code == "date-future" and value == date(2026, 12, 1)


def test_dates_excel_cannot_mean_are_refused_with_what_was_read():
    f = SPEC.field("done_date")
    for raw in (date(1900, 1, 20), datetime(1899, 12, 30)):
        _, [found] = check_value(f, raw, Rules(today=TODAY, max_length=2000))
        code, message = found.code, found.message
        assert code == "date-invalid" and "日期格" in message
    # a negative or zero serial reads as a time of day
    _, [found] = check_value(f, "00:00:00", Rules(today=TODAY, max_length=2000))
    code, message = found.code, found.message
    assert code == "date-invalid" and "时间" in message
    assert check_value(f, date(1901, 1, 1), Rules(today=TODAY, max_length=2000))[1] == []


def test_an_escaped_lone_surrogate_is_a_control_character():
    f = SPEC.field("remark")
    _, findings = check_value(f, "表情_xD83D_", Rules(today=TODAY, max_length=2000))
    assert [p.code for p in findings] == ["text-control-chars"]
    assert check_value(f, "编号_x1234_", Rules(today=TODAY, max_length=2000))[1] == []


# Silent coercions (hostile round two, class 12): each becomes a problem, never a value.
# The audit's were 1e999/NaN in text becoming "inf"/"nan", U+FFFE becoming U+FFFD and a
# right-to-left override in a name; these are other members of the same classes.
RULES = Rules(today=TODAY, max_length=2000)


@given(
    field=st.sampled_from([SPEC.field(k) for k in ("person", "status", "progress", "remark")]),
    raw=st.sampled_from([float("-inf"), float("inf"), float("nan")]),
)
def test_a_number_that_is_no_number_is_refused_never_written_as_text(field, raw):
    value, problems = check_value(field, raw, RULES)
    assert value is None and [p.code for p in problems] == ["number-invalid"]
    assert "inf" not in str(value) and "nan" not in str(value)


@given(
    char=st.sampled_from(
        [
            *("\u2066", "\u2067", "\u2068", "\u2069", "\u202d", "\u200f", "\u061c", "\uffff"),
            *("_x2066_", "_xFFFF_", "_x202D_"),
        ]
    ),
    at=st.integers(0, 2),
)
def test_characters_that_disguise_text_are_refused(char, at):
    name = "张伟平"
    raw = name[:at] + char + name[at:]
    _, problems = check_value(SPEC.field("person"), raw, RULES)
    assert [p.code for p in problems] == ["text-control-chars"]
