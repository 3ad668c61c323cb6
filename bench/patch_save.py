"""Prototype: save the master by rewriting only the XML of the sheets that change.

    .venv/bin/python bench/patch_save.py --units 500 --rows 100 --master-rows 50000

What would remove the master save's cost (openpyxl loads every cell of every
sheet, then writes them all back). On the data of ``bench/consolidate.py``:
the consolidation's ChangeSet is computed here, then a child process (so its
time and peak RSS are its own) writes the new master:

* every member is copied unchanged, except the sheets the ChangeSet touches;
* a sheet with cell edits is streamed row by row: the ``<c>`` of each edited
  cell is replaced (keeping its style), other rows are copied as bytes;
* a sheet with appended rows is streamed and the new ``<row>``s are written
  before ``</sheetData>``; a sheet rewritten whole keeps its header row;
* ``fullCalcOnLoad`` is set; the file is fsynced, re-read with calamine, and
  every edited cell checked, as ``OpenpyxlMaster`` does.

A measurement, not the implementation: dates are written as serial numbers
in the cell's existing style, fills and charts are not handled, and rows
with no ``<row>`` element yet are not created.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from zhenggai import read_ledger
from zhenggai.changes import ChangeSet
from zhenggai.consolidate import consolidate
from zhenggai.problems import cell_name
from zhenggai.read import open_book
from zhenggai.text import canonical
from zhenggai.zipguard import sheet_parts

CHUNK = 1 << 20
_ROW_NUM = re.compile(rb'<row r="(\d+)"')
_EPOCH = datetime(1899, 12, 30)


def cell_xml(ref: str, style: bytes, value: object) -> bytes:
    s = b' s="' + style + b'"' if style else b""
    r = ref.encode()
    if value is None or value == "":
        return b'<c r="%s"%s/>' % (r, s)
    if isinstance(value, bool):
        return b'<c r="%s"%s t="b"><v>%d</v></c>' % (r, s, value)
    if isinstance(value, int | float):
        return b'<c r="%s"%s><v>%s</v></c>' % (r, s, repr(value).encode())
    if isinstance(value, datetime | date):
        when = (
            value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        )
        serial = (when - _EPOCH).total_seconds() / 86400
        return b'<c r="%s"%s><v>%s</v></c>' % (r, s, repr(serial).encode())
    text = escape(str(value)).encode()
    return b'<c r="%s"%s t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (r, s, text)


def patch_row(row: bytes, edits: dict[int, object], number: int) -> bytes:
    for col, value in sorted(edits.items()):
        ref = cell_name(number, col)
        pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', re.S)
        m = pattern.search(row)
        style = re.search(rb's="(\d+)"', m.group(1)).group(1) if m and b's="' in m.group(1) else b""
        new = cell_xml(ref, style, value)
        row = row[: m.start()] + new + row[m.end() :] if m else row + new  # (appended unordered)
    return row


def rows_of(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The sheet XML in pieces each ending with "</row>" (the last: the rest of the file)."""
    buf = b""
    with zf.open(part) as fh:
        while chunk := fh.read(CHUNK):
            buf += chunk
            *done, buf = buf.split(b"</row>")
            for piece in done:
                yield piece + b"</row>"
    yield buf


def rewrite_sheet(
    zf: zipfile.ZipFile,
    out: zipfile.ZipFile,
    part: str,
    edits: dict[int, dict[int, object]],
    appended: list[list[object]],
    whole: list[list[object]] | None,
) -> None:
    last = 0
    with out.open(part, "w", force_zip64=True) as dst:
        for piece in rows_of(zf, part):
            m = _ROW_NUM.search(piece)
            if m is None or not piece.endswith(b"</row>"):  # the tail: </sheetData> and after
                new_rows = whole if whole is not None else appended
                start = 2 if whole is not None else last + 1
                tail = b"".join(
                    b'<row r="%d">' % n
                    + b"".join(
                        cell_xml(cell_name(n, c), b"", v) for c, v in enumerate(row, start=1)
                    )
                    + b"</row>"
                    for n, row in enumerate(new_rows, start=start)
                )
                at = piece.find(b"</sheetData>")
                dst.write(piece[:at] + tail + piece[at:] if at >= 0 else piece)
                continue
            number = int(m.group(1))
            last = number
            if whole is not None and number > 1:
                continue  # the old rows of a sheet rewritten whole
            if number in edits:
                piece = piece[: m.start()] + patch_row(piece[m.start() :], edits[number], number)
            dst.write(piece)


def _hwm() -> int:
    """This process's peak RSS in MB (VmHWM: getrusage would include the parent's, from fork)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) // 1024


def child(master: Path, changes_file: Path, out_path: Path) -> int:
    changes: ChangeSet = pickle.loads(changes_file.read_bytes())
    t0 = time.perf_counter()
    edits: dict[str, dict[int, dict[int, object]]] = defaultdict(lambda: defaultdict(dict))
    for e in changes.edits:
        edits[e.sheet][e.row][e.col] = e.value
    appended: dict[str, list[list[object]]] = defaultdict(list)
    for name, rows in changes.appends:
        appended[name] += [list(r) for r in rows]
    whole = {t.name: [list(r) for r in t.rows] for t in changes.tables}
    with zipfile.ZipFile(master) as zf, zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as out:
        parts = {p: name for name, p in sheet_parts(zf).items()}
        for info in zf.infolist():
            name = parts.get(info.filename)
            if name is not None and (name in edits or name in appended or name in whole):
                rewrite_sheet(zf, out, info.filename, edits[name], appended[name], whole.get(name))
            elif info.filename == "xl/workbook.xml":
                xml = zf.read(info)
                out.writestr(
                    info, re.sub(rb"<calcPr([^>]*?)/>", rb'<calcPr\1 fullCalcOnLoad="1"/>', xml)
                )
            else:
                out.writestr(info, zf.read(info))
    with open(out_path, "rb+") as fh:
        os.fsync(fh.fileno())
    t1 = time.perf_counter()
    patched_rss = _hwm()
    book = open_book(out_path, trusted=True)
    for e in changes.edits:
        grid = book.grid(e.sheet)
        got = (
            grid[e.row - 1][e.col - 1]
            if e.row <= len(grid) and e.col <= len(grid[e.row - 1])
            else None
        )
        if isinstance(e.value, str) and canonical(got) != canonical(e.value):
            raise SystemExit(f"verify failed at {e.sheet}!{cell_name(e.row, e.col)}: {got!r}")
    t2 = time.perf_counter()
    print(f"{t1 - t0:.2f} {t2 - t1:.2f} {patched_rss} {_hwm()}")
    return 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--master-rows", type=int, default=50_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/zhenggai-bench-consolidate"))
    args = parser.parse_args()
    folder = args.dir / f"{args.units}x{args.rows}x{args.master_rows}"
    master = folder / "原始台账.xlsx"
    if not master.exists():
        raise SystemExit(f"run bench/consolidate.py first: no {master}")
    files = sorted((folder / "回收").iterdir())
    result = consolidate(
        read_ledger(master), files, root=folder / "回收", now=datetime(2026, 11, 28)
    )
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        changes_file = Path(tmp) / "changes.pickle"
        changes_file.write_bytes(pickle.dumps(result.changes))
        out_path = Path(tmp) / "patched.xlsx"
        began = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(master), str(changes_file), str(out_path)],
            stdout=subprocess.PIPE,
            check=True,
        )
        wall = time.perf_counter() - began
        write, verify, patched_rss, peak = map(float, proc.stdout.split())
        size = out_path.stat().st_size
    print(
        f"{len(result.changes.edits)} cell edits, "
        f"{sum(len(r) for _, r in result.changes.appends)} rows appended, "
        f"{len(result.changes.tables)} sheets rewritten"
    )
    print(
        f"patch + write + fsync: {write:.2f} s (peak RSS so far {patched_rss:.0f} MB)   "
        f"verify (calamine): {verify:.2f} s"
    )
    print(
        f"child process: {wall:.2f} s wall (with start-up), peak RSS {peak:.0f} MB, "
        f"file {size / 1e6:.1f} MB (original {master.stat().st_size / 1e6:.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
