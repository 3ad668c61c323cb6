"""Breaking a 公文 title into lines (GB/T 9704 7.3.1).

"回行时，要做到词意完整，排列对称，长短适宜，间距恰当，标题排列应当使用梯形或菱形":
a title too long for one line is broken only between words (jieba's
dictionary; brackets, 《书名》 and quotations are never split), into as few
lines as fit the 156 mm line at 2号, shaped as a regular trapezoid (each line
no shorter than the one above) or a diamond (longest in the middle), never
an inverted trapezoid. Among the shapes that fit, the most even one wins,
with a penalty for leaving a function word (的, 和, 关于 …) at the wrong end
of a line or a one-character word alone at a break.

Example:
    >>> break_title("关于党委（党组）意识形态工作责任制落实情况督查问题整改情况的报告")
    ['关于党委（党组）意识形态工作', '责任制落实情况督查问题整改情况的报告']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from .gongwen_xml import chars_wide
from .phrases import words

__all__ = ["MAX_TITLE_CHARS", "break_title", "is_trapezoid_or_diamond"]

# 442.25 pt of line / 22 pt (2号) characters: 20 whole characters fit
MAX_TITLE_CHARS = 20
_MAX_LINES = 5
_OPENING = "（(《“‘〈【["
_CLOSING = "）)》”’〉】]"
_NO_LINE_START = set("的地得之和及与、，,。；：）)》”’") | {"以及"}
_NO_LINE_END = {"关于", "对于", "对", "在", "和", "及", "与", "以及", "（", "《", "“"}


def _units(title: str) -> list[str]:
    """Unbreakable pieces: words, with a bracketed, quoted or 《》 span kept whole."""
    pieces: list[str] = []
    depth = 0
    for word in words(title):
        if depth > 0:
            pieces[-1] += word
        else:
            pieces.append(word)
        depth += sum(word.count(c) for c in _OPENING) - sum(word.count(c) for c in _CLOSING)
        depth = max(depth, 0)
    return pieces


def is_trapezoid_or_diamond(widths: Sequence[float]) -> bool:
    """True for lines that widen downwards, or widen then narrow (never only narrow)."""
    if len(widths) < 2:
        return True
    peak = widths.index(max(widths))
    rising = all(a <= b for a, b in itertools.pairwise(widths[: peak + 1]))
    falling = all(a >= b for a, b in itertools.pairwise(widths[peak:]))
    diamond = 0 < peak < len(widths) - 1
    return rising and falling and (diamond or peak == len(widths) - 1)


def _penalty(left: str, right: str) -> float:
    cost = 0.0
    if right in _NO_LINE_START or right[:1] in _NO_LINE_START:
        cost += 50
    if left in _NO_LINE_END or left[-1:] in _OPENING:
        cost += 50
    if len(left) == 1 or len(right) == 1:
        cost += 4
    return cost


def _cost(lines: list[str], breaks: list[tuple[str, str]]) -> float:
    widths = [chars_wide(line) for line in lines]
    mean = sum(widths) / len(widths)
    spread = sum((w - mean) ** 2 for w in widths)
    return spread + sum(_penalty(a, b) for a, b in breaks)


def break_title(title: str, *, max_chars: float = MAX_TITLE_CHARS) -> list[str]:
    """*title* in lines of at most *max_chars* characters, broken between words (see module)."""
    title = title.strip()
    if chars_wide(title) <= max_chars:
        return [title] if title else []
    least = math.ceil(chars_wide(title) / max_chars)
    # whole brackets and quotations first; a span too long for a line is broken between its words
    for units in (_units(title), list(words(title))):
        lines = _best(units, least, max_chars)
        if lines:
            return lines
    # no word boundary gives a fitting shape (one huge word): cut by width
    per_line = math.ceil(len(title) / least)
    return [title[i : i + per_line] for i in range(0, len(title), per_line)]


def _best(units: list[str], least: int, max_chars: float) -> list[str]:
    """The cheapest fitting trapezoid or diamond of the fewest lines, or [] when none fits."""
    for count in range(least, min(_MAX_LINES, len(units)) + 1):
        best: tuple[float, list[str]] | None = None
        for cuts in itertools.combinations(range(1, len(units)), count - 1):
            bounds = [0, *cuts, len(units)]
            lines = ["".join(units[a:b]) for a, b in itertools.pairwise(bounds)]
            widths = [chars_wide(line) for line in lines]
            if max(widths) > max_chars or not is_trapezoid_or_diamond(widths):
                continue
            breaks = [(units[c - 1], units[c]) for c in cuts]
            cost = _cost(lines, breaks)
            if best is None or cost < best[0]:
                best = (cost, lines)
        if best is not None:
            return best[1]
    return []
