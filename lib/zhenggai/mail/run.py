"""``zhenggai mail``: the units' templates and reminders, as .eml drafts or sent by SMTP.

:func:`plan_mail` decides, per unit, the addresses, the subject and body
(from 设置), the attachment and the overdue items to list; it writes nothing.
:func:`write_eml` saves the messages as ``.eml`` drafts; :func:`deliver`
sends them and turns every attempt into a 发送记录 row of the result's
:class:`~zhenggai.core.changes.ChangeSet`. :func:`run_mail` is the whole command,
for the CLI and the add-in alike.

The attachment: the 回收情况 row of the unit and batch names the file issued
(下发文件, relative to ``<下发文件夹>/<批次>/``); when that is missing the file
is found by the naming convention of ``zhenggai templates``,
``<单位名称>-整改进展填报-<批次>.xlsx``.

Reminders (``reminder=True``) also carry the study reminders of
:func:`zhenggai.study.notice.study_reminders`: one message per unit listing
its inactive and low people of the latest 学习积分 period, kind 学习提醒,
logged in 发送记录 under that period so a second run does not resend them.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from enum import StrEnum
from pathlib import Path

from ..core.changes import ChangeSet
from ..core.errors import MailError, UsageError
from ..core.ledger import Ledger
from ..core.problems import Code, Problem
from ..core.settings import Settings
from ..core.sheets import MAIL_LOG, RETURNS, UNITS
from ..core.text import Value, normalise_text
from ..study.notice import StudyReminder, study_reminders
from ..template.names import issue_folder, safe_name, template_name
from .message import Attachment, build_message, eml_bytes
from .plan import (
    SENT,
    Issued,
    OverdueItem,
    email_cell,
    find_attachment,
    issued_templates,
    latest_batch,
    overdue_items,
    sent_addresses,
    unit_addresses,
)
from .smtp import Outcome, SmtpConfig, SmtpSender

__all__ = [
    "EML_FOLDER",
    "FAILED",
    "SENT",
    "Delivery",
    "MailKind",
    "MailResult",
    "Outgoing",
    "deliver",
    "eml_name",
    "message_for",
    "plan_mail",
    "run_mail",
    "write_eml",
]

FAILED = "失败"
EML_FOLDER = "邮件"


class MailKind(StrEnum):
    """What a message is; the value is the 类型 written in 发送记录."""

    ISSUE = "下发"
    REMINDER = "催报"
    STUDY = "学习提醒"  # study-activity reminders (学习积分), sent with the reminders


@dataclass(frozen=True)
class Outgoing:
    """One message to one unit.

    Attributes:
        unit: 单位名称.
        addresses: where it goes (already-sent addresses left out unless resending).
        subject / body: the text, placeholders filled.
        attachment: the unit's template, or None (an overdue-only reminder).
        overdue: the overdue items listed in the body.
    """

    unit: str
    addresses: tuple[str, ...]
    batch: str
    kind: MailKind
    subject: str
    body: str
    attachment: Path | None
    overdue: tuple[OverdueItem, ...] = ()


@dataclass(frozen=True)
class Delivery:
    """The outcome of sending one message to one address (a 发送记录 row)."""

    time: datetime
    unit: str
    address: str
    result: str
    error: str = ""
    message_id: str = ""


@dataclass
class MailResult:
    """What ``zhenggai mail`` did or is about to do.

    Attributes:
        batch / kind: the batch and the kind of message.
        outgoing: the messages planned.
        skipped: (unit, reason) for units left out on purpose (already sent).
        problems: units without a usable address or template, refused recipients.
        deliveries: one per address attempted (``--send``).
        eml_files: the ``.eml`` files written.
        changes: the 发送记录 rows to append to the master.
    """

    batch: str
    kind: MailKind
    outgoing: list[Outgoing] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    eml_files: list[Path] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)

    def to_dict(self) -> dict[str, object]:
        """The ``--json`` object."""
        return {
            "batch": self.batch,
            "kind": str(self.kind),
            "messages": [
                {
                    "unit": o.unit,
                    "kind": str(o.kind),
                    "to": list(o.addresses),
                    "subject": o.subject,
                    "attachment": str(o.attachment) if o.attachment else None,
                    "overdue": [i.id for i in o.overdue],
                }
                for o in self.outgoing
            ],
            "eml_files": [str(p) for p in self.eml_files],
            "deliveries": [
                {
                    "time": d.time.isoformat(sep=" ", timespec="seconds"),
                    "unit": d.unit,
                    "address": d.address,
                    "result": d.result,
                    "error": d.error,
                    "message_id": d.message_id,
                }
                for d in self.deliveries
            ],
            "skipped": [{"unit": u, "reason": r} for u, r in self.skipped],
            "problems": [p.to_dict() for p in self.problems],
        }


def _fill(template: str, values: dict[str, str]) -> str:
    # plain replacement: an office's text may hold other braces without breaking anything
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _overdue_text(items: Sequence[OverdueItem]) -> str:
    return "\n".join(item.line(n) for n, item in enumerate(items, start=1))


def _body(template: str, values: dict[str, str], items: Sequence[OverdueItem]) -> str:
    body = _fill(template, values)
    if items and "{逾期事项}" not in template:
        body += "\n\n另外，贵单位以下整改事项已超过整改时限，请抓紧推进：\n" + values["逾期事项"]
    return body


def plan_mail(
    ledger: Ledger,
    *,
    batch: str | None = None,
    reminder: bool = False,
    skip_sent: bool = False,
    resend: bool = False,
) -> MailResult:
    """Decide who gets which message for *batch*; nothing is written or sent.

    Args:
        ledger: the master, read.
        batch: the batch (default: the latest one in 回收情况).
        reminder: only units that have not returned the batch and units with
            overdue items (台账 预警 "已逾期…"), with the reminder texts; plus a
            学习提醒 per unit with people flagged in the latest 学习积分 period
            (then no batch is needed when there is none).
        skip_sent: leave out addresses 发送记录 shows as sent for this batch and kind.
        resend: with *skip_sent*, send to them again all the same.

    Raises:
        UsageError: no batch was given and none was issued, or (not *reminder*)
            no template of the batch exists.
    """
    settings = ledger.settings
    batch = normalise_text(batch) if batch else latest_batch(ledger)
    study = study_reminders(ledger) if reminder else []
    if not batch and study:  # study reminders need no batch of templates
        result = MailResult(str(study[0].period), MailKind.REMINDER)
        _plan_study(ledger, result, study, skip_sent=skip_sent, resend=resend)
        return result
    if not batch:
        raise UsageError(
            "“回收情况”表中还没有下发记录：请先运行 zhenggai templates 生成模板，或用 --batch 指定批次。"
        )
    kind = MailKind.REMINDER if reminder else MailKind.ISSUE
    result = MailResult(batch, kind)
    issued = issued_templates(ledger, batch)
    folder = issue_folder(ledger, batch)
    for u in ledger.units:  # templates on disk that 回收情况 does not list
        if u.name not in issued and (folder / template_name(u.name, batch)).is_file():
            issued[u.name] = Issued()
    overdue = overdue_items(ledger) if reminder else {}
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
    sent = sent_addresses(ledger, batch, kind.value) if skip_sent and not resend else {}

    for name in names:
        addresses, problem = unit_addresses(ledger, ledger.unit(name), name)
        if problem is not None:
            result.problems.append(problem)
            continue
        todo = [a for a in addresses if (name, a.lower()) not in sent]
        if not todo:
            when = max(sent[(name, a.lower())] for a in addresses)
            result.skipped.append(
                (name, f"本批次{kind.value}邮件已于 {when} 发送，不再重发（要重发请加 --resend）")
            )
            continue
        attachment: Path | None = None
        if name in issued and not issued[name].returned:
            attachment = find_attachment(ledger, batch, name, issued[name].file)
            if attachment is None:
                cell = issued[name].cell
                wanted = issued[name].file or template_name(name, batch)
                result.problems.append(
                    Problem(
                        Code.MAIL_NO_ATTACHMENT,
                        f"找不到单位“{name}”的填报模板“{wanted}”（应在 {folder}）：请先运行 "
                        "zhenggai templates，或把模板放回下发文件夹。",
                        sheet=RETURNS.name if cell else "",
                        cell=cell,
                        value=wanted,
                    )
                )
                continue
        items = tuple(overdue.get(name, ()))
        values = {
            "批次": batch,
            "单位": name,
            "截止": settings.return_deadline,
            "逾期事项": _overdue_text(items),
        }
        if not reminder:
            subject, body = settings.mail_subject, settings.mail_body
        elif attachment is not None:
            subject, body = settings.reminder_subject, settings.reminder_body
        else:
            subject, body = settings.reminder_subject, settings.overdue_body
        result.outgoing.append(
            Outgoing(
                unit=name,
                addresses=tuple(todo),
                batch=batch,
                kind=kind,
                subject=_fill(subject, values),
                body=_body(body, values, items),
                attachment=attachment,
                overdue=items,
            )
        )
    _plan_study(ledger, result, study, skip_sent=skip_sent, resend=resend)
    return result


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


def eml_name(outgoing: Outgoing) -> str:
    """``<单位名称>-整改进展填报-<批次>.eml``, ``…-催报-<批次>.eml`` or ``…-学习提醒-<期间>.eml``."""
    what = {MailKind.ISSUE: "整改进展填报", MailKind.REMINDER: "催报"}.get(
        outgoing.kind, str(outgoing.kind)
    )
    return f"{safe_name(outgoing.unit)}-{what}-{safe_name(outgoing.batch)}.eml"


def message_for(
    outgoing: Outgoing,
    settings: Settings,
    *,
    config: SmtpConfig | None = None,
    now: datetime | None = None,
    draft: bool = False,
) -> EmailMessage:
    """The email of *outgoing*.

    From: *config*'s sender when sending, else 设置 发件人地址 (or SMTP用户)
    and 发件人名称; a draft without either has no From (the mail program fills it).
    """
    sender = config.sender if config else (settings.sender or settings.smtp_user).strip()
    return build_message(
        subject=outgoing.subject,
        body=outgoing.body,
        to=[(outgoing.unit, a) for a in outgoing.addresses],
        sender=sender,
        sender_name=config.sender_name if config else settings.sender_name,
        attachments=[Attachment.from_path(outgoing.attachment)] if outgoing.attachment else [],
        now=now,
        draft=draft,
    )


def write_eml(
    result: MailResult,
    ledger: Ledger,
    *,
    folder: Path | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """Save every planned message as an ``.eml`` draft (``X-Unsent: 1``) and return the paths.

    Default folder: ``<下发文件夹>/<批次>/邮件/``. Files of an earlier run with
    the same names are replaced.
    """
    folder = (folder or issue_folder(ledger, result.batch) / EML_FOLDER).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    for outgoing in result.outgoing:
        path = folder / eml_name(outgoing)
        path.write_bytes(eml_bytes(message_for(outgoing, ledger.settings, now=now, draft=True)))
        result.eml_files.append(path)
    return result.eml_files


def _log_row(d: Delivery, outgoing: Outgoing) -> list[Value]:
    name = outgoing.attachment.name if outgoing.attachment else ""
    return [
        d.time,
        outgoing.batch,
        outgoing.kind.value,
        d.unit,
        d.address,
        name,
        d.result,
        d.error,
        d.message_id,
    ]


def deliver(
    result: MailResult,
    ledger: Ledger,
    config: SmtpConfig,
    *,
    password: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
    now: Callable[[], datetime] = datetime.now,
    progress: Callable[[Outgoing], None] | None = None,
) -> MailResult:
    """Send every planned message; record each address's outcome in ``result.changes``.

    One refused recipient or rejected message never stops the others: it
    becomes a 失败 row and a ``mail-refused`` problem. When the server cannot
    be used at all before anything was sent, :class:`MailError` is raised and
    nothing is recorded (nothing was sent); once something was sent, the
    remaining messages are recorded as failed instead, so what was sent is
    never lost from 发送记录.

    Args:
        password: for ``config.user``; never stored.
        ssl_context: TLS settings (default: the system's certificate store).
        now: the clock for the 时间 column.
        progress: called before each message (the CLI's progress bar, the add-in's status bar).
    """
    if not result.outgoing:
        return result
    sender: SmtpSender | None = None
    fatal = ""
    try:
        sender = SmtpSender(config, password=password, ssl_context=ssl_context)
        sender.connect()
        for outgoing in result.outgoing:
            if progress is not None:
                progress(outgoing)
            msg = message_for(outgoing, ledger.settings, config=config, now=now())
            message_id = str(msg["Message-ID"])
            if fatal:
                outcomes = [Outcome(a, False, fatal) for a in outgoing.addresses]
            else:
                try:
                    outcomes = sender.send(outgoing.addresses, eml_bytes(msg))
                except MailError as exc:
                    if not any(d.result == SENT for d in result.deliveries):
                        raise
                    fatal = f"未发送：{exc}"
                    outcomes = [Outcome(a, False, fatal) for a in outgoing.addresses]
            _record(result, ledger, outgoing, outcomes, now(), message_id)
    finally:
        if sender is not None:
            sender.close()
    return result


def _record(
    result: MailResult,
    ledger: Ledger,
    outgoing: Outgoing,
    outcomes: Sequence[Outcome],
    when: datetime,
    message_id: str,
) -> None:
    when = when.replace(microsecond=0)
    for o in outcomes:
        d = Delivery(when, outgoing.unit, o.address, SENT if o.ok else FAILED, o.error, message_id)
        result.deliveries.append(d)
        result.changes.append(MAIL_LOG.name, [_log_row(d, outgoing)])
        if not o.ok:
            result.problems.append(
                Problem(
                    Code.MAIL_REFUSED,
                    f"发给单位“{outgoing.unit}”（{o.address}）失败：{o.error}。请核对邮箱或稍后重新运行，"
                    "已发送成功的不会重发。",
                    sheet=UNITS.name,
                    cell=email_cell(ledger, ledger.unit(outgoing.unit)),
                    value=o.address,
                )
            )


def run_mail(
    ledger: Ledger,
    *,
    batch: str | None = None,
    reminder: bool = False,
    send: SmtpConfig | None = None,
    password: str | None = None,
    resend: bool = False,
    eml_folder: Path | None = None,
    ssl_context: ssl.SSLContext | None = None,
    now: Callable[[], datetime] = datetime.now,
    progress: Callable[[Outgoing], None] | None = None,
) -> MailResult:
    """The whole ``zhenggai mail`` command: plan, then write .eml drafts or send.

    Without *send*, the drafts go to *eml_folder* (default
    ``<下发文件夹>/<批次>/邮件/``) and ``changes`` stays empty. With *send*,
    addresses already sent this batch are left out unless *resend*, and
    ``changes`` holds the 发送记录 rows for the caller to apply to the master.

    Raises:
        UsageError: no batch, no templates, or the SMTP settings are incomplete.
        MailError: the server cannot be used (see :func:`deliver`).
    """
    result = plan_mail(
        ledger, batch=batch, reminder=reminder, skip_sent=send is not None, resend=resend
    )
    if send is None:
        write_eml(result, ledger, folder=eml_folder, now=now())
    else:
        deliver(
            result,
            ledger,
            send,
            password=password,
            ssl_context=ssl_context,
            now=now,
            progress=progress,
        )
    return result
