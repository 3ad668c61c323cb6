"""Deadline parsing: every form staff write, and never a guess."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.deadline import Deadline, DeadlineKind, parse_deadline

D = date

DATED = [
    ("2024年6月30日", D(2024, 6, 30)),
    ("2024.6.30", D(2024, 6, 30)),
    ("2024-06-30", D(2024, 6, 30)),
    ("2024/6/30", D(2024, 6, 30)),
    ("20240630", D(2024, 6, 30)),
    ("2024年6月30号", D(2024, 6, 30)),
    ("2024年6月", D(2024, 6, 30)),
    ("2024.11", D(2024, 11, 30)),
    ("2024年6月底", D(2024, 6, 30)),
    ("2024年6月上旬", D(2024, 6, 10)),
    ("2024年6月中旬", D(2024, 6, 20)),
    ("2024年6月下旬", D(2024, 6, 30)),
    ("2024年底前", D(2024, 12, 31)),
    ("2024年底", D(2024, 12, 31)),
    ("2024年年底前", D(2024, 12, 31)),
    ("2024年内", D(2024, 12, 31)),
    ("2024年", D(2024, 12, 31)),
    ("2024年度", D(2024, 12, 31)),
    ("2024年上半年", D(2024, 6, 30)),
    ("2024年下半年", D(2024, 12, 31)),
    ("2024年三季度末", D(2024, 9, 30)),
    ("2024年第一季度", D(2024, 3, 31)),
    ("二〇二四年十二月三十一日", D(2024, 12, 31)),
    ("二〇二四年十二月三十一日前", D(2024, 12, 31)),
    ("二零二四年六月", D(2024, 6, 30)),
    ("2024年十二月", D(2024, 12, 31)),
    ("２０２４年６月３０日", D(2024, 6, 30)),
    ("２０２４．６．３０", D(2024, 6, 30)),
    ("2024 年 6 月 30 日", D(2024, 6, 30)),
    ("\u30002024年6月30日\u3000", D(2024, 6, 30)),
    ("2024-06-30 00:00:00", D(2024, 6, 30)),
    ("于2024年6月30日前完成整改", D(2024, 6, 30)),
    ("力争2024年6月底前完成", D(2024, 6, 30)),
    ("限期整改，2024年6月30日前", D(2024, 6, 30)),
    ("2024年2月29日", D(2024, 2, 29)),
]

YEARLESS = [  # base year 2026
    ("6月底", D(2026, 6, 30)),
    ("6月", D(2026, 6, 30)),
    ("6月30日前", D(2026, 6, 30)),
    ("六月三十日前", D(2026, 6, 30)),
    ("12月20日前", D(2026, 12, 20)),
    ("十二月底", D(2026, 12, 31)),
    ("年底前", D(2026, 12, 31)),
    ("年底", D(2026, 12, 31)),
    ("年内", D(2026, 12, 31)),
    ("今年底", D(2026, 12, 31)),
    ("明年6月底", D(2027, 6, 30)),
    ("上半年", D(2026, 6, 30)),
    ("下半年", D(2026, 12, 31)),
    ("年中", D(2026, 6, 30)),
    ("一季度末", D(2026, 3, 31)),
    ("二季度末", D(2026, 6, 30)),
    ("三季度末", D(2026, 9, 30)),
    ("四季度末", D(2026, 12, 31)),
    ("第三季度", D(2026, 9, 30)),
    ("3季度", D(2026, 9, 30)),
    ("2月底", D(2026, 2, 28)),
]

UNKNOWN = [
    "",
    "   ",
    "尽快",
    "待定",
    "按上级要求",
    "6月至9月",
    "2024年6月30日、2024年12月31日",
    "2023年2月29日",
    "2024年13月",
    "2024年6月31日",
    "0000年1月1日",
    "3024年6月30日",
    "24年6月30日",
    "年",
    "6.30",
    "长期坚持，2024年6-9月集中整治",
    "第五季度",
    "四十日内",
    "=1+1",
]


@pytest.mark.parametrize(("text", "due"), DATED)
def test_dated_forms(text, due):
    d = parse_deadline(text, base_year=1999)
    assert (d.kind, d.due, d.raw, d.ongoing_after) == ("date", due, text, False)


@pytest.mark.parametrize(("text", "due"), YEARLESS)
def test_yearless_forms_take_the_base_year(text, due):
    assert parse_deadline(text, base_year=2026) == Deadline(DeadlineKind.DATE, due, text)


def test_base_year_decides_leap_days():
    assert parse_deadline("2月底", base_year=2024).due == D(2024, 2, 29)
    assert parse_deadline("2月底", base_year=2023).due == D(2023, 2, 28)
    assert parse_deadline("2月29日", base_year=2024).due == D(2024, 2, 29)
    assert parse_deadline("2月29日", base_year=2023).kind == "unknown"


def test_yearless_forms_are_unknown_without_a_usable_base_year():
    assert parse_deadline("6月底", base_year=0).kind == "unknown"
    assert parse_deadline("年底前", base_year=99999).kind == "unknown"
    assert parse_deadline("2024年6月30日", base_year=0).due == D(2024, 6, 30)


@pytest.mark.parametrize("text", UNKNOWN)
def test_unreadable_text_is_unknown_never_guessed(text):
    assert parse_deadline(text, base_year=2026) == Deadline(DeadlineKind.UNKNOWN, None, text)


def test_date_cells():
    assert parse_deadline(D(2024, 6, 30), base_year=2026) == Deadline(
        DeadlineKind.DATE, D(2024, 6, 30), "2024-06-30"
    )
    assert parse_deadline(datetime(2024, 6, 30, 0, 0), base_year=2026).due == D(2024, 6, 30)


@pytest.mark.parametrize("value", [None, 45473.0, 2024, 2024.6, True, b"2024", [2024]])
def test_non_text_cells_are_unknown(value):
    d = parse_deadline(value, base_year=2026)
    assert (d.kind, d.due) == ("unknown", None)


@pytest.mark.parametrize(
    ("text", "kind", "after"),
    [
        ("长期坚持", "ongoing", False),
        ("长期", "ongoing", False),
        ("常态化推进", "ongoing", False),
        ("长期坚持，每季度报告一次", "ongoing", False),
        ("立行立改", "immediate", False),
        ("立即整改", "immediate", False),
        ("立行立改，长期坚持", "immediate", True),
    ],
)
def test_keywords(text, kind, after):
    d = parse_deadline(text, base_year=2026)
    assert (d.kind, d.due, d.ongoing_after) == (kind, None, after)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2024年底前，并长期坚持", D(2024, 12, 31)),
        ("2024年底前完成并长期坚持", D(2024, 12, 31)),
        ("2024年6月30日前完成，此后长期坚持", D(2024, 6, 30)),
        ("长期坚持（2024年底前建立制度）", None),
        ("6月底前，并长期坚持", D(2026, 6, 30)),
        ("２０２４年底前，并长期坚持", D(2024, 12, 31)),
    ],
)
def test_a_date_with_ongoing_counts_as_a_date_then_ongoing(text, due):
    d = parse_deadline(text, base_year=2026)
    if due is None:  # the date part is not a bare date: flagged, not guessed
        assert d.kind == "unknown"
    else:
        assert (d.kind, d.due, d.ongoing_after) == ("date", due, True)


@given(st.text())
def test_never_raises_on_any_text(text):
    d = parse_deadline(text, base_year=2026)
    assert d.kind in set(DeadlineKind)
    assert (d.due is None) == (d.kind != "date")
    assert d.raw == text


_PIECES = st.sampled_from(
    [
        *"0123456789〇零一二三四五六七八九十年月日号前底末内季度第上下半旬中.-/，, \u3000",
        *("长期坚持", "立行立改", "并", "完成", "２", "０"),
    ]
)


@given(st.lists(_PIECES, max_size=14).map("".join), st.integers(-10, 10_000))
def test_never_raises_on_date_like_text_and_any_base_year(text, year):
    d = parse_deadline(text, base_year=year)
    if d.due is not None:
        assert 1900 <= d.due.year <= 2199


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 12, 31)))
def test_written_dates_read_back(day):
    for text in (
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}.{day.month}.{day.day}",
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日前".translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        ),
    ):
        assert parse_deadline(text, base_year=2026).due == day
