"""From source rows to ledger rows: units, ids and duplicates, across a whole import.

A row naming several units ("办公室、宣传科") becomes one row per unit with
suffixed ids ("3-1", "3-2"). A row without an id gets one made from its
content (``IM`` + 8 hex digits), so importing the same rows again gives the
same ids and finds them already in the master. A file or sheet named after a
unit that its rows do not name is reported, never corrected.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..core.grid import Row
from ..core.ledger import Ledger
from ..core.problems import Code, Problem, cell_name, show_value
from ..core.rowmodel import RowModel
from ..core.spec import FieldType, Spec
from ..core.text import Value, canonical, split_list
from ..core.values import Rules
from .sheet import NotWritten, SheetRead, SourceRow

__all__ = [
    "EXTRA_PREFIX",
    "ORIGIN_KEY",
    "ORIGIN_NAME",
    "BuiltRows",
    "LedgerRow",
    "build_rows",
    "generated_id",
    "import_rules",
    "named_unit",
    "row_model",
    "row_value",
    "value_problems",
]

ORIGIN_KEY = "origin"
ORIGIN_NAME = "导入来源"
EXTRA_PREFIX = "x_"  # 键名 of the extra columns an import adds
_GENERATED = "IM"
_DONE, _DOING = "已完成", "正在整改"


@dataclass(frozen=True)
class LedgerRow:
    """A 台账 row to write, with where it came from."""

    file: str
    sheet: str
    source_row: int
    values: dict[str, Value]
    sha256: str = ""

    def text(self, key: str) -> str:
        return canonical(self.values.get(key))


@dataclass
class BuiltRows:
    """The ledger rows of an import and what was found on the way."""

    rows: list[LedgerRow] = field(default_factory=list)
    not_written: list[NotWritten] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    placeholders: int = 0
    split: int = 0
    new_units: list[str] = field(default_factory=list)


def row_value(spec: Spec, key: str, value: Value) -> Value:
    """A source cell as the ledger keeps it: raw, except 编号 as text and 是/否 as a status."""
    if value is None:
        return None
    if key == "id":
        return canonical(value)
    if key == "status" and value in ("是", "否"):
        target = _DONE if value == "是" else _DOING
        return target if target in spec.field("status").choices else value
    return value


def generated_id(row: SourceRow, units: Sequence[str]) -> str:
    """An id made from the row's content, so the same row always gets the same id."""
    parts = [f"{c}\x1e{canonical(v)}" for c, v in sorted(row.cells.items())]
    blob = "\x1f".join([*parts, "、".join(units), row.section or ""]).encode()
    return _GENERATED + hashlib.sha256(blob).hexdigest()[:8].upper()


def named_unit(text: str, known: Iterable[str]) -> str | None:
    """The one known unit *text* names ("C公司整改台账" -> "C公司"), or None."""
    found = {u for u in known if u and u in text}
    found = {u for u in found if not any(u != v and u in v for v in found)}
    return found.pop() if len(found) == 1 else None


def _units(value: Value) -> list[str]:
    return split_list(canonical(value)) if value is not None else []


def _where(sheet: SheetRead, row: int, key: str) -> str:
    col = sheet.column(key)
    return cell_name(row, col) if col else f"{row}:{row}"


def _problem(code: Code, message: str, sheet: SheetRead, cell: str, value: Value = None) -> Problem:
    return Problem(
        code,
        message,
        file=sheet.source.file,
        sheet=sheet.source.sheet,
        cell=cell,
        value=show_value(value),
    )


def _sheet_unit(sheet: SheetRead, known: Sequence[str], out: BuiltRows) -> str | None:
    """The unit every row of a sheet without a unit column belongs to, when its names agree.

    With a unit column, rows not naming the unit the file or sheet name names are reported.
    """
    src = sheet.source
    hints = [
        ("文件名", src.file, named_unit(Path(src.file).stem, known)),
        ("工作表名", src.sheet, named_unit(src.sheet, known)),
    ]
    col = sheet.column("unit")
    if col is not None:
        for what, name, hint in hints:
            bad = [r for r in sheet.rows if hint and r.cells.get(col) is not None]
            bad = [r for r in bad if hint not in _units(r.cells.get(col))]
            if bad:
                rows = "、".join(str(r.number) for r in bad[:5]) + ("等" if len(bad) > 5 else "")
                # name the two units, not the name twice ("工作表名“B公司”是“B公司”")
                said = f"{what}是“{hint}”" if name == hint else f"{what}“{name}”说的是“{hint}”"
                out.problems.append(
                    _problem(
                        Code.IMPORT_UNIT_MISMATCH,
                        f"{said}，但第{rows}行（共{len(bad)}行）的责任单位是"
                        f"“{canonical(bad[0].cells.get(col))}”。已按责任单位列导入，"
                        "请核对是文件放错了还是单位填错了。",
                        sheet,
                        cell_name(bad[0].number, col),
                        name,
                    )
                )
        return None
    named = {hint for _, _, hint in hints if hint}
    if len(named) == 1:
        unit = named.pop()
        what = "、".join(w for w, _, h in hints if h)
        out.notes.append(
            f"{src.file}｜{src.sheet}：没有责任单位列，各行的责任单位取自{what}“{unit}”。"
        )
        return unit
    if len(named) > 1:
        out.problems.append(
            _problem(
                Code.IMPORT_UNIT_MISMATCH,
                f"没有责任单位列，而文件名说是“{hints[0][2]}”、工作表名说是“{hints[1][2]}”，"
                "无法确定，责任单位留空。请核对后用 --map 指定责任单位列，或导入后补填。",
                sheet,
                "",
                src.sheet,
            )
        )
    else:
        out.problems.append(
            _problem(
                Code.IMPORT_UNIT_MISSING,
                "没有责任单位列，文件名和工作表名也没有写明单位，责任单位留空。"
                "请用 --map 指定责任单位列，或导入后在台账中补填。",
                sheet,
                "",
            )
        )
    return None


def _same(values: dict[str, Value], row: Row) -> bool:
    return all(
        canonical(v) == canonical(row.values.get(k)) for k, v in values.items() if k != ORIGIN_KEY
    )


_NOT_CHECKED = (FieldType.KEY, FieldType.UNIT, FieldType.COMPUTED)


def row_model(sheet: SheetRead, spec: Spec) -> tuple[RowModel, dict[str, int]]:
    """The row model of the spec fields this sheet brings, and their columns.

    Importing keeps every value as found, so no field is required here (a
    missing 责任单位 is reported on its own) and 编号, 单位 and computed
    columns have rules of their own.
    """
    columns = {
        d.key: d.col
        for d in sheet.decisions
        if d.key and spec.has(d.key) and spec.field(d.key).type not in _NOT_CHECKED
    }
    fields = [replace(spec.field(k), required=False) for k in columns]
    return RowModel.of(fields), columns


def value_problems(
    sheet: SheetRead,
    number: int,
    values: dict[str, Value],
    model: RowModel,
    columns: dict[str, int],
    rules: Rules,
) -> list[Problem]:
    """Values that break the ledger's rules: kept as found, each reported once here.

    *values* are the row's values as they go into the ledger (是/否 already a status).
    """
    raw = {key: values.get(key) for key in columns}
    checked = model.check(raw, rules)
    return [
        _problem(p.code, p.message, sheet, cell_name(number, columns[key]), raw[key])
        for key, p in checked.problems
    ]


def import_rules(ledger: Ledger, *, base_year: int, today: date) -> Rules:
    """The value rules of an import: every value kept as found, its problems reported."""
    return Rules(
        today=today,
        max_length=ledger.settings.max_text_length,
        kept=True,
        base_year=base_year,
        text_dates=True,
    )


def build_rows(
    ledger: Ledger, spec: Spec, sheets: Sequence[SheetRead], *, base_year: int, today: date
) -> BuiltRows:
    """The 台账 rows of *sheets*, in order, each decision on ids and units made once.

    Args:
        ledger: the master as read.
        spec: its spec with the import's extra fields.
        sheets: the sheets read.
        base_year: the year of deadlines written without one (设置 基准年份).
        today: completion dates after it are reported.
    """
    rules = import_rules(ledger, base_year=base_year, today=today)
    known = [u.name for u in ledger.units]
    for sheet in sheets:
        col = sheet.column("unit")
        if col is not None:
            known += [u for r in sheet.rows for u in _units(r.cells.get(col))]
    known = list(dict.fromkeys(known))
    builder = _Builder(ledger.table.by_id(), {u.name for u in ledger.units})
    out = builder.out
    for sheet in sheets:
        fixed = _sheet_unit(sheet, known, out)
        has_unit = sheet.column("unit") is not None
        columns = [(d.col, d.key) for d in sheet.decisions if d.key]
        model, checked = row_model(sheet, spec)
        for row in sheet.rows:
            base = {key: row_value(spec, key, row.cells.get(c)) for c, key in columns}
            out.problems += value_problems(sheet, row.number, base, model, checked, rules)
            if row.section is not None and "category" not in base:
                base["category"] = row.section
            units = _units(base.get("unit")) if has_unit else [fixed] if fixed else []
            if has_unit and not units:
                out.problems.append(
                    _problem(
                        Code.REQUIRED_MISSING,
                        "责任单位为空：已导入，请在台账中补填，否则无法给该单位下发模板。",
                        sheet,
                        _where(sheet, row.number, "unit"),
                    )
                )
            builder.add(sheet, row, base, units)
    return out


@dataclass
class _Builder:
    """The rows built so far, and what they must not clash with."""

    master: dict[str, Row]
    in_master: set[str]
    out: BuiltRows = field(default_factory=BuiltRows)
    written: dict[str, LedgerRow] = field(default_factory=dict)
    bases: set[str] = field(default_factory=set)

    def add(
        self, sheet: SheetRead, row: SourceRow, base: dict[str, Value], units: list[str]
    ) -> None:
        """The ledger rows of one source row: one per unit, with suffixed ids when split."""
        src, out = sheet.source, self.out
        rid = canonical(base.get("id")) or self._generated(sheet, row, units)
        if len(units) > 1:
            out.split += 1
        origin = f"{src.file}｜{src.sheet}｜第{row.number}行"
        wrote = False
        for k, unit in enumerate(units or [None], start=1):
            values = dict(base)
            values["id"] = f"{rid}-{k}" if len(units) > 1 else rid
            values["unit"] = unit
            values[ORIGIN_KEY] = origin
            reason = _id_clash(values, sheet, row, self.written, self.master, out)
            if reason is not None:
                out.not_written.append(NotWritten(src.file, src.sheet, row.number, reason))
                continue
            built = LedgerRow(src.file, src.sheet, row.number, values, src.sha256)
            self.written[canonical(values["id"])] = built
            out.rows.append(built)
            wrote = True
            if unit and unit not in self.in_master and unit not in out.new_units:
                out.new_units.append(unit)
        out.placeholders += row.placeholders if wrote else 0

    def _generated(self, sheet: SheetRead, row: SourceRow, units: list[str]) -> str:
        """An id from the row's content; a second identical row gets ".2" (and is reported)."""
        first = rid = generated_id(row, units)
        n = 1
        while rid in self.bases:
            n += 1
            rid = f"{first}.{n}"
        if n > 1:
            self.out.problems.append(
                _problem(
                    Code.IMPORT_ROW_REPEATED,
                    "这一行与本次导入中前面某行内容完全相同，已作为另一行导入"
                    f"（编号 {rid}）。如是重复录入，请在台账中删去。",
                    sheet,
                    f"{row.number}:{row.number}",
                )
            )
        self.bases.add(rid)
        return rid


def _id_clash(
    values: dict[str, Value],
    sheet: SheetRead,
    row: SourceRow,
    written: dict[str, LedgerRow],
    master: dict[str, Row],
    out: BuiltRows,
) -> str | None:
    """Why a row cannot be written under its id, or None; reports real clashes."""
    rid = canonical(values["id"])
    cell = _where(sheet, row.number, "id")
    if rid in written:
        first = written[rid]
        out.problems.append(
            _problem(
                Code.ID_DUPLICATE,
                f"编号“{rid}”与 {first.file}｜{first.sheet} 第{first.source_row}行重复，"
                "本行未写入。请改正编号后再导入本行。",
                sheet,
                cell,
                rid,
            )
        )
        return f"编号“{rid}”与本次导入的 {first.file}｜{first.sheet} 第{first.source_row}行重复"
    if rid in master:
        there = master[rid]
        if _same(values, there):
            return f"台账第{there.number}行已有相同内容（编号“{rid}”），多半是导入过"
        out.problems.append(
            _problem(
                Code.ID_DUPLICATE,
                f"编号“{rid}”在台账第{there.number}行已有，内容不同，本行未写入。"
                "请核对哪一份是对的，改正编号或台账后再导入。",
                sheet,
                cell,
                rid,
            )
        )
        return f"编号“{rid}”与台账第{there.number}行重复"
    return None
