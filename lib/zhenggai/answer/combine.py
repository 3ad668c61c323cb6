"""Several 台账 rows answering one upper row, combined into the values written upward.

An upper office's item is often split here over several units (3-1 甲县,
3-2 乙县); the upper template has one row for it. The rules (the README's
"怎么合并" says them to the office):

- **整改状态**: the rule the report counts a measure by
  (:func:`~zhenggai.facts.measures.merge_status`): 已完成 when every row is;
  长期坚持 when every row is 长期坚持 or 已完成 and one is 长期坚持; 未启动
  when no row has started; otherwise (any 未启动 or 正在整改 beside work
  under way or done) 正在整改. A row whose status is empty or another word
  (基本完成) makes the combined status unknown: nothing is guessed, the
  status is not written and the row is named.
- **完成时间**: for 已完成, the latest of the rows' dates (the item is done
  when its last unit is); a done row without a date means 已完成 cannot be
  reported, and so does a done row without 佐证材料. Not written for any other status.
- **整改进展**: one sentence per unit in ledger order ("甲县：……。乙县：……。"),
  a unit's several texts joined, a sentence another unit already wrote
  folded into it ("甲县、乙县：……。"). One unit alone: its text as written.
- **佐证材料**: the union of the rows' materials in ledger order, each once
  ("会议纪要、清退凭证"). One row alone: its text as written.

整改状态, 完成时间 and 佐证材料 hang together: when the status cannot be
written, neither are the other two, so the upper ledger never gets a date
or evidence beside a status that says otherwise.

Example:
    >>> from zhenggai.core.memory import MemoryMaster
    >>> from zhenggai.core.ledger import load_ledger
    >>> ledger = load_ledger(MemoryMaster.new([
    ...     {"id": "3-1", "unit": "甲县", "status": "已完成", "progress": "已清退。"},
    ...     {"id": "3-2", "unit": "乙县", "status": "正在整改", "progress": "正在核查"}]))
    >>> combined = combine_rows(ledger.table.rows)
    >>> combined.values["status"], combined.values["progress"]
    ('正在整改', '甲县：已清退。乙县：正在核查。')
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..core.grid import Row
from ..core.problems import Code
from ..core.spec import STATUS_DONE
from ..core.text import Value, flatten, to_date
from ..facts.measures import STATUSES, merge_status, text_key

__all__ = ["DEPENDENT", "Combined", "Held", "combine_rows"]

DEPENDENT = ("status", "done_date", "evidence")
"""Written together or not at all."""

_ITEM_SEP = re.compile(r"[、；;\n]+")
_CLOSING = "。；;，,、.：: "


@dataclass(frozen=True)
class Held:
    """A value not written upward, and why.

    Attributes:
        keys: the fields held back.
        code: the problem's code.
        reason: a Chinese sentence naming the 台账 rows to correct.
        cells: the 台账 cells concerned ("L7").
    """

    keys: tuple[str, ...]
    code: Code
    reason: str
    cells: tuple[str, ...] = ()


@dataclass
class Combined:
    """What the rows say together: values to write (by field key) and what is held back."""

    values: dict[str, Value] = field(default_factory=dict)
    held: list[Held] = field(default_factory=list)

    def hold(self, keys: Sequence[str], code: Code, reason: str, cells: Sequence[str]) -> None:
        """Hold *keys* back (and drop any value already planned for them)."""
        for key in keys:
            self.values.pop(key, None)
        self.held.append(Held(tuple(keys), code, reason, tuple(cells)))


def _who(row: Row) -> str:
    unit = flatten(row.text("unit"))
    return f"{row.text('id')}，{unit}" if unit else row.text("id")


def _cell(row: Row, key: str) -> str:
    return row.cell(key) if key in row.columns else f"{row.number}:{row.number}"


def _status(rows: Sequence[Row], out: Combined, *, names: dict[str, str]) -> str | None:
    statuses = [flatten(r.text("status")) for r in rows]
    bad = [(r, s) for r, s in zip(rows, statuses, strict=True) if s not in STATUSES]
    if bad:
        said = "、".join(
            f"第{r.number}行（{_who(r)}）的{names['status']}为{'空' if not s else f'“{s}”'}"
            for r, s in bad
        )
        out.hold(
            DEPENDENT,
            Code.ANSWER_STATUS_UNDECIDED,
            f"本级台账{said}，不是 {'、'.join(STATUSES)} 之一，"
            f"无法合成上报的{names['status']}：{names['status']}、{names['done_date']}、"
            f"{names['evidence']}都未填写。请先在台账中改正。",
            [_cell(r, "status") for r, _ in bad],
        )
        return None
    return merge_status(statuses)


def _done_rows(rows: Sequence[Row], out: Combined, *, names: dict[str, str]) -> date | None:
    """The latest completion date of rows all 已完成; None (and everything held) when one
    lacks its date or its evidence, as the upper office's 已完成 rule would refuse it."""
    dates = [to_date(r["done_date"]) for r in rows]
    for key, code, what in (
        ("done_date", Code.DONE_NEEDS_DATE, "日期"),
        ("evidence", Code.DONE_NEEDS_EVIDENCE, "材料名称"),
    ):
        if key == "done_date":
            missing = [r for r, d in zip(rows, dates, strict=True) if d is None]
        else:
            missing = [r for r in rows if not r.text("evidence").strip()]
        if missing:
            said = "、".join(f"第{r.number}行（{_who(r)}）" for r in missing)
            out.hold(
                DEPENDENT,
                code,
                f"各单位都已完成，但本级台账{said}没有{names[key]}，不能报“{STATUS_DONE}”："
                f"{names['status']}、{names['done_date']}、{names['evidence']}都未填写。"
                f"请在台账中补上{what}后重新填报。",
                [_cell(r, key) for r in missing],
            )
            return None
    return max(d for d in dates if d is not None)


def _union(rows: Sequence[Row]) -> str:
    texts = [r.text("evidence").strip() for r in rows if r.text("evidence").strip()]
    if len(texts) == 1:
        return texts[0]
    items: dict[str, str] = {}
    for text in texts:
        for item in _ITEM_SEP.split(flatten(text)):
            item = item.strip().rstrip(_CLOSING)
            if item:
                items.setdefault(text_key(item), item)
    return "、".join(items.values())


def _sentence(text: str) -> str:
    return text.rstrip(_CLOSING) + "。"


def _progress(rows: Sequence[Row]) -> str:
    units = dict.fromkeys(flatten(r.text("unit")) or r.text("id") for r in rows)
    written = [r for r in rows if r.text("progress").strip()]
    if len(units) == 1 and len(written) == 1:
        return written[0].text("progress").strip()
    by_unit: dict[str, dict[str, str]] = {}
    for r in written:
        unit = flatten(r.text("unit")) or r.text("id")
        text = flatten(r.text("progress"))
        by_unit.setdefault(unit, {}).setdefault(text_key(text), text.rstrip(_CLOSING))
    if len(units) == 1:
        return "；".join(next(iter(by_unit.values()), {}).values())
    sentences: dict[str, tuple[list[str], str]] = {}
    for unit, texts in by_unit.items():
        text = "；".join(texts.values())
        sentences.setdefault(text_key(text), ([], text))[0].append(unit)
    return "".join(f"{'、'.join(us)}：{_sentence(text)}" for us, text in sentences.values())


def combine_rows(
    rows: Sequence[Row],
    *,
    keys: Collection[str] = ("status", "progress", "done_date", "evidence"),
    names: dict[str, str] | None = None,
) -> Combined:
    """Combine *rows* (in ledger order) into the values of *keys* (see the module docstring).

    Args:
        rows: the 台账 rows answering one upper row.
        keys: the fields the upper template lets this level fill.
        names: field key -> this master's 字段名, for messages.
    """
    names = {
        "status": "整改状态",
        "done_date": "完成时间",
        "evidence": "佐证材料",
    } | (names or {})
    out = Combined()
    status = _status(rows, out, names=names) if "status" in keys else None
    if status is not None:
        out.values["status"] = status
        if status == STATUS_DONE:
            day = _done_rows(rows, out, names=names)
            if day is not None and "done_date" in keys:
                out.values["done_date"] = day
    if "evidence" in keys and not any("evidence" in h.keys for h in out.held):
        evidence = _union(rows)
        if evidence:
            out.values["evidence"] = evidence
    if "progress" in keys:
        progress = _progress(rows)
        if progress:
            out.values["progress"] = progress
    return out
