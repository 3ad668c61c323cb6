"""Warning tiers: what the 预警 cell of one ledger row says, and its colour.

Rules, in order (the first that applies wins):

1. 整改状态 已完成 -> 已完成 (grey): done is never overdue.
2. 整改状态 长期坚持, or a 长期坚持 deadline -> 长期坚持 (blue): never overdue.
3. A deadline that cannot be read -> 时限无法识别 (purple): flagged, never guessed.
4. 立行立改 -> due on 设置 整改起始日期 (the day the rectification began), so an
   unfinished item is 已逾期 counted from then; with no 整改起始日期 it is due
   today ("0天后到期", orange): the cell itself holds no date to count from.
5. A date -> 已逾期N天 (red) after the deadline day (the day itself is in
   time), else N天后到期 in orange (N <= 橙色预警天数), yellow (N <= 黄色预警天数),
   or 正常 (green). A date followed by 长期坚持 ("2024年底前，并长期坚持")
   counts like any date until the unit reports 长期坚持.

With 预警计日方式 = 工作日, the windows and the N of "N天后到期" count working
days (:class:`~zhenggai.core.workdays.WorkCalendar`); "已逾期N天" always counts
calendar days, the figure bulletins quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..core.changes import Fill, FillRule
from ..core.deadline import Deadline, DeadlineKind, parse_deadline
from ..core.errors import SettingsError
from ..core.ledger import Ledger
from ..core.settings import Settings
from ..core.spec import STATUS_DONE, STATUS_ONGOING
from ..core.workdays import WorkCalendar

__all__ = [
    "TIER_FILLS",
    "ItemTier",
    "Tier",
    "Windows",
    "base_year",
    "classify",
    "fill_rules",
    "tier_for",
    "warning_text",
]


class Tier(StrEnum):
    """An item's warning tier (the ``tier`` of ``overdue --json``)."""

    OVERDUE = "overdue"
    ORANGE = "orange"
    YELLOW = "yellow"
    NORMAL = "normal"
    ONGOING = "ongoing"
    DONE = "done"
    UNKNOWN = "unknown"


TIER_FILLS: dict[Tier, Fill] = {
    Tier.OVERDUE: Fill.OVERDUE,
    Tier.ORANGE: Fill.DUE_7,
    Tier.YELLOW: Fill.DUE_30,
    Tier.NORMAL: Fill.NORMAL,
    Tier.ONGOING: Fill.ONGOING,
    Tier.DONE: Fill.DONE,
    Tier.UNKNOWN: Fill.UNKNOWN,
}


@dataclass(frozen=True)
class Windows:
    """Warning windows from 设置: orange and yellow thresholds, and how days are counted."""

    orange: int = 7
    yellow: int = 30
    workdays: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Windows:
        return cls(
            settings.warn_orange_days, settings.warn_yellow_days, settings.day_count == "工作日"
        )


_FIXED_TEXT = {
    Tier.NORMAL: "正常",
    Tier.ONGOING: "长期坚持",
    Tier.DONE: "已完成",
    Tier.UNKNOWN: "时限无法识别",
}


def warning_text(tier: Tier, days: int | None) -> str:
    """The 预警 cell text: 已逾期N天, N天后到期, 正常, 长期坚持, 已完成, 时限无法识别."""
    if tier is Tier.OVERDUE:
        return f"已逾期{-(days or 0)}天"
    if tier in (Tier.ORANGE, Tier.YELLOW):
        return f"{days}天后到期"
    return _FIXED_TEXT[tier]


def fill_rules(windows: Windows) -> tuple[FillRule, ...]:
    """The 预警 fills as rules on the cell's text, first match wins (see :func:`warning_text`).

    They give every text :func:`warning_text` writes the colour of its tier;
    orange and yellow differ only by N, hence the windows.

    >>> rules = fill_rules(Windows(orange=7, yellow=30))
    >>> [next(r.fill for r in rules if r.matches(t)).name for t in ("已逾期3天", "7天后到期", "8天后到期")]
    ['OVERDUE', 'DUE_7', 'DUE_30']
    """
    fixed = [FillRule(TIER_FILLS[tier], equals=text) for tier, text in _FIXED_TEXT.items()]
    return (
        *fixed,
        FillRule(TIER_FILLS[Tier.OVERDUE], prefix="已逾期"),
        FillRule(TIER_FILLS[Tier.ORANGE], suffix="天后到期", at_most=windows.orange),
        FillRule(TIER_FILLS[Tier.YELLOW], suffix="天后到期", at_most=windows.yellow),
    )


def tier_for(
    deadline: Deadline,
    *,
    status: str,
    today: date,
    windows: Windows = Windows(),
    calendar: WorkCalendar | None = None,
    start: date | None = None,
) -> tuple[Tier, int | None, date | None]:
    """The tier of one item (see the module docstring for the rules).

    Args:
        deadline: the parsed 整改时限.
        status: the 整改状态 text.
        today: the day to judge on.
        windows: the warning windows.
        calendar: working days, needed when ``windows.workdays``.
        start: 整改起始日期, the due day of 立行立改 items (None: today).

    Returns:
        ``(tier, days, due)``: *days* is the days left until *due* (negative
        when overdue; working days when the windows count them), None for tiers
        without a date; *due* is the day counted to.
    """
    if status == STATUS_DONE:
        return Tier.DONE, None, deadline.due
    if status == STATUS_ONGOING or deadline.kind is DeadlineKind.ONGOING:
        return Tier.ONGOING, None, deadline.due
    if deadline.kind is DeadlineKind.IMMEDIATE:
        due = start or today
    elif deadline.due is None:
        return Tier.UNKNOWN, None, None
    else:
        due = deadline.due
    if today > due:
        return Tier.OVERDUE, -(today - due).days, due
    if windows.workdays:
        left = (calendar or WorkCalendar()).workdays_between(today, due)
    else:
        left = (due - today).days
    if left <= windows.orange:
        return Tier.ORANGE, left, due
    if left <= windows.yellow:
        return Tier.YELLOW, left, due
    return Tier.NORMAL, left, due


@dataclass(frozen=True)
class ItemTier:
    """One ledger row's warning.

    Attributes:
        id: 编号.  unit: 责任单位.  row: 1-based 台账 row.  status: 整改状态.
        measure: 整改措施 (for bulletins).  deadline: the parsed 整改时限.
        tier / days / due: see :func:`tier_for`.
    """

    id: str
    unit: str
    row: int
    status: str
    measure: str
    deadline: Deadline
    tier: Tier
    days: int | None
    due: date | None

    @property
    def text(self) -> str:
        return warning_text(self.tier, self.days)

    @property
    def fill(self) -> Fill:
        return TIER_FILLS[self.tier]

    @property
    def overdue_days(self) -> int:
        """Calendar days overdue (0 unless the tier is overdue)."""
        return -(self.days or 0) if self.tier is Tier.OVERDUE else 0


def base_year(settings: Settings, today: date) -> int:
    """设置 基准年份, or the year of *today* when it is 0."""
    return settings.base_year or today.year


def _start_date(settings: Settings, year: int) -> date | None:
    if not settings.start_date:
        return None
    parsed = parse_deadline(settings.start_date, base_year=year)
    if parsed.due is None:
        raise SettingsError(
            f"设置“整改起始日期”无法识别为日期（现为“{settings.start_date}”），"
            "请写成 2026-03-01 或 2026年3月1日。"
        )
    return parsed.due


def classify(ledger: Ledger, *, today: date) -> list[ItemTier]:
    """The warning of every 台账 row, in sheet order.

    Raises:
        SettingsError: 设置 整改起始日期 is filled but not a date.
    """
    settings = ledger.settings
    year = base_year(settings, today)
    windows = Windows.from_settings(settings)
    calendar = WorkCalendar(ledger.holidays) if windows.workdays else None
    start = _start_date(settings, year)
    items: list[ItemTier] = []
    # A ledger repeats a few dozen deadline texts over thousands of rows: parse each once.
    parsed: dict[tuple[type, object], Deadline] = {}
    for row in ledger.table:
        value = row["deadline"]
        key = (type(value), value)
        deadline = parsed.get(key)
        if deadline is None:
            deadline = parsed[key] = parse_deadline(value, base_year=year)
        status = row.text("status")
        tier, days, due = tier_for(
            deadline, status=status, today=today, windows=windows, calendar=calendar, start=start
        )
        items.append(
            ItemTier(
                row.text("id"),
                row.text("unit"),
                row.number,
                status,
                row.text("measure"),
                deadline,
                tier,
                days,
                due,
            )
        )
    return items
