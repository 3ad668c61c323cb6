"""Demo exports of study points for two months, in two layouts the platform produces.

``make workbooks`` writes them to workbooks/ (``python -m zhenggai.demo.study
workbooks``); ``make demo`` imports both into the demo ledger, so the trend,
ties, inactive and low people all show. The people and their units are the
demo ledger's (:data:`zhenggai.demo.ledger.DEMO_UNITS`); every name is made up.

- 2026年10月: a merged title row, an export-time line, then 序号, 姓名, 所在组织,
  本月积分, 总积分, 日均积分, 最近登录时间.
- 2026年11月: a title, then 学员姓名, 部门 (merged down over each unit's people),
  总积分, 本期积分（分）, 最近登录, and a 合计 line at the bottom.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from ..core.layout import SheetLayout
from ..core.text import Value
from ..io.books import write_sheets

__all__ = ["DEMO_EXPORTS", "demo_people", "write_demo_exports"]

# unit, name, October points, November points
_PEOPLE: list[tuple[str, str, int, int]] = [
    ("办公室", "刘洋", 310, 325),
    ("办公室", "陈晓梅", 280, 298),
    ("办公室", "黄志强", 150, 240),
    ("办公室", "赵敏", 95, 180),
    ("机关党委", "周红", 340, 352),
    ("机关党委", "徐文斌", 260, 240),
    ("机关党委", "何婷", 220, 240),
    ("机关党委", "高峰", 120, 85),
    ("宣传教育科", "孙磊", 300, 312),
    ("宣传教育科", "林晓燕", 270, 265),
    ("宣传教育科", "郭涛", 180, 0),
    ("宣传教育科", "罗静", 200, 210),
    ("人事科", "吴芳", 250, 268),
    ("人事科", "梁建华", 90, 72),
    ("人事科", "宋雨", 160, 175),
    ("网络安全科", "郑凯", 230, 245),
    ("网络安全科", "谢东", 0, 0),
    ("网络安全科", "韩雪", 205, 230),
    ("网络安全科", "唐亮", 140, 155),
    ("舆情信息科", "马丽", 290, 300),
    ("舆情信息科", "冯博", 175, 160),
    ("舆情信息科", "曹颖", 60, 98),
]

DEMO_EXPORTS = ("学习积分导出-2026年10月.xlsx", "学习积分导出-2026年11月.xlsx")


def demo_people() -> list[tuple[str, str, int, int]]:
    """(unit, name, October points, November points) of the demo exports."""
    return list(_PEOPLE)


def _october() -> SheetLayout:
    header: list[Value] = [
        "序号",
        "姓名",
        "所在组织",
        "本月积分",
        "总积分",
        "日均积分",
        "最近登录时间",
    ]
    rows: list[list[Value]] = [
        ["××局2026年10月学习强国积分统计"],
        ["导出时间：2026-11-01 09:30"],
        header,
    ]
    for i, (unit, name, oct_points, _) in enumerate(_PEOPLE, start=1):
        total = 8000 + oct_points * 7 + i * 13
        login = datetime(2026, 10, 31 - i % 9, 8 + i % 12, i % 60) if oct_points else None
        rows.append([i, name, unit, oct_points, total, round(oct_points / 31, 2), login])
    return SheetLayout(
        "积分统计",
        rows,
        header_row=3,
        title_rows=frozenset({1}),
        centred=frozenset({1}),
        merged=[(1, 1, 1, 7)],
    )


def _november() -> SheetLayout:
    rows: list[list[Value]] = [
        ["学习强国学员积分明细（2026年11月）"],
        ["学员姓名", "部门", "总积分", "本期积分（分）", "最近登录"],
    ]
    merged = [(1, 1, 1, 5)]
    start: dict[str, int] = {}
    for i, (unit, name, oct_points, nov_points) in enumerate(_PEOPLE, start=1):
        total = 8000 + oct_points * 7 + i * 13 + nov_points
        login = f"2026-11-{28 - i % 7:02d}" if nov_points else "—"
        first = unit not in start
        start.setdefault(unit, len(rows) + 1)
        rows.append([name, unit if first else None, total, nov_points, login])
    ends = [*list(start.values())[1:], len(rows) + 1]
    merged += [(s, 2, e - 1, 2) for s, e in zip(start.values(), ends, strict=True) if e - 1 > s]
    rows.append(["合计", None, None, sum(p[3] for p in _PEOPLE)])
    return SheetLayout("Sheet1", rows, header_row=2, merged=merged)


def write_demo_exports(folder: str | Path) -> list[Path]:
    """Write the two demo exports into *folder*; return their paths (October first)."""
    folder = Path(folder)
    paths = [folder / name for name in DEMO_EXPORTS]
    write_sheets(paths[0], [_october()])
    write_sheets(paths[1], [_november()])
    return paths


if __name__ == "__main__":  # pragma: no cover - `make workbooks`
    for written in write_demo_exports(sys.argv[1] if len(sys.argv) > 1 else "."):
        print(written)
