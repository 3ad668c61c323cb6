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


def _reduced(part: str, today: date) -> str:
    """A clause restating the measure, cut to its dated fact ("已于2026年3月12日召开"), or ''."""
    m = _DATE.search(part)
    if m is None:
        return ""
    prefix, rest = part[: m.start()], part[m.end() :]
    said = date(int(m[1]), int(m[2]), int(m[3])) if 1 <= int(m[2]) <= 12 else None
    verb = next(iter(words(rest)), "") if rest else ""
    if not verb or verb in _PREPOSITIONS or len(verb) > 4:
        verb = "完成"
    if not prefix.strip() and said is not None and said <= today:
        prefix = "已于"
    return f"{prefix}{m[0]}{verb}"


def reduce_progress(progress: str, measure: str, *, today: date) -> str:
    """*progress* without the clauses that restate *measure* (see the module docstring)."""
    targets = clauses(plain(measure))
    kept: list[str] = []
    for sentence in re.split(r"(?<=[。；;])", plain(progress)):
        parts = [p for p in re.split(r"[，,]", sentence.rstrip("。；;")) if p.strip()]
        out: list[str] = []
        for part in parts:
            restates = any(covers(part, t) and covers(t, part) for t in targets)
            if not restates:
                out.append(part.strip())
            elif short := _reduced(part.strip(), today):
                out.append(short)
        if out:
            kept.append("，".join(out))
    return "；".join(kept)


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
    text = "" if is_generic(progress) else clause(reduce_progress(progress, measure, today=today))
    key = re.sub(r"\W", "", text)
    if not text or key in used:
        return status_phrase(row.status, row.done_date)
    return text


def _outcomes(m: Measure, used: set[str], today: date) -> list[Outcome]:
    groups: dict[str, Outcome] = {}
    for row in m.rows:
        text = _unit_outcome(row, m.text, used, today)
        group = groups.setdefault(text, Outcome(text))
        if row.unit and row.unit not in group.units:
            group.units.append(row.unit)
    for text in groups:
        used.add(re.sub(r"\W", "", text))
    return list(groups.values())


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
