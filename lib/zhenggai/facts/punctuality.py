"""Who returned the latest batch on time, late, or not at all (from 回收情况).

The return deadline is 设置 报送截止 ("12月5日前", "每月25日前", "下发后10日内",
a date), read relative to the batch: a year-less date takes the batch's year
("12月5日前" for 2026年11月 is 2026-12-05) and, falling before the batch's
month, the next year's; "每月25日前" and "下发后10日内" count from the 下发时间.
A deadline that cannot be read is reported as such (``due`` None), never guessed.

Two rules every command shares are decided here, once:

* a unit's 回收时间 is its *first* return of the batch (the file's save
  time); punctuality is judged on it (:func:`latest_batch`);
* a return on an older batch's template counts as the return of the batch
  issued to the unit last before it was saved (:func:`counted_batch`): it
  carries the unit's current values. ``consolidate`` records it so in
  回收情况, which the bulletin and reminders read.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..core.deadline import parse_deadline
from ..core.ledger import Ledger
from ..core.logs import ReturnsLog
from ..core.sheets import RETURNS
from ..core.text import Value, normalise_text, to_date

__all__ = [
    "BatchReturns",
    "UnitReturn",
    "batch_month",
    "counted_batch",
    "latest_batch",
    "latest_batch_name",
    "return_due",
]

_BATCH_MONTH = re.compile(r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})(?!\d)")
_MONTHLY = re.compile(r"每月(\d{1,2})[日号](?:前|之前|以前)?")
_WITHIN = re.compile(r"(?:下发后|收到后|收到通知后)?(\d{1,3})(?:日|天)内")


@dataclass(frozen=True)
class UnitReturn:
    """One unit in a batch: when it was issued and first returned.

    Attributes:
        unit: 单位名称.
        returned: the first 回收时间, None when nothing came back.
        days_late: calendar days after the deadline (0 when on time or unknown).
    """

    unit: str
    returned: date | None
    days_late: int = 0


@dataclass
class BatchReturns:
    """The latest batch's returns.

    Attributes:
        batch: 批次.
        issued: 下发时间 (the earliest of the batch), None when not recorded.
        deadline_text: 设置 报送截止 as written.
        due: the return deadline read from it, None when it cannot be read.
        units: every unit issued the batch, in sheet order.
    """

    batch: str
    issued: date | None
    deadline_text: str
    due: date | None
    units: list[UnitReturn] = field(default_factory=list)

    @property
    def returned(self) -> list[UnitReturn]:
        return [u for u in self.units if u.returned is not None]

    @property
    def missing(self) -> list[UnitReturn]:
        return [u for u in self.units if u.returned is None]

    @property
    def on_time(self) -> list[UnitReturn]:
        """Returned on or before the deadline (empty when the deadline is unknown)."""
        return [u for u in self.returned if self.due is not None and u.days_late == 0]

    @property
    def late(self) -> list[UnitReturn]:
        return [u for u in self.returned if u.days_late > 0]


def batch_month(batch: str) -> date | None:
    """The first day of the month a batch names ("2026年11月", "2026-11"), or None.

    >>> batch_month("2026年11月"), batch_month("第三批")
    (datetime.date(2026, 11, 1), None)
    """
    m = _BATCH_MONTH.search(unicodedata.normalize("NFKC", batch))
    if m is None or not 1 <= int(m.group(2)) <= 12:
        return None
    return date(int(m.group(1)), int(m.group(2)), 1)


def return_due(text: str, issued: date, *, batch: str = "") -> date | None:
    """The return deadline *text* means for *batch* issued on *issued*, or None.

    A date without a year takes the year of the batch's month (of the issue
    date when the batch names no month), the next year's when it would fall
    before that month. "每月N日前" is the first such day on or after the issue
    date; "下发后N日内" counts from it.

    >>> return_due("12月5日前", date(2026, 12, 6), batch="2026年11月")
    datetime.date(2026, 12, 5)
    >>> return_due("1月5日前", date(2026, 12, 20), batch="2026年12月")
    datetime.date(2027, 1, 5)
    >>> return_due("每月25日前", date(2026, 11, 28))
    datetime.date(2026, 12, 25)
    """
    plain = re.sub(r"\s+", "", unicodedata.normalize("NFKC", normalise_text(text)))
    if m := _MONTHLY.fullmatch(plain):
        day = int(m.group(1))
        year, month = issued.year, issued.month
        if issued.day > day:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if not 1 <= day <= 31:
            return None
        return date(year, month, min(day, monthrange(year, month)[1]))
    if m := _WITHIN.fullmatch(plain):
        return issued + timedelta(days=int(m.group(1)))
    start = batch_month(batch) or issued
    due = parse_deadline(text, base_year=start.year).due
    if due is not None and due < start:
        later = parse_deadline(text, base_year=start.year + 1).due
        if later is not None and later != due:  # the year was not written: the next one
            due = later
    return due


def _day(value: Value) -> date | None:
    day = to_date(value)
    if day is None and isinstance(value, str):
        try:
            day = datetime.fromisoformat(normalise_text(value)).date()
        except ValueError:
            return None
    return day


def _issued_at(value: Value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    day = _day(value)
    return datetime(day.year, day.month, day.day) if day is not None else None


def latest_batch_name(log: ReturnsLog) -> str:
    """The batch issued last (by 下发时间, then row) in 回收情况; '' when none was issued."""
    keyed = [
        (_issued_at(rec.get("下发时间")) or datetime.min, i, b)
        for i, ((b, _), rec) in enumerate(log.records.items())
    ]
    return max(keyed)[2] if keyed else ""


def counted_batch(log: ReturnsLog, unit: str, batch: str, saved: datetime) -> str:
    """The batch a return of *unit* on *batch*'s template counts for.

    The rule (the README states it): a return counts for the batch issued to
    the unit last before the file was saved. An older batch's template saved
    after a newer batch was issued carries the unit's current values, so it
    counts as the newer batch's return (consolidate says so in a notice); saved
    before that, it is only the older batch's return.

    Args:
        log: 回收情况.
        unit: the unit the template was issued to.
        batch: the template's own batch.
        saved: the file's save time (local).
    """
    own = _issued_at(log.get(batch, unit).get("下发时间"))
    issued = [
        (when, b)
        for b, u in log.entries()
        if u == unit and (when := _issued_at(log.get(b, u).get("下发时间"))) is not None
    ]
    newer = [(when, b) for when, b in issued if when <= saved and (own is None or when > own)]
    return max(newer)[1] if newer else batch


def latest_batch(
    ledger: Ledger, *, deadline_text: str | None = None, today: date | None = None
) -> BatchReturns | None:
    """The returns of the batch issued last, or None when 回收情况 is empty.

    A unit's 回收时间 is its first return of the batch, as ``consolidate``
    recorded it in 回收情况 (one row per batch and unit, see :func:`counted_batch`).

    Args:
        ledger: the master.
        deadline_text: the return deadline (default: 设置 报送截止).
        today: returns recorded after this day do not count yet (default: all count).
    """
    text = ledger.settings.return_deadline if deadline_text is None else deadline_text
    log = ReturnsLog.from_grid(ledger.grid(RETURNS.name))
    rows = log.records
    if not rows:
        return None
    batch = latest_batch_name(log)
    mine = {unit: rec for (b, unit), rec in rows.items() if b == batch}
    issued_days = [d for rec in mine.values() if (d := _day(rec.get("下发时间"))) is not None]
    issued = min(issued_days) if issued_days else None
    due = return_due(text, issued, batch=batch) if issued is not None else None
    units = []
    for unit, rec in mine.items():
        back = _day(rec.get("回收时间"))
        if back is not None and today is not None and back > today:
            back = None
        units.append(UnitReturn(unit, back, max((back - due).days, 0) if back and due else 0))
    return BatchReturns(batch, issued, text, due, units)
