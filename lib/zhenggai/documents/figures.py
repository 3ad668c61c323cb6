"""The figures a document quotes, under its one counting rule, as templates read them.

:class:`Figures` is the ``stats`` a report or bulletin template sees: every
count of the document under the rule of 设置 统计口径 (see
:mod:`zhenggai.facts.stats`), with the word that goes after it (条 or 项), so
a template never writes a number in another unit. :class:`LateLine` is one
overdue entry as prose names it: a short name, its units, and its deadline
written as a date where one can be read.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..facts.stats import Basis, Counts, Late
from ..mail.plan import deadline_words
from .phrases import short_name, unit_list

__all__ = ["Figures", "LateGroup", "LateLine", "late_groups", "late_lines"]


@dataclass(frozen=True)
class Figures:
    """Every count of one document, under one rule.

    Attributes:
        basis: "按整改措施计" or "按台账事项计".
        word: the measure word after every count: 条 (measures) or 项 (items).
        noun: 整改措施 or 整改事项.
        automatic: the rule was chosen by 统计口径 "自动".
        shared: some measure is carried by several units.
        findings / measures / items: distinct problems, distinct measures, ledger rows.
        total: entries counted (measures or items, by the rule).
        done / ongoing: done, 长期坚持.
        in_progress: not done and not 长期坚持, the not started included.
        not_started: of those, the ones nobody has started.
        partly_started: of those, the ones some unit has not started (measures only).
        overdue: entries past their deadline and not done.
        rate_text: completion rate, "28.57%".
    """

    basis: str
    word: str
    noun: str
    automatic: bool
    shared: bool
    findings: int
    measures: int
    items: int
    total: int
    done: int
    in_progress: int
    not_started: int
    partly_started: int
    ongoing: int
    overdue: int
    rate_text: str

    @property
    def by_measure(self) -> bool:
        return self.basis == Basis.MEASURE.value

    def to_dict(self) -> dict[str, int | str | bool]:
        """The figures as ``report --json`` prints them (``rate``: "28.57%")."""
        out: dict[str, int | str | bool] = {
            k: v for k, v in self.__dict__.items() if k != "rate_text"
        }
        out["rate"] = self.rate_text
        return out

    @classmethod
    def of(cls, counts: Counts) -> Figures:
        t = counts.total
        return cls(
            basis=counts.basis.value,
            word=counts.word,
            noun=counts.noun,
            automatic=counts.automatic,
            shared=counts.shared,
            findings=counts.findings,
            measures=counts.measures,
            items=counts.items,
            total=t.total,
            done=t.done,
            in_progress=t.unfinished,
            not_started=t.not_started,
            partly_started=t.partly_started,
            ongoing=t.ongoing,
            overdue=t.overdue,
            rate_text=t.rate_text,
        )


@dataclass(frozen=True)
class LateLine:
    """One overdue entry as a document names it.

    Attributes:
        name: the measure, shortened at a clause or word boundary.
        units: its overdue units, each once ("甲、乙、丙等12个单位").
        unit_names: the same units as a list.
        all_units: every one of them named ("甲、乙、丙、丁……"), for a bulletin.
        ids: 编号 of its overdue rows.
        deadline: the deadline as prose writes it: the day it falls on
            (2026年9月30日), else the text as written ("立行立改").
        days: the longest delay in calendar days.
    """

    name: str
    units: str
    unit_names: tuple[str, ...]
    all_units: str
    ids: tuple[str, ...]
    deadline: str
    days: int

    @classmethod
    def of(cls, late: Late) -> LateLine:
        return cls(
            name=short_name(late.text),
            units=unit_list(late.units),
            unit_names=late.units,
            all_units="、".join(late.units),
            ids=late.ids,
            deadline=deadline_words(late.deadline),
            days=late.days,
        )


def late_lines(entries: tuple[Late, ...] | list[Late]) -> list[LateLine]:
    """The overdue entries as lines, most overdue first."""
    return [LateLine.of(e) for e in entries]


@dataclass(frozen=True)
class LateGroup:
    """Overdue entries of one measure, named once: under the item rule, all its overdue items.

    Attributes:
        name / deadline: as in :class:`LateLine`.
        count: entries (1 under the measure rule; its overdue items under the item rule).
        units: its overdue units, each once; unit_count: how many.
    """

    name: str
    deadline: str
    count: int
    units: str
    unit_count: int


def late_groups(lines: list[LateLine]) -> list[LateGroup]:
    """*lines* grouped by measure name and deadline, most overdue first."""
    groups: dict[tuple[str, str], list[LateLine]] = {}
    for line in lines:
        groups.setdefault((line.name, line.deadline), []).append(line)
    out = []
    for (name, deadline), members in groups.items():
        units = list(dict.fromkeys(u for m in members for u in m.unit_names))
        out.append(LateGroup(name, deadline, len(members), unit_list(units), len(units)))
    return out
