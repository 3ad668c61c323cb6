"""What ``zhenggai collect`` did: every file it saved or left, every message it listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ..core.changes import ChangeSet
from ..core.problems import Problem

__all__ = ["CollectResult", "Kind", "Listed", "Outcome", "Saved"]


class Kind(StrEnum):
    """Where an attachment belongs; the value is the 收件记录 wording."""

    RETURN = "报送表"  # a spreadsheet: into 回收/<批次>/, for ``zhenggai consolidate``
    EVIDENCE = "佐证材料"  # anything else: into 电子档案/<批次>/<单位>/
    NONE = ""  # a message without attachments


class Outcome(StrEnum):
    """What became of one attachment (收件记录 结果)."""

    SAVED = "已保存"
    PLANNED = "将保存"  # --dry-run
    DUPLICATE = "重复"  # the same bytes are already there: not saved again
    REFUSED = "未保存"  # unsafe, unreadable or too large: the message stays in the mailbox
    NOTHING = "无附件"


@dataclass(frozen=True)
class Saved:
    """One attachment (or zip member) of a collected message, and where it went.

    Attributes:
        message_id / sender / unit / batch / subject / sent: the message's.
        name: the attachment as sent ("材料.zip/会议纪要.pdf" for a zip member).
        kind: 报送表 or 佐证材料.
        path: where it is, relative to the master's folder ('' when not saved).
        sha256: its hash ('' when there is nothing).
        outcome: see :class:`Outcome`.
        note: why, in Chinese (which file it duplicates, why it was refused …).
    """

    message_id: str
    sender: str
    unit: str
    batch: str
    subject: str
    sent: datetime | None
    name: str
    kind: Kind
    path: str
    sha256: str
    outcome: Outcome
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "sender": self.sender,
            "unit": self.unit,
            "batch": self.batch,
            "subject": self.subject,
            "sent": self.sent.isoformat(sep=" ", timespec="seconds") if self.sent else None,
            "name": self.name,
            "kind": str(self.kind),
            "path": self.path,
            "sha256": self.sha256,
            "outcome": str(self.outcome),
            "note": self.note,
        }


@dataclass(frozen=True)
class Listed:
    """A message left in the mailbox on purpose, and why (never filed by a guess)."""

    message_id: str
    sender: str
    subject: str
    sent: datetime | None
    reason: str
    attachments: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "sender": self.sender,
            "subject": self.subject,
            "sent": self.sent.isoformat(sep=" ", timespec="seconds") if self.sent else None,
            "reason": self.reason,
            "attachments": list(self.attachments),
        }


@dataclass
class CollectResult:
    """What ``zhenggai collect`` did or, with ``dry_run``, would do.

    Attributes:
        batch: the batch collected.
        mailbox: server and folder read, e.g. "imap.example.org:993（SSL）INBOX".
        since: the first day of mail read (None: all of it).
        files: every attachment of the messages collected, in mailbox order.
        unknown: messages about the batch from addresses no unit has in 单位.
        unfiled: messages of units left out: no batch named, another batch, a shared address.
        already: messages skipped because 收件记录 has them.
        unrelated: other messages in the folder (not from units, not about a batch).
        problems: the same, as problems with codes (exit code 1), plus refused attachments.
        changes: the 收件记录 rows and the 佐证材料 sheet.
        dry_run: nothing was saved or written.
        index_files: files the 佐证材料 sheet lists after the run (None when not rebuilt).
    """

    batch: str
    mailbox: str
    since: date | None
    files: list[Saved] = field(default_factory=list)
    unknown: list[Listed] = field(default_factory=list)
    unfiled: list[Listed] = field(default_factory=list)
    already: int = 0
    unrelated: int = 0
    problems: list[Problem] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)
    dry_run: bool = False
    index_files: int | None = None

    @property
    def messages(self) -> int:
        """Messages collected in this run."""
        return len({f.message_id for f in self.files})

    def by_outcome(self, outcome: Outcome) -> list[Saved]:
        return [f for f in self.files if f.outcome is outcome]

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object."""
        return {
            "batch": self.batch,
            "mailbox": self.mailbox,
            "since": self.since.isoformat() if self.since else None,
            "dry_run": self.dry_run,
            "messages": self.messages,
            "files": [f.to_dict() for f in self.files],
            "unknown_senders": [m.to_dict() for m in self.unknown],
            "unfiled": [m.to_dict() for m in self.unfiled],
            "already_collected": self.already,
            "unrelated": self.unrelated,
            "evidence_index": self.index_files,
            "problems": [p.to_dict() for p in self.problems],
        }
