"""Reading one sheet of a ledger made elsewhere: header, column decisions, data rows.

Pure: a grid (and its merged ranges) in; the header found, one decision per
column, the data rows with placeholders emptied, and the rows that are not
ledger rows (repeated headers, totals, notes) with the reason. Which rows
become which ledger rows, with which ids and units, is decided across all
sheets of an import by :mod:`zhenggai.importing.run`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ..core.grid import Grid, HeaderMatch, find_header
from ..core.headers import HeaderCell, Merged, fill_merged_down
from ..core.problems import Code, Problem, cell_name, column_letter
from ..core.spec import HeaderKind, Spec, header_word
from ..core.text import Value, normalise_text
from ..template.meta import TemplateMeta

__all__ = [
    "ColumnDecision",
    "Decision",
    "NotWritten",
    "SheetRead",
    "SheetSource",
    "SourceRow",
    "adopt_sheet",
]

_TOTALS = {"合计", "小计", "总计", "总合计", "共计"}
_SHORT = 40  # characters: longer text is never a header or a total
# "一、党建方面", "（二）作风建设方面", "第三部分": a row heading the rows below it.
_SECTION = re.compile(
    r"^(第?[一二三四五六七八九十百]+[、．.部]|[（(][一二三四五六七八九十]+[）)])|方面$"
)
# Fields that make a row a ledger row: a row with neither is a note or a signature line.
_CORE = ("problem", "measure")
# How sure a header decision is, strongest first: --map, then the spec's words, then common practice.
_RANK = {
    None: 0,
    HeaderKind.NAME: 1,
    HeaderKind.ALIAS: 2,
    HeaderKind.COMMON: 3,
    HeaderKind.LOOSE: 4,
}


@dataclass(frozen=True)
class SheetSource:
    """One sheet of a file to import, as read.

    Attributes:
        file: the file's name as users know it (no folder).
        sheet: the sheet's name.
        grid: its values from A1.
        merged: its merged ranges, 1-based.
        sha256: the file's SHA-256, for 变更记录.
        hidden: the sheet is hidden or very hidden.
        chosen: named with ``--sheet``: read even when hidden.
        upper: when the sheet is the fill-in sheet of a template another office
            issued with zhenggai (an upper office's), that template's ``_meta``.
    """

    file: str
    sheet: str
    grid: Grid
    merged: tuple[Merged, ...] = ()
    sha256: str = ""
    hidden: bool = False
    chosen: bool = False
    upper: TemplateMeta | None = None


class Decision(StrEnum):
    """What became of a source column."""

    MAPPED = "对应字段"
    EXTRA = "附加列"
    AMBIGUOUS = "有歧义"
    SKIPPED = "不导入"


@dataclass(frozen=True)
class ColumnDecision:
    """One source column and where its values go.

    Attributes:
        file, sheet: where the column is.
        col: 1-based column.
        label: its header as users read it.
        decision: mapped to a field, kept as an extra column, ambiguous (kept as
            extra), or not imported (an upper template's 责任单位: this office itself).
        key: the field's 键名 for a mapped column; for an extra one, set once
            the import has found or made its field.
        field: the 字段名 its values go to.
        why: a short Chinese reason ("常用名", "--map", "有重复值，不作编号"…).
        header_cell: the header's address, for problems.
    """

    file: str
    sheet: str
    col: int
    label: str
    decision: Decision
    key: str | None = None
    field: str = ""
    why: str = ""
    header_cell: str = ""


@dataclass(frozen=True)
class SourceRow:
    """A data row of a source sheet.

    Attributes:
        number: 1-based row in the source sheet.
        cells: 1-based column -> value, placeholders emptied, text normalised.
        placeholders: cells of this row emptied as placeholders.
        section: the text of the section row above it ("一、党建方面"), when the
            sheet groups its rows under such rows instead of a 问题类别 column.
    """

    number: int
    cells: dict[int, Value]
    placeholders: int = 0
    section: str | None = None


@dataclass(frozen=True)
class NotWritten:
    """A source row that does not become a ledger row, and why."""

    file: str
    sheet: str
    row: int
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "reason": self.reason}


@dataclass
class SheetRead:
    """What one source sheet holds for the ledger."""

    source: SheetSource
    header: HeaderMatch
    decisions: list[ColumnDecision]
    rows: list[SourceRow]
    not_written: list[NotWritten]
    merged_filled: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def read(self) -> int:
        """Data rows read (written or not)."""
        return len(self.rows) + len(self.not_written)

    def column(self, key: str) -> int | None:
        """1-based column mapped to field *key*, or None."""
        return next(
            (d.col for d in self.decisions if d.decision is Decision.MAPPED and d.key == key),
            None,
        )


def _override(cell: HeaderCell, overrides: Mapping[str, str]) -> str | None:
    for word in (cell.label, *cell.words):
        found = overrides.get(header_word(word))
        if found is not None:
            return found
    return None


def _decide(
    source: SheetSource, header: HeaderMatch, spec: Spec, overrides: Mapping[str, str]
) -> tuple[list[ColumnDecision], list[Problem]]:
    """One decision per header column; the strongest claim on a field wins, ties go left."""
    claims: dict[str, list[tuple[int, HeaderCell, str]]] = {}
    decisions: dict[int, ColumnDecision] = {}
    for cell in header.cells:
        where = cell_name(header.row, cell.col)
        forced = _override(cell, overrides)
        if forced == "":
            decisions[cell.col] = ColumnDecision(
                source.file,
                source.sheet,
                cell.col,
                cell.label,
                Decision.EXTRA,
                why="--map",
                header_cell=where,
            )
            continue
        if forced is not None:
            claims.setdefault(forced, []).append((0, cell, "--map"))
        elif cell.key is not None:
            kind = cell.kind or HeaderKind.LOOSE
            claims.setdefault(cell.key, []).append((_RANK[kind], cell, kind.value))
        else:
            decisions[cell.col] = ColumnDecision(
                source.file, source.sheet, cell.col, cell.label, Decision.EXTRA, header_cell=where
            )
    problems: list[Problem] = []
    for key, found in claims.items():
        found.sort(key=lambda c: (c[0], c[1].col))
        (_, winner, why), *losers = found
        name = spec.field(key).name
        decisions[winner.col] = ColumnDecision(
            source.file,
            source.sheet,
            winner.col,
            winner.label,
            Decision.MAPPED,
            key,
            name,
            why,
            cell_name(header.row, winner.col),
        )
        for _, cell, _ in losers:
            where = cell_name(header.row, cell.col)
            why = f"与“{winner.label}”列都像“{name}”，已用“{winner.label}”列"
            decisions[cell.col] = ColumnDecision(
                source.file,
                source.sheet,
                cell.col,
                cell.label,
                Decision.AMBIGUOUS,
                why=why,
                header_cell=where,
            )
            problems.append(
                Problem(
                    Code.IMPORT_COLUMN_AMBIGUOUS,
                    f"“{cell.label}”列和“{winner.label}”列都像“{name}”：已把“{winner.label}”列作为"
                    f"“{name}”，本列作为附加列保留。如不对，请用 --map “{cell.label}={name}”指定。",
                    file=source.file,
                    sheet=source.sheet,
                    cell=where,
                    value=cell.label,
                )
            )
    return [decisions[c] for c in sorted(decisions)], problems


def _unlabelled(
    source: SheetSource, header: HeaderMatch, rows: Sequence[SourceRow]
) -> list[ColumnDecision]:
    """Columns holding data under an empty header cell: kept, named by their letter."""
    named = {c.col for c in header.cells}
    used = sorted({c for row in rows for c, v in row.cells.items() if v is not None} - named)
    return [
        ColumnDecision(
            source.file,
            source.sheet,
            c,
            f"无表头列{column_letter(c)}",
            Decision.EXTRA,
            why="表头为空",
            header_cell=cell_name(header.row, c),
        )
        for c in used
    ]


def _clean(value: Value, placeholders: frozenset[str]) -> tuple[Value, bool]:
    if not isinstance(value, str):
        return value, False
    text = normalise_text(value)
    if text in placeholders:
        return None, True
    return (text or None), False


def _skip_reason(
    cells: Mapping[int, Value], labels: frozenset[str], core: Sequence[int]
) -> str | None:
    # Only short text can be a header or a total: spares comparing every long cell.
    words = {header_word(v) for v in cells.values() if isinstance(v, str) and len(v) <= _SHORT}
    if len(words & labels) >= max(2, len(labels) // 2):
        return "重复的表头行"
    if words & _TOTALS:
        return "合计行"
    if core and all(cells.get(c) is None for c in core):
        return "没有“存在问题”和“整改措施”，像是表下的注释或签名行"
    return None


def _is_section(cells: Mapping[int, Value]) -> bool:
    if len(cells) != 1:
        return False
    (value,) = cells.values()
    return isinstance(value, str) and len(value) <= _SHORT and bool(_SECTION.search(value))


def adopt_sheet(
    source: SheetSource,
    spec: Spec,
    *,
    overrides: Mapping[str, str] | None = None,
    placeholders: Sequence[str] = (),
) -> SheetRead | None:
    """Read one sheet of a foreign ledger; None when it has no ledger header.

    A ledger header names at least two fields, one of them 存在问题 or
    整改措施 (by 字段名, 别名 or the common synonyms; *overrides* maps
    :func:`~zhenggai.core.spec.header_word` of a source header to a field key, or to
    "" to keep the column as an extra one).
    """
    overrides = overrides or {}
    header = find_header(source.grid, spec, merged=source.merged, common=True)
    if header is None:
        return None
    decisions, problems = _decide(source, header, spec, overrides)
    mapped = {d.key: d.col for d in decisions if d.decision is Decision.MAPPED and d.key}
    if not any(k in mapped for k in _CORE):
        return None
    grid, filled = fill_merged_down(source.grid, source.merged, below=header.last_row)
    marks = frozenset(placeholders)
    core = [mapped[k] for k in _CORE if k in mapped]
    labels = frozenset(header_word(c.label) for c in header.cells)
    rows: list[SourceRow] = []
    not_written: list[NotWritten] = []
    sections = "category" not in mapped  # with a 问题类别 column, a lone heading is just a note
    section: str | None = None
    for r in range(header.last_row + 1, len(grid) + 1):
        raw = grid[r - 1]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        cells: dict[int, Value] = {}
        emptied = 0
        for c, value in enumerate(raw, start=1):
            clean, was_placeholder = _clean(value, marks)
            emptied += was_placeholder
            if clean is not None:
                cells[c] = clean
        if sections and _is_section(cells):
            section = str(next(iter(cells.values())))
            heading = f"分类标题行：下面各行的“问题类别”记为“{section}”"
            not_written.append(NotWritten(source.file, source.sheet, r, heading))
            continue
        reason = _skip_reason(cells, labels, core)
        if reason is not None:
            not_written.append(NotWritten(source.file, source.sheet, r, reason))
            continue
        rows.append(SourceRow(r, cells, emptied, section))
    decisions = sorted([*decisions, *_unlabelled(source, header, rows)], key=lambda d: d.col)
    return SheetRead(source, header, decisions, rows, not_written, filled, problems)
