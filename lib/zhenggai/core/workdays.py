"""Working days: the official calendar, the 节假日 sheet, then Monday–Friday.

``chinesecalendar`` knows the State Council's holidays and make-up workdays
(调休) for the years it ships (2004–2026 in 1.11) and raises
NotImplementedError outside them. The master's 节假日 sheet overrides it on
any day, so an office can enter next year's schedule as soon as it is
published; beyond both, Monday to Friday are workdays.

(Named ``workdays`` rather than ``calendar`` so it never shadows the standard
library module.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import chinese_calendar  # type: ignore[import-untyped]

from .ledger import Holiday

__all__ = ["WorkCalendar"]


class WorkCalendar:
    """Which days are workdays, with the 节假日 sheet's overrides.

    Example:
        >>> cal = WorkCalendar()
        >>> cal.is_workday(date(2026, 10, 10))  # a make-up Saturday after National Day
        True
    """

    def __init__(self, overrides: Iterable[Holiday] = ()) -> None:
        self._overrides = {h.day: h.workday for h in overrides}
        self._days: dict[date, bool] = {}
        # A ledger has many rows but few distinct deadlines: count each span once.
        self._spans: dict[tuple[date, date], int] = {}

    def is_workday(self, day: date) -> bool:
        """True when *day* is a working day."""
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._lookup(day)
        return known

    def _lookup(self, day: date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # a year the package has no data for
            return day.weekday() < 5

    def workdays_between(self, start: date, end: date) -> int:
        """Workdays after *start* up to and including *end* (0 when end <= start)."""
        span = self._spans.get((start, end))
        if span is None:
            span = 0
            day = start + timedelta(days=1)
            while day <= end:
                span += self.is_workday(day)
                day += timedelta(days=1)
            self._spans[(start, end)] = span
        return span
