"""销号 (closing an item): what 是否销号 = 是 requires, and the 校验问题 sheet.

An item may be closed only when it is 已完成, with its 完成时间, its
佐证材料 and the 审核人 who checked them. :func:`check_closing` yields a
:class:`Problem` for each gap; both ``overdue`` and ``consolidate`` run it.

Both commands also rewrite 校验问题. So that neither loses the other's
problems, :func:`problems_table` keeps every existing row whose 代码 is not
one the caller owns and replaces only the caller's rows (for ``overdue``:
:data:`CLOSING_CODES`). ``consolidate`` calls :func:`check_closing` itself,
so its whole rewrite still carries the 销号 problems.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date

from .changes import SheetTable
from .grid import Grid, Row
from .ledger import Ledger, header_row
from .problems import Code, Problem, show_value
from .sheets import LEDGER, PROBLEMS
from .spec import STATUS_DONE, YES
from .text import Value, normalise_text

__all__ = ["CLOSING_CODES", "check_closing", "problem_row", "problems_table"]

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


def problem_row(problem: Problem, *, unit: str = "") -> list[Value]:
    """One 校验问题 row (:data:`zhenggai.core.sheets.PROBLEMS` headers) for *problem*."""
    return [
        problem.file,
        unit,
        problem.sheet,
        problem.cell,
        str(problem.code),
        problem.message,
        problem.value,
    ]


def problems_table(
    ledger: Ledger, problems: Iterable[Problem], *, owned: Collection[str]
) -> SheetTable:
    """The 校验问题 sheet with the caller's rows replaced and everyone else's kept.

    Args:
        ledger: the master as read now (its 校验问题 rows are carried over).
        problems: the caller's problems of this run, all in 台账 (their 单位 is looked up).
        owned: the 代码 values the caller owns; existing rows with another 代码 stay as they are.
    """
    owned_codes = {str(c) for c in owned}
    kept = [row for row in _existing_rows(ledger.grid(PROBLEMS.name)) if row[4] not in owned_codes]
    units = {row.number: row.text("unit") for row in ledger.table}
    fresh = [problem_row(p, unit=units.get(_row_number(p.cell), "")) for p in problems]
    return SheetTable(
        PROBLEMS.name,
        list(PROBLEMS.headers),
        [*kept, *fresh],
        widths=dict(enumerate(PROBLEMS.widths, start=1)),
        wrap={PROBLEMS.column("问题及处理办法")},
    )


def _existing_rows(grid: Grid) -> list[list[Value]]:
    """Rows of an existing 校验问题 sheet in PROBLEMS header order (header found by text)."""
    h = header_row(grid, ("代码",))
    if h is None:
        return []
    names = [normalise_text(str(v)) if v is not None else "" for v in grid[h]]
    cols = [names.index(name) if name in names else None for name in PROBLEMS.headers]
    rows: list[list[Value]] = []
    for values in grid[h + 1 :]:
        row = [values[c] if c is not None and c < len(values) else None for c in cols]
        if any(v is not None for v in row):
            row[4] = "" if row[4] is None else normalise_text(str(row[4]))
            rows.append(row)
    return rows


def _row_number(cell: str) -> int:
    digits = "".join(ch for ch in cell.split(":")[0] if ch.isdigit())
    return int(digits) if digits else 0
