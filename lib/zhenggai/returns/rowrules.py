"""One row of a return: the rules between its values, and whose problem each one is.

:func:`check_row` runs the row model (:mod:`zhenggai.core.rowmodel`) on a
row's editable cells, then the rules that tie cells together:

* **已完成 needs 完成时间 and 佐证材料**;
* **整改状态, 完成时间 and 佐证材料 apply together or not at all**: when one of
  them cannot be used, the others of the row are held back too (the master
  must never show 正在整改 with a completion date), and the problem says which;
* **a unit is blamed only for what it sent**: a rule that fails only on cells
  the unit left exactly as issued (the template's base) is not the unit's
  problem. It is the ledger's: the row is flagged so consolidation checks
  the master's own row (:func:`ledger_row_problems`) and lists it once, for staff.

Example:
    >>> from datetime import date
    >>> from zhenggai.core.spec import default_spec
    >>> from zhenggai.core.values import Rules
    >>> spec = default_spec()
    >>> rules = Rules(today=date(2026, 11, 28), max_length=2000)
    >>> row = check_row(spec, {"status": "已完戍", "done_date": date(2026, 11, 20),
    ...                         "evidence": "会议纪要"}, rules, base={})
    >>> sorted(row.values), [p.code for _, p in row.problems]
    ([], [<Code.STATUS_INVALID: 'status-invalid'>])
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from ..core.grid import Row
from ..core.problems import Code, Problem, show_value
from ..core.rowmodel import RowModel
from ..core.sheets import LEDGER
from ..core.spec import STATUS_DONE, Spec
from ..core.text import Value, canonical
from ..core.values import Rules

__all__ = ["GROUP", "LEDGER_VERDICT", "RowCheck", "check_row", "ledger_row_problems"]

GROUP = ("status", "done_date", "evidence")
"""Fields whose values apply together: 整改状态, 完成时间, 佐证材料."""

LEDGER_VERDICT = "这是台账中的值"
"""How a rule's message says what became of a master's own value."""

_DONE_NEEDS = (
    ("done_date", Code.DONE_NEEDS_DATE, "完成日期"),
    ("evidence", Code.DONE_NEEDS_EVIDENCE, "佐证材料名称"),
)


@dataclass
class RowCheck:
    """A row after its checks.

    Attributes:
        values: field key -> value that may be merged.
        problems: (field key, problem) the unit is answerable for, in field order.
        ledger: some rule failed only on cells the unit left as issued: the
            master's row is checked for it (:func:`ledger_row_problems`).
    """

    values: dict[str, Value] = field(default_factory=dict)
    problems: list[tuple[str, Problem]] = field(default_factory=list)
    ledger: bool = False


def _blank(value: Value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_row(
    spec: Spec,
    raw: Mapping[str, Value],
    rules: Rules,
    *,
    base: Mapping[str, str] | None,
    ledger: bool = False,
    model: RowModel | None = None,
    refused: Collection[str] = (),
) -> RowCheck:
    """Check one row's editable values (by field key) and sort its problems.

    Args:
        spec: the field spec (names and which fields exist).
        raw: field key -> the cell's value as read; a key absent is not checked.
        rules: today, length limit and how a refused value is described.
        base: field key -> canonical value as issued (the template's ``_meta``),
            or as the master holds it (a file without a template); None: every
            problem is the sender's.
        ledger: the row is the master's own (messages say nothing was refused).
        model: the row model of the fields (default: built for *raw*'s keys).
        refused: fields of the row whose cells were refused before the row model
            (an error value, a merged cell): their problems are already said.
    """
    model = model or RowModel.of([spec.field(k) for k in raw])
    checked = model.check(raw, rules)
    values = checked.values
    found = [*checked.problems, *_done_rules(spec, raw, values)]
    if not found and not refused:
        return RowCheck(values)
    blocked = {k for k, p in found if k in GROUP and not p.code.is_notice}
    blocked |= set(refused) & set(GROUP)
    out = RowCheck(values)
    if blocked:
        held = [k for k in GROUP if k in values]
        for k in held:
            del values[k]
        changed_held = [spec.field(k).name for k in held if _changed(raw, base, k)]
        if changed_held and not ledger:  # said once, on the row's first group problem
            i = next(
                (i for i, (k, p) in enumerate(found) if k in blocked and not p.code.is_notice),
                None,
            )
            if i is not None:
                found[i] = (found[i][0], _say_held(found[i][1], changed_held))
    group_changed = any(_changed(raw, base, k) for k in GROUP if k in raw)
    for k, p in found:
        mine = group_changed if k in GROUP and blocked else _changed(raw, base, k)
        if mine:
            out.problems.append((k, p))
        elif not p.code.is_notice:
            out.ledger = True  # failed on what was issued: the master's own problem
    return out


def _changed(raw: Mapping[str, Value], base: Mapping[str, str] | None, key: str) -> bool:
    """Whether the unit changed *key* from what was issued (always, without a base)."""
    if base is None:
        return True
    return canonical(raw.get(key)) != base.get(key, "")


def _done_rules(
    spec: Spec, raw: Mapping[str, Value], values: Mapping[str, Value]
) -> list[tuple[str, Problem]]:
    """已完成 needs 完成时间 and 佐证材料 (a refused one already has its own problem)."""
    if values.get("status") != STATUS_DONE:
        return []
    found: list[tuple[str, Problem]] = []
    for key, code, what in _DONE_NEEDS:
        if key not in raw or not spec.has(key) or values.get(key) is not None:
            continue
        if not _blank(raw[key]):
            continue  # refused: its own problem says why
        found.append(
            (
                key,
                Problem(
                    code,
                    f"整改状态为“已完成”，但“{spec.field(key).name}”为空。请填写{what}。",
                ),
            )
        )
    return found


def _say_held(problem: Problem, held: list[str]) -> Problem:
    names = "、".join(held)
    return replace(
        problem,
        message=f"{problem.message}同一行的{names}也暂未采用："
        "整改状态、完成时间、佐证材料要一起采用，以免台账前后矛盾。",
    )


def ledger_row_problems(spec: Spec, row: Row, rules: Rules) -> list[Problem]:
    """The rules of a return, run on a master row's editable values: the ledger's own problems.

    Each problem names the 台账 cell; its message says the value is the
    ledger's (the unit left it as issued), so staff correct it in the master.
    """
    keys = [f.key for f in spec.editable_fields if f.key in row.columns]
    raw = {k: row.values.get(k) for k in keys}
    checked = check_row(
        spec, raw, replace(rules, verdict_text=LEDGER_VERDICT), base=None, ledger=True
    )
    return [
        replace(
            p,
            message=f"{p.message}单位报送时没有改动这一格，请办公室在台账中改正或补全。",
            sheet=LEDGER,
            cell=row.cell(k),
            value=show_value(row.raw.get(k)),
        )
        for k, p in checked.problems
        if not p.code.is_notice
    ]
