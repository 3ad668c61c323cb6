"""The parts of a workbook a load and save through openpyxl could lose.

:func:`inventory` counts them (pictures, charts, macros, shapes, x14
extensions …) in the master and in the file about to replace it;
:func:`lost_parts` says, in Chinese, what would be lost. The master is then
kept and the result written beside it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

__all__ = ["inventory", "lost_parts"]


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


def inventory(path: Path) -> dict[str, int]:
    """Counts of the workbook parts a load+save could lose, by Chinese label."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        for label, pattern in _PARTS.items():
            counts[label] = sum(1 for n in names if pattern.match(n))
        for label, (pattern, mark) in _MARKS.items():
            counts[label] = sum(_count(zf, n, mark) for n in names if pattern.match(n))
    return counts


def _count(zf: zipfile.ZipFile, name: str, mark: bytes) -> int:
    """Occurrences of *mark* in member *name*, read 1 MB at a time (a sheet can be 100 MB)."""
    count, carry = 0, b""
    with zf.open(name) as fh:
        while chunk := fh.read(1 << 20):
            data = carry + chunk
            count += data.count(mark)
            # keep a tail too short to hold the mark: no occurrence is counted twice
            carry = data[-(len(mark) - 1) :] if len(mark) > 1 else b""
    return count


def lost_parts(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [
        f"{k}（原有 {v} 处，保存后 {after.get(k, 0)} 处）"
        for k, v in before.items()
        if v > after.get(k, 0)
    ]
