"""``zhenggai collect``: the batch's replies from the mailbox into 回收/ and 电子档案/.

:func:`collect_mail` reads the headers of the folder's messages since the
batch was issued, skips those 收件记录 already holds (by Message-ID), takes
the messages of units (by 单位 邮箱) that belong to the batch
(:mod:`zhenggai.collect.match`), saves their attachments
(:mod:`zhenggai.collect.files`) and returns the 收件记录 rows and the
refreshed 佐证材料 sheet as the result's ``changes``. The mailbox is never
changed. Messages from addresses no unit has are listed when they are about
a batch (their subject names one or a unit, or they answer our mail) and
counted otherwise; they are not recorded, so a later run takes them once
the address is added to 单位.

The caller applies ``changes`` under the master's lock (the CLI with
:func:`zhenggai.io.master.update_master`, the add-in to the open book);
files are saved during the run, before that, so a run that cannot write the
master leaves files a later run recognises by their bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol

from ..core import clock
from ..core.errors import UsageError
from ..core.ledger import Ledger, records
from ..core.logs import LogSheet, Record
from ..core.problems import Code, Problem
from ..core.sheets import MAIL_IN
from ..core.text import cell_text, normalise_text
from ..evidence.index import index_changes
from ..mail.imap import MAX_MESSAGE, Envelope
from ..mail.incoming import Headers, Incoming, parse_headers, parse_message
from ..mail.plan import latest_batch
from .files import Identity, Piece, Placement, pieces_of
from .match import Batches, Senders, batch_in_subject, batches_of, senders_of
from .result import CollectResult, Kind, Listed, Outcome, Saved

__all__ = ["Inbox", "collect_mail", "collected_ids"]

Progress = Callable[[int, int, str], None]


class Inbox(Protocol):
    """The mailbox folder being read (:class:`zhenggai.mail.imap.ImapInbox`)."""

    @property
    def where(self) -> str: ...

    def uids(self, *, since: date | None = None) -> list[str]: ...

    def envelopes(self, uids: Sequence[str]) -> list[Envelope]: ...

    def fetch(self, uid: str) -> bytes: ...


def collected_ids(ledger: Ledger) -> set[str]:
    """Message-IDs 收件记录 already holds."""
    rows = records(ledger.grid(MAIL_IN.name), MAIL_IN)
    return {cell_text(r.get("邮件编号")) for r in rows} - {""}


def _who(h: Headers) -> str:
    return f"{h.sender_name} <{h.sender}>" if h.sender_name else h.sender


def _listed(h: Headers, reason: str, attachments: Sequence[str] = ()) -> Listed:
    return Listed(h.message_id, _who(h), h.subject, h.sent, reason, tuple(attachments))


class _Run:
    """One collection: the master's view of senders and batches, and what was found."""

    def __init__(self, ledger: Ledger, result: CollectResult, placement: Placement) -> None:
        self.ledger = ledger
        self.result = result
        self.placement = placement
        self.senders: Senders = senders_of(ledger)
        self.batches: Batches = batches_of(ledger, also=result.batch)
        self.unit_names = [u.name for u in ledger.units]
        self.rows: list[Record] = []
        self.now = clock.now().replace(microsecond=0)

    def about_a_batch(self, h: Headers) -> bool:
        """A message from an unknown address that concerns the collection."""
        if self.batches.by_reply(h.refers_to) or batch_in_subject(h.subject, self.batches.names):
            return True
        return any(name and name in h.subject for name in self.unit_names)

    def unknown(self, h: Headers) -> None:
        self.result.unknown.append(_listed(h, "发件地址不在“单位”表中"))
        self.result.problems.append(
            Problem(
                Code.MAIL_UNKNOWN_SENDER,
                f"{_who(h)} 的邮件“{h.subject}”：发件地址不在“单位”表中，没有收取（不猜是哪个单位）。"
                "如是某单位的新邮箱，请把它加到该单位的“邮箱”（可写几个，用分号隔开）后重新运行。",
                sheet="单位",
                value=h.sender,
            )
        )

    def record(self, h: Headers, saved: Saved) -> None:
        """Keep *saved* for the result and as a 收件记录 row."""
        self.result.files.append(saved)
        self.rows.append(
            {
                "收取时间": self.now,
                "邮件时间": h.sent,
                "发件人": _who(h),
                "单位名称": saved.unit,
                "批次": saved.batch,
                "主题": h.subject,
                "邮件编号": h.message_id,
                "附件": saved.name,
                "保存位置": saved.path,
                "SHA256": saved.sha256,
                "结果": str(saved.outcome),
                "说明": saved.note,
            }
        )

    def batch_of(self, h: Headers, pieces: Sequence[Piece]) -> tuple[str | None, str]:
        """The message's batch and how it is known (see :mod:`zhenggai.collect.match`)."""
        signed = [p.identity for p in pieces if p.identity is not None and p.identity.signed]
        batches = list(dict.fromkeys(i.batch for i in signed))
        if batches:
            batch = self.result.batch if self.result.batch in batches else batches[0]
            return batch, "附件模板的签名信息"
        reply = self.batches.by_reply(h.refers_to)
        if reply is not None:
            return reply[0], "回复的是下发邮件"
        named = batch_in_subject(h.subject, self.batches.names)
        return named, "邮件主题" if named else ""

    def unit_of(self, units: tuple[str, ...], pieces: Sequence[Piece]) -> str | None:
        """The sender's unit; for an address units share, the one a signed template names."""
        if len(units) == 1:
            return units[0]
        signed = {p.identity.unit for p in pieces if p.identity is not None and p.identity.signed}
        mine = [u for u in units if u in signed]
        return mine[0] if len(mine) == 1 else None

    def message(self, h: Headers, units: tuple[str, ...], msg: Incoming) -> None:
        """File one unit's message under its batch, or list it (no batch, another, shared address)."""
        attached = enumerate(msg.attachments, start=1)
        pieces = [p for n, a in attached for p in pieces_of(a, self.ledger, number=n)]
        names = [p.name for p in pieces]
        batch, how = self.batch_of(h, pieces)
        target = self.result.batch
        if batch is None:
            reason = (
                "邮件主题和附件都没有写明批次，没有收取：请单位直接回复下发邮件，或在主题中写明批次"
                f"（如“{target}”）；也可以在邮件程序中手工保存附件。"
            )
            self.unfiled(h, names, reason, Code.MAIL_NO_BATCH)
            return
        if batch != target:
            reason = (
                f"属于批次“{batch}”（据{how}），本次收取的是“{target}”："
                f"要收取请运行 zhenggai collect 台账.xlsx --batch {batch}"
            )
            self.unfiled(h, names, reason)
            return
        unit = self.unit_of(units, pieces)
        if unit is None:
            reason = (
                f"发件地址是{'、'.join(units)}共用的邮箱，附件中没有能说明是哪个单位的模板，没有收取："
                "请在“单位”表中给各单位填写各自的邮箱，或请对方用下发的模板报送。"
            )
            self.unfiled(h, names, reason, Code.MAIL_SHARED_ADDRESS)
            return
        for piece in pieces:
            self.save(h, unit, batch, piece)
        if not pieces:
            images = (
                f"正文中有 {msg.body_images} 张图片（不是附件，未保存）" if msg.body_images else ""
            )
            note = "；".join(filter(None, [f"批次据{how}", msg.broken or images]))
            self.record(
                h,
                Saved(
                    h.message_id,
                    _who(h),
                    unit,
                    batch,
                    h.subject,
                    h.sent,
                    "",
                    Kind.NONE,
                    "",
                    "",
                    Outcome.NOTHING,
                    note,
                ),
            )

    def unfiled(
        self, h: Headers, names: Sequence[str], reason: str, code: Code | None = None
    ) -> None:
        """Leave the message in the mailbox, listed with *reason* (a problem when *code* is given)."""
        self.result.unfiled.append(_listed(h, reason, names))
        if code is not None:
            self.result.problems.append(
                Problem(code, f"{_who(h)} 的邮件“{h.subject}”：{reason}", value=h.sender)
            )

    def save(self, h: Headers, unit: str, batch: str, piece: Piece) -> None:
        """Place one file of *unit*'s message; a signed template goes under the unit it names."""
        identity: Identity | None = piece.identity
        owner = identity.unit if identity and identity.signed and identity.unit else unit
        placed = self.placement.place(piece, owner, batch)
        note = placed.note
        if owner != unit:
            note = "；".join(filter(None, [f"发件人是“{unit}”的邮箱，附件是“{owner}”的模板", note]))
        saved = Saved(
            h.message_id,
            _who(h),
            owner,
            batch,
            h.subject,
            h.sent,
            piece.name,
            piece.kind,
            placed.path,
            placed.sha256,
            placed.outcome,
            note,
        )
        self.record(h, saved)
        if placed.outcome is Outcome.REFUSED:
            self.result.problems.append(
                Problem(
                    piece.code or Code.ATTACHMENT_REFUSED,
                    f"{unit}（{h.sender}）邮件“{h.subject}”的附件“{piece.name}”没有保存：{placed.note}",
                    file=piece.name,
                    value=h.sender,
                )
            )


def collect_mail(
    ledger: Ledger,
    inbox: Inbox,
    *,
    batch: str | None = None,
    since: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> CollectResult:
    """Collect *batch*'s replies from *inbox* (see the module docstring).

    Args:
        ledger: the master, read under its lock.
        inbox: the open mailbox folder.
        batch: the batch (default: the latest issued in 回收情况).
        since: read mail received on or after this day (default: the day the
            batch was first issued; all mail when that is not known).
        dry_run: save nothing; the result says what would be saved where.
        progress: ``progress(done, total, what)`` after each message read.

    Raises:
        UsageError: no batch was given and none was issued.
        MailError: the mailbox cannot be read.
    """
    name = normalise_text(batch) if batch else latest_batch(ledger)
    if not name:
        raise UsageError(
            "“回收情况”表中还没有下发记录，不知道收取哪一批：请用 --batch 指定批次，如 --batch 2026年11月。"
        )
    s = ledger.settings
    placement = Placement(
        ledger.folder, ledger.folder / s.returns_folder, ledger.folder / s.evidence_folder, dry_run
    )
    result = CollectResult(name, inbox.where, since, dry_run=dry_run)
    run = _Run(ledger, result, placement)
    if since is None:
        result.since = since = run.batches.first_issue(name)
    seen = collected_ids(ledger)
    envelopes = inbox.envelopes(inbox.uids(since=since))
    for i, env in enumerate(envelopes, start=1):
        h = parse_headers(env.headers)
        if h.sent is None and env.received is not None:
            h = Headers(h.message_id, h.sender, h.sender_name, h.subject, env.received, h.refers_to)
        if progress is not None:
            progress(i, len(envelopes), h.subject or h.sender)
        if h.message_id in seen:
            result.already += 1
            continue
        seen.add(h.message_id)  # the same message twice in the folder: once
        units = run.senders.of(h.sender)
        if not units:
            if run.about_a_batch(h):
                run.unknown(h)
            else:
                result.unrelated += 1
            continue
        if env.size > MAX_MESSAGE:
            reason = (
                f"邮件有 {env.size / 1024 / 1024:.0f} MB，超过 {MAX_MESSAGE // 1024 // 1024} MB，"
                "没有下载：请在邮件程序中手工保存附件，放进回收或电子档案文件夹。"
            )
            run.unfiled(h, [], reason, Code.MAIL_TOO_LARGE)
            continue
        run.message(h, units, parse_message(inbox.fetch(env.uid)))
    if run.rows:
        result.changes.extend(
            LogSheet.from_grid(ledger.grid(MAIL_IN.name), MAIL_IN).append(run.rows)
        )
    if not dry_run:
        index = index_changes(ledger, received=run.rows)
        result.index_files = index.files
        result.changes.extend(index.changes)
    return result
