"""Time reading + validating + merging returns against calamine's raw read of the same files.

    .venv/bin/python bench/validate_merge.py --units 500 --rows 100

Builds (once, in --dir) a master with units x rows items, issues the
project's own templates, fills every one (a few cells per file), then times:

* floor: python-calamine reading each file's 填报 and _meta sheets once;
* core:  ``zhenggai.consolidate.consolidate`` on the same files (read, check,
  verify signatures, merge, plan the master's changes; no master save);
* ledger: reading the master (``read_ledger``), reported apart.

Prints medians of --repeat runs and the ratio core/floor (target: <= 2).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime
from pathlib import Path

import openpyxl
import python_calamine

from zhenggai import create_master, read_ledger
from zhenggai.consolidate import consolidate
from zhenggai.integrity import parse_meta
from zhenggai.read import open_book
from zhenggai.templates import make_templates


def build(folder: Path, units: int, rows: int) -> tuple[Path, list[Path]]:
    master = folder / "台账.xlsx"
    returns = folder / "回收"
    if master.exists() and returns.is_dir():
        return master, sorted(returns.iterdir())
    folder.mkdir(parents=True, exist_ok=True)
    create_master(master, force=True)
    wb = openpyxl.load_workbook(master)
    ws, us = wb["台账"], wb["单位"]
    header = [c.value for c in ws[1]]
    for u in range(units):
        name = f"单位{u:04d}"
        us.append([f"{u:04d}", name, "联系人", f"u{u}@example.org", ""])
        for r in range(rows):
            values = {
                "编号": f"{u}-{r}",
                "问题类别": f"第{r % 6}方面",
                "问题来源": "督查",
                "存在问题": f"存在问题的描述，第{r}条，" + "文字" * 10,
                "整改措施": f"整改措施的描述，第{r}条，" + "措施" * 15,
                "整改类型": "限期整改",
                "责任领导": "王建国",
                "责任单位": name,
                "整改时限": "2026年底前",
                "责任人": "张三",
                "整改状态": "正在整改",
                "整改进展": "已召开专题会议研究部署。" * 3,
                "是否销号": "否",
            }
            ws.append([values.get(h) for h in header])
    wb.save(master)
    ledger = read_ledger(master)
    issued = make_templates(ledger, out=folder / "下发", now=datetime(2026, 11, 20)).issued
    returns.mkdir(exist_ok=True)
    for t in issued:
        book = openpyxl.load_workbook(t.path)
        meta = parse_meta(open_book(t.path).grid("_meta"))
        sheet = book[meta.sheet]
        col = meta.column("progress")
        for i in range(0, len(meta.ids), 10):
            sheet.cell(meta.first_row + i, col, f"11月新进展：{meta.ids[i]}已完成阶段任务。")
        book.save(returns / t.path.name)
    return master, sorted(returns.iterdir())


def floor(files: list[Path]) -> None:
    for path in files:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        wb.get_sheet_by_name("填报").to_python(skip_empty_area=False)
        wb.get_sheet_by_name("_meta").to_python(skip_empty_area=False)


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/zhenggai-bench"))
    args = parser.parse_args()
    folder = args.dir / f"{args.units}x{args.rows}"
    start = time.perf_counter()
    master, files = build(folder, args.units, args.rows)
    print(
        f"data: {len(files)} returns in {folder} (built/found in {time.perf_counter() - start:.1f}s)"
    )
    t_ledger = median_time(lambda: read_ledger(master), args.repeat)
    ledger = read_ledger(master)
    result = consolidate(ledger, files, root=folder / "回收", now=datetime(2026, 11, 28))
    assert result.n_changes == len(files) * ((args.rows + 9) // 10), result.n_changes
    # Alternate the two so that load from other processes hits both alike.
    floors, cores = [], []
    for _ in range(args.repeat):
        floors.append(median_time(lambda: floor(files), 1))
        cores.append(
            median_time(
                lambda: consolidate(
                    ledger, files, root=folder / "回收", now=datetime(2026, 11, 28)
                ),
                1,
            )
        )
    t_floor, t_core = statistics.median(floors), statistics.median(cores)
    ratios = sorted(c / f for f, c in zip(floors, cores, strict=True))
    print(f"read master (read_ledger):           {t_ledger:7.2f} s")
    print(f"floor (calamine, 填报 + _meta):        {t_floor:7.2f} s")
    print(f"core (read+check+merge+plan):        {t_core:7.2f} s")
    print(
        f"core / floor:                        {t_core / t_floor:7.2f}  (per run: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print(
        f"per file: floor {t_floor / len(files) * 1000:.1f} ms, core {t_core / len(files) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
