"""Time reading + validating + merging returns against calamine's raw read of the same files.

    .venv/bin/python bench/validate_merge.py --units 500 --rows 100

Builds (once, in --dir) a master with units x rows items, issues the
project's own templates, fills every one (a few cells per file), then times:

* floor: python-calamine reading each file's 填报 and _meta sheets once;
* core:  ``zhenggai.returns.consolidate.consolidate`` on the same files (read, check,
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

import python_calamine

from tests.support.synthetic import returned_world
from zhenggai import read_ledger
from zhenggai.returns.consolidate import consolidate


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
    master, returns = returned_world(folder, units=args.units, rows=args.rows)
    files = sorted(returns.iterdir())
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
