"""What ``zhenggai mail`` reads from the master: batches, templates, addresses, sent mail.

Plain readers over the ledger's sheets, used by :mod:`zhenggai.mail.run`:

* 回收情况: the batches issued, each unit's issued file (下发文件) and whether
  it has returned the batch (回收时间);
* 发送记录: the addresses already sent a batch's mail;
* the ledger's facts on the day: overdue items, from their deadlines;
* 单位 邮箱: the addresses, checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..core.deadline import Deadline
from ..core.ledger import Ledger, Unit, header_columns, records
from ..core.logs import ReturnsLog
from ..core.problems import Code, Problem, cell_name
from ..core.sheets import MAIL_LOG, RETURNS, UNITS
from ..core.text import Value, cell_text, cn_date
from ..facts.ledger_facts import LedgerFacts
from ..facts.punctuality import latest_batch_name
from ..template.names import issue_folder, template_name
from .message import parse_addresses

__all__ = [
    "SENT",
    "Issued",
    "OverdueItem",
    "deadline_words",
    "email_cell",
    "find_attachment",
    "issued_templates",
    "latest_batch",
    "overdue_items",
    "sent_addresses",
    "unit_addresses",
]

SENT = "已发送"
_MEASURE_SHOWN = 60


@dataclass(frozen=True)
class OverdueItem:
    """A ledger row overdue on the day a reminder is written, as the reminder lists it."""

    id: str
    measure: str
    deadline: str
    warning: str

    def line(self, n: int) -> str:
        measure = self.measure
        if len(measure) > _MEASURE_SHOWN:
            measure = measure[:_MEASURE_SHOWN] + "…"
        deadline = f"整改时限：{self.deadline}，" if self.deadline else ""
        return f"（{n}）编号 {self.id}：{measure}（{deadline}{self.warning}）"


def _when(value: Value) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.min


@dataclass(frozen=True)
class Issued:
    """A unit's 回收情况 row for one batch, as far as mail needs it.

    Attributes:
        file: 下发文件 ('' when the row names none, or for a template found on disk only).
        cell: the 下发文件 cell, e.g. "D5" ('' without a row).
        returned: 回收时间 is filled in.
    """

    file: str = ""
    cell: str = ""
    returned: bool = False


def issued_templates(ledger: Ledger, batch: str) -> dict[str, Issued]:
    """Units issued *batch* according to 回收情况, in row order."""
    log = ReturnsLog.from_grid(ledger.grid(RETURNS.name))
    col = log.header.index("下发文件") + 1
    out: dict[str, Issued] = {}
    for (b, unit), row in log.found.items():
        if b == batch:
            rec = log.get(b, unit)
            cell = cell_name(row, col)
            out[unit] = Issued(
                cell_text(rec.get("下发文件")), cell, rec.get("回收时间") is not None
            )
    return out


def latest_batch(ledger: Ledger) -> str:
    """The batch issued last (by 下发时间, then row) in 回收情况; '' when none was issued."""
    return latest_batch_name(ReturnsLog.from_grid(ledger.grid(RETURNS.name)))


def sent_addresses(ledger: Ledger, batch: str, kind: str) -> dict[tuple[str, str], str]:
    """(unit, lower-case address) -> time, for addresses 发送记录 shows as sent this batch and kind."""
    out: dict[tuple[str, str], str] = {}
    for rec in records(ledger.grid(MAIL_LOG.name), MAIL_LOG):
        if (
            cell_text(rec.get("批次")) == batch
            and cell_text(rec.get("类型")) == kind
            and cell_text(rec.get("结果")) == SENT
        ):
            key = (cell_text(rec.get("单位名称")), cell_text(rec.get("邮箱")).lower())
            out[key] = cell_text(rec.get("时间"))
    return out


def deadline_words(deadline: Deadline) -> str:
    """A deadline as prose gives it: the day it falls on (2026年11月30日), else as written."""
    return cn_date(deadline.due) if deadline.due is not None else deadline.raw


def overdue_items(facts: LedgerFacts) -> dict[str, list[OverdueItem]]:
    """Items overdue on the day of *facts*, by unit, most overdue first."""
    return {
        unit: [OverdueItem(i.id, i.measure, deadline_words(i.deadline), i.text) for i in items]
        for unit, items in facts.overdue_by_unit().items()
    }


def find_attachment(ledger: Ledger, batch: str, unit: str, recorded: str) -> Path | None:
    """The unit's template: 下发文件 as recorded, else the conventional name; None if absent."""
    folder = issue_folder(ledger, batch)
    candidates: list[Path] = []
    if recorded:
        path = Path(recorded)
        candidates += [path] if path.is_absolute() else [folder / path, ledger.folder / path]
    candidates.append(folder / template_name(unit, batch))
    return next((c for c in candidates if c.is_file()), None)


def email_cell(ledger: Ledger, unit: Unit | None) -> str:
    """The unit's 邮箱 cell in sheet 单位 ("D3"), or '' for a unit not in the sheet."""
    if unit is None or not unit.row:
        return ""
    col = header_columns(ledger.grid(UNITS.name), UNITS).get("邮箱", UNITS.column("邮箱"))
    return cell_name(unit.row, col)


def unit_addresses(
    ledger: Ledger, unit: Unit | None, name: str
) -> tuple[list[str], Problem | None]:
    """The unit's valid addresses from 单位 邮箱, or the problem that stops mailing it."""
    if unit is None:
        return [], Problem(
            Code.UNIT_UNKNOWN,
            f"单位“{name}”不在“单位”表中，无法取得邮箱：请在“单位”表补上该单位和邮箱。",
            sheet=UNITS.name,
            value=name,
        )
    cell = email_cell(ledger, unit)
    valid, invalid = parse_addresses(unit.email)
    if invalid:
        return [], Problem(
            Code.MAIL_BAD_ADDRESS,
            f"单位“{name}”的邮箱写法不对（{'、'.join(invalid)}）：请改成 name@example.org 的形式，"
            "多个邮箱用分号隔开，不要用全角字符。",
            sheet=UNITS.name,
            cell=cell,
            value=unit.email,
        )
    if not valid:
        return [], Problem(
            Code.MAIL_NO_ADDRESS,
            f"单位“{name}”没有填邮箱：请在“单位”表填写后重新运行。",
            sheet=UNITS.name,
            cell=cell,
        )
    return valid, None
