"""``zhenggai answer``: fill an upper office's template from this level's master.

A city office that keeps its own master receives the province's template;
:func:`plan_answer` matches the template's rows with the 台账 rows answering
them (:mod:`.match`), combines each group (:mod:`.combine`) and checks every
value by the *upper* office's rules (its drop-down, its length limit, 已完成
with 完成时间 and 佐证材料, no date after today), exactly as the upper
consolidation will. :func:`answer_template` then types the values into a copy
of the template (:func:`zhenggai.template.fill.fill_template`): only its
unlocked cells change, so its protection and signature stay as issued and the
upper office consolidates it like any unit's return.

This master is only read: an answer can be made while it is open in Excel.
What cannot be matched or written is listed with its cell, never guessed.

Example:
    >>> result = answer_template(Path("某市-整改进展填报-2026年11月.xlsx"),
    ...                          read_ledger("市台账.xlsx"))        # doctest: +SKIP
    >>> result.out.name, len(result.rows), result.unmatched        # doctest: +SKIP
    ('某市-整改进展填报-2026年11月.xlsx', 3, [])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..core import clock
from ..core.errors import UsageError
from ..core.grid import Row
from ..core.ledger import Ledger
from ..core.problems import Problem, show_value
from ..core.rowmodel import RowModel
from ..core.spec import Field
from ..core.text import Value
from ..core.values import Rules
from ..template.fill import fill_template
from ..template.names import template_name
from .combine import DEPENDENT, Combined, combine_rows
from .match import How, match_rows
from .upper import UpperRow, UpperTemplate, read_upper

__all__ = [
    "ANSWER_FOLDER",
    "AnswerResult",
    "AnswerRow",
    "answer_template",
    "default_out",
    "plan_answer",
]

NOT_WRITTEN = "未填入上级模板"  # what became of a value the upper office's rules refuse

ANSWER_FOLDER = "上报"
"""Where answers go by default: beside the master, like 下发/, 回收/ and 反馈/."""


@dataclass(frozen=True)
class AnswerRow:
    """One upper row answered.

    Attributes:
        upper: the upper template's row.
        rows: the 台账 rows answering it, in ledger order.
        how: matched by 上级编号 or by the same text.
        values: field key -> the value written into the upper template.
        cells: field key -> the upper template's cell written.
    """

    upper: UpperRow
    rows: tuple[Row, ...]
    how: How
    values: dict[str, Value] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)


@dataclass
class AnswerResult:
    """What :func:`plan_answer` matched and combined, and where it was written.

    Attributes:
        template: the upper template.
        unit: the unit the upper office issued it to (this level).
        batch: its batch.
        rows: the upper rows answered, in template order.
        unmatched: upper rows no 台账 row answers (left as issued).
        problems: every value not written and every row not matched, with its cell.
        out: the file written (None on a dry run or when nothing was written).
        headers: field key -> the upper office's header, for display.
    """

    template: Path
    unit: str
    batch: str
    rows: list[AnswerRow] = field(default_factory=list)
    unmatched: list[UpperRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    out: Path | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def cells(self) -> int:
        """How many cells are written."""
        return sum(len(r.values) for r in self.rows)

    @property
    def blocking(self) -> list[Problem]:
        """Problems that left something unwritten (notices excluded)."""
        return [p for p in self.problems if not p.code.is_notice]

    def to_json(self) -> dict[str, Any]:
        """The object ``zhenggai answer --json`` prints."""
        return {
            "template": str(self.template),
            "unit": self.unit,
            "batch": self.batch,
            "out": str(self.out) if self.out else None,
            "cells": self.cells,
            "rows": [
                {
                    "id": r.upper.id,
                    "row": r.upper.row,
                    "how": str(r.how),
                    "local": [
                        {"id": x.text("id"), "unit": x.text("unit"), "row": x.number}
                        for x in r.rows
                    ],
                    "values": {
                        k: v.isoformat() if isinstance(v, date) else v for k, v in r.values.items()
                    },
                    "cells": r.cells,
                }
                for r in self.rows
            ],
            "unmatched": [u.id for u in self.unmatched],
            "problems": [p.to_dict() for p in self.problems],
        }


def _checked(
    combined: Combined,
    fields: Mapping[str, Field],
    rules: Rules,
    upper: UpperTemplate,
    u: UpperRow,
) -> tuple[dict[str, Value], list[Problem]]:
    """The values that pass the upper office's rules, and the problems of the others."""
    where = {"file": upper.name, "sheet": upper.meta.sheet}
    problems = [
        Problem(h.code, f"上级编号“{u.id}”：{h.reason}", **where, cell=upper.cell(u, h.keys[0]))
        for h in combined.held
    ]
    model = RowModel.of([fields[k] for k in fields if k in combined.values])
    checked = model.check({k: v for k, v in combined.values.items() if k in fields}, rules)
    refused = {k for k, p in checked.problems if not p.code.is_notice}
    together = bool(refused & set(DEPENDENT))
    if together:
        refused |= set(DEPENDENT)  # written together or not at all
    dependent = "、".join(fields[k].name for k in DEPENDENT if k in fields)
    for key, p in checked.problems:
        message = p.message
        if together and key in DEPENDENT and not p.code.is_notice:
            message += f"（{dependent}一并未填）"
        problems.append(
            Problem(
                p.code,
                f"上级编号“{u.id}”：{message}",
                **where,
                cell=upper.cell(u, key),
                value=show_value(combined.values.get(key)),
            )
        )
    return {k: v for k, v in checked.values.items() if k not in refused}, problems


def plan_answer(ledger: Ledger, upper: UpperTemplate, *, today: date | None = None) -> AnswerResult:
    """Match, combine and check the answer to *upper* from *ledger* (nothing is written).

    Raises:
        UsageError: *upper* was issued by this very master (a unit's return, not an upper template).
    """
    if upper.meta.ledger_id == ledger.meta.ledger_id:
        raise UsageError(
            f"“{upper.name}”是本台账自己下发给{upper.unit}的模板，不是上级的模板。"
            "各单位报回的模板请用 zhenggai consolidate 汇总。"
        )
    fields = upper.fields(ledger.spec)
    result = AnswerResult(
        upper.path, upper.unit, upper.meta.batch, headers={k: f.name for k, f in fields.items()}
    )
    found = match_rows(
        upper.rows,
        ledger.table,
        file=upper.name,
        sheet=upper.meta.sheet,
        id_col=upper.meta.column("id"),
    )
    result.unmatched = found.unmatched
    result.problems += found.problems
    rules = Rules(today=today or clock.today(), max_length=upper.max_text, verdict_text=NOT_WRITTEN)
    names = {k: ledger.spec.field(k).name for k in fields if ledger.spec.has(k)}
    for pair in found.pairs:
        combined = combine_rows(pair.rows, keys=fields.keys(), names=names)
        values, problems = _checked(combined, fields, rules, upper, pair.upper)
        result.problems += problems
        cells = {k: upper.cell(pair.upper, k) for k in values}
        result.rows.append(AnswerRow(pair.upper, pair.rows, pair.how, values, cells))
    result.problems.sort(key=lambda p: (p.sheet != upper.meta.sheet, _row_of(p.cell)))
    return result


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell.split(":")[0] if ch.isdigit())
    return int(digits) if digits else 0


def default_out(ledger: Ledger, upper: UpperTemplate) -> Path:
    """``<master folder>/上报/<单位>-整改进展填报-<批次>.xlsx``: the name the upper office
    gave the template when it issued it, whatever a mail client renamed it to since."""
    return ledger.folder / ANSWER_FOLDER / template_name(upper.unit, upper.meta.batch)


def answer_template(
    template: Path,
    ledger: Ledger,
    *,
    out: Path | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> AnswerResult:
    """Answer the upper *template* from *ledger* and write the filled copy to *out*.

    Args:
        template: the upper office's template as received.
        ledger: this level's master (read only).
        out: the file to write (default :func:`default_out`); the template itself
            is left as received unless *out* is it.
        dry_run: match, combine and check, but write nothing.
        now: the run's time: 完成时间 after its day is refused; recorded as the save time.

    Raises:
        WorkbookError: the template cannot be read or is not as issued.
        UsageError: it is this master's own template.
        OutputError: *out* is open in Excel/WPS, its folder read-only, the disk full.
    """
    now = now or clock.now()
    upper = read_upper(template)
    result = plan_answer(ledger, upper, today=now.date())
    dest = out if out is not None else default_out(ledger, upper)
    values = {(r.upper.id, key): value for r in result.rows for key, value in r.values.items()}
    if dry_run or not values:
        return result
    result.out = fill_template(template, dest, values, saved=now)
    return result
