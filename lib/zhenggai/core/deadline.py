"""Reading 整改时限 as staff write it, without ever guessing.

:func:`parse_deadline` turns a cell value into a :class:`Deadline`: a date
(with the day it is due), 长期坚持 (ongoing), 立行立改 (immediate) or
"unknown". It reads date cells, 2024年6月30日, 2024.6.30, 2024-06-30,
2024/6/30, 20240630, 2024年6月 (end of month), 6月底, 6月30日前, 6月下旬,
年底前, 2024年底前, 2024年内, 上半年/下半年, 年中, 一季度末…四季度末,
第三季度, 今年/明年…, Chinese numerals (二〇二四年十二月三十一日),
full-width digits and spaces, and combinations such as
"2024年底前，并长期坚持" (a date that counts for overdue, then ongoing).

Anything else is "unknown": a text is read only when all of it is
understood, so "6月至9月" or "尽快" are flagged rather than guessed. It never
raises.

Example:
    >>> d = parse_deadline("2024年底前，并长期坚持", base_year=2026)
    >>> d.kind == "date", d.due, d.ongoing_after
    (True, datetime.date(2024, 12, 31), True)
    >>> parse_deadline("6月底", base_year=2024).due
    datetime.date(2024, 6, 30)
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .text import normalise_text

__all__ = ["Deadline", "DeadlineKind", "parse_deadline"]

# Years outside this range are typing errors (2204, 1024), not deadlines.
MIN_YEAR, MAX_YEAR = 1900, 2199


class DeadlineKind(StrEnum):
    """What a deadline cell says (compares equal to its plain string)."""

    DATE = "date"
    ONGOING = "ongoing"  # 长期坚持: no due date, never overdue
    IMMEDIATE = "immediate"  # 立行立改: due at once; the day it started is not in the cell
    UNKNOWN = "unknown"  # not understood: flagged, never guessed


@dataclass(frozen=True)
class Deadline:
    """A parsed 整改时限.

    Attributes:
        kind: date, ongoing, immediate or unknown.
        due: the last day still in time (kind date only), else None.
        raw: the cell as found, as text.
        ongoing_after: the text also says 长期坚持: after *due* the item is ongoing.
    """

    kind: DeadlineKind
    due: date | None
    raw: str
    ongoing_after: bool = False


_ONGOING = re.compile(
    r"长期坚持|长期推进|长期执行|常态化推进|常态化开展|常态化|持续推进|持续坚持|长期"
)
_IMMEDIATE = re.compile(r"立行立改|立查立改|即知即改|立知立改|立即整改|立即|马上")
_NOISE = re.compile(r"限期整改")
# Punctuation and joining words left around a date once the keywords are removed.
_JOINERS = ",;、。.!?()[]并且和及同时以后之后此后后"
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_SPACE = re.compile(r"\s+")

_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_SMALL = re.compile(
    r"(?<![一二三四五六七八九十〇零])([一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])(?=月|日|号|季)"
)

_PREFIX = r"(?:力争于?|争取于?|截止到|截止于|截至|截止|于|在|到|至)?"
_SUFFIX = r"(?:之前|以前|前|以内|内|为止|止)?(?:完成整改|整改完成|整改到位|完成|到位|办结)?"
_REL = r"(?P<rel>今|本|当|明|次)年"
_Y = r"(?P<y>\d{4})"
_PART = r"(?P<part>底|末|上旬|中旬|下旬)?"

# Each form as (name, regex); a text is read only when one matches all of it.
_FORMS: list[tuple[str, str]] = [
    ("ymd", _Y + r"(?:年|[.\-/])(?P<m>\d{1,2})(?:月|[.\-/])(?P<d>\d{1,2})(?:日|号)?"),
    ("ymd", _Y + r"(?P<m>\d{2})(?P<d>\d{2})"),
    ("ym", _Y + r"(?:年|[.\-/])(?P<m>\d{1,2})(?:月份?)?" + _PART),
    ("ymd", rf"(?:{_REL})?(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})(?:日|号)"),
    ("ym", rf"(?:{_REL})?(?P<m>\d{{1,2}})月份?" + _PART),
    ("half", rf"(?:{_Y}年|{_REL})?(?P<half>上|下)半年(?:底|末)?"),
    ("mid", rf"(?:{_Y}|(?P<rel>今|本|当|明|次))?年中"),
    ("quarter", rf"(?:{_Y}年|{_REL})?第?(?P<q>[1-4])季度?(?:末|底)?"),
    ("year", rf"(?:{_Y}年|{_REL})(?:度|底|末|年底|年末)?"),
    ("year", r"年(?:底|末|内)"),
]
_COMPILED: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(_PREFIX + form + _SUFFIX)) for name, form in _FORMS
]
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
_PART_DAY = {"上旬": 10, "中旬": 20}


def parse_deadline(value: object, *, base_year: int) -> Deadline:
    """Read one 整改时限 cell.

    Args:
        value: the cell value: a date/datetime, text, or anything else (read as unknown).
        base_year: the year of forms without one (6月底, 年底前, 三季度末); 设置 基准年份.
            A base year outside 1900–2199 makes those forms unknown.

    Returns:
        A :class:`Deadline`; never raises.
    """
    if isinstance(value, datetime):
        return Deadline(DeadlineKind.DATE, value.date(), value.isoformat(sep=" "))
    if isinstance(value, date):
        return Deadline(DeadlineKind.DATE, value, value.isoformat())
    if not isinstance(value, str):
        # Numbers are not read: 45473 (an unformatted date cell) or 2024.6 are guesses.
        raw = "" if value is None else str(value)
        return Deadline(DeadlineKind.UNKNOWN, None, raw)
    text = _prepare(value)
    ongoing = bool(_ONGOING.search(text))
    immediate = bool(_IMMEDIATE.search(text))
    rest = _IMMEDIATE.sub("", _ONGOING.sub("", _NOISE.sub("", text))).strip(_JOINERS)
    if rest:
        due = _read_date(rest, base_year)
        if due is not None:
            return Deadline(DeadlineKind.DATE, due, value, ongoing_after=ongoing)
        if any(ch.isdigit() for ch in rest) or not (ongoing or immediate):
            return Deadline(DeadlineKind.UNKNOWN, None, value)
    if immediate:
        return Deadline(DeadlineKind.IMMEDIATE, None, value, ongoing_after=ongoing)
    if ongoing:
        return Deadline(DeadlineKind.ONGOING, None, value)
    return Deadline(DeadlineKind.UNKNOWN, None, value)


def _prepare(text: str) -> str:
    # NFKC folds full-width digits, letters, spaces and punctuation (２０２４．６．３０).
    text = normalise_text(unicodedata.normalize("NFKC", text))
    text = _SPACE.sub("", _TIME.sub("", text))
    # 二〇二四年 is read digit by digit; 十二月三十一日 needs cn2an's arithmetic.
    text = _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)
    return _CN_SMALL.sub(_cn_small, text)


def _cn_small(match: re.Match[str]) -> str:
    # cn2an takes ~90 ms to import: only deadlines written in Chinese numerals pay for it.
    import cn2an  # type: ignore[import-untyped, unused-ignore]

    return str(cn2an.cn2an(match.group(1), "strict"))


def _read_date(text: str, base_year: int) -> date | None:
    for name, pattern in _COMPILED:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        groups = m.groupdict()
        year = _year(groups, base_year)
        if year is None:
            return None
        if name == "ymd":
            return _date(year, int(groups["m"]), int(groups["d"]))
        if name == "ym":
            return _month_part(year, int(groups["m"]), groups.get("part"))
        if name == "half":
            return _date(year, 6, 30) if groups["half"] == "上" else _date(year, 12, 31)
        if name == "mid":
            return _date(year, 6, 30)
        if name == "quarter":
            month, day = _QUARTER_END[int(groups["q"])]
            return _date(year, month, day)
        return _date(year, 12, 31)
    return None


def _year(groups: dict[str, str | None], base_year: int) -> int | None:
    if groups.get("y"):
        year = int(groups["y"] or 0)
    else:
        year = base_year + 1 if groups.get("rel") in ("明", "次") else base_year
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _date(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None  # 2月30日, or 2月29日 in a year that has none
    return date(year, month, day)


def _month_part(year: int, month: int, part: str | None) -> date | None:
    if not 1 <= month <= 12:
        return None
    day = _PART_DAY.get(part or "", calendar.monthrange(year, month)[1])
    return date(year, month, day)
