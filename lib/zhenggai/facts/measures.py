"""The ledger as a report reads it: categories, their findings, their measures.

The 台账 holds one row per measure per responsible unit. A report speaks of
problems (here *findings*, so as not to clash with :class:`~zhenggai.core.problems.Problem`)
and measures, so rows are grouped back. The statistics sentence and the
二、 section of the report are built from the same :class:`Category` objects,
so their numbers always agree. The counting rules:

- a **finding** (存在问题) is one distinct 存在问题 text within a 问题类别;
- a **measure** (整改措施) is one distinct 整改措施 text under one finding:
  rows 3-1/3-2 with the same text, split over two units, are one measure;
  rows 5-1/5-2 with different texts are two, whatever their 编号 say;
- texts compare ignoring spaces, line breaks and closing punctuation, and
  leading ordinals ("一、", "（1）") are dropped from categories and findings;
- a measure's **status** merges its rows': 已完成 when every row is done;
  长期坚持 when every row is 长期坚持 or 已完成 and at least one is 长期坚持;
  未启动 when no row has started; otherwise 正在整改;
- a status outside the four words (基本完成, empty, …) is reported as a
  :class:`~zhenggai.core.problems.Problem` and counted as 正在整改: never as done;
- ongoing (长期坚持) means the *status* says so. 整改类型 and 整改时限 may
  also say 长期坚持 ("2026年底前，并长期坚持"), but such an item is counted by
  its status until the unit reports it as 长期坚持, so the count can be
  checked with a filter on the 整改状态 column.
- how many there are, and the completion rate, are counted in
  :mod:`.stats` under the document's 统计口径; :func:`measure_key` is the
  measure a row carries there, the same grouping as here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..core.grid import Row, Table
from ..core.problems import Code, Problem
from ..core.text import cn_date, flatten, is_clean, to_date

__all__ = [
    "DONE",
    "IN_PROGRESS",
    "NOT_STARTED",
    "ONGOING",
    "STATUSES",
    "Category",
    "Grouped",
    "Measure",
    "UnitProgress",
    "group_ledger",
    "grouped",
    "measure_key",
    "merge_status",
    "text_key",
]

NOT_STARTED, IN_PROGRESS, DONE, ONGOING = "未启动", "正在整改", "已完成", "长期坚持"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, ONGOING)

_ORDINAL = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))\s*"
)
_SPACE = re.compile(r"\s+")
_CLOSING = "。；;，,、.：: "


def _strip_ordinal(text: str) -> str:
    return _ORDINAL.sub("", text, count=1)


def _key(text: str) -> str:
    return _SPACE.sub("", text).rstrip(_CLOSING)


def text_key(text: str) -> str:
    """Cell text as two cells are compared: no spaces, line breaks or closing punctuation.

    >>> text_key("建立台账， 定期通报。") == text_key("建立台账，定期通报")
    True
    """
    return _key(flatten(text))


@dataclass(frozen=True)
class UnitProgress:
    """One unit's row of a measure.

    Attributes:
        id: the row's 编号 ("3-1").
        unit: 责任单位.
        status: 整改状态 as written ("" when empty).
        progress: 整改进展 on one line ("" when empty).
        done_date: 完成时间, when a date.
        row: 1-based row in 台账.
        evidence: 佐证材料 on one line ("" when empty).
    """

    id: str
    unit: str
    status: str
    progress: str
    done_date: date | None
    row: int
    evidence: str = ""


@dataclass(frozen=True)
class Measure:
    """One rectification measure, its rows merged back over the units carrying it.

    Attributes:
        category: the 问题类别 it belongs to.
        finding: the 存在问题 it answers.
        text: 整改措施, on one line.
        kind: 整改类型 ("" when empty; distinct values joined with "、").
        deadline: 整改时限 as text (dates written 2026年11月28日).
        rows: one :class:`UnitProgress` per ledger row, in ledger order.
        status: the merged status (see the module docstring).
    """

    category: str
    finding: str
    text: str
    kind: str
    deadline: str
    rows: tuple[UnitProgress, ...]
    status: str

    @property
    def units(self) -> tuple[str, ...]:
        """The units carrying it, in ledger order, without repeats."""
        return tuple(dict.fromkeys(r.unit for r in self.rows if r.unit))

    @property
    def merged(self) -> bool:
        """True when several ledger rows (units) carry this measure."""
        return len(self.rows) > 1

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rows)

    @property
    def done_date(self) -> date | None:
        """When the last unit finished, for a measure done everywhere."""
        dates = [r.done_date for r in self.rows if r.done_date is not None]
        return max(dates) if self.status == DONE and dates else None


@dataclass(frozen=True)
class Category:
    """A 问题类别 with its findings and measures, in ledger order.

    Attributes:
        number: 1-based position, rendered （一）（二）… by the template.
        name: the category text without a leading ordinal.
        findings: the distinct 存在问题 texts.
        measures: the measures answering them.
    """

    number: int
    name: str
    findings: tuple[str, ...]
    measures: tuple[Measure, ...]


def merge_status(statuses: list[str]) -> str:
    """The status of a measure from its rows' statuses (unknown words count as 正在整改)."""
    known = [s if s in STATUSES else IN_PROGRESS for s in statuses]
    if all(s == DONE for s in known):
        return DONE
    if all(s in (DONE, ONGOING) for s in known):
        return ONGOING
    if all(s == NOT_STARTED for s in known):
        return NOT_STARTED
    return IN_PROGRESS


def _cell(row: Row, key: str) -> str:
    return row.cell(key) if key in row.columns else ""


def _missing_problems(
    row: Row, table: Table, names: dict[str, str], missing: list[str]
) -> list[Problem]:
    return [
        Problem(
            Code.REQUIRED_MISSING,
            f"“{names[key]}”为空，这一行没有写进报告正文（统计数字仍计入）。请补填后重新生成。",
            sheet=table.sheet,
            cell=_cell(row, key),
        )
        for key in missing
    ]


def _status_problem(row: Row, table: Table, status: str, name: str) -> Problem:
    if not status:
        message = f"“{name}”为空，报告中按“正在整改”统计。请填写。"
    else:
        message = (
            f"“{name}”“{status}”不是 {'、'.join(STATUSES)} 之一，"
            "报告中按“正在整改”统计（不计入已完成）。请改为其中之一。"
        )
    code = Code.REQUIRED_MISSING if not status else Code.STATUS_INVALID
    return Problem(code, message, sheet=table.sheet, cell=_cell(row, "status"), value=status)


class _Texts:
    """:func:`flatten`, the heading and comparison forms of texts, and deadline texts, each
    worked out once per distinct value: a ledger repeats its units, statuses and categories
    over thousands of rows (results are those of the plain functions)."""

    def __init__(self) -> None:
        self._flat: dict[str, str] = {}
        self._heading: dict[str, tuple[str, str]] = {}
        self._keys: dict[str, str] = {}
        self._deadlines: dict[tuple[type, object], str] = {}

    def flat(self, text: str) -> str:
        if not text:
            return ""
        if "\n" not in text and is_clean(text):
            return text  # what flatten returns for clean one-line text, without the cache
        got = self._flat.get(text)
        if got is None:
            got = self._flat[text] = flatten(text)
        return got

    def key(self, text: str) -> str:
        got = self._keys.get(text)
        if got is None:
            got = self._keys[text] = _key(text)
        return got

    def heading(self, text: str) -> tuple[str, str]:
        """A category or finding without its ordinal, and its comparison key."""
        got = self._heading.get(text)
        if got is None:
            plain = _strip_ordinal(text)
            got = self._heading[text] = (plain, _key(plain))
        return got

    def deadline(self, row: Row) -> str:
        value = row["deadline"]
        k = (type(value), value)
        got = self._deadlines.get(k)
        if got is None:
            got = self._deadlines[k] = _deadline_text(row, self.flat)
        return got


def _deadline_text(row: Row, flat: Callable[[str], str] = flatten) -> str:
    value = row["deadline"]
    day = to_date(value)
    return cn_date(day) if day is not None else flat(row.text("deadline"))


def group_ledger(
    table: Table, *, names: dict[str, str] | None = None
) -> tuple[list[Category], list[Problem]]:
    """Group the 台账 rows into categories, findings and measures (see the module docstring).

    Args:
        table: the 台账 as read by :func:`zhenggai.core.grid.read_table`.
        names: field key -> 字段名, for messages (default: the default spec's names).

    Returns:
        The categories in ledger order, and the problems met: rows left out
        because a required text is empty, statuses outside the vocabulary.
    """
    g = grouped(table, names=names)
    return g.categories(), g.problems


_Order = dict[str, tuple[str, dict[str, str], dict[tuple[str, str], list[Row]]]]


@dataclass(frozen=True)
class Grouped:
    """The rows grouped as :func:`group_ledger` groups them, the measures built on demand.

    Attributes:
        problems: as :func:`group_ledger` returns them.
        keys: the :func:`measure_key` of every row, by row number.
        findings: how many findings (distinct 存在问题 per category) there are.
    """

    problems: list[Problem]
    keys: dict[int, tuple[str, ...]]
    findings: int
    order: _Order
    texts: _Texts

    def categories(self) -> list[Category]:
        """The categories, their findings and measures (see :func:`group_ledger`)."""
        return [
            Category(
                number,
                name,
                tuple(findings.values()),
                tuple(
                    _measure(name, findings[f], rows, self.texts)
                    for (f, _), rows in measures.items()
                ),
            )
            for number, (name, findings, measures) in enumerate(self.order.values(), start=1)
        ]


def grouped(table: Table, *, names: dict[str, str] | None = None) -> Grouped:
    """:func:`group_ledger` in one pass over the rows, the measures built when asked for."""
    names = {
        "category": "问题类别",
        "problem": "存在问题",
        "measure": "整改措施",
        "status": "整改状态",
    } | (names or {})
    texts = _Texts()
    problems: list[Problem] = []
    keys: dict[int, tuple[str, ...]] = {}
    # category key -> (name, finding key -> text, measure key -> rows)
    order: _Order = {}
    for row in table.rows:
        flat = {k: texts.flat(row.text(k)) for k in ("category", "problem", "measure")}
        category, ckey = texts.heading(flat["category"])
        finding, fkey = texts.heading(flat["problem"])
        measure = flat["measure"]
        mkey = texts.key(measure)
        keys[row.number] = (ckey, fkey, mkey) if mkey else ("row", str(row.number))
        missing = [k for k, text in flat.items() if not text]
        if missing:
            problems += _missing_problems(row, table, names, missing)
            continue
        status = texts.flat(row.text("status"))
        if status not in STATUSES:
            problems.append(_status_problem(row, table, status, names["status"]))
        _, findings, measures = order.setdefault(ckey, (category, {}, {}))
        findings.setdefault(fkey, finding)
        measures.setdefault((fkey, mkey), []).append(row)
    findings_count = sum(len(findings) for _, findings, _ in order.values())
    return Grouped(problems, keys, findings_count, order, texts)


def _measure(category: str, finding: str, rows: list[Row], texts: _Texts) -> Measure:
    flat = texts.flat
    progress = tuple(
        UnitProgress(
            id=r.text("id"),
            unit=flat(r.text("unit")),
            status=flat(r.text("status")),
            progress=flat(r.text("progress")),
            done_date=to_date(r["done_date"]),
            row=r.number,
            evidence=flat(r.text("evidence")),
        )
        for r in rows
    )
    kinds = dict.fromkeys(flat(r.text("kind")) for r in rows)
    deadlines = dict.fromkeys(texts.deadline(r) for r in rows)
    return Measure(
        category=category,
        finding=finding,
        text=flat(rows[0].text("measure")),
        kind="、".join(k for k in kinds if k),
        deadline="、".join(d for d in deadlines if d),
        rows=progress,
        status=merge_status([p.status for p in progress]),
    )


def measure_key(row: Row) -> tuple[str, ...]:
    """The measure *row* carries, as :func:`group_ledger` groups it.

    Rows with the same category, finding and measure text (compared as
    there) share the key; a row without a measure text is a measure of its own.
    """
    measure = _key(flatten(row.text("measure")))
    if not measure:
        return ("row", str(row.number))
    category = _key(_strip_ordinal(flatten(row.text("category"))))
    finding = _key(_strip_ordinal(flatten(row.text("problem"))))
    return (category, finding, measure)
