"""The 学习积分 sheet: every imported period of study points, kept as history.

One row per person per period. ``zhenggai study`` adds a period (or replaces
it when imported again); trends, reminders and the bulletin paragraph read it
back. The 标记 column is the record of who was flagged: staff may clear it
(someone on leave) and nobody is reminded for that row.

Example:
    >>> parse_period("2026-11")
    Period(year=2026, month=11)
    >>> str(parse_period("2026年11月"))
    '2026年11月'
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..core.grid import Grid
from ..core.problems import Code, Problem, cell_name, show_value
from ..core.sheets import STUDY_POINTS
from ..core.text import Value, cell_text, normalise_text

__all__ = [
    "FLAG_LABELS",
    "HistoryRow",
    "Period",
    "count_period",
    "current_period",
    "history_header_ok",
    "latest_period",
    "number",
    "parse_period",
    "read_history",
    "rows_of",
]

# Flag codes (JSON, code) and the words staff read in 学习积分!标记.
FLAG_LABELS: dict[str, str] = {"inactive": "未学习", "low": "积分偏低"}
_FLAG_CODES = {label: code for code, label in FLAG_LABELS.items()}

_PERIOD = re.compile(r"^(\d{4})\s*(?:年|[-./])\s*(\d{1,2})\s*月?(?:份)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A month of study points; ordered in time."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"


def parse_period(text: Value) -> Period | None:
    """``2026年11月``, ``2026-11``, ``2026.11``, ``202611`` (full-width too) -> Period, else None."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, date):
        return Period(text.year, text.month)
    return _parse_text(str(text))


@functools.lru_cache(maxsize=256)
def _parse_text(text: str) -> Period | None:
    # cached: the history repeats a dozen period texts over thousands of rows
    raw = unicodedata.normalize("NFKC", normalise_text(text))
    match = _PERIOD.match(raw) or _COMPACT.match(raw)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return Period(year, month) if 1 <= month <= 12 else None


def current_period(today: date | None = None) -> Period:
    """The month of *today* (default: now) as a period."""
    today = today or date.today()
    return Period(today.year, today.month)


def number(value: Value) -> float | None:
    """A non-negative count of points from a cell, or None when it is not one.

    Numbers typed as text ("120", "１２０", "1,200") count; "12分", "无" and
    negative numbers do not: the caller reports them.
    """
    if value is None or isinstance(value, bool | date):
        return None
    if isinstance(value, int | float):
        result = float(value)
    else:
        text = unicodedata.normalize("NFKC", normalise_text(str(value))).replace(",", "")
        try:
            result = float(text)
        except ValueError:
            return None
    if result != result or result in (float("inf"), float("-inf")) or result < 0:
        return None
    return result


@dataclass(frozen=True)
class HistoryRow:
    """One person's points in one period, as stored in 学习积分.

    Attributes:
        period: the month.
        unit: 单位 as exported.
        name: 姓名.
        points: 本期积分.
        flag: "inactive", "low" or None (cleared, or any other text staff wrote).
        threshold: the 低分线 used when the period was imported (None if blank).
        row: 1-based sheet row.
    """

    period: Period
    unit: str
    name: str
    points: float
    flag: str | None
    threshold: float | None
    row: int


def history_header_ok(grid: Grid) -> bool:
    """True when the sheet's first row is exactly the standard 学习积分 header."""
    if not grid:
        return False
    header = [cell_text(v) for v in grid[0]]
    while header and not header[-1]:
        header.pop()
    return tuple(header) == STUDY_POINTS.headers


def read_history(grid: Grid) -> tuple[list[HistoryRow], list[Problem]]:
    """Rows of the 学习积分 sheet; rows that cannot be used are listed as problems.

    Columns are found by header text, so an office may reorder them.
    """
    if not grid:
        return [], []
    header = [cell_text(v) for v in grid[0]]
    cols = {h: header.index(h) for h in STUDY_POINTS.headers if h in header}
    sheet = STUDY_POINTS.name
    rows: list[HistoryRow] = []
    problems: list[Problem] = []

    def bad(r: int, h: str, message: str, value: Value) -> None:
        col = cols.get(h)
        problems.append(
            Problem(
                Code.STUDY_HISTORY_INVALID,
                message,
                sheet=sheet,
                cell=cell_name(r, col + 1) if col is not None else f"{r}:{r}",
                value=show_value(value),
            )
        )

    wanted = [(h, cols.get(h)) for h in ("期间", "本期积分", "姓名", "单位", "标记", "低分线")]
    for r, cells in enumerate(grid[1:], start=2):
        values = {h: (cells[c] if c is not None and c < len(cells) else None) for h, c in wanted}
        if all(v is None for v in cells):
            continue
        period = parse_period(values.get("期间"))
        points = number(values.get("本期积分"))
        name, unit = cell_text(values.get("姓名")), cell_text(values.get("单位"))
        if period is None:
            bad(
                r,
                "期间",
                "“期间”应写成 2026年11月 的形式，这一行未计入趋势和提醒。",
                values.get("期间"),
            )
        elif points is None:
            bad(
                r,
                "本期积分",
                "“本期积分”应为不小于 0 的数字，这一行未计入趋势和提醒。",
                values.get("本期积分"),
            )
        elif not name or not unit:
            bad(
                r,
                "姓名" if not name else "单位",
                "姓名和单位都要填写，这一行未计入趋势和提醒。",
                None,
            )
        else:
            rows.append(
                HistoryRow(
                    period,
                    unit,
                    name,
                    points,
                    _FLAG_CODES.get(cell_text(values.get("标记"))),
                    number(values.get("低分线")),
                    r,
                )
            )
    return rows, problems


def latest_period(rows: Iterable[HistoryRow], *, before: Period | None = None) -> Period | None:
    """The latest period in *rows* (strictly before *before* when given)."""
    periods = [r.period for r in rows if before is None or r.period < before]
    return max(periods, default=None)


def rows_of(rows: Sequence[HistoryRow], period: Period) -> list[HistoryRow]:
    """The rows of one period, in sheet order."""
    return [r for r in rows if r.period == period]


def count_period(grid: Grid, period: Period) -> int:
    """Rows of 学习积分 stored for *period*, readable or not (what a re-import replaces)."""
    if not grid:
        return 0
    header = [cell_text(v) for v in grid[0]]
    if "期间" not in header:
        return 0
    col = header.index("期间")
    return sum(1 for cells in grid[1:] if col < len(cells) and parse_period(cells[col]) == period)
