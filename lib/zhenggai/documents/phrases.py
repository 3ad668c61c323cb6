"""Small rules a writer applies to ledger text before it goes into prose.

- :func:`clauses` splits a sentence at its commas and semicolons;
- :func:`covers` tells whether one clause restates another (a progress note
  that repeats the measure it reports on: "召开党组会议专题研究……" and
  "已于2026年3月12日召开党组会议专题研究……");
- :func:`is_generic` spots progress notes that say nothing ("目前正在推进");
- :func:`short_name` shortens a measure to a name, cut at a clause or word
  boundary, never inside a word;
- :func:`unit_list` names units once each ("甲、乙等12个单位");
- :func:`named_rules` finds the rules and systems a ledger names
  (《…》, "……制度", "……清单").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import rjieba  # type: ignore[import-untyped, unused-ignore]

from ..core.text import clause, flatten

__all__ = [
    "clauses",
    "covers",
    "is_generic",
    "named_rules",
    "sentences",
    "short_name",
    "unit_list",
    "words",
]

_CLAUSE_SPLIT = re.compile(r"[，,；;。！？!?]")
_SENTENCE_END = re.compile(r"[。！？!?]")
# what a date, a count or a connective adds to a restated clause without changing its content
_NOISE = re.compile(
    r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|\d{1,2}月\d{1,2}日|"
    r"^(?:已于|已经|已|于|并|同时|目前|现已|均已|共)|[“”\"'（）()《》、\s]"
)
_GENERIC = re.compile(
    r"^(?:目前|当前|现|现已|正)?(?:正在|持续|按计划|稳步|有序|积极)?"
    r"(?:推进|整改|落实|开展|办理|实施)(?:中|之中)?(?:，?(?:持续)?推进中?)?$"
)
_DONE_WORDS = re.compile(r"^(?:已|均已)?(?:完成|整改完成|完成整改|整改到位|办结|已办结)$")
_MIN_CLAUSE = 4


def clauses(text: str) -> list[str]:
    """*text* split at commas, semicolons and sentence ends, empty parts dropped.

    >>> clauses("召开会议，明确重点；分析研判。")
    ['召开会议', '明确重点', '分析研判']
    """
    return [c.strip() for c in _CLAUSE_SPLIT.split(flatten(text)) if c.strip()]


def sentences(text: str) -> list[str]:
    """*text* split at its sentence ends (。！？), without them."""
    return [s.strip() for s in _SENTENCE_END.split(flatten(text)) if s.strip()]


def _core(text: str) -> str:
    return _NOISE.sub("", text)


def _lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence of *a* and *b*."""
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if ch == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def covers(said: str, claim: str, *, share: float = 0.8) -> bool:
    """True when the clause *said* already says what the clause *claim* says.

    Dates, counts' connectives and quotation marks are ignored; *claim* is
    covered when at least *share* of its characters appear, in order, in
    *said*. Clauses shorter than four characters are never covered.

    >>> covers("已于2026年3月12日召开党组会议专题研究部署意识形态工作", "召开党组会议专题研究部署意识形态工作")
    True
    >>> covers("并将意识形态工作纳入年度考核", "纳入考核范围")
    False
    """
    a, b = _core(said), _core(claim)
    if len(b) < _MIN_CLAUSE or not a:
        return False
    need = share * len(b)
    # A common subsequence uses each character at most as often as both texts hold it: when
    # even that bound falls short, the quadratic count cannot reach the share either.
    if sum(min(n, a.count(ch)) for ch, n in Counter(b).items()) < need:
        return False
    return _lcs(b, a) >= need


def is_generic(progress: str) -> bool:
    """True for progress notes that say nothing the status does not ("目前正在推进", "已完成")."""
    core = re.sub(r"[。；;，,、.\s]", "", flatten(progress))
    return not core or bool(_GENERIC.match(core) or _DONE_WORDS.match(core))


_INNER_ORDINAL = re.compile(
    r"(^|[。；;，,：:\s])\s*(?:[一二三四五六七八九十]+是|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|[①-⑳])\s*"
)
_NESTED = str.maketrans("“”", "‘’")


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """*text* cut into words (jieba's dictionary)."""
    return tuple(rjieba.cut(text))


def short_name(text: str, *, limit: int = 40) -> str:
    """A measure shortened to a name: its first clause, cut at a word boundary if too long.

    The first clause (up to the first comma) is kept whole up to *limit*
    characters. A longer one is cut after the last whole word that fits and
    marked "……" so the reader sees it continues: never inside a word.

    >>> short_name("继续压实意识形态工作责任，党组书记落实好第一责任人责任")
    '继续压实意识形态工作责任'
    """
    parts = clauses(_INNER_ORDINAL.sub(lambda m: m[1] if m[1].strip() else "", flatten(text)))
    if not parts:
        return ""
    head = parts[0].translate(_NESTED)  # the name is quoted: inner quotes become single ones
    if len(head) <= limit:
        return head
    cut = ""
    for word in words(head):
        if len(cut) + len(word) > limit - 2:
            break
        cut += word
    return (cut or head[: limit - 1]).rstrip("、和及与的") + "……"


def unit_list(units: Sequence[str], *, named: int = 5) -> str:
    """Units named once each: all up to *named*, else the first three and the count.

    >>> unit_list(["甲", "乙"]), unit_list([f"单位{i}" for i in range(12)])
    ('甲、乙', '单位0、单位1、单位2等12个单位')
    """
    units = list(dict.fromkeys(u for u in units if u))
    if len(units) <= named:
        return "、".join(units)
    return f"{'、'.join(units[:3])}等{len(units)}个单位"


_QUOTED = re.compile(r"《([^《》]{2,40})》")
_RULE = re.compile(
    r"(?:建立|印发|制定|出台|修订|完善|健全|形成)(?:了)?"
    r"([^，。；、：:,;（）()“”《》]{2,24}?(?:制度|清单|办法|细则|规定|机制|规则|规范))"
)


def named_rules(texts: Iterable[str], *, limit: int = 3) -> list[str]:
    """Rules and systems the texts name, in order, without repeats: 《…》 first, then
    "建立……制度"-style phrases (at most *limit* in all).

    >>> named_rules(["已印发党组意识形态工作责任清单，逐月调度", "认真落实《实施细则》"])
    ['《实施细则》', '党组意识形态工作责任清单']
    """
    texts = [flatten(t) for t in texts if t]
    found: dict[str, None] = {}
    for text in texts:
        for m in _QUOTED.finditer(text):
            found.setdefault(f"《{m[1]}》")
    for text in texts:
        for m in _RULE.finditer(text):
            name = clause(m[1])
            if not any(name in other or other.strip("《》") in name for other in found):
                found.setdefault(name)
    return list(found)[:limit]
