"""What ``zhenggai mail`` plans and does: messages, deliveries and the run's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from ..core.changes import ChangeSet
from ..core.problems import Problem
from .plan import OverdueItem

__all__ = ["EML_FOLDER", "FAILED", "Delivery", "MailKind", "MailResult", "Outgoing"]


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
