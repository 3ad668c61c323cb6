"""销号 (closing an item): what 是否销号 = 是 requires, and the 校验问题 sheet.

An item may be closed only when it is 已完成, with its 完成时间, its
佐证材料 and the 审核人 who checked them. :func:`check_closing` yields a
:class:`Problem` for each gap; both ``overdue`` and ``consolidate`` run it.

Both commands keep 校验问题 as a tracked sheet (:mod:`zhenggai.core.lifecycle`)
and observe the 销号 problems the same way (:func:`observe_closing`): found
now, they stay 待处理 (or 已忽略, as staff set it); a 销号 problem no longer
found is 已解决. Every other row of the sheet is left as it is, so neither
command loses the other's problems.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date

from .changes import SheetTable
from .grid import Row
from .ledger import Ledger
from .lifecycle import TrackedSheet, problems_sheet
from .logs import Record, problem_record
from .problems import Code, Problem, show_value
from .sheets import LEDGER, PROBLEMS
from .spec import STATUS_DONE, YES
from .text import Value, cell_text

__all__ = [
    "CLOSING_CODES",
    "check_closing",
    "ledger_problem_records",
    "observe_closing",
    "observe_ledger",
    "problems_table",
]

CLOSING_CODES: frozenset[Code] = frozenset(
    {
        Code.CLOSING_NOT_DONE,
        Code.CLOSING_NO_DONE_DATE,
        Code.CLOSING_NO_EVIDENCE,
        Code.CLOSING_NO_REVIEWER,
    }
)


def check_closing(ledger: Ledger) -> Iterator[Problem]:
    """Problems of the rows marked 是否销号 = 是 that may not be closed yet.

    Each names the 台账 cell to fix: 整改状态 not 已完成, 完成时间 empty or not
    a date, 佐证材料 empty, 审核人 empty. A ledger whose spec has no 是否销号
    (键名 closed) has nothing to check.
    """
    spec = ledger.spec
    if not spec.has("closed"):
        return
    for row in ledger.table:
        if row.text("closed") != YES:
            continue
        who = f"编号“{row.text('id')}”已销号"
        status = row.text("status")
        if status != STATUS_DONE:
            yield _problem(
                Code.CLOSING_NOT_DONE,
                f"{who}，但整改状态是“{status or '空'}”：只有已完成的事项才能销号。"
                "请核实后改为“已完成”，或把是否销号改为“否”。",
                row,
                "status",
            )
        done = row["done_date"]
        if not isinstance(done, date):
            what = "未填完成时间" if done is None else "但完成时间不是日期"
            yield _problem(
                Code.CLOSING_NO_DONE_DATE,
                f"{who}，{what}：请填写完成日期，如 2026-11-28。",
                row,
                "done_date",
            )
        if not row.text("evidence"):
            yield _problem(
                Code.CLOSING_NO_EVIDENCE,
                f"{who}，但没有佐证材料：请写明材料名称，或把是否销号改为“否”。",
                row,
                "evidence",
            )
        if spec.has("reviewer") and not row.text("reviewer"):
            yield _problem(
                Code.CLOSING_NO_REVIEWER,
                f"{who}，但没有审核人：请填写审核佐证材料的人员。",
                row,
                "reviewer",
            )


def _problem(code: Code, message: str, row: Row, key: str) -> Problem:
    # A column missing from the sheet: point at the whole row instead.
    cell = row.cell(key) if key in row.columns else f"{row.number}:{row.number}"
    return Problem(code, message, sheet=LEDGER, cell=cell, value=show_value(row.raw.get(key)))


def problems_table(
    ledger: Ledger, problems: Iterable[Problem], *, owned: Collection[str], today: date
) -> SheetTable:
    """The 校验问题 sheet with the caller's problems observed and everyone else's kept.

    Args:
        ledger: the master as read now (its 校验问题 rows are carried over).
        problems: the caller's problems of this run, all in 台账 (their 单位 is looked up).
        owned: the 代码 values the caller checked; their open rows not found again are 已解决.
        today: the run's day (首次发现 of new rows).
    """
    tracked = problems_sheet(ledger.grid(PROBLEMS.name))
    observe_ledger(tracked, ledger, problems, owned=owned, today=today)
    return tracked.table(wrap=_WRAP)


def observe_closing(
    tracked: TrackedSheet, ledger: Ledger, problems: Iterable[Problem], *, today: date
) -> None:
    """Observe this run's 销号 problems (:func:`check_closing`) in 校验问题."""
    observe_ledger(tracked, ledger, problems, owned=CLOSING_CODES, today=today)


def observe_ledger(
    tracked: TrackedSheet,
    ledger: Ledger,
    problems: Iterable[Problem],
    *,
    owned: Collection[str],
    today: date,
    rows: Collection[int] | None = None,
) -> None:
    """Observe problems found in 台账 by a check owning the codes *owned*.

    Args:
        tracked: 校验问题.
        ledger: the master (for the unit of each row).
        problems: what the check found now.
        owned: the codes the check looked at.
        today: the run's day.
        rows: the 台账 rows the check looked at (default: all of them).
    """
    codes = {str(c) for c in owned}

    def scope(rec: Mapping[str, Value]) -> bool:
        if cell_text(rec.get("代码")) not in codes or cell_text(rec.get("工作表")) != LEDGER:
            return False
        return rows is None or _row_number(cell_text(rec.get("单元格"))) in rows

    tracked.observe(ledger_problem_records(ledger, problems), today=today, scope=scope)


def ledger_problem_records(ledger: Ledger, problems: Iterable[Problem]) -> list[Record]:
    """校验问题 records of problems found in 台账, each with the unit of its row."""
    units = {row.number: row.text("unit") for row in ledger.table}
    return [problem_record(p, unit=units.get(_row_number(p.cell), "")) for p in problems]


_WRAP = ("问题及处理办法",)


def _row_number(cell: str) -> int:
    digits = "".join(ch for ch in cell.split(":")[0] if ch.isdigit())
    return int(digits) if digits else 0
