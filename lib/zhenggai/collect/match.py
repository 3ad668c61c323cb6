"""Whose reply a message is, and to which batch: from the master, never guessed.

* The unit: the sender's address as written in 单位 邮箱 (any case). An
  address no unit has is an unknown sender; an address two units share says
  nothing by itself (the signed template in the message may).
* The batch, strongest first: the signed ``_meta`` of a template attached
  (:mod:`zhenggai.collect.files`), a reply to a message ``zhenggai mail``
  sent (its Message-ID is in 发送记录 with the batch), a batch name in the
  subject (a batch of 回收情况; any “2026年10月”; “11月” when only one known
  batch has that month). A message that names no batch is listed, not
  filed under one.

Example:
    >>> batch_in_subject("回复：【请填报】2026年11月整改进展（办公室）", ["2026年10月", "2026年11月"])
    '2026年11月'
    >>> batch_in_subject("11月份电子档案", ["2026年10月", "2026年11月"])
    '2026年11月'
    >>> batch_in_subject("11月28日会议通知", ["2026年11月"]) is None
    True
    >>> batch_in_subject("补报2026年10月份材料", ["2026年11月"])
    '2026年10月'

"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..core.ledger import Ledger, records
from ..core.logs import ReturnsLog
from ..core.sheets import MAIL_LOG, RETURNS
from ..core.text import as_datetime, cell_text, normalise_text
from ..mail.message import parse_addresses

__all__ = ["Batches", "Senders", "batch_in_subject", "batches_of", "senders_of"]

_MONTH_BATCH = re.compile(r"^\d{4}年(\d{1,2})月$")
_BLANKS = re.compile(r"\s+")
_ANY_MONTH = re.compile(r"(?<!\d)(\d{4})年(\d{1,2})月(?!\d)")


@dataclass(frozen=True)
class Senders:
    """Units by address (lower case), from 单位 邮箱."""

    units: dict[str, tuple[str, ...]]

    def of(self, address: str) -> tuple[str, ...]:
        """The units whose 邮箱 holds *address* (none, one, or several sharing it)."""
        return self.units.get(address.strip().lower(), ())


def senders_of(ledger: Ledger) -> Senders:
    """Every valid address of 单位 邮箱 and the units that give it."""
    units: dict[str, list[str]] = {}
    for unit in ledger.units:
        for address in parse_addresses(unit.email)[0]:
            names = units.setdefault(address.lower(), [])
            if unit.name not in names:
                names.append(unit.name)
    return Senders({a: tuple(u) for a, u in units.items()})


@dataclass(frozen=True)
class Batches:
    """The batches a message may belong to.

    Attributes:
        names: every batch of 回收情况 (and the one being collected), longest first.
        issued: batch -> when its first template was issued (回收情况 下发时间).
        sent: Message-ID of mail ``zhenggai mail`` sent -> (batch, unit), from 发送记录.
    """

    names: tuple[str, ...]
    issued: dict[str, datetime]
    sent: dict[str, tuple[str, str]]

    def first_issue(self, batch: str) -> date | None:
        when = self.issued.get(batch)
        return when.date() if when is not None else None

    def by_reply(self, refers_to: Iterable[str]) -> tuple[str, str] | None:
        """(batch, unit) of our message this one answers or forwards, if any."""
        for ref in refers_to:
            if ref in self.sent:
                return self.sent[ref]
        return None


def batches_of(ledger: Ledger, *, also: str = "") -> Batches:
    """The batches of 回收情况 and 发送记录 (plus *also*, the batch being collected)."""
    log = ReturnsLog.from_grid(ledger.grid(RETURNS.name))
    issued: dict[str, datetime] = {}
    for batch, unit in log.entries():
        when = as_datetime(log.get(batch, unit).get("下发时间"))
        if when is not None and (batch not in issued or when < issued[batch]):
            issued[batch] = when
    names = {b for b, _ in log.entries()}
    sent: dict[str, tuple[str, str]] = {}
    for rec in records(ledger.grid(MAIL_LOG.name), MAIL_LOG):
        mid, batch = cell_text(rec.get("邮件编号")), cell_text(rec.get("批次"))
        if mid and batch:
            sent[mid] = (batch, cell_text(rec.get("单位名称")))
    if also:
        names.add(also)
    ordered = sorted(names, key=lambda n: (-len(n), n))
    return Batches(tuple(ordered), issued, sent)


def batch_in_subject(subject: str, names: Sequence[str]) -> str | None:
    """The batch a subject names: a whole batch name, else a month only one batch has."""
    text = _BLANKS.sub("", unicodedata.normalize("NFKC", normalise_text(subject)))
    for name in sorted(names, key=len, reverse=True):
        if name and _BLANKS.sub("", name) in text:
            return name
    named = _ANY_MONTH.search(text)  # a batch named the usual way, even one not issued here
    if named:
        return f"{named.group(1)}年{int(named.group(2))}月"
    by_month: dict[str, list[str]] = {}
    for name in names:
        m = _MONTH_BATCH.match(name)
        if m:
            by_month.setdefault(str(int(m.group(1))), []).append(name)
    for month, batches in by_month.items():
        if len(batches) == 1 and re.search(rf"(?<![\d年]){month}月(?!\d)", text):
            return batches[0]
    return None
