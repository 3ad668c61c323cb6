"""Study-platform exports built in code, in the layouts offices receive."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from zhenggai.cli import main
from zhenggai.demo.study import write_demo_exports

# Two months of (unit, name, points): ties, another unit's 李四, a unit where nobody studied.
OCT = [
    ("办公室", "张三", 300),
    ("办公室", "李四", 100),
    ("人事科", "王五", 50),
    ("人事科", "赵六", 150),
]
NOV = [
    ("办公室", "张三", 320),
    ("办公室", "李四", 200),
    ("办公室", "钱七", 200),
    ("人事科", "王五", 0),
    ("人事科", "赵六", 90),
    ("人事科", "李四", 200),  # another 李四, in another unit: a different person
    ("宣传科", "孙八", 0),
    ("宣传科", "周九", 0),  # a unit where nobody studied
]

# Layout A: merged title, an export-time line, one row per person with its unit.
HEADER_A = ["序号", "姓名", "所在组织", "本月积分", "总积分", "日均积分", "最近登录时间"]
# Layout B: different words and order; units merged down over their people.
HEADER_B = ["学员姓名", "部门", "总积分", "本期积分（分）", "最近登录"]


def export(
    path: Path,
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    *,
    title: Sequence[Sequence[Any]] = (),
    merges: Sequence[str] = (),
    sheet: str = "Sheet1",
    before: dict[str, Sequence[Sequence[Any]]] | None = None,
) -> Path:
    """Write an export: *title* rows, the *header*, *rows*, then merge *merges* ranges.

    *before* adds sheets in front of the table's sheet (e.g. a 说明 sheet).
    """
    wb = openpyxl.Workbook()
    first = wb.active
    for name, grid in (before or {}).items():
        ws = wb.create_sheet(name)
        for row in grid:
            ws.append(list(row))
    ws = wb.create_sheet(sheet)
    wb.remove(first)
    for row in [*title, header, *rows]:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def layout_a(
    path: Path, people: Sequence[tuple[str, str, Any]], *, month: str = "2026年11月"
) -> Path:
    """Layout A for (unit, name, points) people."""
    rows = [
        [i, name, unit, pts, 5000 + i, 3.5, "2026-11-20"]
        for i, (unit, name, pts) in enumerate(people, 1)
    ]
    title = [[f"××局{month}学习强国积分统计"], ["导出时间：2026年12月1日 09:30"]]
    return export(path, HEADER_A, rows, title=title, merges=["A1:G1"])


def layout_b(path: Path, people: Sequence[tuple[str, str, Any]]) -> Path:
    """Layout B for (unit, name, points) people, each unit's cell merged down."""
    rows: list[list[Any]] = []
    merges: list[str] = []
    start = 2  # header on row 1
    units = list(dict.fromkeys(u for u, _, _ in people))
    for unit in units:
        members = [(n, p) for u, n, p in people if u == unit]
        for i, (name, pts) in enumerate(members):
            rows.append([name, unit if i == 0 else None, 9000, pts, None])
        if len(members) > 1:
            merges.append(f"B{start}:B{start + len(members) - 1}")
        start += len(members)
    rows.append(["合计", None, None, sum(p for _, _, p in people if isinstance(p, int | float))])
    return export(path, HEADER_B, rows, merges=merges)


def import_demo_study(master: Path, folder: Path) -> None:
    """Import both demo exports (October, then November) into *master* with the CLI."""
    october, november = write_demo_exports(folder)
    for path, period in ((october, "2026年10月"), (november, "2026年11月")):
        assert main(["study", str(path), "--into", str(master), "--period", period]) == 0
