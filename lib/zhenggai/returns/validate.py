"""Checking one returned template: identity, structure, locked cells, values.

:func:`check_return` turns a :class:`~zhenggai.io.return_file.ReturnFile` into a
:class:`CheckedReturn`: the problems found (with the return's cells) and the
editable values that may be merged. Nothing is coerced silently: a value
with a problem is left out and the problem keeps the raw value.

Order of the checks, each only when the previous ones let the file through:

1. the file opens (format, zip, encryption) — else rejected;
2. ``_meta`` exists (else the separate no-``_meta`` branch, :func:`check_without_meta`),
   parses, belongs to this ledger, is signed with its key, and the file
   name does not name another unit — else rejected;
3. structure: header row and columns as issued, rows by 编号 (deleted,
   added, repeated), merged cells, locked cells unchanged (HMAC tags);
4. values of editable cells: vocabulary, dates, future dates, 已完成 rules,
   control characters, length, formulas (kept as text, never evaluated).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from ..core import clock
from ..core.errors import WorkbookError
from ..core.grid import Grid, HeaderMatch, MergedSource, find_header
from ..core.ledger import Ledger
from ..core.problems import Code, cell_name
from ..core.rowmodel import RowModel
from ..core.settings import Settings
from ..core.sheets import META
from ..core.spec import Field, Spec, default_spec
from ..core.text import CANON_VERSION, Value, canonical, normalise_text
from ..core.values import Rules, formula_notice
from ..io.return_file import ReturnFile
from ..io.sheetscan import SheetScan
from ..template.meta import TemplateMeta, meta_signature_ok, parse_meta
from ..template.names import label_forms
from .checked import CheckedReturn
from .rowrules import check_row
from .shape import locked_changes, map_columns, match_rows, merged_cells

__all__ = ["check_return", "check_without_meta", "legacy_header"]

_TEMPLATE_NAME = re.compile(r"([^\s:：_（(]+?)-整改进展填报-")


def check_return(
    ret: ReturnFile,
    *,
    ledger: Ledger | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> CheckedReturn:
    """Check one returned file, against the master when *ledger* is given.

    Without a ledger, identity and locked cells cannot be verified (no key);
    values are checked with the default field spec and settings. The file's
    save time is settled against its batch's issue time and *now* (the run's
    clock, default :func:`zhenggai.core.clock.now`; see
    :meth:`~zhenggai.io.return_file.ReturnFile.settle`).
    """
    now = now or clock.now()
    out = _check(ret, ledger, today or now.date())
    problem = ret.settle(issued=out.meta.issued if out.identified and out.meta else None, now=now)
    out.saved = ret.saved
    if problem is not None:
        out.problems.append(problem)
    return out


def _check(ret: ReturnFile, ledger: Ledger | None, today: date) -> CheckedReturn:
    out = CheckedReturn(ret.name, ret.path, ret.sha256, ret.saved, problems=list(ret.problems))
    book = ret.book
    if book is None:
        out.rejected = True
        return out
    if ret.fmt == "xlsm":
        out.problem(
            Code.MACROS_IGNORED,
            "文件带有宏（.xlsm）：只读取了数值，宏没有运行。今后请保存为 .xlsx。",
        )
    try:
        if META not in book.sheet_names:
            return check_without_meta(out, book, ledger, today=today)
        try:
            out.meta = meta = parse_meta(book.grid(META))
        except WorkbookError as exc:
            return out.refuse(exc, default=Code.META_INVALID)
        if not _identity_ok(out, meta, ledger):
            out.rejected = True
            return out
        out.identified = True
        if meta.sheet not in book.sheet_names:
            return out.reject(
                Code.SHEET_MISSING,
                f"找不到工作表“{meta.sheet}”（被改名或删除了）。请用下发的原模板填报。",
                value=meta.sheet,
            )
        _check_body(out, ret, book, meta, ledger, today)
        # Signed text and locked-cell tags are checked: keep only what the merge needs
        # (hundreds of returns are held until every one is checked).
        out.meta = replace(meta, signed="", tags={})
    except WorkbookError as exc:  # a sheet calamine cannot parse, or one refused before it
        return out.refuse(exc, default=Code.FILE_CORRUPT)
    return out


def check_without_meta(
    out: CheckedReturn, book: MergedSource, ledger: Ledger | None, *, today: date | None = None
) -> CheckedReturn:
    """A file with no ``_meta``: not a template issued by this tool.

    A legacy return (a ledger's own older form) whose header maps to the
    master's fields (:func:`legacy_header`) is read by 编号 against the master
    (:func:`_check_legacy`); anything else is rejected.
    """
    spec = ledger.spec if ledger else default_spec()
    found = legacy_header(book, spec)
    if found is None:
        return out.reject(
            Code.META_MISSING,
            "这不是本台账下发的模板（缺少模板信息），无法汇总。请用办公室下发的模板填报后重新报送。",
        )
    sheet, header = found
    if ledger is not None:
        return _check_legacy(out, book, sheet, header, ledger, today or clock.today())
    names = "、".join(spec.field(k).name for k in list(header.columns)[:4])
    return out.reject(
        Code.META_MISSING,
        f"工作表“{sheet}”的表头（{names}等）与台账相符，但它不是本台账下发的模板（缺少模板信息），"
        "暂不能直接汇总。请用办公室下发的模板填报后重新报送。",
    )


def _check_legacy(
    out: CheckedReturn,
    book: MergedSource,
    sheet: str,
    header: HeaderMatch,
    ledger: Ledger,
    today: date,
) -> CheckedReturn:
    """Read a legacy return's editable values by 编号, checked like a template's.

    There is no template base: the merge lists every value that differs from
    the master as a proposed change, unless the office trusts legacy returns.
    Only the rows of the file's own unit are read (:func:`_legacy_rows`).
    """
    out.legacy, out.legacy_sheet = True, sheet
    out.problem(
        Code.LEGACY_RETURN,
        f"这不是本台账下发的模板（没有模板信息），已按表头和编号读取工作表“{sheet}”。"
        "没有下发时的值可比：与台账不同的值只作为修改建议列入“冲突”表，"
        "办公室核实后可加 --trust-legacy 重新汇总以采用。",
    )
    grid = book.grid(sheet)
    columns = header.columns
    out.columns = dict(columns)
    spec, settings = ledger.spec, ledger.settings
    fields = [(f, columns[f.key]) for f in spec.editable_fields if f.key in columns]
    model = RowModel.of([f for f, _ in fields])
    rules = Rules(today=today, max_length=settings.max_text_length)
    master = ledger.table.by_id()
    for rid, r in _legacy_rows(out, grid, header, ledger).items():
        row = grid[r - 1]
        out.rows[rid] = r
        raw = {f.key: row[c - 1] if c <= len(row) else None for f, c in fields}
        # no template base: a value equal to the master's is what the unit left alone
        base = {f.key: canonical(master[rid].values.get(f.key)) for f, _ in fields}
        checked = check_row(spec, raw, rules, base=base, model=model)
        for key, p in checked.problems:
            out.add(p, cell=cell_name(r, columns[key]), value=raw[key])
        if checked.ledger:
            out.ledger_rows.add(rid)
        out.values[rid] = checked.values
    return out


def _legacy_rows(
    out: CheckedReturn, grid: Grid, header: HeaderMatch, ledger: Ledger
) -> dict[str, int]:
    """编号 -> row of the legacy return's rows that belong to its own unit.

    A legacy file has no signed identity, so it speaks only for one unit: the
    unit its file name names, else the one unit all its rows belong to. Rows
    of other units (or of several, with no unit named) are problems, never
    proposals and never applied, even with ``--trust-legacy``.
    """
    master = ledger.table.by_id()
    id_col = header.columns["id"]
    found: dict[str, int] = {}
    for r in range(header.last_row + 1, len(grid) + 1):
        row = grid[r - 1]
        rid = canonical(row[id_col - 1]) if id_col <= len(row) else ""
        if not rid:
            continue
        where = cell_name(r, id_col)
        if rid in found:
            out.problem(
                Code.ID_DUPLICATE,
                f"编号“{rid}”与第{found[rid]}行重复，本行未汇总。",
                cell=where,
                value=rid,
            )
        elif rid not in master:
            out.problem(
                Code.ID_UNKNOWN,
                f"台账中没有编号“{rid}”，本行未汇总。请核对编号。",
                cell=where,
                value=rid,
            )
        else:
            found[rid] = r
    units = {master[rid].text("unit") for rid in found}
    named = _unit_in_name(out.path, [u.name for u in ledger.units] or sorted(units))
    own = named or (next(iter(units)) if len(units) == 1 else "")
    out.legacy_unit = own
    mine: dict[str, int] = {}
    for rid, r in found.items():
        unit = master[rid].text("unit")
        if unit == own:
            mine[rid] = r
            continue
        whose = (
            f"本文件是“{own}”的报送"
            if own
            else "文件含有多个单位的事项，文件名也没有写明是哪个单位"
        )
        out.problem(
            Code.LEGACY_OTHER_UNIT,
            f"编号“{rid}”是“{unit}”的事项，{whose}；旧式报送只能改本单位的事项，本行未汇总。"
            "请由该单位用下发的模板报送。",
            cell=cell_name(r, id_col),
            value=rid,
        )
    return mine


def _unit_in_name(path: Path, units: Sequence[str]) -> str:
    """The (longest) unit the file's name names, or ""."""
    stem = normalise_text(path.stem)
    named = [u for u in units if u and u in stem]
    return max(named, key=len) if named else ""


def legacy_header(book: MergedSource, spec: Spec) -> tuple[str, HeaderMatch] | None:
    """The first visible sheet whose header names 编号 and an editable field, if any."""
    editable = {f.key for f in spec.editable_fields}
    for name in book.sheet_names:
        if book.visibility(name) != "visible":
            continue
        header = find_header(book.grid(name), spec)
        if header is not None and "id" in header.columns and editable & set(header.columns):
            return name, header
    return None


def _identity_ok(out: CheckedReturn, meta: TemplateMeta, ledger: Ledger | None) -> bool:
    if meta.canon_version != CANON_VERSION:
        out.problem(
            Code.META_INVALID,
            f"模板由不同版本的工具生成（{meta.canon_version}），无法核验。请用最新下发的模板填报。",
        )
        return False
    if ledger is not None:
        if meta.ledger_id != ledger.meta.ledger_id:
            out.problem(
                Code.LEDGER_MISMATCH,
                f"这是另一本台账下发的模板（{meta.unit}，{meta.batch}），不属于本台账，未汇总。请核对文件。",
                value=meta.ledger_id,
            )
            return False
        if not meta_signature_ok(ledger.meta.hmac_key, meta):
            out.problem(
                Code.META_TAMPERED,
                "模板的隐藏信息被改动过，签名核验不通过，未汇总。请用办公室下发的原模板重新填报。",
            )
            return False
    named = _named_unit(out.path, meta.unit, [u.name for u in ledger.units] if ledger else None)
    if named is not None:
        out.problem(
            Code.UNIT_MISMATCH,
            f"文件名写的是“{named}”，但文件内容（签名）是下发给“{meta.unit}”的模板，未汇总。"
            f"请核实是哪个单位报送的：确是{meta.unit}报送的，把文件名中的“{named}”去掉后重新汇总；"
            f"是{named}报送的，请{named}用下发给自己的模板重新填报。",
            value=out.path.name,
        )
        return False
    return True


def _named_unit(path: Path, unit: str, units: Sequence[str] | None) -> str | None:
    """Another known unit the file name names instead of *unit*, or None.

    The signature, not the name, says whose template it is: units and mail
    clients rename files ("回复：办公室-…", "Re_ …", "…(1)", "第二次-…"), so a
    name that still contains *unit*, or names no known unit, is fine. Only a
    name naming another known unit (and not *unit* as a whole) is a question.
    Without the master (*units* None) the units are not known: a name in the
    template's own pattern ("人事科-整改进展填报-…") not holding *unit* is the question.
    *unit* counts as named in the form its template's name gives it too (made
    safe and short, with a code: :func:`~zhenggai.template.names.label`).
    """
    stem = path.stem
    ours = [x for x in (unit, *label_forms(unit)) if x and x in stem]
    if units is None:
        m = _TEMPLATE_NAME.search(stem)
        return m.group(1) if m and not ours else None
    others = [u for u in units if u and u != unit and u in stem]
    # a shorter name inside ours ("办公室" in "党委办公室", "A_B" in "A_B～3f9a2c") is ours
    asked = [u for u in others if not any(u in x for x in ours)]
    return max(asked, key=len) if asked else None


def _check_body(
    out: CheckedReturn,
    ret: ReturnFile,
    book: MergedSource,
    meta: TemplateMeta,
    ledger: Ledger | None,
    today: date,
) -> None:
    grid = book.grid(meta.sheet)
    hr, columns = map_columns(out, meta, grid)
    if "id" not in columns:
        out.reject(
            Code.HEADER_NOT_FOUND,
            "找不到“编号”列，无法对应台账中的事项，未汇总。请用下发的原模板填报。",
        )
        return
    rows = match_rows(out, meta, grid, hr, columns)
    out.columns = columns
    width = max(map(len, grid), default=0)
    blocked = merged_cells(out, book.merged(meta.sheet), hr, rows=len(grid), cols=width)
    bad_rows = locked_changes(out, meta, grid, rows, columns, ledger) if ledger else set()
    spec = ledger.spec if ledger else default_spec()
    settings = ledger.settings if ledger else Settings()
    fields: list[tuple[Field, int]] = []
    for key in meta.editable:
        if key not in columns:
            continue  # renamed or deleted: reported with the header
        f = spec.field(key) if spec.has(key) else None
        if f is None or not f.editable:
            out.problem(
                Code.FIELD_UNKNOWN,
                f"“{meta.headers[meta.columns.index(key)]}”已不是单位填写的字段（台账的字段设置改过），这一列未采用。",
                cell=cell_name(hr, columns[key]),
            )
            continue
        fields.append((f, columns[key]))
    marks = ret.marks(meta.sheet)
    formulas, errors = marks.formulas, marks.errors | marks.unreadable.keys()
    special = blocked | errors | formulas.keys()  # cells that need more than the row model
    model = RowModel.of([f for f, _ in fields])
    rules = Rules(today=today, max_length=settings.max_text_length)
    for rid, r in rows.items():
        if rid in bad_rows:
            continue
        out.rows[rid] = r
        row = grid[r - 1]
        width = len(row)
        raw: dict[str, Value] = {}
        refused: list[str] = []
        for f, c in fields:
            value = row[c - 1] if c <= width else None
            if special and (r, c) in special:
                value = _special_cell(out, f, r, c, blocked, marks)
                if value is None:
                    refused.append(f.key)
                    continue
            raw[f.key] = value
        checked = check_row(
            spec, raw, rules, base=meta.base.get(rid, {}), model=model, refused=refused
        )
        for key, p in checked.problems:
            c = columns[key]
            if (r, c) in formulas and p.code is Code.FORMULA_AS_TEXT:
                continue  # already said, with the formula's own words
            out.add(p, cell=cell_name(r, c), value=raw[key])
        if checked.ledger:
            out.ledger_rows.add(rid)
        out.values[rid] = checked.values


def _special_cell(
    out: CheckedReturn,
    f: Field,
    r: int,
    c: int,
    blocked: set[tuple[int, int]],
    marks: SheetScan,
) -> Value:
    """The value to check for a merged, error, unreadable or formula cell; None when it is not used."""
    pos = (r, c)
    if pos in blocked:
        return None  # reported once for the whole merged range
    if pos in marks.unreadable:
        out.problem(
            Code.CELL_UNREADABLE,
            f"“{f.name}”的内容无法正确读取（文件中记录的文字编号“{marks.unreadable[pos]}”无效，"
            "读出的会是别的文字），本次未采用。请重新输入后报送。",
            cell=cell_name(r, c),
            value=marks.unreadable[pos],
        )
        return None
    if pos in marks.errors:
        out.problem(
            Code.CELL_ERROR,
            f"“{f.name}”是错误值（如 #N/A、#REF!），本次未采用。请改为正确内容。",
            cell=cell_name(r, c),
        )
        return None
    text = marks.formulas[pos]
    if not text:  # a shared formula's follower holds no text of its own
        out.problem(
            Code.CELL_ERROR,
            f"“{f.name}”是复制出来的公式，读不到内容，本次未采用。请直接填写文字。",
            cell=cell_name(r, c),
        )
        return None
    out.add(formula_notice(f, text), cell=cell_name(r, c), value=text)
    return text
