"""Taking an upper office's template as this level's items.

A city office keeping its own master receives the province's template: the
province's items for the city, each with the province's 编号. Imported, each
becomes a 台账 row whose 上级编号 (:data:`~zhenggai.core.spec.UPPER_ID_KEY`)
keeps that 编号, so ``zhenggai answer`` can fill the province's template
from this ledger later, however the city splits the item over its units.

- The template's 责任单位 is this office itself (the template was issued to
  it), not a unit here: it is not imported and 责任单位 is left for the office
  to fill with its own units (``--split-by 责任单位`` then splits the rows
  naming several, see :mod:`.split`).
- 编号 here is the upper 编号 when this ledger does not use it yet, else one
  made from the row's content (as for any row without an id).
- An item whose 上级编号 the ledger already has is not imported again, so a
  later template of the same upper office adds only its new items; one whose
  upper texts (问题, 措施, 时限 …) changed since is reported, never overwritten.
- A template this master issued itself is a unit's return, not items: refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from ..core.errors import WorkbookError
from ..core.grid import GridSource, Row
from ..core.ledger import Ledger
from ..core.problems import Code, Problem, cell_name, show_value
from ..core.sheets import META
from ..core.spec import UPPER_ID_KEY, UPPER_ID_NAME, Field, FieldType, Spec, upper_id_field
from ..core.text import Value, canonical
from ..core.values import Rules
from ..template.meta import TemplateMeta, parse_meta
from .rows import (
    ORIGIN_KEY,
    BuiltRows,
    LedgerRow,
    build_rows,
    generated_id,
    import_rules,
    row_model,
    row_value,
    value_problems,
)
from .sheet import ColumnDecision, Decision, NotWritten, SheetRead

__all__ = ["adopt_upper", "build_all", "build_upper", "upper_meta", "with_upper_field"]

# The upper texts compared when an item is already here: what the upper office decides.
_COMPARED = ("category", "problem", "measure", "kind", "deadline")


def upper_meta(book: GridSource) -> TemplateMeta | None:
    """The ``_meta`` of a template made by zhenggai (any office's), or None."""
    if META not in book.sheet_names:
        return None
    try:
        return parse_meta(book.grid(META))
    except WorkbookError:
        return None  # not a template's meta: the sheet is imported (or skipped) as any other


def adopt_upper(
    sheets: Sequence[SheetRead], ledger: Ledger, problems: list[Problem]
) -> list[SheetRead]:
    """*sheets* with upper templates prepared: this master's own refused, 责任单位 not imported."""
    kept: list[SheetRead] = []
    for sheet in sheets:
        meta = sheet.source.upper
        if meta is None:
            kept.append(sheet)
            continue
        if meta.ledger_id == ledger.meta.ledger_id:
            problems.append(
                Problem(
                    Code.IMPORT_OWN_TEMPLATE,
                    f"这是本台账下发给{meta.unit}的模板（{meta.batch}），不是上级的模板，未导入。"
                    "各单位报回的模板请用 zhenggai consolidate 汇总。",
                    file=sheet.source.file,
                    sheet=sheet.source.sheet,
                )
            )
            continue
        sheet.decisions[:] = [_skip(d, meta, ledger.spec) for d in sheet.decisions]
        kept.append(sheet)
    return kept


def _skip(d: ColumnDecision, meta: TemplateMeta, spec: Spec) -> ColumnDecision:
    """The upper's 责任单位 (this office) and computed columns (its 预警) are not items' data here."""
    if d.decision is not Decision.MAPPED or d.key is None:
        return d
    if d.key == "unit":
        why = f"上级模板的责任单位是本级（{meta.unit}）自己，不作本级的责任单位"
    elif spec.has(d.key) and spec.field(d.key).type is FieldType.COMPUTED:
        why = "上级台账自动生成的列，本级自己计算"
    else:
        return d
    return replace(d, decision=Decision.SKIPPED, key=None, field="", why=why)


def with_upper_field(spec: Spec, sheets: Sequence[SheetRead], new: list[Field]) -> Spec:
    """*spec* with the 上级编号 field, added (and listed in *new*) when an upper template comes."""
    if spec.has(UPPER_ID_KEY) or not any(s.source.upper is not None for s in sheets):
        return spec
    f = upper_id_field()
    new.append(f)
    return Spec((*spec.fields, f))


def _changed(
    sheet: SheetRead, number: int, uid: str, values: dict[str, Value], here: Row, spec: Spec
) -> list[Problem]:
    """Upper texts that differ from this ledger's row of the same 上级编号 (nothing is changed)."""
    found: list[Problem] = []
    for key in _COMPARED:
        col = sheet.column(key)
        if col is None or key not in here.columns:
            continue
        theirs, ours = canonical(values.get(key)), canonical(here.values.get(key))
        if theirs == ours:
            continue
        name = spec.field(key).name
        found.append(
            Problem(
                Code.IMPORT_UPPER_CHANGED,
                f"上级编号“{uid}”的“{name}”在这份上级模板中是“{show_value(theirs)}”，"
                f"本级台账第{here.number}行是“{show_value(ours)}”。台账未改动，请核对后决定是否修改。",
                file=sheet.source.file,
                sheet=sheet.source.sheet,
                cell=cell_name(number, col),
                value=theirs,
            )
        )
    return found


def build_upper(
    ledger: Ledger,
    spec: Spec,
    sheets: Sequence[SheetRead],
    *,
    taken: set[str],
    rules: Rules,
) -> BuiltRows:
    """The 台账 rows of upper templates' items not yet in the ledger (see the module docstring).

    Args:
        ledger: the master as read.
        spec: its spec with the import's fields (上级编号 among them).
        sheets: the upper templates' fill-in sheets.
        taken: 编号 already used (the ledger's and this import's); new ones are added.
        rules: the import's value rules.
    """
    out = BuiltRows()
    here: dict[str, Row] = {}
    if UPPER_ID_KEY in ledger.table.columns:
        for r in ledger.table:
            here.setdefault(r.text(UPPER_ID_KEY).strip(), r)
    here.pop("", None)
    seen: dict[str, str] = {}
    for sheet in sheets:
        src = sheet.source
        before = len(out.rows)
        columns = [(d.col, d.key) for d in sheet.decisions if d.key]
        model, checked = row_model(sheet, spec)
        for row in sheet.rows:
            values = {key: row_value(spec, key, row.cells.get(c)) for c, key in columns}
            uid = canonical(values.pop("id", None))
            if uid in here:
                n = here[uid].number
                reason = f"上级编号“{uid}”的事项台账中已有（第{n}行），未重复导入"
                out.not_written.append(NotWritten(src.file, src.sheet, row.number, reason))
                out.problems += _changed(sheet, row.number, uid, values, here[uid], spec)
                continue
            if not uid or uid in seen:
                why = "没有编号" if not uid else f"上级编号“{uid}”在本次导入的 {seen[uid]} 中已有"
                out.not_written.append(NotWritten(src.file, src.sheet, row.number, why))
                continue
            seen[uid] = src.file
            out.problems += value_problems(sheet, row.number, values, model, checked, rules)
            rid = uid if uid not in taken else generated_id(row, [])
            if rid != uid:
                out.notes.append(
                    f"{src.file}｜{src.sheet} 第{row.number}行：编号“{uid}”本台账已在用，"
                    f"此事项编号为“{rid}”（上级编号仍是“{uid}”）。"
                )
            taken.add(rid)
            values |= {
                "id": rid,
                UPPER_ID_KEY: uid,
                "unit": None,
                ORIGIN_KEY: f"{src.file}｜{src.sheet}｜第{row.number}行",
            }
            out.rows.append(LedgerRow(src.file, src.sheet, row.number, values, src.sha256))
            out.placeholders += row.placeholders
        out.notes.append(_note(sheet, len(out.rows) - before))
    return out


def _note(sheet: SheetRead, added: int) -> str:
    meta = sheet.source.upper
    assert meta is not None
    head = f"{sheet.source.file}：上级下发给{meta.unit}的模板（{meta.batch}）"
    if not added:
        return f"{head}：其中的事项台账中都已有，没有新事项。"
    return (
        f"{head}，取其中 {added} 项新事项，上级编号记在“{UPPER_ID_NAME}”列；"
        f"“责任单位”列是{meta.unit}自己，没有导入。请在台账“责任单位”列填写本级的承办单位"
        "（几个单位用“、”隔开），再运行一次本命令并加 --split-by 责任单位，拆成每个单位一行后再下发模板。"
    )


def build_all(
    ledger: Ledger, spec: Spec, sheets: Sequence[SheetRead], *, now: datetime
) -> BuiltRows:
    """The rows of ordinary sheets (:func:`~.rows.build_rows`), then the new items of
    upper templates (:func:`build_upper`), their 编号 kept apart."""
    base_year = ledger.settings.base_year or now.year
    ordinary = [s for s in sheets if s.source.upper is None]
    built = build_rows(ledger, spec, ordinary, base_year=base_year, today=now.date())
    upper = [s for s in sheets if s.source.upper is not None]
    if upper:
        taken = {row.text("id") for row in ledger.table} | {r.text("id") for r in built.rows}
        rules = import_rules(ledger, base_year=base_year, today=now.date())
        more = build_upper(ledger, spec, upper, taken=taken, rules=rules)
        built.rows += more.rows
        built.not_written += more.not_written
        built.problems += more.problems
        built.notes += more.notes
        built.placeholders += more.placeholders
    return built
