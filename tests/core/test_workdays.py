"""Working days: the official calendar, the 节假日 sheet beyond it, Monday–Friday last."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import append_rows
from zhenggai import read_ledger
from zhenggai.core.ledger import Holiday
from zhenggai.core.workdays import WorkCalendar


def test_national_day_2026_with_make_up_workdays():
    cal = WorkCalendar()
    october = [date(2026, 10, d) for d in range(1, 32)]
    off = [d for d in october if not cal.is_workday(d)]
    assert date(2026, 10, 10) not in off  # Saturday, a make-up workday (调休上班)
    assert date(2026, 10, 10).weekday() == 5
    assert all(d in off for d in (date(2026, 10, 1), date(2026, 10, 5), date(2026, 10, 7)))
    assert cal.is_workday(date(2026, 9, 20))  # Sunday make-up before the holiday
    # after 9-30: 10-8, 10-9, 10-10 (Saturday) and 10-12 are the first workdays
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert cal.workdays_between(date(2026, 10, 1), date(2026, 10, 1)) == 0
    assert cal.workdays_between(date(2026, 10, 12), date(2026, 10, 1)) == 0


def test_beyond_the_package_weekdays_and_the_holiday_sheet(make_master):
    path = make_master()
    append_rows(
        path,
        "节假日",
        [
            [date(2027, 1, 1), "休息日", "元旦"],
            [date(2027, 2, 20), "工作日", "春节调休上班"],
        ],
    )
    ledger = read_ledger(path)
    assert ledger.holidays[0] == Holiday(date(2027, 1, 1), False, "元旦")
    cal = WorkCalendar(ledger.holidays)
    plain = WorkCalendar()
    assert plain.is_workday(date(2027, 1, 1))  # a Friday: no data, so Monday–Friday
    assert not cal.is_workday(date(2027, 1, 1))  # the 节假日 sheet says off
    assert not plain.is_workday(date(2027, 2, 20))  # a Saturday
    assert cal.is_workday(date(2027, 2, 20))  # the sheet's make-up workday
    # 2026-12-31 (Thu) -> 2027-01-04 (Mon): only Monday, as New Year's Day is off
    assert cal.workdays_between(date(2026, 12, 31), date(2027, 1, 4)) == 1
    assert plain.workdays_between(date(2026, 12, 31), date(2027, 1, 4)) == 2


def test_overrides_win_inside_the_package_years_too():
    cal = WorkCalendar([Holiday(date(2026, 10, 10), False, "本单位另行安排")])
    assert not cal.is_workday(date(2026, 10, 10))


def test_weekdays_beyond_the_package():
    cal = WorkCalendar()
    start = date(2031, 3, 2)  # a Sunday
    week = [start + timedelta(days=i) for i in range(7)]
    assert [cal.is_workday(d) for d in week] == [False, True, True, True, True, True, False]
