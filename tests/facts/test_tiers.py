"""Warning tiers: the deadline day is in time, 长期坚持 and done items are never overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.changes import Fill
from zhenggai.core.deadline import Deadline, DeadlineKind, parse_deadline
from zhenggai.core.workdays import WorkCalendar
from zhenggai.facts.tiers import (
    TIER_FILLS,
    Tier,
    Windows,
    fill_rules,
    tier_for,
    warning_text,
)

TODAY = date(2026, 11, 28)


def _tier(text, *, status="正在整改", today=TODAY, **kw):
    return tier_for(parse_deadline(text, base_year=2026), status=status, today=today, **kw)


def test_the_deadline_day_itself_is_in_time():
    assert _tier("2026-11-28") == (Tier.ORANGE, 0, date(2026, 11, 28))
    assert warning_text(Tier.ORANGE, 0) == "0天后到期"
    assert _tier("2026-11-27") == (Tier.OVERDUE, -1, date(2026, 11, 27))
    assert warning_text(Tier.OVERDUE, -1) == "已逾期1天"


@pytest.mark.parametrize(
    ("text", "tier", "days", "shown"),
    [
        ("2026-10-31", Tier.OVERDUE, -28, "已逾期28天"),
        ("2026-12-05", Tier.ORANGE, 7, "7天后到期"),
        ("2026-12-06", Tier.YELLOW, 8, "8天后到期"),
        ("2026-12-28", Tier.YELLOW, 30, "30天后到期"),
        ("2026-12-29", Tier.NORMAL, 31, "正常"),
        ("长期坚持", Tier.ONGOING, None, "长期坚持"),
        ("尽快", Tier.UNKNOWN, None, "时限无法识别"),
    ],
)
def test_windows_and_texts(text, tier, days, shown):
    got, left, _ = _tier(text)
    assert (got, left, warning_text(got, left)) == (tier, days, shown)


def test_windows_come_from_settings():
    assert _tier("2026-12-05", windows=Windows(orange=3, yellow=10))[0] is Tier.YELLOW
    assert _tier("2026-12-09", windows=Windows(orange=3, yellow=10))[0] is Tier.NORMAL


def test_fills_per_tier():
    assert TIER_FILLS[Tier.OVERDUE] is Fill.OVERDUE
    assert TIER_FILLS[Tier.ORANGE] is Fill.DUE_7
    assert TIER_FILLS[Tier.YELLOW] is Fill.DUE_30
    assert TIER_FILLS[Tier.NORMAL] is Fill.NORMAL
    assert TIER_FILLS[Tier.DONE] is Fill.DONE
    assert set(TIER_FILLS) == set(Tier)


def test_immediate_items_are_due_on_the_start_date_or_today():
    assert _tier("立行立改") == (Tier.ORANGE, 0, TODAY)
    assert _tier("立行立改", start=date(2026, 3, 1)) == (Tier.OVERDUE, -272, date(2026, 3, 1))
    assert _tier("立行立改", status="已完成", start=date(2026, 3, 1))[0] is Tier.DONE


def test_a_date_then_ongoing_counts_until_the_unit_reports_ongoing():
    assert _tier("2026年6月底前，并长期坚持")[0] is Tier.OVERDUE
    assert _tier("2026年6月底前，并长期坚持", status="长期坚持")[0] is Tier.ONGOING


def test_working_day_windows_across_national_day():
    # 9-30 -> 10-12 is 12 calendar days but only 4 working days (10-8, 10-9, 10-10, 10-12)
    calendar_days = _tier("2026-10-12", today=date(2026, 9, 30))
    workdays = _tier(
        "2026-10-12",
        today=date(2026, 9, 30),
        windows=Windows(workdays=True),
        calendar=WorkCalendar(),
    )
    assert calendar_days[:2] == (Tier.YELLOW, 12)
    assert workdays[:2] == (Tier.ORANGE, 4)
    # overdue days stay calendar days
    late = _tier("2026-09-30", today=date(2026, 10, 9), windows=Windows(workdays=True))
    assert late[:2] == (Tier.OVERDUE, -9)


_DEADLINES = st.one_of(
    st.dates().map(lambda d: Deadline(DeadlineKind.DATE, d, d.isoformat())),
    st.sampled_from(["长期坚持", "立行立改", "尽快", "2024年底前，并长期坚持"]).map(
        lambda t: parse_deadline(t, base_year=2026)
    ),
)
_TODAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


@given(_DEADLINES, _TODAYS, st.booleans())
def test_done_is_never_overdue(deadline, today, workdays):
    tier, days, _ = tier_for(
        deadline, status="已完成", today=today, windows=Windows(workdays=workdays)
    )
    assert (tier, days) == (Tier.DONE, None)


@given(_DEADLINES, _TODAYS, st.sampled_from(["未启动", "正在整改", "", "长期坚持"]))
def test_ongoing_is_never_overdue(deadline, today, status):
    ongoing = parse_deadline("长期坚持", base_year=2026)
    assert tier_for(ongoing, status=status, today=today)[0] is Tier.ONGOING
    assert tier_for(deadline, status="长期坚持", today=today)[0] is Tier.ONGOING


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(-400, 400))
def test_overdue_exactly_when_today_is_after_the_deadline_day(due, offset):
    today = due + timedelta(days=offset)
    deadline = Deadline(DeadlineKind.DATE, due, due.isoformat())
    tier, days, _ = tier_for(deadline, status="正在整改", today=today)
    assert (tier is Tier.OVERDUE) == (offset > 0)
    assert days == -offset


@given(
    st.sampled_from(list(Tier)),
    st.integers(-400, 400),
    st.integers(0, 60),
    st.integers(0, 60),
)
def test_fill_rules_give_every_warning_text_its_tiers_colour(tier, days, orange, extra):
    """The add-in colours 预警 by these rules (conditional formatting); the CLI by tier."""
    windows = Windows(orange=orange, yellow=orange + extra)
    if tier is Tier.ORANGE:
        days = min(abs(days), windows.orange)
    elif tier is Tier.YELLOW:
        if windows.yellow == windows.orange:
            return  # no yellow tier with these windows
        days = windows.orange + 1 + abs(days) % (windows.yellow - windows.orange)
    elif tier is Tier.OVERDUE:
        days = -abs(days)
    rules = fill_rules(windows)
    text = warning_text(tier, days)
    assert next(r.fill for r in rules if r.matches(text)) is TIER_FILLS[tier]
