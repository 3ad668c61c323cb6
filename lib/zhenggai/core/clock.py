"""One clock for every command: the day the office says it is.

Every command that stamps or compares dates (issue time, run time, 今天 in
the overdue and 完成时间 checks, the date of a bulletin) asks :func:`today`
or :func:`now`. By default that is the computer's clock; the environment
variable ``ZHENGGAI_TODAY`` (``2026-11-28``, or ``2026-11-28T10:00`` with a
time) or the CLI's ``--today`` fixes the day for a whole run, so a demo, a
test or a re-run of last week's bulletin gives the same dates throughout.

With a day but no time, :func:`now` keeps the real time of day on that day,
so two stamps of one run still follow each other. Technical stamps (lock
files, backup names) keep the real clock; a drafted document's file
properties take the drafting day at the real time of day.

Example:
    >>> with fixed(date(2026, 11, 28)):
    ...     today()
    datetime.date(2026, 11, 28)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from .errors import UsageError

__all__ = ["ENV", "fix", "fixed", "now", "today"]

ENV = "ZHENGGAI_TODAY"

_fixed: datetime | date | None = None


def _parse(text: str) -> datetime | date:
    text = text.strip()
    try:
        return (
            datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
        )
    except ValueError as exc:
        raise UsageError(f"{ENV}“{text}”不是日期，请写成 2026-11-28 的形式。") from exc


def _override() -> datetime | date | None:
    if _fixed is not None:
        return _fixed
    text = os.environ.get(ENV, "")
    return _parse(text) if text.strip() else None


def now() -> datetime:
    """The run's time: the fixed day (at the real time of day unless a time was given), or now."""
    real = datetime.now().replace(microsecond=0)
    day = _override()
    if day is None:
        return real
    if isinstance(day, datetime):
        return day.replace(microsecond=0)
    return datetime.combine(day, real.time())


def today() -> date:
    """The run's day: the fixed day, or the computer's."""
    return now().date()


def fix(day: datetime | date | None) -> None:
    """Fix the clock for the rest of the process (the CLI's ``--today``); None lets it go."""
    global _fixed
    _fixed = day


@contextmanager
def fixed(day: datetime | date) -> Iterator[None]:
    """The clock fixed to *day* inside the block."""
    global _fixed
    before, _fixed = _fixed, day
    try:
        yield
    finally:
        _fixed = before
