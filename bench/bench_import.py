"""Time ``zhenggai import`` of a big 33-column audit ledger into a new master.

    .venv/bin/python bench/bench_import.py [ROWS]

Builds the audit ledger of tests/support/ledgers.py with ROWS data rows (every tenth
problem merged down over two measures), then times reading, planning and
saving separately. Not a test: prints the figures.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.ledgers import (  # noqa: E402
    AUDIT_FIRST_DATA_ROW,
    _audit_row,
    write_audit_ledger,
)
from zhenggai import create_master, read_ledger  # noqa: E402
from zhenggai.importing.run import plan_import, read_sources  # noqa: E402
from zhenggai.io.master import OpenpyxlMaster  # noqa: E402


def build(path: Path, rows: int) -> None:
    write_audit_ledger(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws.delete_rows(AUDIT_FIRST_DATA_ROW, ws.max_row)
    for i in range(rows):
        unit = ("A公司", "B公司", "C公司、D公司")[i % 3]
        ws.append(_audit_row(i + 1, 所属责任公司=unit, 问题简述=f"问题{i // 2}"))
    for r in range(AUDIT_FIRST_DATA_ROW, AUDIT_FIRST_DATA_ROW + rows - 1, 20):
        ws.cell(r + 1, 5).value = None
        ws.merge_cells(start_row=r, start_column=5, end_row=r + 1, end_column=5)
    wb.save(path)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "审计整改台账.xlsx"
        build(source, rows)
        master = create_master(Path(folder) / "台账.xlsx")
        t0 = time.perf_counter()
        sources, problems = read_sources([source])
        t1 = time.perf_counter()
        result = plan_import(read_ledger(master), sources, problems=problems)
        t2 = time.perf_counter()
        with OpenpyxlMaster.open(master, op="导入") as m:
            m.apply(result.changes)
            m.save()
        t3 = time.perf_counter()
        print(
            f"rows read {result.read}, written {result.written}, placeholders {result.placeholders}"
        )
        print(f"read {t1 - t0:.2f} s, plan {t2 - t1:.2f} s, apply+save {t3 - t2:.2f} s")


if __name__ == "__main__":
    main()
