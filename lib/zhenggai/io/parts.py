"""The parts of a workbook a load and save through openpyxl could lose.

:func:`inventory` counts them (pictures, charts, macros, shapes, x14
extensions …) in the master and in the file about to replace it;
:func:`lost_parts` says, in Chinese, what would be lost. The master is then
kept and the result written beside it.

Counting marks means decompressing every sheet (the 台账 of a 100,000-row
master is ~230 MB of XML), so a :class:`Census` keeps the counts per member
with the member's CRC and size: :meth:`Census.take` of the new file reuses the
counts of every member whose CRC and size are those of the master (the xml
patch copies them byte for byte) and of members counted while they were
streamed anyway (:class:`MarkCounter`, fed by the save's verification), and
reads only the rest.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Census", "MarkCounter", "inventory", "lost_parts", "mark_counters"]

_CHUNK = 1 << 20

_PARTS = {
    "图片": re.compile(r"^xl/media/"),
    "图表": re.compile(r"^xl/charts/chart\d+\.xml$"),
    "宏（VBA）": re.compile(r"^xl/vbaProject\.bin$"),
    "嵌入对象": re.compile(r"^xl/embeddings/"),
    "控件": re.compile(r"^xl/(ctrlProps|activeX)/"),
    "切片器": re.compile(r"^xl/slicer"),
    "数据透视表": re.compile(r"^xl/pivotTables/"),
    "批注": re.compile(r"^xl/comments"),
}
_MARKS = {
    "形状或文本框": (re.compile(r"^xl/drawings/drawing\d+\.xml$"), b"<xdr:sp>"),
    "Excel 2010 扩展格式（迷你图、新式数据条、扩展数据验证等）": (
        re.compile(r"^xl/worksheets/sheet\d+\.xml$"),
        b"<x14:",
    ),
}


class MarkCounter:
    """Occurrences of *mark* in bytes fed a chunk at a time (none counted twice)."""

    def __init__(self, mark: bytes) -> None:
        self.mark = mark
        self.count = 0
        self._carry = b""

    def feed(self, chunk: bytes) -> None:
        data = self._carry + chunk
        self.count += data.count(self.mark)
        # keep a tail too short to hold the mark: no occurrence is counted twice
        self._carry = data[-(len(self.mark) - 1) :] if len(self.mark) > 1 else b""


def mark_counters(member: str) -> dict[str, MarkCounter]:
    """Fresh counters of the marks member *member* is counted for (often none)."""
    return {label: MarkCounter(mark) for label, (p, mark) in _MARKS.items() if p.match(member)}


@dataclass(frozen=True)
class Census:
    """Counts of the parts a load+save could lose, per zip member.

    Attributes:
        members: member name -> (CRC-32, size, {label: count}) for every member counted.
    """

    members: dict[str, tuple[int, int, dict[str, int]]] = field(default_factory=dict)

    @classmethod
    def take(
        cls,
        path: Path,
        *,
        known: Census | None = None,
        counted: Mapping[str, dict[str, int]] | None = None,
    ) -> Census:
        """Count *path*: members unchanged from *known* (same name, CRC and size) and
        members in *counted* (marks counted while streamed) are not read again."""
        members: dict[str, tuple[int, int, dict[str, int]]] = {}
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                name = info.filename
                counts = {label: 1 for label, p in _PARTS.items() if p.match(name)}
                if mark_counters(name):
                    old = known.members.get(name) if known is not None else None
                    if old is not None and old[:2] == (info.CRC, info.file_size):
                        counts |= old[2]
                    elif counted is not None and name in counted:
                        counts |= counted[name]
                    else:
                        counts |= _count(zf, name)
                members[name] = (info.CRC, info.file_size, counts)
        return cls(members)

    def totals(self) -> dict[str, int]:
        """Counts by Chinese label over the whole workbook (every label present)."""
        totals = dict.fromkeys([*_PARTS, *_MARKS], 0)
        for _, _, counts in self.members.values():
            for label, n in counts.items():
                totals[label] += n
        return totals


def inventory(path: Path) -> dict[str, int]:
    """Counts of the workbook parts a load+save could lose, by Chinese label."""
    return Census.take(path).totals()


def _count(zf: zipfile.ZipFile, name: str) -> dict[str, int]:
    """The marks in member *name*, read 1 MB at a time (a sheet can be 200 MB)."""
    counters = mark_counters(name)
    with zf.open(name) as fh:
        while chunk := fh.read(_CHUNK):
            for counter in counters.values():
                counter.feed(chunk)
    return {label: c.count for label, c in counters.items()}


def lost_parts(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [
        f"{k}（原有 {v} 处，保存后 {after.get(k, 0)} 处）"
        for k, v in before.items()
        if v > after.get(k, 0)
    ]
