"""Who returned the latest batch on time, late, or not at all (from 回收情况).

The return deadline is 设置 报送截止 ("12月5日前", "每月25日前", "下发后10日内",
a date), read relative to the batch's 下发时间: a year-less deadline falling
before the issue date means next year's. A deadline that cannot be read
is reported as such (``due`` None), never guessed.
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

__all__ = ["BatchReturns", "UnitReturn", "latest_batch", "return_due"]

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


def return_due(text: str, issued: date) -> date | None:
    """The return deadline *text* means for a batch issued on *issued*, or None.

    >>> return_due("12月5日前", date(2026, 11, 28))
    datetime.date(2026, 12, 5)
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
    due = parse_deadline(text, base_year=issued.year).due
    if due is not None and due < issued:
        later = parse_deadline(text, base_year=issued.year + 1).due
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


def latest_batch(
    ledger: Ledger, *, deadline_text: str | None = None, today: date | None = None
) -> BatchReturns | None:
    """The returns of the batch issued last, or None when 回收情况 is empty.

    A unit's 回收时间 is taken as recorded in 回收情况 (one row per batch and unit).

    Args:
        ledger: the master.
        deadline_text: the return deadline (default: 设置 报送截止).
        today: returns recorded after this day do not count yet (default: all count).
    """
    text = ledger.settings.return_deadline if deadline_text is None else deadline_text
    rows = ReturnsLog.from_grid(ledger.grid(RETURNS.name)).records
    if not rows:
        return None
    latest: dict[str, tuple[date, int]] = {}
    for i, ((name, _), rec) in enumerate(rows.items()):
        when = _day(rec.get("下发时间")) or date.min
        latest[name] = max(latest.get(name, (date.min, -1)), (when, i))
    batch = max(latest, key=lambda b: latest[b])
    mine = {unit: rec for (b, unit), rec in rows.items() if b == batch}
    issued_days = [d for rec in mine.values() if (d := _day(rec.get("下发时间"))) is not None]
    issued = min(issued_days) if issued_days else None
    due = return_due(text, issued) if issued is not None else None
    units = []
    for unit, rec in mine.items():
        back = _day(rec.get("回收时间"))
        if back is not None and today is not None and back > today:
            back = None
        units.append(UnitReturn(unit, back, max((back - due).days, 0) if back and due else 0))
    return BatchReturns(batch, issued, text, due, units)
