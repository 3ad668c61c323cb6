"""Draft the rectification report (整改情况报告) from the ledger.

The draft follows the structure of a real report: 主送机关; an opening
paragraph naming the notice; 一、 how the work was organised; 二、 the
statistics sentence and one （一）（二）… block per category with its
findings (存在问题) and measures (整改情况：一是…二是…); 三、 next steps with
the 长期坚持 items and the 回头看 plan; 落款 and 成文日期.

The wording lives in a Jinja2 template (``wording/report.j2`` or the
office's copy, see :mod:`zhenggai.documents.wording`); the title, 主送机关, 落款 and
成文日期 come from the 设置 sheet. The counting rules are in
:mod:`zhenggai.facts.measures`. :func:`draft_report` is pure: it returns the
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

from ..core import clock
from ..core.changes import ChangeSet, SheetTable
from ..core.errors import EmptyLedgerError
from ..core.ledger import Ledger
from ..core.problems import Code, Problem
from ..core.settings import SETTINGS_SHEET, Settings
from ..core.sheets import LEDGER, REPORT
from ..core.text import cn_date, flatten, split_list
from ..facts.ledger_facts import LedgerFacts, derive
from ..facts.measures import DONE, ONGOING, Category, Measure, UnitProgress
from .document import Document, ParaKind
from .figures import Figures, late_groups, late_lines
from .outcomes import measure_sentences
from .parts import Parts, attach_parts, drafted_at, placeholder_problems, setting_cell
from .phrases import named_rules, short_name
from .wording import Wording, configured_template, render_paragraphs

__all__ = ["ReportResult", "draft_report", "report_context", "report_sheet", "report_template"]

REPORT_TEMPLATE = "report.j2"
_SHEET_WIDTH = 110  # Excel character units: about 55 Chinese characters per line
_FULL_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
# settings a report writes: checked for placeholders (××) before it is written
REPORT_SETTINGS = (
    "报告标题",
    "主送机关",
    "通知名称",
    "落款",
    "发文机关标志",
    "发文字号",
    "签发人",
    "抄送",
    "印发机关",
    "报告附件",
    "文档作者",
)


@dataclass
class ReportResult:
    """A drafted report.

    Attributes:
        document: the draft, paragraph by paragraph (title, 主送机关, body, 落款, 成文日期).
        stats: every figure of the draft, under its counting rule (设置 统计口径).
        categories: the ledger grouped as the report reads it.
        problems: rows left out, unknown statuses, missing 设置 values, placeholders.
        changes: the 报告草稿 sheet, rewritten.
        template: the template used ("内置模板 report.j2" or a file path).
    """

    document: Document
    stats: Figures
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
            cell=setting_cell(ledger, name),
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
        cell=setting_cell(ledger, "成文日期"),
        value=written,
    )
    return text, [problem]


def _done_entries(measures: list[Measure], *, by_measure: bool) -> list[list[UnitProgress]]:
    """The done entries under the counting rule: a done measure's rows, or one done row."""
    if by_measure:
        return [list(m.rows) for m in measures if m.status == DONE]
    return [[r] for m in measures for r in m.rows if r.status == DONE]


def _next_steps(
    measures: list[Measure], settings: Settings, *, today: date, by_measure: bool
) -> dict[str, Any]:
    """What 三、 can say from the ledger and the settings, before any generic phrase.

    All counts are under the document's rule (*by_measure*).
    """
    done = _done_entries(measures, by_measure=by_measure)
    days = settings.review_after_days
    finished = [max((r.done_date for r in rows if r.done_date), default=None) for rows in done]
    # the evidence names are the ledger's, whatever the rule: any row done with evidence
    evidence = [
        name
        for m in measures
        for r in m.rows
        if r.status == DONE
        for name in split_list(r.evidence)
        if name not in ("无", "暂无")
    ]
    texts = [m.text for m in measures] + [r.progress for m in measures for r in m.rows]
    return {
        "review_due_count": sum(1 for d in finished if d is not None and (today - d).days >= days),
        "evidence": list(dict.fromkeys(evidence))[:3],
        "missing_evidence": sum(1 for rows in done if any(not r.evidence for r in rows)),
        "rules": named_rules([*texts, *evidence]),
        "archives": any("电子档案" in t for t in texts),
        "monthly": settings.return_deadline.strip()
        if settings.return_deadline.strip().startswith("每月")
        else "",
    }


def report_context(
    settings: Settings,
    facts: LedgerFacts,
    *,
    today: date,
    date_text: str,
) -> dict[str, Any]:
    """The variables a report template sees (documented in the README).

    ``evidence_files`` maps a measure's ``ids`` to its archived files (设置 报告列出佐证材料 是;
    empty otherwise).
    """
    categories = list(facts.categories)
    measures = [m for c in categories for m in c.measures]
    listed = facts.evidence.files if settings.report_evidence == "是" else {}
    files = {
        m.ids: list(dict.fromkeys(f for i in m.ids for f in listed.get(i, ()))) for m in measures
    }
    stats = Figures.of(facts.counts)
    ongoing = [m for m in measures if m.status == ONGOING]
    late = late_lines(facts.counts.late)
    return {
        "title": flatten(settings.report_title),
        "recipient": flatten(settings.recipient).rstrip("：:"),
        "notice": flatten(settings.notice),
        "issuer": flatten(settings.issuer),
        "date": date_text,
        "today": today,
        "stats": stats,
        "categories": categories,
        "sentences": {c.number: measure_sentences(c.measures, today=today) for c in categories},
        "measures": measures,
        "ongoing": ongoing,
        "ongoing_names": [short_name(m.text) for m in ongoing],
        "late": late,
        "late_groups": late_groups(late),
        "late_units": list(dict.fromkeys(u for line in late for u in line.unit_names)),
        "review_due": _review_due(measures, today, settings.review_after_days),
        "review_after_days": settings.review_after_days,
        **_next_steps(measures, settings, today=today, by_measure=stats.by_measure),
        "evidence_files": {ids: names for ids, names in files.items() if names},
    }


def _review_due(measures: list[Measure], today: date, days: int) -> list[Measure]:
    return [
        m
        for m in measures
        if m.status == DONE and m.done_date is not None and (today - m.done_date).days >= days
    ]


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
    now = clock.now()
    today = today or now.date()
    wording = wording or report_template(ledger)
    facts = derive(ledger, today=today)
    categories, problems = list(facts.categories), list(facts.grouping)
    if not categories:
        skipped = f"（{len(ledger.table)} 行缺少必填内容，见问题清单）" if len(ledger.table) else ""
        raise EmptyLedgerError(
            f"“{LEDGER}”表中还没有可写进报告的整改措施{skipped}，无法起草报告。"
            "请先录入问题类别、存在问题和整改措施。",
            problems=problems,
        )
    problems += _setting_problems(ledger)
    date_text, date_problems = _report_date(ledger, today)
    problems += date_problems
    problems += placeholder_problems(ledger, REPORT_SETTINGS)
    context = report_context(ledger.settings, facts, today=today, date_text=date_text)

    document = Document(context["title"])
    if context["recipient"]:
        document.add(ParaKind.RECIPIENT, f"{context['recipient']}：")
    document.paras += render_paragraphs(wording, context)
    if context["issuer"]:
        document.add(ParaKind.SIGNATURE, context["issuer"])
    document.add(ParaKind.DATE, date_text)
    attach_parts(document, _parts(ledger.settings), date_text=date_text, now=drafted_at(now, today))

    changes = ChangeSet()
    changes.table(report_sheet(document))
    return ReportResult(document, context["stats"], categories, problems, changes, wording.name)


def _parts(settings: Settings) -> Parts:
    return Parts(
        mark=settings.org_mark,
        number=settings.doc_number,
        signers=settings.signer,
        cc=settings.report_cc,
        printer=settings.printer,
        printed=settings.print_date,
        attachments=settings.report_attachments,
        author=settings.author or settings.issuer,
        subject=settings.notice,
    )
