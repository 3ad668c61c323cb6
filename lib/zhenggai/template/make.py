"""``zhenggai templates``: one fill-in workbook per unit, with only its rows.

Each template has a 填报 sheet (a short 填报说明, the header, the unit's rows:
locked columns grey and protected, editable ones white with drop-downs, date
checks and a length limit) and a veryHidden ``_meta`` sheet signed with the
master's key (see :mod:`zhenggai.template.meta`), which consolidation checks on
return. The master itself is not written here: the result's ``changes``
record the issue in 回收情况 and the caller applies them.

Example:
    >>> result = make_templates(read_ledger("台账.xlsx"))      # doctest: +SKIP
    >>> [t.path.name for t in result.issued][:1]                # doctest: +SKIP
    ['办公室-整改进展填报-2026年11月.xlsx']
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..core import clock
from ..core.changes import ChangeSet
from ..core.errors import OutputError
from ..core.grid import Row
from ..core.layout import TemplateLayout
from ..core.ledger import Ledger
from ..core.logs import ReturnsLog
from ..core.problems import Code, Problem
from ..core.settings import SETTINGS_SHEET, Settings, setting_cell
from ..core.sheets import LEDGER, META, RETURNS
from ..core.spec import FieldType, Spec
from ..core.text import cn_date, split_list
from ..facts.punctuality import return_due
from ..io.books import write_template
from .meta import TemplateMeta, build_meta, meta_grid
from .names import TEMPLATE_SHEET, default_batch, issue_folder, template_names

__all__ = [
    "IssuedTemplate",
    "TemplatesResult",
    "discard_templates",
    "make_templates",
    "template_layout",
]

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class IssuedTemplate:
    """One template written: the unit, its file and how many rows it holds."""

    unit: str
    path: Path
    rows: int


@dataclass
class TemplatesResult:
    """What :func:`make_templates` did.

    Attributes:
        batch: the batch name, e.g. "2026年11月".
        folder: where the templates were written.
        issued: the templates written, in 单位 order.
        no_rows: units asked for (or listed in 单位) that have no open rows: no file.
        problems: units in 台账 missing from 单位, bad 编号 (those rows are left out),
            templates that could not be written (those units are not recorded).
        changes: the 回收情况 rows recording the issue, for the caller to apply.
    """

    batch: str
    folder: Path
    issued: list[IssuedTemplate] = field(default_factory=list)
    no_rows: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)


def _open_rows(ledger: Ledger, problems: list[Problem]) -> dict[str, list[Row]]:
    """Rows by unit name, leaving out closed rows and rows whose 编号 is empty or repeated."""
    counts: dict[str, int] = {}
    for row in ledger.table:
        counts[row.text("id")] = counts.get(row.text("id"), 0) + 1
    by_unit: dict[str, list[Row]] = {}
    for row in ledger.table:
        rid = row.text("id")
        if not rid or counts[rid] > 1:
            what = "为空" if not rid else f"“{rid}”重复"
            problems.append(
                Problem(
                    Code.ID_MISSING if not rid else Code.ID_DUPLICATE,
                    f"编号{what}，此行未放入模板。请在台账中给每行唯一的编号后重新生成。",
                    sheet=LEDGER,
                    cell=row.cell("id"),
                    value=rid,
                )
            )
            continue
        if row.text("closed") == "是":
            continue  # 已销号: nothing left for the unit to report
        by_unit.setdefault(row.text("unit"), []).append(row)
    return by_unit


def make_templates(
    ledger: Ledger,
    *,
    out: Path | None = None,
    units: Sequence[str] | None = None,
    batch: str | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> TemplatesResult:
    """Write one template per unit and plan the 回收情况 rows recording them.

    Args:
        ledger: the master.
        out: folder for the files (default :func:`issue_folder`).
        units: only these units (default: every unit in 单位 and in 台账).
        batch: batch name (default :func:`default_batch` of *now*).
        now: issue time (default: now).
        progress: called as ``progress(done, total, unit)`` after each unit.
    """
    now = (now or clock.now()).replace(microsecond=0)
    batch = batch or default_batch(now)
    folder = out if out is not None else issue_folder(ledger, batch)
    result = TemplatesResult(batch, folder)
    result.problems += _deadline_passed(ledger, batch, now.date())
    by_unit = _open_rows(ledger, result.problems)
    known = [u.name for u in ledger.units]
    wanted = list(units) if units else known
    result.problems += _unit_problems(by_unit, known, units)
    todo = [n for n in wanted if n in known and by_unit.get(n)]
    result.no_rows = [n for n in wanted if n in known and not by_unit.get(n)]
    log = ReturnsLog.from_grid(ledger.grid(RETURNS.name))
    names = template_names(todo, batch)  # all chosen before any is written: distinct, short
    for i, name in enumerate(todo, start=1):
        rows = by_unit[name]
        layout, _ = template_layout(ledger, name, rows, batch=batch, issued=now)
        try:
            path = write_template(folder / names[name], layout)
        except OutputError as exc:
            # One file that cannot be written (open in Excel, read-only folder)
            # does not stop the others; the unit is not recorded as issued.
            result.problems.append(_not_written(name, exc))
        else:
            result.issued.append(IssuedTemplate(name, path, len(rows)))
            log.set(batch, name, {"下发时间": now, "下发文件": path.name})
        if progress is not None:
            progress(i, len(todo), name)
    result.changes = log.changes()
    return result


def _unit_problems(
    by_unit: dict[str, list[Row]], known: list[str], units: Sequence[str] | None
) -> list[Problem]:
    """Rows whose 责任单位 is not in 单位, rows without one, and asked-for units that do not exist."""
    problems: list[Problem] = []
    missing = [name for name in by_unit if name and name not in known]
    for name in missing:
        first = by_unit[name][0]
        several = len(split_list(name)) > 1
        problems.append(
            Problem(
                Code.UNIT_UNKNOWN,
                f"责任单位“{name}”不在“单位”表中（{len(by_unit[name])} 行），未生成模板。"
                + (
                    "一行写了几个单位的，请先拆成每个单位一行"
                    "（zhenggai import 上级模板.xlsx --into 台账.xlsx --split-by 责任单位）。"
                    if several
                    else "请在“单位”表补上该单位，或改正台账中的单位名称。"
                ),
                sheet=LEDGER,
                cell=first.cell("unit"),
                value=name,
            )
        )
    if by_unit.get(""):
        rows = by_unit[""]
        problems.append(
            Problem(
                Code.REQUIRED_MISSING,
                f"{len(rows)} 行的责任单位为空（如编号“{rows[0].text('id')}”），没有放入任何模板。"
                "请在台账中填写责任单位后重新生成。",
                sheet=LEDGER,
                cell=rows[0].cell("unit"),
            )
        )
    for name in units or ():
        if name not in known and name not in by_unit:
            problems.append(
                Problem(
                    Code.UNIT_UNKNOWN,
                    f"没有单位“{name}”：“单位”表和台账中都没有，请检查名称。",
                    value=name,
                )
            )
    return problems


def _not_written(unit: str, exc: OutputError) -> Problem:
    return Problem(
        Code.FILE_NOT_WRITTEN,
        f"{unit}的模板未生成，“{RETURNS.name}”未登记该单位的下发：{exc}"
        f"关闭文件后再为该单位生成一次（命令行：zhenggai templates 台账 --unit {unit}）。",
        file=exc.path.name if exc.path else "",
        value=unit,
    )


def _deadline_passed(ledger: Ledger, batch: str, today: date) -> list[Problem]:
    """The problem of a 报送截止 that is already past on the issue day (read for *batch*)."""
    text = ledger.settings.return_deadline
    due = return_due(text, today, batch=batch)
    if due is None or due >= today:
        return []
    return [
        Problem(
            Code.RETURN_DEADLINE_PASSED,
            f"“报送截止”写的是“{text}”，对{batch}来说是{cn_date(due)}，早于今天（{cn_date(today)}）："
            "模板的填报说明和邮件会要求各单位在已经过去的日期前报送，督查通报也会把所有单位算作逾期。"
            "请在“设置”表把报送截止改为今后的日期（如“每月25日前”“下发后10日内”或具体日期），"
            "再重新生成模板。",
            sheet=SETTINGS_SHEET,
            cell=setting_cell(ledger.grid(SETTINGS_SHEET), "报送截止"),
            value=text,
        )
    ]


def discard_templates(result: TemplatesResult) -> int:
    """Delete the templates *result* wrote (their issue was not recorded); how many were."""
    removed = 0
    for t in result.issued:
        with contextlib.suppress(OSError):
            t.path.unlink()
            removed += 1
    result.issued.clear()
    return removed


def _instructions(spec: Spec, s: Settings) -> list[str]:
    editable = "、".join(f.name for f in spec.template_fields if f.editable)
    status = next((f for f in spec.template_fields if f.type is FieldType.STATUS), None)
    lines = [
        "填报说明：",
        f"1. 白色单元格由贵单位填写（{editable}）；灰色单元格是台账内容，已锁定，请勿改动。",
    ]
    if status is not None and status.editable:
        done = "、".join(spec.field(k).name for k in ("done_date", "evidence") if spec.has(k))
        lines.append(
            f"2. “{status.name}”请从下拉列表选择（{'、'.join(status.choices)}）；"
            f"选“已完成”的，必须填写{done}；日期写成 2026-11-28 的形式。"
        )
    lines.append(
        f"{len(lines)}. 请不要增删行列、不要改表头和编号、不要合并单元格；每格不超过 {s.max_text_length} 字。"
    )
    contact = "；".join(
        t
        for t in (
            f"联系人：{s.contact}" if s.contact else "",
            f"联系电话：{s.contact_phone}" if s.contact_phone else "",
        )
        if t
    )
    lines.append(
        f"{len(lines)}. 请于{s.return_deadline}将本文件（不要改文件名和格式）报送。"
        + (f"{contact}。" if contact else "")
    )
    return lines


def template_layout(
    ledger: Ledger, unit: str, rows: Sequence[Row], *, batch: str, issued: datetime
) -> tuple[TemplateLayout, TemplateMeta]:
    """The template of *unit* holding *rows*, and its signed meta (nothing is written)."""
    spec, s = ledger.spec, ledger.settings
    fields = list(spec.template_fields)
    lines = _instructions(spec, s)
    header_row = len(lines) + 3  # the title, the lines, then a blank row above the header
    values_by_row = [
        (row.text("id"), {f.key: row.values.get(f.key) for f in fields}) for row in rows
    ]
    meta = build_meta(
        ledger.meta.hmac_key,
        ledger_id=ledger.meta.ledger_id,
        unit=unit,
        batch=batch,
        issued=issued,
        spec_version=spec.version,
        sheet=TEMPLATE_SHEET,
        header_row=header_row,
        columns=[f.key for f in fields],
        headers=[f.name for f in fields],
        editable=[f.key for f in fields if f.editable],
        rows=values_by_row,
    )
    layout = TemplateLayout(
        sheet=TEMPLATE_SHEET,
        title=f"{unit}整改进展填报表（{batch}）",
        instructions=lines,
        header_row=header_row,
        fields=fields,
        rows=[values for _, values in values_by_row],
        meta_sheet=META,
        meta=meta_grid(meta),
        max_text=s.max_text_length,
        password=s.template_password,
    )
    return layout, meta
