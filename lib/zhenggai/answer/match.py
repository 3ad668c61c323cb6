"""Which rows of this master answer which row of the upper template.

Two ways, in this order, and nothing else (an unmatched row is listed, never guessed):

1. **上级编号**: every 台账 row whose 上级编号 is the upper row's 编号 (the
   column ``zhenggai import`` fills when it takes the upper template's items,
   kept when an item is split over units: 3-1 and 3-2 both say 3);
2. **the same text**: 台账 rows without a 上级编号 whose 存在问题 and 整改措施
   read the same as the upper row's (spaces, line breaks and closing
   punctuation aside, as the report counts measures). Used only when no other
   upper row of the template has that same text, which would make it a guess.

Example:
    >>> from zhenggai.core.memory import MemoryMaster
    >>> from zhenggai.core.ledger import load_ledger
    >>> ledger = load_ledger(MemoryMaster.new([
    ...     {"id": "1", "problem": "台账不全", "measure": "补齐台账", "unit": "甲县"}]))
    >>> upper = [UpperRow("7", 9, {"problem": "台账不全。", "measure": "补齐 台账"})]
    >>> found = match_rows(upper, ledger.table, file="上级.xlsx", sheet="填报", id_col=1)
    >>> [(p.upper.id, [r.text("id") for r in p.rows], str(p.how)) for p in found.pairs]
    [('7', ['1'], '文字相同')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ..core.grid import Row, Table
from ..core.problems import Code, Problem, cell_name
from ..core.spec import UPPER_ID_KEY, UPPER_ID_NAME
from ..facts.measures import text_key
from .upper import UpperRow

__all__ = ["How", "Matching", "Pairing", "match_rows"]

_SHOWN = 30  # characters of a problem's text quoted in a message


class How(StrEnum):
    """How an upper row found its rows here."""

    BY_ID = "上级编号"
    BY_TEXT = "文字相同"


@dataclass(frozen=True)
class Pairing:
    """An upper row and the 台账 rows that answer it, in ledger order."""

    upper: UpperRow
    rows: tuple[Row, ...]
    how: How


@dataclass
class Matching:
    """The pairs found, the upper rows left without any, and what to tell the office."""

    pairs: list[Pairing] = field(default_factory=list)
    unmatched: list[UpperRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "……"


def _texts(problem: str, measure: str) -> tuple[str, str]:
    return text_key(problem), text_key(measure)


def match_rows(
    upper: Sequence[UpperRow], table: Table, *, file: str, sheet: str, id_col: int
) -> Matching:
    """Pair every upper row with the 台账 rows answering it (see the module docstring).

    Args:
        upper: the upper template's rows.
        table: this master's 台账.
        file, sheet: the upper template's file name and fill-in sheet, for problems.
        id_col: the 1-based column of 编号 in that sheet, for problems.
    """
    found = Matching()
    has_upper = UPPER_ID_KEY in table.columns
    by_id: dict[str, list[Row]] = {}
    free: dict[tuple[str, str], list[Row]] = {}
    for row in table.rows:
        uid = row.text(UPPER_ID_KEY).strip() if has_upper else ""
        if uid:
            by_id.setdefault(uid, []).append(row)
        else:
            free.setdefault(_texts(row.text("problem"), row.text("measure")), []).append(row)
    texts = [_texts(u.text("problem"), u.text("measure")) for u in upper]
    repeated = {t for t in texts if texts.count(t) > 1}
    for u, t in zip(upper, texts, strict=True):
        where = cell_name(u.row, id_col)
        if u.id in by_id:
            found.pairs.append(Pairing(u, tuple(by_id[u.id]), How.BY_ID))
        elif t in repeated and t in free:
            found.unmatched.append(u)
            found.problems.append(
                Problem(
                    Code.ANSWER_AMBIGUOUS,
                    f"上级编号“{u.id}”：上级模板中有几行的存在问题和整改措施文字相同，"
                    "无法按文字确定本级台账哪几行对应哪一行，这一行未填写。"
                    f"请在本级台账的“{UPPER_ID_NAME}”列写明对应的上级编号后重新填报。",
                    file=file,
                    sheet=sheet,
                    cell=where,
                    value=u.id,
                )
            )
        elif t in free and all(t):
            found.pairs.append(Pairing(u, tuple(free[t]), How.BY_TEXT))
        else:
            found.unmatched.append(u)
            fix = (
                f"在本级台账的“{UPPER_ID_NAME}”列补上“{u.id}”后重新填报"
                if has_upper
                else f"用 zhenggai import 导入上级模板（台账会记下“{UPPER_ID_NAME}”）后再填报"
            )
            found.problems.append(
                Problem(
                    Code.ANSWER_UNMATCHED,
                    f"上级编号“{u.id}”（{_short(u.text('problem'))}）在本级台账中找不到："
                    f"没有“{UPPER_ID_NAME}”为“{u.id}”的行，也没有存在问题和整改措施文字相同的行。"
                    f"这一行未填写：请手工填写，或{fix}。",
                    file=file,
                    sheet=sheet,
                    cell=where,
                    value=u.id,
                )
            )
    issued = {u.id for u in upper}
    for uid, rows in by_id.items():
        if uid in issued:
            continue
        for row in rows:
            found.problems.append(
                Problem(
                    Code.ANSWER_NOT_IN_TEMPLATE,
                    f"本级台账这一行的上级编号“{uid}”不在这份上级模板中"
                    "（属于上级的另一份模板，或上级已不再下发），未用于本次填报。",
                    sheet=table.sheet,
                    cell=row.cell(UPPER_ID_KEY),
                    value=uid,
                )
            )
    return found
