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
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from ..core import clock
from ..core.errors import MailError, after
from ..core.ledger import Ledger
from ..core.problems import Code, Problem
from ..core.settings import Settings
from ..core.sheets import MAIL_LOG, UNITS
from ..core.text import Value
from ..io.output import write_bytes
from ..template.names import issue_folder, label
from .compose import plan_mail
from .message import Attachment, build_message, eml_bytes
from .plan import (
    SENT,
    email_cell,
)
from .result import EML_FOLDER, FAILED, Delivery, MailKind, MailResult, Outgoing
from .smtp import Outcome, SmtpConfig, SmtpSender

__all__ = ["deliver", "eml_name", "message_for", "run_mail", "write_eml"]


def eml_name(outgoing: Outgoing) -> str:
    """``<单位名称>-整改进展填报-<批次>.eml``, ``…-催报-<批次>.eml`` or ``…-学习提醒-<期间>.eml``."""
    what = {MailKind.ISSUE: "整改进展填报", MailKind.REMINDER: "催报"}.get(
        outgoing.kind, str(outgoing.kind)
    )
    return f"{label(outgoing.unit)}-{what}-{label(outgoing.batch)}.eml"


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

    Raises:
        OutputError: the first draft cannot be written.
        PartlyDoneError: a later one cannot; the message counts those written.
    """
    folder = (folder or issue_folder(ledger, result.batch) / EML_FOLDER).resolve()
    for outgoing in result.outgoing:
        path = folder / eml_name(outgoing)
        message = eml_bytes(message_for(outgoing, ledger.settings, now=now, draft=True))
        if result.eml_files:
            with after(f"已生成 {len(result.eml_files)} 封邮件（在 {folder}）"):
                write_bytes(path, message)
        else:
            write_bytes(path, message)
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
    now: Callable[[], datetime] = clock.now,
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
    now: Callable[[], datetime] = clock.now,
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
        ledger,
        batch=batch,
        reminder=reminder,
        skip_sent=send is not None,
        resend=resend,
        today=now().date(),
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
