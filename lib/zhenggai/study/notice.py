"""What the study statistics tell others: reminders per unit and a bulletin paragraph.

Both read the latest period of the 学习积分 history and its 标记 column (the
flags as imported; a flag staff cleared is not reminded), so the mail and
the bulletin never recompute a different list from the one the office saw.

- :func:`study_reminders` feeds ``zhenggai mail --reminder``: one message per
  unit listing its inactive and low people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.ledger import Ledger
from ..core.settings import Settings
from ..core.sheets import STUDY_POINTS
from .history import (
    FLAG_LABELS,
    HistoryRow,
    Period,
    current_period,
    latest_period,
    read_history,
    rows_of,
)

__all__ = ["StudyReminder", "latest_study", "study_reminders"]


def _points(value: float) -> str:
    return f"{value:g}" if value < 1e15 else str(value)


@dataclass(frozen=True)
class StudyReminder:
    """One unit's people to remind for one period.

    Attributes:
        unit: 单位 as in 学习积分 (match it to the 单位 sheet for the address).
        period: the period, e.g. 2026年11月.
        people: (name, points, flag) with flag "inactive" or "low", fewest points first.
        threshold: the 低分线 the period was imported with (None if unknown).
    """

    unit: str
    period: Period
    people: list[tuple[str, float, str]]
    threshold: float | None = None

    def lines(self) -> list[str]:
        """One Chinese line per person, e.g. "张三：0分（未学习）"."""
        return [
            f"{name}：{_points(pts)}分（{FLAG_LABELS[flag]}）" for name, pts, flag in self.people
        ]

    def message(self, settings: Settings) -> tuple[str, str]:
        """(subject, body) from 设置's 学习提醒邮件主题/正文, placeholders filled.

        Placeholders are replaced literally, so other braces in the office's text stay.
        """
        words = {
            "期间": str(self.period),
            "单位": self.unit,
            "名单": self.text(),
            "低分线": _points(self.threshold) if self.threshold is not None else "",
        }
        subject, body = settings.study_mail_subject, settings.study_mail_body
        for key, value in words.items():
            subject = subject.replace(f"{{{key}}}", value)
            body = body.replace(f"{{{key}}}", value)
        return subject, body

    def text(self) -> str:
        """The list as the body of a reminder message (without greeting or signature)."""
        limit = f"（低分线{_points(self.threshold)}分）" if self.threshold is not None else ""
        head = f"{self.period}学习强国积分统计中，贵单位以下{len(self.people)}名同志学习活跃度不高{limit}："
        return "\n".join([head, *self.lines()])


def latest_study(
    ledger: Ledger, *, until: date | None = None
) -> tuple[Period, list[HistoryRow], list[HistoryRow]] | None:
    """(latest period, its rows, the previous period's rows) from 学习积分, or None if empty.

    With *until*, periods after that day's month are left out (a bulletin dated earlier).
    """
    history, _ = read_history(ledger.grid(STUDY_POINTS.name))
    if until is not None:
        last = current_period(until)
        history = [r for r in history if r.period <= last]
    period = latest_period(history)
    if period is None:
        return None
    previous = latest_period(history, before=period)
    return period, rows_of(history, period), rows_of(history, previous) if previous else []


def study_reminders(ledger: Ledger) -> list[StudyReminder]:
    """Who to remind, per unit, from the latest period of 学习积分.

    Units come in the 单位 sheet's order, then the others in the history's order;
    units with nobody flagged are left out.
    """
    latest = latest_study(ledger)
    if latest is None:
        return []
    period, rows, _ = latest
    order = {u.name: i for i, u in enumerate(ledger.units)}
    groups: dict[str, list[HistoryRow]] = {}
    for r in rows:
        if r.flag is not None:
            groups.setdefault(r.unit, []).append(r)
    units = sorted(groups, key=lambda u: (order.get(u, len(order)), list(groups).index(u)))
    reminders = []
    for unit in units:
        members = sorted(groups[unit], key=lambda r: r.points)
        threshold = next((r.threshold for r in rows if r.threshold is not None), None)
        reminders.append(
            StudyReminder(
                unit, period, [(r.name, r.points, r.flag or "") for r in members], threshold
            )
        )
    return reminders
