"""What the report says about one measure: the measure, then what was done.

A writer turns a measure and its ledger rows into one or two sentences:

- the progress note never repeats the measure: a clause of the note that
  restates a clause of the measure is cut to its dated fact ("已于2026年3月12日
  召开"), or dropped when it has no date;
- a measure carried by several units reads as grouped outcomes: units with
  the same outcome are named together, each unit once ("机关党委、办公室已完成；
  舆情信息科尚未启动"), never as a ledger list "单位：进展；单位：进展";
- a note that says nothing ("目前正在推进") gives way to what the status says,
  and a note already used for an earlier measure of the same paragraph is
  not repeated;
- enumerations inside a cell ("一是……二是……", "1.……") are flattened, so they
  never clash with the paragraph's own 一是、二是.

:func:`measure_sentences` writes the sentences of one category's measures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from ..core.text import clause, cn_date, flatten
from ..facts.measures import DONE, NOT_STARTED, ONGOING, Measure, UnitProgress
from .phrases import clauses, covers, is_generic, unit_list, words

__all__ = ["Outcome", "measure_sentences", "plain", "reduce_progress", "status_phrase"]

_INNER_ORDINAL = re.compile(
    r"(^|[。；;，,：:\s])\s*(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、]|"
    r"\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|[①-⑳])\s*"
)
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_SELF = re.compile(r"^(?:我单位|本单位|我部门|本部门|我科|本科室|我公司|本公司|我局|本局|我委)")
_PREPOSITIONS = frozenset("把将对在与向为按从由以")


def plain(text: str) -> str:
    """Cell text on one line without its own enumeration ("一是", "1.", "（1）", "①").

    >>> plain("一是健全制度；二是每季度开展检查。")
    '健全制度；每季度开展检查。'
    """
    return _plain(text)


@lru_cache(maxsize=1 << 16)
def _plain(text: str) -> str:
    # Pure, and called for every unit's note and measure, several times each: once per text.
    text = flatten(text)
    return _INNER_ORDINAL.sub(lambda m: m[1] if m[1].strip() else "", text).strip()


def status_phrase(status: str, done_date: date | None = None) -> str:
    """What the status says when the progress note says nothing."""
    if status == DONE:
        return f"已于{cn_date(done_date)}完成" if done_date else "已完成"
    if status == ONGOING:
        return "作为长期坚持事项持续推进"
    if status == NOT_STARTED:
        return "尚未启动"
    return "正在推进"


_HEAD = re.compile(
    r"^(?P<pre>(?:已于|于|已经|已|正在|尚未|将于|将|计划于|计划|拟于|拟)?"
    r"(?:\d{4}年\d{1,2}月\d{1,2}日)?)(?P<rest>.*)$"
)


def _reduced(part: str, today: date) -> str:
    """A clause restating the measure cut to what it adds: its date or its state, and the verb.

    "已于2026年3月12日召开党组会议……" -> "已于2026年3月12日召开";
    "正在制定整改方案" -> "正在制定"; a clause adding nothing -> ''.
    """
    m = _HEAD.match(part)
    prefix, rest = (m["pre"], m["rest"]) if m else ("", part)
    if not prefix:
        return ""
    verb = next(iter(words(rest)), "") if rest else ""
    if not verb or verb in _PREPOSITIONS or len(verb) > 4:
        verb = "完成"
    when = _DATE.search(prefix)
    if when is not None and when.start() == 0:  # a bare date: say whether it happened
        said = date(int(when[1]), int(when[2]), int(when[3])) if 1 <= int(when[2]) <= 12 else None
        if said is not None and said <= today:
            prefix = "已于" + prefix
    return f"{prefix}{verb}"


def _restates(part: str, targets: list[str]) -> bool:
    return _restates_any(part, tuple(targets))


@lru_cache(maxsize=1 << 16)
def _restates_any(part: str, targets: tuple[str, ...]) -> bool:
    # Pure, and a ledger repeats its progress notes and measures over many units: once each.
    m = _HEAD.match(part)
    rest = m["rest"] if m else part
    return any(covers(rest, t) and covers(t, rest) for t in targets)


def reduce_progress(
    progress: str, measure: str, *, today: date, said: set[str] | None = None
) -> str:
    """*progress* without the clauses that restate *measure* (see the module docstring).

    Clauses whose text is in *said* (already written in the paragraph) are left out too.
    """
    targets = clauses(plain(measure))
    said = said if said is not None else set()
    kept: list[str] = []
    for sentence in re.split(r"(?<=[。；;])", plain(progress)):
        parts = [p.strip() for p in re.split(r"[，,]", sentence.rstrip("。；;")) if p.strip()]
        out: list[str] = []
        for part in parts:
            if _norm(part) in said:
                continue
            if not _restates(part, targets):
                out.append(part)
            elif short := _reduced(part, today):
                out.append(short)
        if out:
            kept.append("，".join(out))
    return "；".join(kept)


def _norm(text: str) -> str:
    return re.sub(r"\W", "", text)


@dataclass
class Outcome:
    """Units that reached the same outcome on one measure."""

    text: str
    units: list[str] = field(default_factory=list)


def _unit_outcome(row: UnitProgress, measure: str, used: set[str], today: date) -> str:
    progress = _SELF.sub("", plain(row.progress))
    if row.unit and progress.startswith(row.unit):
        progress = progress[len(row.unit) :]
    progress = clause(progress)
    if is_generic(progress):
        return status_phrase(row.status, row.done_date)
    text = clause(reduce_progress(progress, measure, today=today, said=used))
    return text or status_phrase(row.status, row.done_date)


_ORDER = ("已", "作为长期坚持", "正在推进", "尚未启动")


def _rank(text: str) -> int:
    """Outcomes in the order a writer gives them: done first, what was done, then the rest."""
    if (text.startswith("已于") and text.endswith("完成")) or text == "已完成":
        return 0
    for i, head in enumerate(_ORDER[1:], start=2):
        if text.startswith(head):
            return i
    return 1


def _outcomes(m: Measure, used: set[str], today: date) -> list[Outcome]:
    groups: dict[str, Outcome] = {}
    done = [r for r in m.rows if r.status == DONE and is_generic(r.progress)]
    for row in m.rows:
        text = _unit_outcome(row, m.text, used, today)
        if row in done and len(done) > 1:
            text = (
                "已完成"  # several units done on different days: named together, no list of dates
            )
        group = groups.setdefault(text, Outcome(text))
        if row.unit and row.unit not in group.units:
            group.units.append(row.unit)
    for text in groups:  # what is said here is not said again in the paragraph
        if _rank(text) == 1:
            used.update(_norm(part) for part in re.split(r"[，,；;]", text) if part)
    return sorted(groups.values(), key=lambda o: _rank(o.text))


def _sentence(m: Measure, used: set[str], today: date) -> str:
    lead = clause(plain(m.text))
    outcomes = _outcomes(m, used, today)
    if not m.merged or len(m.units) <= 1:
        said = outcomes[0].text
        if said.startswith("尚未启动"):
            said += "，将抓紧推进"
        return f"{lead}。{said}。"
    told = "；".join(f"{unit_list(o.units)}{o.text}" for o in outcomes)
    return f"{lead}。{told}。"


def measure_sentences(measures: Sequence[Measure], *, today: date) -> list[str]:
    """One sentence (or two) per measure of a paragraph, no note said twice in it."""
    used: set[str] = set()
    return [_sentence(m, used, today) for m in measures]
