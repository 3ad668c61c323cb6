"""The figures of the bulletin's 学习强国 section, for the template to word.

The numbers come from the 学习积分 history as ``zhenggai study`` stored it
(the latest period up to the bulletin's day, its flags as imported); the
wording is the bulletin template's, so an office can change it. Averages are
given with two decimals throughout (202.27, 157.50), so one paragraph never
mixes 157.5 with 171.67.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.ledger import Ledger
from ..study.history import HistoryRow
from ..study.notice import latest_study
from ..study.stats import round_half_up, study_stats, unit_averages

__all__ = ["StudyPart", "study_part"]

# Beyond this many names a bulletin gives counts per unit instead of names.
_MAX_NAMED = 20


def _names(rows: list[HistoryRow]) -> str:
    """ "宣传教育科：郭涛；网络安全科：谢东", or counts per unit when the list is long."""
    groups: dict[str, list[str]] = {}
    for r in rows:
        groups.setdefault(r.unit, []).append(r.name)
    if len(rows) > _MAX_NAMED:
        return "、".join(f"{u}{len(n)}人" for u, n in groups.items())
    return "；".join(f"{u}：{'、'.join(n)}" for u, n in groups.items())


@dataclass(frozen=True)
class StudyPart:
    """One period's study figures.

    Attributes:
        period: "2026年11月".  people: head-count.  avg: points per person.
        previous: the period compared with ("" when none).  change: avg minus
            the previous period's (0 when none).
        units: (unit, average) ranked, best first.
        threshold: the 低分线.
        inactive / low: people with 0 points / below the threshold.
        inactive_names / low_names: them, grouped by unit ("宣传教育科：郭涛；…").
    """

    period: str
    people: int
    avg: float
    previous: str
    change: float
    units: tuple[tuple[str, float], ...]
    threshold: float
    inactive: int
    low: int
    inactive_names: str
    low_names: str


def study_part(ledger: Ledger, *, until: date) -> StudyPart | None:
    """The latest period's figures up to *until*, or None when no period was imported."""
    latest = latest_study(ledger, until=until)
    if latest is None:
        return None
    period, rows, before = latest
    threshold = next((r.threshold for r in rows if r.threshold is not None), None)
    if threshold is None:
        threshold = ledger.settings.study_threshold
    _, units = study_stats(
        [(r.name, r.unit, r.points) for r in rows],
        threshold=threshold,
        previous=unit_averages(before),
    )
    avg = round_half_up(sum(r.points for r in rows) / len(rows))
    change = 0.0
    if before:
        change = round_half_up(avg - sum(r.points for r in before) / len(before))
    inactive = [r for r in rows if r.flag == "inactive"]
    low = [r for r in rows if r.flag == "low"]
    return StudyPart(
        period=str(period),
        people=len(rows),
        avg=avg,
        previous=str(before[0].period) if before else "",
        change=change,
        units=tuple((u.unit, u.avg) for u in units),
        threshold=threshold,
        inactive=len(inactive),
        low=len(low),
        inactive_names=_names(inactive),
        low_names=_names(low),
    )
