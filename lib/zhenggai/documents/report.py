"""Draft the rectification report (整改情况报告) from the ledger.

The draft follows the structure of a real report: 主送机关; an opening
paragraph naming the notice; 一、 how the work was organised; 二、 the
statistics sentence and one （一）（二）… block per category with its
findings (存在问题) and measures (整改情况：一是…二是…); 三、 next steps with
the 长期坚持 items and the 回头看 plan; 落款 and 成文日期.

The wording lives in a Jinja2 template (``wording/report.j2`` or the
office's copy, see :mod:`zhenggai.documents.wording`); the title, 主送机关, 落款 and
成文日期 come from the 设置 sheet. The counting rules are in
:mod:`zhenggai.documents.measures`. :func:`draft_report` is pure: it returns the
:class:`~zhenggai.documents.document.Document` and the 报告草稿 sheet as a ChangeSet;
the caller applies the ChangeSet and may write the document with
:func:`zhenggai.documents.gongwen.write_docx`.

Example:
    >>> result = draft_report(read_ledger("示例台账.xlsx"), today=date(2026, 11, 28))  # doctest: +SKIP
    >>> result.stats.rate_text                                                       # doctest: +SKIP
    '21.43%'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..core.changes import ChangeSet, SheetTable
from ..core.errors import EmptyLedgerError
from ..core.ledger import Ledger
from ..core.problems import Code, Problem, cell_name
from ..core.settings import SETTINGS_SHEET, Settings
from ..core.sheets import LEDGER, REPORT
from ..core.text import cn_date, normalise_text
from .document import Document, ParaKind
from .measures import DONE, ONGOING, Category, Measure, MeasureStats, group_ledger, measure_stats
from .wording import Wording, configured_template, flatten, render_paragraphs

__all__ = ["ReportResult", "draft_report", "report_sheet", "report_template"]

REPORT_TEMPLATE = "report.j2"
_SHEET_WIDTH = 110  # Excel character units: about 55 Chinese characters per line
_FULL_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


@dataclass
class ReportResult:
    """A drafted report.

    Attributes:
        document: the draft, paragraph by paragraph (title, 主送机关, body, 落款, 成文日期).
        stats: the numbers of the statistics sentence.
        categories: the ledger grouped as the report reads it.
        problems: rows left out, unknown statuses, missing 设置 values.
        changes: the 报告草稿 sheet, rewritten.
        template: the template used ("内置模板 report.j2" or a file path).
    """

    document: Document
    stats: MeasureStats
    categories: list[Category]
    problems: list[Problem] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)
    template: str = ""


def report_template(ledger: Ledger) -> Wording:
    """The template to use: 设置“报告模板” (relative to the master's folder) or the built-in one.

    Raises:
        TemplateError: 设置 names a file that does not exist.
    """
    return configured_template(
        ledger.folder,
        ledger.settings.report_template,
        builtin=REPORT_TEMPLATE,
        origin="设置“报告模板”",
    )


def _setting_cell(ledger: Ledger, name: str) -> str:
    for r, row in enumerate(ledger.grid(SETTINGS_SHEET), start=1):
        if row and row[0] is not None and normalise_text(str(row[0])) == name:
            return cell_name(r, 2)
    return ""


def _setting_problems(ledger: Ledger) -> list[Problem]:
    missing = {
        "主送机关": (ledger.settings.recipient, "报告开头将没有主送机关"),
        "通知名称": (ledger.settings.notice, "开头一段将写作“督查反馈意见”"),
        "落款": (ledger.settings.issuer, "报告末尾将没有署名"),
    }
    return [
        Problem(
            Code.REPORT_SETTING_MISSING,
            f"“设置”表的“{name}”没有填写，{effect}。请填写后重新生成。",
            sheet=SETTINGS_SHEET,
            cell=_setting_cell(ledger, name),
        )
        for name, (value, effect) in missing.items()
        if not value.strip()
    ]


def _report_date(ledger: Ledger, today: date) -> tuple[str, list[Problem]]:
    written = ledger.settings.report_date.strip()
    if not written:
        return cn_date(today), []
    text = cn_date(written)
    if _FULL_DATE.fullmatch(text):
        return text, []
    problem = Problem(
        Code.SETTING_INVALID,
        "“成文日期”应写成 2026年11月28日 这样的年月日（阿拉伯数字，不编虚位），已按原样写入报告。",
        sheet=SETTINGS_SHEET,
        cell=_setting_cell(ledger, "成文日期"),
        value=written,
    )
    return text, [problem]


def _review_due(measures: list[Measure], today: date, days: int) -> list[Measure]:
    return [
        m
        for m in measures
        if m.status == DONE and m.done_date is not None and (today - m.done_date).days >= days
    ]


def report_context(
    settings: Settings,
    categories: list[Category],
    stats: MeasureStats,
    *,
    today: date,
    date_text: str,
) -> dict[str, Any]:
    """The variables a report template sees (documented in the README)."""
    measures = [m for c in categories for m in c.measures]
    return {
        "title": flatten(settings.report_title),
        "recipient": flatten(settings.recipient).rstrip("：:"),
        "notice": flatten(settings.notice),
        "issuer": flatten(settings.issuer),
        "date": date_text,
        "today": today,
        "stats": stats,
        "categories": categories,
        "measures": measures,
        "ongoing": [m for m in measures if m.status == ONGOING],
        "review_due": _review_due(measures, today, settings.review_after_days),
        "review_after_days": settings.review_after_days,
    }


def report_sheet(document: Document) -> SheetTable:
    """The 报告草稿 sheet: the title on top, then one paragraph per row in a wide wrapped column."""
    return SheetTable(
        name=REPORT.name,
        header=[],
        rows=[[p.text] for p in document.paras],
        widths={1: _SHEET_WIDTH},
        wrap={1},
        title=document.title,
    )


def draft_report(
    ledger: Ledger, *, today: date | None = None, wording: Wording | None = None
) -> ReportResult:
    """Draft the report from *ledger*.

    Args:
        ledger: the master, parsed.
        today: the drafting day: 成文日期 when 设置 leaves it blank, and the
            day the 回头看 intervals are counted to (default: today).
        wording: the template (default: :func:`report_template`).

    Raises:
        EmptyLedgerError: the 台账 holds no usable rows.
        TemplateError: the template cannot be read or rendered.
    """
    today = today or date.today()
    wording = wording or report_template(ledger)
    names = {f.key: f.name for f in ledger.spec}
    categories, problems = group_ledger(ledger.table, names=names)
    stats = measure_stats(categories)
    if not stats.measures:
        skipped = f"（{len(ledger.table)} 行缺少必填内容，见问题清单）" if len(ledger.table) else ""
        raise EmptyLedgerError(
            f"“{LEDGER}”表中还没有可写进报告的整改措施{skipped}，无法起草报告。"
            "请先录入问题类别、存在问题和整改措施。",
            problems=problems,
        )
    problems += _setting_problems(ledger)
    date_text, date_problems = _report_date(ledger, today)
    problems += date_problems
    context = report_context(ledger.settings, categories, stats, today=today, date_text=date_text)

    document = Document(context["title"])
    if context["recipient"]:
        document.add(ParaKind.RECIPIENT, f"{context['recipient']}：")
    document.paras += render_paragraphs(wording, context)
    if context["issuer"]:
        document.add(ParaKind.SIGNATURE, context["issuer"])
    document.add(ParaKind.DATE, date_text)

    changes = ChangeSet()
    changes.table(report_sheet(document))
    return ReportResult(document, stats, categories, problems, changes, wording.name)
