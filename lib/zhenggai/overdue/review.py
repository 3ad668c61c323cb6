"""回头看 (follow-up review): re-check items some time after they were done.

:func:`follow_up_review` lists in the 回头看 sheet every item done (完成时间)
or closed (销号时间) more than 设置 回头看间隔天数 ago that has not been
reviewed, with 复查时间 / 复查人 / 复查结果 / 是否反弹 for staff to fill.

The sheet is rewritten on every run, so what staff typed is read back first
and carried over: a row with any staff entry stays as it is (it is the record
of that review). A row marked 是否反弹 = 是 sends its item back to 正在整改 in
台账 (and un-closes it), logs both cells in 变更记录 with 操作 回头看, and
notes that in 处理情况 so a rerun never applies it twice. Once such an item
is done again and the interval has passed, it is listed for a new review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from ..core import clock
from ..core.changes import ChangeSet, Fill, SheetTable
from ..core.grid import Grid, Row
from ..core.ledger import Ledger, header_row
from ..core.logs import LogSheet
from ..core.problems import Code, Problem, cell_name, show_value
from ..core.sheets import CHANGES, LEDGER, REVIEW
from ..core.spec import STATUS_DONE, STATUS_IN_PROGRESS, YES
from ..core.text import Value, cell_text, cn_date

__all__ = [
    "REVIEW_HEADER",
    "STAFF_COLUMNS",
    "ReviewCounts",
    "ReviewResult",
    "follow_up_review",
    "review_counts",
]

REVIEW_HEADER = (
    "编号",
    "责任单位",
    "整改措施",
    "整改状态",
    "完成时间",
    "销号时间",
    "复查时间",
    "复查人",
    "复查结果",
    "是否反弹",
    "处理情况",
)
STAFF_COLUMNS = ("复查时间", "复查人", "复查结果", "是否反弹")
_WIDTHS = {1: 10, 2: 16, 3: 48, 4: 10, 5: 12, 6: 12, 7: 12, 8: 10, 9: 40, 10: 10, 11: 28}
_FLAG_COL = REVIEW_HEADER.index("是否反弹") + 1
_HANDLED_COL = REVIEW_HEADER.index("处理情况") + 1
_NO = "否"

Record = dict[str, Value]


@dataclass
class ReviewResult:
    """What ``zhenggai review`` listed and changed.

    Attributes:
        today: the day judged on.
        pending: 编号 listed and waiting for staff to review.
        relapsed: 编号 sent back to 正在整改 by this run (is 反弹).
        problems: staff entries that could not be used (e.g. 是否反弹 not 是/否), and
            done items without a 完成时间 to count from (not listed, and said so).
        changes: the 回头看 sheet, the 台账 cells and the 变更记录 rows.
    """

    today: date
    pending: list[str] = field(default_factory=list)
    relapsed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)

    @property
    def relapse_count(self) -> int:
        return len(self.relapsed)


@dataclass(frozen=True)
class ReviewCounts:
    """The 回头看 sheet as it stands, for reports.

    Attributes:
        listed: rows in the sheet.
        reviewed: rows with a staff entry.
        relapsed: rows marked 是否反弹 = 是.
    """

    listed: int
    reviewed: int
    relapsed: int


def _existing(grid: Grid) -> list[tuple[int, Record]]:
    """(1-based row, record by header) of the sheet's rows, found by header text."""
    h = header_row(grid, ("编号", "是否反弹"))
    if h is None:
        return []
    names = [cell_text(v) for v in grid[h]]
    cols = {name: names.index(name) for name in REVIEW_HEADER if name in names}
    out: list[tuple[int, Record]] = []
    for r, values in enumerate(grid[h + 1 :], start=h + 2):
        rec = {name: _day(values[c]) if c < len(values) else None for name, c in cols.items()}
        if any(v is not None for v in rec.values()):
            out.append((r, rec))
    return out


def _day(value: Value) -> Value:
    # A date typed by staff reads back as a datetime at midnight: keep it a date.
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    return value


def _has_staff(rec: Record) -> bool:
    return any(cell_text(rec.get(name)) for name in STAFF_COLUMNS)


def review_counts(ledger: Ledger) -> ReviewCounts:
    """Counts of the 回头看 sheet: listed, reviewed, relapsed (是否反弹 = 是)."""
    rows = [rec for _, rec in _existing(ledger.grid(REVIEW.name))]
    return ReviewCounts(
        len(rows),
        sum(1 for rec in rows if _has_staff(rec)),
        sum(1 for rec in rows if cell_text(rec.get("是否反弹")) == YES),
    )


def _reference_day(row: Row) -> date | None:
    """When the item was done (完成时间), else closed (销号时间)."""
    for key in ("done_date", "closed_date"):
        value = row[key]
        if isinstance(value, date):
            return value.date() if isinstance(value, datetime) else value
    return None


def _undated(row: Row) -> Problem:
    """A done item with no date to count 回头看 from: said, not skipped silently."""
    key = "done_date" if "done_date" in row.columns else "closed_date"
    cell = row.cell(key) if key in row.columns else f"{row.number}:{row.number}"
    raw = row.raw.get("done_date")
    what = "没有完成时间" if raw is None else "完成时间不是日期"
    return Problem(
        Code.DONE_NEEDS_DATE,
        f"编号“{row.text('id')}”已{row.text('status') or '销号'}，但{what}，无法判断何时该回头看，"
        "未列入“回头看”。请在台账中补填完成时间（如 2026-11-28）。",
        sheet=LEDGER,
        cell=cell,
        value=show_value(raw),
    )


def _relapse(
    ledger: Ledger, row: Row, changes: ChangeSet, now: datetime
) -> list[tuple[str, str, str]]:
    """Edit *row* back to 正在整改 (and not closed); the (field, old, new) changed."""
    done: list[tuple[str, str, str]] = []
    for key, old, new in (
        ("status", row.text("status"), STATUS_IN_PROGRESS),
        ("closed", row.text("closed"), _NO),
    ):
        col = ledger.table.columns.get(key)
        if col is None or old == new or (key == "closed" and old != YES):
            continue
        changes.edit(LEDGER, row.number, col, new)
        done.append((ledger.spec.field(key).name, old, new))
    log = LogSheet.from_grid(ledger.grid(CHANGES.name), CHANGES)
    records: list[Record] = [
        {
            "时间": now,
            "操作": "回头看",
            "单位": row.text("unit"),
            "编号": row.text("id"),
            "字段": name,
            "原值": old,
            "新值": new,
        }
        for name, old, new in done
    ]
    changes.extend(log.append(records))
    return done


def follow_up_review(
    ledger: Ledger, *, today: date | None = None, now: datetime | None = None
) -> ReviewResult:
    """List items due for 回头看 and apply the 反弹 staff marked: the core of ``zhenggai review``.

    Args:
        ledger: the master (its 回头看 sheet's staff entries are carried over).
        today: the day judged on (default today).
        now: the time written in 变更记录 (default now).
    """
    now = now or clock.now()
    today = today or now.date()
    interval = ledger.settings.review_after_days
    result = ReviewResult(today)
    by_id = ledger.table.by_id()
    kept: list[Record] = []
    for r, rec in _existing(ledger.grid(REVIEW.name)):
        handled = cell_text(rec.get("处理情况"))
        if not _has_staff(rec) and not handled:
            continue  # still waiting: listed afresh below when still due
        flag = cell_text(rec.get("是否反弹"))
        rid = cell_text(rec.get("编号"))
        if flag not in ("", YES, _NO):
            result.problems.append(
                Problem(
                    Code.REVIEW_RELAPSE_INVALID,
                    f"编号“{rid}”的是否反弹只能填“是”或“否”，未处理。",
                    sheet=REVIEW.name,
                    cell=cell_name(r, _FLAG_COL),
                    value=show_value(rec.get("是否反弹")),
                )
            )
        elif flag == YES and not handled:
            row = by_id.get(rid)
            if row is None:
                rec["处理情况"] = "台账中没有这个编号，未处理"
            elif _relapse(ledger, row, result.changes, now):
                rec["处理情况"] = f"已退回“{STATUS_IN_PROGRESS}”（{cn_date(today)}）"
                result.relapsed.append(rid)
            else:
                rec["处理情况"] = f"台账中已是“{row.text('status')}”，未改动"
        kept.append(rec)
    reviewed = {
        cell_text(rec.get("编号"))
        for rec in kept
        if _has_staff(rec) and cell_text(rec.get("是否反弹")) != YES
    }
    fresh: list[Record] = []
    for row in ledger.table:
        rid = row.text("id")
        finished = row.text("status") == STATUS_DONE or row.text("closed") == YES
        day = _reference_day(row)
        if finished and day is None:
            result.problems.append(_undated(row))
            continue
        if not finished or day is None or (today - day).days <= interval:
            continue
        if rid in reviewed or rid in result.relapsed:
            continue
        fresh.append(
            {
                "编号": rid,
                "责任单位": row.text("unit"),
                "整改措施": row.text("measure"),
                "整改状态": row.text("status"),
                "完成时间": row["done_date"],
                "销号时间": row["closed_date"],
            }
        )
        result.pending.append(rid)
    result.changes.table(_table(kept, fresh, interval=interval, today=today))
    return result


def _table(kept: list[Record], fresh: list[Record], *, interval: int, today: date) -> SheetTable:
    table = SheetTable(
        REVIEW.name,
        list(REVIEW_HEADER),
        [[rec.get(name) for name in REVIEW_HEADER] for rec in [*kept, *fresh]],
        widths=dict(_WIDTHS),
        wrap={3, 9},
        title=f"回头看：完成或销号满{interval}天的事项（截至{cn_date(today)}），请填写复查时间、复查人、复查结果和是否反弹",
    )
    first = table.header_row + 1
    for i, rec in enumerate(kept):
        if cell_text(rec.get("处理情况")).startswith("已退回"):
            table.fills[(first + i, _HANDLED_COL)] = Fill.OVERDUE
    for i in range(len(kept), len(kept) + len(fresh)):
        for c in range(REVIEW_HEADER.index("复查时间") + 1, _FLAG_COL + 1):
            table.fills[(first + i, c)] = Fill.DUE_30  # for staff to fill
    return table
