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

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..core.text import Value
from ..io.master import save_new
from ..io.style import style_header, write_value

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


def _october(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "积分统计"
    ws.append(["××局2026年10月学习强国积分统计"])
    ws.merge_cells("A1:G1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["导出时间：2026-11-01 09:30"])
    header = ["序号", "姓名", "所在组织", "本月积分", "总积分", "日均积分", "最近登录时间"]
    ws.append(header)
    style_header(ws, 3, len(header))
    for i, (unit, name, oct_points, _) in enumerate(_PEOPLE, start=1):
        total = 8000 + oct_points * 7 + i * 13
        login = datetime(2026, 10, 31 - i % 9, 8 + i % 12, i % 60) if oct_points else None
        row: list[Value] = [i, name, unit, oct_points, total, round(oct_points / 31, 2), login]
        for c, value in enumerate(row, start=1):
            write_value(ws.cell(3 + i, c), value)
    save_new(wb, path)


def _november(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(["学习强国学员积分明细（2026年11月）"])
    ws.merge_cells("A1:E1")
    header = ["学员姓名", "部门", "总积分", "本期积分（分）", "最近登录"]
    ws.append(header)
    style_header(ws, 2, len(header))
    r = 3
    start: dict[str, int] = {}
    for i, (unit, name, oct_points, nov_points) in enumerate(_PEOPLE, start=1):
        if unit not in start:
            start[unit] = r
            ws.cell(r, 2, unit)
        total = 8000 + oct_points * 7 + i * 13 + nov_points
        login = f"2026-11-{28 - i % 7:02d}" if nov_points else "—"
        for c, value in ((1, name), (3, total), (4, nov_points), (5, login)):
            write_value(ws.cell(r, c), value)
        r += 1
    ends = [*list(start.values())[1:], r]
    for unit_start, end in zip(start.values(), ends, strict=True):
        if end - 1 > unit_start:
            ws.merge_cells(start_row=unit_start, start_column=2, end_row=end - 1, end_column=2)
            ws.cell(unit_start, 2).alignment = Alignment(vertical="center")
    ws.cell(r, 1, "合计")
    ws.cell(r, 4, sum(p[3] for p in _PEOPLE))
    save_new(wb, path)


def write_demo_exports(folder: str | Path) -> list[Path]:
    """Write the two demo exports into *folder*; return their paths (October first)."""
    folder = Path(folder)
    paths = [folder / name for name in DEMO_EXPORTS]
    _october(paths[0])
    _november(paths[1])
    return paths


if __name__ == "__main__":  # pragma: no cover - `make workbooks`
    for written in write_demo_exports(sys.argv[1] if len(sys.argv) > 1 else "."):
        print(written)
