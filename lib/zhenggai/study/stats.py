"""Study statistics (学习强国积分) of one period: ranks, flags and unit figures.

Pure functions on (name, unit, points) triples; :mod:`zhenggai.study.run` stores
their results in the master and :mod:`zhenggai.study.notice` reuses them for
the bulletin.

Ranking is "competition" ranking (标准竞争排名, Excel's RANK.EQ): equal points
share a rank and the next rank skips, so 300, 200, 200, 100 rank 1, 2, 2, 4.

Example:
    >>> competition_rank([300, 200, 200, 100])
    [1, 2, 2, 4]
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .history import HistoryRow

__all__ = [
    "PersonStat",
    "UnitStat",
    "competition_rank",
    "flag_for",
    "plain",
    "round_half_up",
    "study_stats",
    "unit_averages",
]


@dataclass(frozen=True)
class PersonStat:
    """One person this period.

    Attributes:
        rank: overall rank (competition ranking, 1 = most points).
        unit_rank: rank within the unit.
        flag: "inactive" (0 points), "low" (below the threshold) or None.
    """

    name: str
    unit: str
    points: float
    rank: int
    unit_rank: int
    flag: str | None


@dataclass(frozen=True)
class UnitStat:
    """One unit this period.

    Attributes:
        count: head-count.
        avg, median: points per person (avg rounded half up to 2 decimals).
        below: people flagged: below the threshold, or inactive (0 points) even with threshold 0.
        inactive: people with 0 points.
        low_share: below / count, 4 decimals.
        rank: rank by average (competition ranking).
        trend: avg minus the previous period's avg, or None when the unit is new.
    """

    unit: str
    count: int
    avg: float
    median: float
    below: int
    inactive: int
    low_share: float
    rank: int
    trend: float | None


def round_half_up(value: float, places: int = 2) -> float:
    """Round as people do (2.345 -> 2.35), not as floats do."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def plain(value: float) -> float:
    """120.0 -> 120, so JSON and cells show whole points as whole numbers."""
    return int(value) if float(value).is_integer() else value


def competition_rank(values: Sequence[float]) -> list[int]:
    """Rank each value, highest first; ties share the rank and the next one skips (1, 2, 2, 4)."""
    ordered = sorted(values, reverse=True)
    first: dict[float, int] = {}
    for i, v in enumerate(ordered, start=1):
        first.setdefault(v, i)
    return [first[v] for v in values]


def flag_for(points: float, threshold: float) -> str | None:
    """ "inactive" for 0 points, "low" below *threshold*, else None."""
    if points == 0:
        return "inactive"
    if points < threshold:
        return "low"
    return None


def study_stats(
    entries: Sequence[tuple[str, str, float]],
    *,
    threshold: float,
    previous: Mapping[str, float] | None = None,
) -> tuple[list[PersonStat], list[UnitStat]]:
    """Ranks, flags and unit figures for one period.

    Args:
        entries: (name, unit, points) per person; the same name in two units is two people.
        threshold: points below this are "low".
        previous: unit -> average points of the previous period, for the trend.

    Returns:
        People ordered by rank (ties in input order), units ordered by rank.
    """
    previous = previous or {}
    ranks = competition_rank([p for _, _, p in entries])
    by_unit: dict[str, list[int]] = {}
    for i, (_, unit, _) in enumerate(entries):
        by_unit.setdefault(unit, []).append(i)
    unit_ranks: dict[int, int] = {}
    for members in by_unit.values():
        for i, r in zip(members, competition_rank([entries[i][2] for i in members]), strict=True):
            unit_ranks[i] = r
    people = [
        PersonStat(name, unit, plain(points), ranks[i], unit_ranks[i], flag_for(points, threshold))
        for i, (name, unit, points) in enumerate(entries)
    ]
    people = [people[i] for i in sorted(range(len(people)), key=lambda i: (ranks[i], i))]

    averages = {u: statistics.fmean(entries[i][2] for i in m) for u, m in by_unit.items()}
    unit_rank = dict(zip(averages, competition_rank(list(averages.values())), strict=True))
    units: list[UnitStat] = []
    for unit, members in by_unit.items():
        points = [entries[i][2] for i in members]
        below = sum(1 for p in points if flag_for(p, threshold) is not None)
        prev = previous.get(unit)
        units.append(
            UnitStat(
                unit,
                len(points),
                plain(round_half_up(averages[unit])),
                plain(round_half_up(statistics.median(points))),
                below,
                sum(1 for p in points if p == 0),
                round_half_up(below / len(points), 4),
                unit_rank[unit],
                None if prev is None else plain(round_half_up(averages[unit] - prev)),
            )
        )
    units.sort(key=lambda u: u.rank)  # stable: ties keep first-seen order
    return people, units


def unit_averages(rows: Sequence[HistoryRow]) -> dict[str, float]:
    """Average points per unit of some history rows."""
    groups: dict[str, list[float]] = {}
    for r in rows:
        groups.setdefault(r.unit, []).append(r.points)
    return {u: statistics.fmean(p) for u, p in groups.items()}
