"""``zhenggai import``: adopt the ledgers offices already have.

Offices rarely start empty. Their ledgers have their own column names, title
rows, two-row headers, merged cells, placeholders ("/", "无") and often one
file per unit. :func:`plan_import` reads them into the master's shape and
returns the :class:`~zhenggai.core.changes.ChangeSet` that adds them: new 台账
rows (each traceable through the 导入来源 column), extra read-only columns
for source columns the spec does not know (in 字段 and 台账, never dropped),
and units not yet in 单位. Nothing is lost: every row read is written or
listed with the reason, and every column decision is reported.

Example:
    >>> sources, problems = read_sources(["审计整改台账.xlsx"])          # doctest: +SKIP
    >>> result = plan_import(read_ledger("台账.xlsx"), sources, problems=problems)  # doctest: +SKIP
    >>> result.read, result.written, result.placeholders                 # doctest: +SKIP
    (10, 9, 46)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ..core import clock
from ..core.changes import ChangeSet
from ..core.errors import UsageError, WorkbookError
from ..core.grid import read_table
from ..core.ledger import Ledger, Meta
from ..core.problems import Code, Problem
from ..core.settings import Settings
from ..core.sheets import LEDGER, META
from ..core.spec import SPEC_SHEET, Field, FieldType, Spec, default_spec, header_word
from ..core.spec_sheet import spec_rows
from ..core.text import Value
from ..io.calamine import open_book
from .ids import demote_repeated_ids, retell_ambiguities
from .place import ledger_changes
from .rows import EXTRA_PREFIX, ORIGIN_KEY, ORIGIN_NAME, BuiltRows
from .sheet import ColumnDecision, Decision, NotWritten, SheetRead, SheetSource, adopt_sheet
from .split import SplitRow, check_split_by, plan_split
from .upper import adopt_upper, build_all, upper_meta, with_upper_field

__all__ = [
    "IMPORT_FORMATS",
    "ORIGIN_KEY",
    "ImportResult",
    "SheetSource",
    "SkippedSheet",
    "blank_ledger",
    "parse_map",
    "plan_import",
    "read_sources",
]

IMPORT_FORMATS = ("xlsx", "xlsm", "xls")


@dataclass(frozen=True)
class SkippedSheet:
    """A sheet not imported, and why (empty, hidden, no ledger header)."""

    file: str
    sheet: str
    reason: str


@dataclass
class ImportResult:
    """What an import read, decided and wants written.

    Attributes:
        changes: new 台账 rows and columns, 字段 rows, 单位 rows, 变更记录 rows.
        read: data rows read under the headers found.
        written: 台账 rows written (a row naming several units counts once per unit).
        placeholders: cells emptied as placeholders in the rows written.
        not_written: every row read and not written, with the reason.
        decisions: one per source column of every sheet imported.
        skipped: sheets not imported, with the reason.
        rows: the 台账 rows written, by field key.
        new_fields: extra columns added to 字段 and 台账.
        new_units: units added to 单位.
        split: source rows that named several units.
        split_rows: ledger rows split by ``--split-by`` (None when it was not given).
        notes: other decisions, one Chinese sentence each (e.g. where units came from).
        problems: what the office should look at.
        sheets: (file, sheet, header rows, rows read) per sheet imported.
    """

    changes: ChangeSet
    read: int = 0
    written: int = 0
    placeholders: int = 0
    not_written: list[NotWritten] = field(default_factory=list)
    decisions: list[ColumnDecision] = field(default_factory=list)
    skipped: list[SkippedSheet] = field(default_factory=list)
    rows: list[dict[str, Value]] = field(default_factory=list)
    new_fields: list[Field] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    split: int = 0
    split_rows: list[SplitRow] | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheets: list[tuple[str, str, str, int]] = field(default_factory=list)

    def columns(self) -> dict[str, object]:
        """``{"mapped": {源列: 字段}, "extra": [源列]}`` over all sheets."""
        mapped: dict[str, str] = {}
        extra: dict[str, None] = {}
        for d in self.decisions:
            if d.decision is Decision.MAPPED:
                mapped.setdefault(d.label, d.field)
            elif d.decision is not Decision.SKIPPED:
                extra.setdefault(d.label, None)
        return {"mapped": mapped, "extra": list(extra)}

    def to_json(self) -> dict[str, object]:
        """The object ``zhenggai import --json`` prints."""
        data: dict[str, object] = {
            "read": self.read,
            "written": self.written,
            "placeholders": self.placeholders,
            "not_written": [n.to_dict() for n in self.not_written],
            "columns": self.columns(),
            "problems": [p.to_dict() for p in self.problems],
        }
        if self.split_rows is not None:
            data["split"] = [s.to_dict() for s in self.split_rows]
        return data


# --- reading the files (the I/O edge) -----------------------------------------


def read_sources(
    paths: Iterable[str | Path],
    *,
    sheet: str | None = None,
    progress: Callable[[Path], None] | None = None,
) -> tuple[list[SheetSource], list[Problem]]:
    """Read every sheet of every file (or only *sheet*) for :func:`plan_import`.

    A file that cannot be read (not .xlsx/.xlsm/.xls, encrypted, corrupt) is a
    Problem for that file; the others are still read.
    """
    sources: list[SheetSource] = []
    problems: list[Problem] = []
    for path in map(Path, paths):
        if progress is not None:
            progress(path)
        try:
            if path.is_file() and path.suffix.lower() not in {f".{f}" for f in IMPORT_FORMATS}:
                raise WorkbookError(
                    f"只能导入 Excel 工作簿（.xlsx、.xlsm、.xls），“{path.suffix}”文件请先用 Excel 另存为 .xlsx。",
                    code=Code.FILE_UNSUPPORTED,
                )
            book = open_book(path, accept=IMPORT_FORMATS)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            names = book.sheet_names
            if sheet is not None and sheet not in names:
                problems.append(
                    Problem(
                        Code.SHEET_MISSING,
                        f"文件中没有工作表“{sheet}”（有：{'、'.join(names)}）。",
                        file=path.name,
                        sheet=sheet,
                    )
                )
                continue
            upper = upper_meta(book)  # a template made by zhenggai: an upper office's items
            for name in [sheet] if sheet is not None else names:
                if upper is not None and name == META:
                    continue  # the template's signature, not items
                sources.append(
                    SheetSource(
                        path.name,
                        name,
                        book.grid(name),
                        tuple(book.merged(name)),
                        digest,
                        hidden=book.visibility(name) != "visible",
                        chosen=sheet is not None,
                        upper=upper if upper is not None and name == upper.sheet else None,
                    )
                )
        except WorkbookError as exc:
            problem = exc.problem(file=path.name)
            problems.append(replace(problem, message=f"无法导入：{problem.message}"))
    return sources, problems


def parse_map(items: Sequence[str]) -> dict[str, str]:
    """``["问题简述=存在问题", "序号="]`` -> {source header: field}; "" keeps a column as extra.

    Raises:
        UsageError: an item has no "=".
    """
    out: dict[str, str] = {}
    for item in items:
        source, sep, target = item.partition("=")
        if not sep or not source.strip():
            raise UsageError(
                f"--map 的写法是“源列=字段”，如 --map 问题简述=存在问题；“{item}”不对。"
            )
        out[source.strip()] = target.strip()
    return out


def _resolve_map(spec: Spec, mapping: Mapping[str, str]) -> dict[str, str]:
    resolved: dict[str, str] = {}
    for source, target in mapping.items():
        if not target:
            resolved[header_word(source)] = ""
            continue
        f = next((f for f in spec if target in (f.name, f.key)), None) or spec.match_header(target)
        if f is None:
            names = "、".join(spec.headers)
            raise UsageError(
                f"--map {source}={target}：台账没有字段“{target}”。可用的字段：{names}。"
            )
        resolved[header_word(source)] = f.key
    return resolved


def blank_ledger(spec: Spec | None = None, settings: Settings | None = None) -> Ledger:
    """A new, empty master as plain data: what an import into a master not yet made plans against."""
    spec = spec or default_spec()
    grids: dict[str, list[list[Value]]] = {
        LEDGER: [list[Value](spec.headers)],
        SPEC_SHEET: [list[Value](row) for row in spec_rows(spec)],
    }
    source = _Grids(grids)
    table = read_table(grids[LEDGER], spec, sheet=LEDGER)
    return Ledger(source, spec, settings or Settings(), table, [], [], Meta("", ""))


@dataclass
class _Grids:
    grids: dict[str, list[list[Value]]]

    @property
    def sheet_names(self) -> list[str]:
        return list(self.grids)

    def visibility(self, name: str) -> str:
        return "visible"

    def grid(self, name: str) -> list[list[Value]]:
        return self.grids[name]


# --- planning -------------------------------------------------------------------


def plan_import(
    ledger: Ledger,
    sources: Sequence[SheetSource],
    *,
    mapping: Mapping[str, str] | None = None,
    problems: Sequence[Problem] = (),
    now: datetime | None = None,
    split_by: str | None = None,
) -> ImportResult:
    """Plan adding the ledger rows of *sources* to *ledger*.

    Args:
        ledger: the master as read (or :func:`blank_ledger` for a new one).
        sources: sheets from :func:`read_sources`.
        mapping: ``--map`` overrides, source header -> 字段名 or 键名 ("" = keep as extra).
        problems: problems found while reading the files, carried into the result.
        now: the time written to 变更记录.
        split_by: ``--split-by``: also split the ledger's rows whose 责任单位 (the
            only column accepted, by 字段名 or 键名) names several units.

    Raises:
        UsageError: *mapping* names a field the master does not have, or
            *split_by* is not 责任单位.
    """
    overrides = _resolve_map(ledger.spec, mapping or {})
    result = ImportResult(ChangeSet(), problems=list(problems))
    marks = ledger.settings.import_placeholders.split()
    sheets = [
        sheet
        for source in sources
        if (sheet := _adopt(source, ledger.spec, overrides, marks, result)) is not None
    ]
    used = {w for s in sheets for d in s.decisions if d.why == "--map" for w in _words(d)}
    for word in overrides:
        if word not in used:
            result.problems.append(
                Problem(Code.IMPORT_MAP_UNUSED, f"--map 指定的源列“{word}”在导入的表中没有找到。")
            )
    retell_ambiguities(result.problems, sheets, demote_repeated_ids(sheets))
    sheets = adopt_upper(sheets, ledger, result.problems)
    spec = with_upper_field(
        _with_extra_fields(ledger.spec, sheets, result), sheets, result.new_fields
    )
    now = now or clock.now()
    built = build_all(ledger, spec, sheets, now=now)
    if not built.rows:
        result.new_fields = []  # nothing is written, so no column is added either
    result.rows = [row.values for row in built.rows]
    result.written = len(built.rows)
    result.placeholders = built.placeholders
    result.not_written += built.not_written
    result.not_written.sort(key=lambda n: (n.file, n.sheet, n.row))
    result.problems += built.problems
    result.notes += built.notes
    result.split = built.split
    result.new_units = built.new_units
    result.decisions = [d for s in sheets for d in s.decisions]
    result.changes = ledger_changes(
        ledger, spec, result.new_fields, built.rows, built.new_units, now=now
    )
    if split_by is not None:
        _split(ledger, split_by, built, now, result)
    return result


def _split(
    ledger: Ledger, split_by: str, built: BuiltRows, now: datetime, result: ImportResult
) -> None:
    """``--split-by``: split the ledger's rows naming several units (see :mod:`.split`)."""
    check_split_by(ledger.spec, split_by)
    taken = {r.text("id") for r in built.rows}
    plan = plan_split(ledger, now=now, taken=taken, added_units=built.new_units)
    result.split_rows = plan.rows
    result.problems += plan.problems
    result.new_units += plan.new_units
    result.changes.extend(plan.changes)


def _adopt(
    source: SheetSource,
    spec: Spec,
    overrides: Mapping[str, str],
    marks: list[str],
    result: ImportResult,
) -> SheetRead | None:
    """Read one sheet as ledger rows, or None (the sheet is listed as skipped in *result*)."""
    if source.hidden and not source.chosen:
        if _has_data(source):
            result.skipped.append(SkippedSheet(source.file, source.sheet, "隐藏的工作表"))
        return None
    if not _has_data(source):
        result.skipped.append(SkippedSheet(source.file, source.sheet, "空白工作表"))
        return None
    sheet = adopt_sheet(source, spec, overrides=overrides, placeholders=marks)
    if sheet is None:
        result.skipped.append(SkippedSheet(source.file, source.sheet, "找不到台账表头"))
        result.problems.append(
            Problem(
                Code.HEADER_NOT_FOUND,
                "找不到台账表头（至少要有“存在问题”或“整改措施”列，以及另一列如“责任单位”），"
                "未导入。如果这是台账，请用 --map 说明各列对应的字段。",
                file=source.file,
                sheet=source.sheet,
            )
        )
        return None
    result.problems += sheet.problems
    result.not_written += sheet.not_written
    result.read += sheet.read
    rows = f"第{sheet.header.row}行" + (
        f"—第{sheet.header.last_row}行" if sheet.header.height > 1 else ""
    )
    result.sheets.append((source.file, source.sheet, rows, sheet.read))
    return sheet


def _has_data(source: SheetSource) -> bool:
    return any(v is not None for row in source.grid for v in row)


def _words(d: ColumnDecision) -> set[str]:
    return {header_word(d.label), *(header_word(p) for p in d.label.split("-"))}


def _numeric_columns(sheets: Sequence[SheetRead]) -> set[str]:
    """Header words of extra columns holding only numbers (placeholders emptied) in every sheet."""
    seen: dict[str, bool] = {}
    for sheet in sheets:
        for d in sheet.decisions:
            if d.decision is Decision.MAPPED:
                continue
            values = [v for row in sheet.rows if (v := row.cells.get(d.col)) is not None]
            word = header_word(d.label)
            numbers = all(type(v) in (int, float) for v in values)
            seen[word] = seen.get(word, True) and numbers and (bool(values) or word in seen)
    return {word for word, numbers in seen.items() if numbers}


def _with_extra_fields(spec: Spec, sheets: Sequence[SheetRead], result: ImportResult) -> Spec:
    """Give every extra column a field: an extra field of an earlier import with the same
    name, or a new one (文本, or 数字 when it holds only numbers; not for units to fill).
    Adds the 导入来源 field once.
    """
    fields = list(spec.fields)
    by_word = {header_word(f.name): f for f in fields}
    numbers = [int(f.key[len(EXTRA_PREFIX) :]) for f in fields if _is_extra_key(f.key)]
    counter = max(numbers, default=0)
    numeric = _numeric_columns(sheets)

    def new_field(
        name: str, key: str, note: str, *, in_template: bool, number: bool = False
    ) -> Field:
        kind = FieldType.NUMBER if number else FieldType.TEXT
        f = Field(name, key, kind, note=note, in_template=in_template)
        fields.append(f)
        by_word[header_word(name)] = f
        result.new_fields.append(f)
        return f

    if not any(f.key == ORIGIN_KEY for f in fields):
        new_field(ORIGIN_NAME, ORIGIN_KEY, "导入时的文件｜工作表｜行号", in_template=False)
    for sheet in sheets:
        taken = {d.key for d in sheet.decisions if d.decision is Decision.MAPPED}
        for i, d in enumerate(sheet.decisions):
            if d.decision in (Decision.MAPPED, Decision.SKIPPED):
                continue
            # A label the spec reads as another field (序号, 问题描述) must not become a
            # field's name: later imports would then read it as this extra column.
            known = spec.header_match(d.label, common=True)
            base = (
                d.label if known is None or _is_extra_key(known[0].key) else f"{d.label}（原表列）"
            )
            name, n = base, 1
            while True:
                f = by_word.get(header_word(name))
                if f is None or (_is_extra_key(f.key) and f.key not in taken):
                    break
                n += 1
                name = f"{base}（{n}）"
            if f is None:
                counter += 1
                note = f"导入时保留的原表列（首见于 {d.file}）"
                f = new_field(
                    name,
                    f"{EXTRA_PREFIX}{counter}",
                    note,
                    in_template=True,
                    number=header_word(d.label) in numeric,
                )
                why = d.why or "台账没有对应字段，新增一列保留"
            else:
                why = d.why or "并入已有的同名附加列"
            taken.add(f.key)
            sheet.decisions[i] = replace(d, key=f.key, field=f.name, why=why)
    return Spec(tuple(fields))


def _is_extra_key(key: str) -> bool:
    return key.startswith(EXTRA_PREFIX) and key[len(EXTRA_PREFIX) :].isdigit()
