"""The 佐证材料 sheet: every file of the 电子档案 folder, linked to its unit, batch and items.

The folder is laid out ``<电子档案>/<批次>/<单位>/…`` (``zhenggai collect``
saves mail attachments so; staff may add files by hand the same way). Each
file becomes one row: batch and unit from its folders, a relative hyperlink
that opens it (also after the whole folder is copied elsewhere), its size,
and when and from whom it came (from 收件记录, for files collected from mail).

A file belongs to an item (编号) of its unit when

* its name or a folder below the unit's names the 编号 ("1-1会议纪要.pdf",
  "编号3-2/签到表.jpg"; "11-1" and "1-10" are not "1-1"), or
* the item's 佐证材料 names the file ("联席会议通知、会议纪要" names
  "会议纪要.pdf").

Nothing else is inferred: a file that matches no item is listed with its
unit and batch and an empty 编号. The sheet is rewritten only when it
changes, so a run that found nothing new leaves the master alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..core.changes import ChangeSet
from ..core.ledger import Ledger, records
from ..core.logs import Record, sheet_table
from ..core.sheets import EVIDENCE, MAIL_IN
from ..core.text import Value, canonical, cell_text

__all__ = ["EvidenceFile", "IndexChanges", "index_changes", "scan_evidence"]

BY_ID = "文件名含编号"
BY_TEXT = "佐证材料写明"
_SKIP = (".", "~$")
_BLANK = re.compile(r"\s+")
_LEADING_ID = re.compile(r"^[0-9]+(?:[-.][0-9]+)*[\s_\-—、.．]*")


@dataclass(frozen=True)
class EvidenceFile:
    """One archived file as the 佐证材料 sheet lists it."""

    batch: str
    unit: str
    ids: tuple[str, ...]
    name: str
    path: str  # relative to the master's folder, "/" between folders
    size_kb: float
    received: datetime | None
    source: str
    basis: str
    sha256: str

    def record(self) -> dict[str, Value]:
        return {
            "批次": self.batch,
            "单位名称": self.unit,
            "编号": "、".join(self.ids),
            "文件": self.name,
            "位置": self.path,
            "大小（KB）": self.size_kb,
            "收到时间": self.received,
            "来源": self.source,
            "关联依据": self.basis,
            "SHA256": self.sha256,
        }


def _plain(text: str) -> str:
    return _BLANK.sub("", unicodedata.normalize("NFKC", text)).lower()


def _id_pattern(rid: str) -> re.Pattern[str]:
    # not inside a longer 编号: no letter or digit (or "2-") before, no digit (or "-2") after
    return re.compile(
        rf"(?<![0-9A-Za-z])(?<![0-9A-Za-z][-.]){re.escape(rid)}(?![0-9A-Za-z])(?![-.][0-9])"
    )


def _names(stem: str, text: str) -> bool:
    """Whether 佐证材料 *text* names the file *stem*, with or without a leading 编号
    ("4-干部培训计划" is named by "干部培训计划"); a digit after a stem ending in one is another."""
    text = _plain(text)
    for name in {_plain(stem), _plain(_LEADING_ID.sub("", stem))}:
        if len(name) < 2:
            continue
        pattern = re.escape(name) + (r"(?!\d)" if name[-1].isdigit() else "")
        if re.search(pattern, text):
            return True
    return False


@dataclass(frozen=True)
class _Item:
    id: str
    evidence: str
    pattern: re.Pattern[str]


def _items(ledger: Ledger, evidence: Mapping[str, str]) -> dict[str, list[_Item]]:
    out: dict[str, list[_Item]] = {}
    for row in ledger.table:
        rid, unit = row.text("id"), row.text("unit")
        if rid and unit:
            text = evidence.get(rid, row.text("evidence"))
            out.setdefault(unit, []).append(_Item(rid, text, _id_pattern(rid)))
    return out


def _received(ledger: Ledger, received: Sequence[Record]) -> dict[str, Record]:
    """收件记录 rows (with this run's) by 保存位置."""
    rows = [*records(ledger.grid(MAIL_IN.name), MAIL_IN), *received]
    return {cell_text(r.get("保存位置")): r for r in rows if cell_text(r.get("保存位置"))}


def _link(items: Sequence[_Item], below_unit: Sequence[str], stem: str) -> tuple[list[str], str]:
    ids: list[str] = []
    bases: set[str] = set()
    where = "/".join(below_unit)
    for item in items:
        by_id = item.pattern.search(where) is not None
        by_text = bool(item.evidence) and _names(stem, item.evidence)
        if by_id or by_text:
            ids.append(item.id)
            bases |= {BY_ID} if by_id else set()
            bases |= {BY_TEXT} if by_text else set()
    return ids, "、".join(b for b in (BY_ID, BY_TEXT) if b in bases)


def scan_evidence(
    ledger: Ledger, *, received: Sequence[Record] = (), evidence: Mapping[str, str] | None = None
) -> list[EvidenceFile]:
    """Every file under the 电子档案 folder, linked (see the module docstring).

    Args:
        received: 收件记录 rows not yet in the master (this run's).
        evidence: 编号 -> 佐证材料 text to use instead of the ledger's (values a
            consolidation is about to write).
    """
    root = ledger.folder / ledger.settings.evidence_folder
    if not root.is_dir():
        return []
    items = _items(ledger, evidence or {})
    mail = _received(ledger, received)
    found: list[EvidenceFile] = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if any(p.startswith(_SKIP) for p in parts) or not path.is_file():
            continue
        batch = parts[0] if len(parts) > 2 else ""
        unit = parts[1] if len(parts) > 2 else ""
        rel = path.relative_to(ledger.folder).as_posix()
        ids, basis = _link(items.get(unit, []), parts[2:], path.stem)
        rec = mail.get(rel, {})
        when = rec.get("邮件时间")
        sender = cell_text(rec.get("发件人"))
        found.append(
            EvidenceFile(
                batch,
                unit,
                tuple(ids),
                path.name,
                rel,
                round(path.stat().st_size / 1024, 1),
                when if isinstance(when, datetime) else None,
                f"邮件：{sender}" if rec else "手工放入",
                basis,
                cell_text(rec.get("SHA256")),
            )
        )
    return found


@dataclass(frozen=True)
class IndexChanges:
    """The 佐证材料 sheet rewritten (empty *changes* when it would not change) and its file count."""

    files: int
    changes: ChangeSet


def _same(grid: list[list[Value]], rows: Sequence[Sequence[Value]]) -> bool:
    def canon(row: Sequence[Value]) -> list[str]:
        out = [canonical(v) for v in row]
        while out and not out[-1]:
            out.pop()
        return out

    old = [canon(r) for r in grid[1:]]
    while old and not old[-1]:
        old.pop()
    return old == [canon(r) for r in rows]


def index_changes(
    ledger: Ledger, *, received: Sequence[Record] = (), evidence: Mapping[str, str] | None = None
) -> IndexChanges:
    """The 佐证材料 sheet as the 电子档案 folder is now (see :func:`scan_evidence`)."""
    files = scan_evidence(ledger, received=received, evidence=evidence)
    table = sheet_table(EVIDENCE, [f.record() for f in files])
    grid = ledger.grid(EVIDENCE.name)
    header = [cell_text(v) for v in grid[0]] if grid else []
    changes = ChangeSet()
    differs = header[: len(EVIDENCE.headers)] != list(EVIDENCE.headers) or not _same(
        grid, table.rows
    )
    wanted = files or len(grid) > 1 or EVIDENCE.name in ledger.source.sheet_names
    if differs and wanted:
        col = EVIDENCE.column("文件")
        table.links = {(i, col): f.path for i, f in enumerate(files, start=table.header_row + 1)}
        changes.table(table)
    return IndexChanges(len(files), changes)
