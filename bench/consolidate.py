"""Time ``zhenggai consolidate`` against the pandas script offices would write, and the read floor.

    .venv/bin/python bench/consolidate.py --units 500 --rows 100 --master-rows 50000

Builds (once, in --dir) a master of --master-rows items and --units returns
of --rows items each, with the project's own templates (``tests.support.synthetic``:
a new 整改进展 typed into every tenth row, saved through openpyxl as a unit's
Excel would). Then, --repeat times, (a) and (b) one after the other:

(a) ``zhenggai consolidate`` end to end: the installed command as a
    subprocess on a fresh copy of the master (start-up, read, check,
    merge, patch + verify + back up + replace the master, feedback files);
(b) the baseline: a pandas script, also a subprocess, that reads every
    file with ``pandas.read_excel`` (the master's 台账 and each return's 填报),
    concatenates them and writes the result with ``to_excel``;
and, --pairs times, back to back in this process (the ratio is taken per pair):
(c) the read floor: python-calamine reading every sheet of every input once;
validate+merge: ``read_ledger`` plus ``consolidate()`` (read, check, merge,
plan; no master save).

Prints medians, the ratios a/b and (validate+merge)/c, the peak RSS of the
(a) and (b) processes (VmHWM from /proc), and the master save alone, patched
and through openpyxl.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path

import python_calamine

from tests.support.synthetic import returned_world
from zhenggai import read_ledger
from zhenggai.io.master import OpenpyxlMaster
from zhenggai.io.xlsx_patch import patch
from zhenggai.returns.consolidate import consolidate

ZHENGGAI = Path(sys.executable).with_name("zhenggai")
NOW = datetime(2026, 11, 28, 10, 0)


def run(cmd: list[str]) -> tuple[float, int, int]:
    """Run *cmd*; its wall time, exit code and peak RSS in MB.

    The peak is the process's own high-water mark (VmHWM in /proc, read until
    it exits): getrusage/wait4 would report at least this process's RSS, which
    Linux carries into a child over fork and exec.
    """
    with tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                text = status.read_text()
            except OSError:
                break
            if "VmHWM:" in text:
                peak = max(peak, int(text.split("VmHWM:")[1].split()[0]))
            time.sleep(0.02)
        code = proc.wait()
        elapsed = time.perf_counter() - began
        if code not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{cmd[:3]} failed ({code}):\n{err.read().decode()[-2000:]}")
    return elapsed, code, peak // 1024


def fresh(folder: Path, pristine: Path) -> Path:
    work = folder / "run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    return Path(shutil.copy2(pristine, work / "台账.xlsx"))


def baseline(master: Path, returns: list[Path], out: Path) -> None:
    """(b): what an office would script in pandas: read everything, concat, write."""
    import pandas as pd

    frames = [pd.read_excel(master, sheet_name="台账")]
    frames += [pd.read_excel(path, sheet_name="填报", header=7) for path in returns]
    pd.concat(frames, ignore_index=True).to_excel(out, index=False)


def floor(master: Path, returns: list[Path]) -> None:
    """(c): python-calamine reading every sheet of every input once."""
    for path in (master, *returns):
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def validate_merge(master: Path, returns: Path, files: list[Path]) -> tuple[float, float, int]:
    """read_ledger + consolidate() (no save): (read master s, check+merge s, changes)."""
    began = time.perf_counter()
    ledger = read_ledger(master)
    read = time.perf_counter() - began
    began = time.perf_counter()
    result = consolidate(ledger, files, root=returns, now=NOW)
    return read, time.perf_counter() - began, result.n_changes


def save_engines(
    folder: Path, pristine: Path, returns: Path, files: list[Path]
) -> dict[str, float]:
    """The master save alone, both ways, on the same ChangeSet (one run each).

    "xml" is what ``zhenggai consolidate`` does: patch the changed sheet XML,
    fsync, verify with calamine, compare parts, back up, replace. "openpyxl"
    is the same save through openpyxl (load every cell, apply, write every cell).
    """
    ledger = read_ledger(pristine)
    changes = consolidate(ledger, files, root=returns, now=NOW).changes
    del ledger
    steps: dict[str, float] = {}
    master = fresh(folder, pristine)
    t = time.perf_counter()
    patch(master, master.with_name("patched.xlsx"), changes)
    steps["xml: patch only (write the new file)"] = time.perf_counter() - t
    for engine in ("xml", "openpyxl"):
        master = fresh(folder, pristine)
        with OpenpyxlMaster.open(master, op="汇总", engine=engine) as m:
            m.apply(changes)
            t = time.perf_counter()
            result = m.save()
            steps[f"{engine}: whole save (write, fsync, verify, backup, replace)"] = (
                time.perf_counter() - t
            )
        assert result.engine == engine and result.replaced, result
    return steps


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if "MemTotal" in line
    )
    versions = ", ".join(
        f"{p} {metadata.version(p)}"
        for p in ("python-calamine", "openpyxl", "pandas", "defusedxml")
    )
    return [
        f"machine: {os.cpu_count()} CPUs ({cpu}), {int(mem) // 1024 // 1024} GB RAM, {platform.platform()}",
        f"python {platform.python_version()}; {versions}",
        f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--baseline":  # (b), run as its own process
        listing = Path(sys.argv[2]).read_text(encoding="utf-8").splitlines()
        baseline(Path(listing[0]), [Path(p) for p in listing[1:]], Path(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--master-rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) and (b)")
    parser.add_argument("--pairs", type=int, default=5, help="runs of (c) and validate+merge")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/zhenggai-bench-consolidate"))
    args = parser.parse_args()
    for line in machine():
        print(line)
    folder = args.dir / f"{args.units}x{args.rows}x{args.master_rows}"
    began = time.perf_counter()
    if args.master_rows < args.units * args.rows:
        raise SystemExit("--master-rows must be at least --units x --rows")
    pristine, returns = returned_world(
        folder,
        units=args.units,
        rows=args.rows,
        extra_rows=args.master_rows - args.units * args.rows,
    )
    files = sorted(returns.iterdir())
    print(
        f"data: master {args.master_rows} rows, {len(files)} returns x {args.rows} rows in {folder}"
        f" ({time.perf_counter() - began:.0f}s to build or find)"
    )
    listing = folder / "baseline-files.txt"
    listing.write_text("\n".join(map(str, [pristine, *files])), encoding="utf-8")

    a, b, rss_a, rss_b = [], [], [], []
    for i in range(args.repeat):
        master = fresh(folder, pristine)
        t, code, rss = run([str(ZHENGGAI), "consolidate", str(master), str(returns)])
        a.append(t)
        rss_a.append(rss)
        t, _, rss = run(
            [
                sys.executable,
                __file__,
                "--baseline",
                str(listing),
                str(folder / "run" / "汇总.xlsx"),
            ]
        )
        b.append(t)
        rss_b.append(rss)
        print(
            f"run {i + 1}: (a) {a[-1]:.1f}s exit {code} {rss_a[-1]} MB | (b) {b[-1]:.1f}s {rss_b[-1]} MB"
        )
    # (c) and validate+merge in pairs, back to back: the ratio of each pair, so that
    # load from other processes (the machine is shared) hits both sides alike
    c, vm, ratios = [], [], []
    for i in range(args.pairs):
        t0 = time.perf_counter()
        floor(pristine, files)
        c.append(time.perf_counter() - t0)
        read, core, changes = validate_merge(pristine, returns, files)
        vm.append(read + core)
        ratios.append(vm[-1] / c[-1])
        print(
            f"pair {i + 1}: (c) {c[-1]:.2f}s | validate+merge {read:.2f}+{core:.2f}s"
            f" ({changes} changes) | ratio {ratios[-1]:.2f}",
            flush=True,
        )
    ma, mb, mc, mvm = (statistics.median(x) for x in (a, b, c, vm))
    print()
    print(
        f"(a) zhenggai consolidate, end to end:      {ma:7.2f} s   peak RSS {max(rss_a)} MB (target <= 400)"
    )
    print(f"(b) pandas read_excel + concat + to_excel: {mb:7.2f} s   peak RSS {max(rss_b)} MB")
    print(f"(c) calamine read floor:                   {mc:7.2f} s")
    print(f"validate + merge (read_ledger + core):     {mvm:7.2f} s")
    print(
        f"a / b = {ma / mb:.2f} (target < 1)    (validate+merge) / c = "
        f"{statistics.median(ratios):.2f} (median of pairs; target <= 2)"
    )
    print()
    print("master save, one run each:")
    for step, secs in save_engines(folder, pristine, returns, files).items():
        print(f"  {step:28s} {secs:6.2f} s")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
