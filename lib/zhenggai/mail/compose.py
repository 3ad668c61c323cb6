"""Deciding who gets which message: the pure core of ``zhenggai mail``.

:func:`plan_mail` reads the master (回收情况, 发送记录, 单位, the ledger's
facts on the day) and returns the messages to write or send; nothing is
written here. Reminders list each unit's overdue items as they stand on the
day the reminder is written, from the deadlines themselves (not from the 预警
column of an earlier ``zhenggai overdue``), and say as of which day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core import clock
from ..core.errors import UsageError
from ..core.ledger import Ledger
from ..core.problems import Code, Problem
from ..core.sheets import RETURNS
from ..core.text import cn_date, normalise_text
from ..facts.ledger_facts import derive
from ..study.notice import StudyReminder, study_reminders
from ..template.names import issue_folder, template_name
from .plan import (
    Issued,
    OverdueItem,
    find_attachment,
    issued_templates,
    latest_batch,
    overdue_items,
    sent_addresses,
    unit_addresses,
)
from .result import MailKind, MailResult, Outgoing

__all__ = ["plan_mail"]


def _fill(template: str, values: dict[str, str]) -> str:
    # plain replacement: an office's text may hold other braces without breaking anything
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _overdue_text(items: Sequence[OverdueItem]) -> str:
    return "\n".join(item.line(n) for n, item in enumerate(items, start=1))


def _body(template: str, values: dict[str, str], items: Sequence[OverdueItem], today: date) -> str:
    body = _fill(template, values)
    if items and "{逾期事项}" not in template:
        body += (
            f"\n\n另外，截至{cn_date(today)}，贵单位以下整改事项已超过整改时限，请抓紧推进：\n"
            + values["逾期事项"]
        )
    return body


@dataclass
class _Batch:
    """The batch a run mails about: its templates, overdue items and who gets a message."""

    name: str
    issued: dict[str, Issued]
    overdue: dict[str, list[OverdueItem]]
    units: list[str]


def plan_mail(
    ledger: Ledger,
    *,
    batch: str | None = None,
    reminder: bool = False,
    skip_sent: bool = False,
    resend: bool = False,
    today: date | None = None,
) -> MailResult:
    """Decide who gets which message for *batch*; nothing is written or sent.

    Args:
        ledger: the master, read.
        batch: the batch (default: the latest one in 回收情况).
        reminder: only units that have not returned the batch and units with
            items overdue on *today* (from their deadlines), with the reminder
            texts; plus a 学习提醒 per unit with people flagged in the latest
            学习积分 period (then no batch is needed when there is none).
        skip_sent: leave out addresses 发送记录 shows as sent for this batch and kind.
        resend: with *skip_sent*, send to them again all the same.
        today: the day overdue is judged on and the reminders speak of (default today).

    Raises:
        UsageError: no batch was given and none was issued, or (not *reminder*)
            no template of the batch exists.
    """
    today = today or clock.today()
    name = normalise_text(batch) if batch else latest_batch(ledger)
    study = study_reminders(ledger) if reminder else []
    if not name and study:  # study reminders need no batch of templates
        result = MailResult(str(study[0].period), MailKind.REMINDER)
        _plan_study(ledger, result, study, skip_sent=skip_sent, resend=resend)
        return result
    if not name:
        raise UsageError(
            "“回收情况”表中还没有下发记录：请先运行 zhenggai templates 生成模板，或用 --batch 指定批次。"
        )
    kind = MailKind.REMINDER if reminder else MailKind.ISSUE
    result = MailResult(name, kind)
    plan = _recipients(ledger, name, reminder=reminder, study=bool(study), today=today)
    sent = sent_addresses(ledger, name, kind.value) if skip_sent and not resend else {}
    for unit in plan.units:
        addresses, problem = unit_addresses(ledger, ledger.unit(unit), unit)
        if problem is not None:
            result.problems.append(problem)
            continue
        todo = [a for a in addresses if (unit, a.lower()) not in sent]
        if not todo:
            when = max(sent[(unit, a.lower())] for a in addresses)
            result.skipped.append(
                (unit, f"本批次{kind.value}邮件已于 {when} 发送，不再重发（要重发请加 --resend）")
            )
            continue
        outgoing = _message(ledger, plan, unit, tuple(todo), kind, result, today=today)
        if outgoing is not None:
            result.outgoing.append(outgoing)
    _plan_study(ledger, result, study, skip_sent=skip_sent, resend=resend)
    return result


def _recipients(ledger: Ledger, batch: str, *, reminder: bool, study: bool, today: date) -> _Batch:
    """Who gets a message of *batch*: every unit issued it, or (reminders) those not
    returned and those with overdue items, in 单位 order."""
    issued = issued_templates(ledger, batch)
    folder = issue_folder(ledger, batch)
    for u in ledger.units:  # templates on disk that 回收情况 does not list
        if u.name not in issued and (folder / template_name(u.name, batch)).is_file():
            issued[u.name] = Issued()
    overdue = overdue_items(derive(ledger, today=today)) if reminder else {}
    if reminder and not issued and not overdue and not study:
        raise UsageError(
            f"批次“{batch}”没有下发记录，也没有逾期事项，无从催报：请检查 --batch，"
            "或先运行 zhenggai templates。"
        )
    if reminder:
        names = [n for n, i in issued.items() if not i.returned]
        names += [n for n in overdue if n not in names]
    elif issued:
        names = list(issued)
    else:
        raise UsageError(
            f"没有找到批次“{batch}”的填报模板（{folder}）：请先运行 zhenggai templates，"
            "或用 --batch 指定已下发的批次。"
        )
    order = {u.name: i for i, u in enumerate(ledger.units)}
    names.sort(key=lambda n: (order.get(n, len(order)), n))
    return _Batch(batch, issued, overdue, names)


def _message(
    ledger: Ledger,
    plan: _Batch,
    unit: str,
    addresses: tuple[str, ...],
    kind: MailKind,
    result: MailResult,
    *,
    today: date,
) -> Outgoing | None:
    """The message to *unit*; None (with a problem in *result*) when its template is missing."""
    settings, batch = ledger.settings, plan.name
    attachment: Path | None = None
    issued = plan.issued.get(unit)
    if issued is not None and not issued.returned:
        attachment = find_attachment(ledger, batch, unit, issued.file)
        if attachment is None:
            wanted = issued.file or template_name(unit, batch)
            result.problems.append(
                Problem(
                    Code.MAIL_NO_ATTACHMENT,
                    f"找不到单位“{unit}”的填报模板“{wanted}”（应在 {issue_folder(ledger, batch)}）："
                    "请先运行 zhenggai templates，或把模板放回下发文件夹。",
                    sheet=RETURNS.name if issued.cell else "",
                    cell=issued.cell,
                    value=wanted,
                )
            )
            return None
    items = tuple(plan.overdue.get(unit, ()))
    values = {
        "批次": batch,
        "单位": unit,
        "截止": settings.return_deadline,
        "截至": cn_date(today),
        "逾期事项": _overdue_text(items),
    }
    if kind is MailKind.ISSUE:
        subject, body = settings.mail_subject, settings.mail_body
    elif attachment is not None:
        subject, body = settings.reminder_subject, settings.reminder_body
    else:
        subject, body = settings.reminder_subject, settings.overdue_body
    return Outgoing(
        unit=unit,
        addresses=addresses,
        batch=batch,
        kind=kind,
        subject=_fill(subject, values),
        body=_body(body, values, items, today),
        attachment=attachment,
        overdue=items,
    )


def _plan_study(
    ledger: Ledger,
    result: MailResult,
    reminders: Sequence[StudyReminder],
    *,
    skip_sent: bool,
    resend: bool,
) -> None:
    """Add one 学习提醒 message per unit with inactive or low people (latest 学习积分 period)."""
    kind = MailKind.STUDY
    for reminder in reminders:
        period = str(reminder.period)
        sent = sent_addresses(ledger, period, kind.value) if skip_sent and not resend else {}
        addresses, problem = unit_addresses(ledger, ledger.unit(reminder.unit), reminder.unit)
        if problem is not None:
            result.problems.append(problem)
            continue
        todo = [a for a in addresses if (reminder.unit, a.lower()) not in sent]
        if not todo:
            when = max(sent[(reminder.unit, a.lower())] for a in addresses)
            result.skipped.append(
                (
                    reminder.unit,
                    f"{period}学习提醒已于 {when} 发送，不再重发（要重发请加 --resend）",
                )
            )
            continue
        subject, body = reminder.message(ledger.settings)
        result.outgoing.append(
            Outgoing(reminder.unit, tuple(todo), period, kind, subject, body, attachment=None)
        )
