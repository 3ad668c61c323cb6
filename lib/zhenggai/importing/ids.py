"""Which column of an imported ledger is 编号: only one whose values are unique.

A column read as 编号 by an alias or common name (序号, 问题编号) is used only
when its values are unique across the whole import (:func:`demote_repeated_ids`);
otherwise it stays an extra column and 编号 is made from each row's content.
What the first reading of a sheet said about it is corrected then
(:func:`retell_ambiguities`), so the summary never claims a column is 编号
when it is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..core.problems import Code, Problem
from ..core.spec import header_word
from ..core.text import canonical
from .sheet import ColumnDecision, Decision, SheetRead

__all__ = ["demote_repeated_ids", "repeated_value", "retell_ambiguities"]


def repeated_value(sheets: Sequence[SheetRead], label: str) -> str | None:
    """A value repeated in the import's columns headed *label*, or None when all are unique."""
    word, seen = header_word(label), set()
    for sheet in sheets:
        for d in sheet.decisions:
            if header_word(d.label) != word:
                continue
            for row in sheet.rows:
                value = canonical(row.cells.get(d.col))
                if value and value in seen:
                    return value
                seen.add(value)
    return None


def retell_ambiguities(
    problems: list[Problem], sheets: Sequence[SheetRead], demoted: Mapping[tuple[str, str], str]
) -> None:
    """Say what became of a column that lost 编号 to one demoted later for repeated values.

    The first reading said "已把“序号”列作为“编号”" and advised ``--map`` for the
    other column; once 序号 is kept as an extra column that is untrue, and the
    advice would drop rows whose other column repeats too.
    """
    for i, p in enumerate(problems):
        winner = demoted.get((p.file, p.sheet))
        if p.code is not Code.IMPORT_COLUMN_AMBIGUOUS or winner is None:
            continue
        if f"已把“{winner}”列作为“编号”" not in p.message:
            continue
        loser = p.value
        value = repeated_value(sheets, winner)
        again = repeated_value(sheets, loser)
        advice = (
            f"“{loser}”列也有重复值（如“{again}”），不能作编号。"
            if again is not None
            else f"如“{loser}”列就是编号，可用 --map “{loser}=编号”指定。"
        )
        problems[i] = replace(
            p,
            message=f"“{loser}”列和“{winner}”列都像“编号”；“{winner}”列有重复值（如“{value}”），"
            f"两列都作为附加列保留，编号按每行内容生成。{advice}",
        )


def demote_repeated_ids(sheets: Sequence[SheetRead]) -> dict[tuple[str, str], str]:
    """A column read as 编号 only by 别名 or common name (序号, 问题编号) is used only
    when its values are unique across the whole import; otherwise it stays an extra column.

    Columns are judged by header: every "序号" column of the import together. Headers
    whose values are each unique but meet each other's (one file's 序号 1, 2 and
    another's 问题编号 1) are all left as extra columns too.

    Returns:
        (file, sheet) -> the label of the column no longer read as 编号.
    """
    groups: dict[str, list[tuple[SheetRead, int, ColumnDecision]]] = {}
    for sheet in sheets:
        for i, d in enumerate(sheet.decisions):
            if d.key == "id" and d.decision is Decision.MAPPED and d.why not in ("字段名", "--map"):
                groups.setdefault(header_word(d.label), []).append((sheet, i, d))
    values: dict[str, set[str]] = {}
    repeated: dict[str, str] = {}
    for word, columns in groups.items():
        seen: set[str] = set()
        for sheet, _, d in columns:
            for row in sheet.rows:
                value = canonical(row.cells.get(d.col))
                if value and value in seen:
                    repeated.setdefault(word, value)
                seen.add(value)
        values[word] = seen - {""}
    kept = [w for w in groups if w not in repeated]
    for word in kept:
        clash = next((v for o in kept if o != word for v in values[word] & values[o]), None)
        if clash is not None:
            repeated[word] = clash
    demoted: dict[tuple[str, str], str] = {}
    for word, value in repeated.items():
        for sheet, i, d in groups[word]:
            why = f"有重复值（如“{value}”），不作编号，编号另行生成"
            sheet.decisions[i] = replace(d, decision=Decision.EXTRA, key=None, field="", why=why)
            demoted[(sheet.source.file, sheet.source.sheet)] = d.label
    return demoted
