"""When a returned file was saved, as far as it can be trusted.

A workbook's document properties carry a ``modified`` time, but nothing
signs it: a unit's file can claim any time it likes. Consolidation orders
returns by it ("the latest return wins") and 回收情况 records it as the
return time, so an impossible claim must never count: a file saved in 2099
would block every later genuine return, and one "saved" before its template
was issued would look punctual.

:func:`trusted_save_time` keeps the claimed time only within what is
possible — not before the batch was issued (the issue time is in the
template's signed ``_meta``), not after the run's clock
(:func:`zhenggai.core.clock.now`; for a run set to another day, not after
the later of that day and the computer's clock) — with a small tolerance
for clocks that disagree. An impossible claim is replaced by when the file
reached this disk (its mtime), clamped into the same window, and reported.
The mtime only stands in: it is no bound on a claim, because copying and
unpacking set it to anything (a zip's entries can say 1980).

Example:
    >>> from datetime import datetime, UTC
    >>> now, issued = datetime(2026, 11, 28, 10), datetime(2026, 11, 20, 9)
    >>> claimed = datetime(2099, 1, 1, tzinfo=UTC)
    >>> mtime = datetime(2026, 11, 27, 8, tzinfo=UTC)
    >>> saved, problem = trusted_save_time(claimed, mtime, issued=issued, now=now, real_now=now)
    >>> saved == mtime, problem.code
    (True, <Code.SAVE_TIME_INVALID: 'save-time-invalid'>)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..core.problems import Code, Problem

__all__ = ["TOLERANCE", "trusted_save_time"]

TOLERANCE = timedelta(hours=1)
"""How far two honest clocks (a unit's PC, this one) may disagree."""


def _utc(when: datetime) -> datetime:
    """*when* as aware UTC (a naive time is local, as the master and the clock keep it)."""
    return when.astimezone(UTC) if when.tzinfo is not None else when.astimezone().astimezone(UTC)


def _shown(when: datetime) -> str:
    return f"{when.astimezone():%Y-%m-%d %H:%M}"


def trusted_save_time(
    claimed: datetime | None,
    mtime: datetime | None,
    *,
    issued: datetime | None,
    now: datetime,
    file: str = "",
    real_now: datetime | None = None,
) -> tuple[datetime, Problem | None]:
    """The save time to use (aware UTC) and, when *claimed* is impossible, why it was not.

    Args:
        claimed: the document properties' ``modified`` (None when absent).
        mtime: when the file reached this disk (None when unknown).
        issued: when the batch was issued (None when the file is not a known template).
        now: the run's clock.
        file: the file's name, for the problem.
        real_now: the computer's clock (default: now); when *now* is far from it the
            run's clock is set to another day, and *mtime* (on the computer's) is not used.
    """
    run = _utc(now)
    real = _utc(real_now) if real_now is not None else datetime.now(UTC)
    own_clock = abs(run - real) <= TOLERANCE  # the run is on the computer's (and disk's) clock
    high = run if own_clock else max(run, real)
    low = _utc(issued) if issued is not None else None
    arrived = _utc(mtime) if own_clock and mtime is not None else run
    fallback = max(min(arrived, high), low) if low is not None else min(arrived, high)
    if claimed is None:
        return fallback, None
    when = _utc(claimed)
    if when > high + TOLERANCE:
        why = f"晚于现在（{_shown(high)}）"
    elif low is not None and when < low - TOLERANCE:
        why = f"早于本批模板的下发时间（{_shown(low)}）"
    else:
        inside = min(when, high)
        return (max(inside, low) if low is not None else inside), None
    return fallback, Problem(
        Code.SAVE_TIME_INVALID,
        f"文件记录的保存时间 {_shown(when)} {why}，不可能是真实的保存时间，"
        f"已按收到文件的时间 {_shown(fallback)} 计（决定同一单位多次报送以哪份为准和回收时间）。"
        "请提醒报送单位核对电脑的日期和时间。",
        file=file,
        value=_shown(when),
    )
