"""Province scale: ``zhenggai consolidate`` and the documents against the read floor.

    .venv/bin/python -m bench.scale                  # the whole run (~25 min on 2 cores)
    .venv/bin/python -m bench.scale --quick          # smoke run: 50 x 100 only, once
    .venv/bin/python -m bench.scale --sizes 500 1000 --repeat 3

Builds its data once under --dir with ``tests.support.synthetic.returned_world``
(later runs reuse it) and measures, in one run:

1. End to end at each size (units x 100 rows per return; the master holds
   units x 100 rows): (a) the installed ``zhenggai consolidate`` as a
   subprocess on a fresh copy of the master, once with ``--jobs 1`` (one core)
   and once with the default (all cores), each right after (c) the read floor
   of all inputs (python-calamine reading every sheet of the master and of
   every return once, in this process). The ratio a/c is taken per pair.
   Peak RSS: the VmHWM of the command's own process, and the sum of the VmHWM
   of every process below it (the worker pool, multiprocessing's resource
   tracker), polled from /proc until each exits; also the largest sum of VmRSS
   of the whole tree seen at one moment.
2. Time per return as the master grows: the same 50 returns (50 units x 100
   rows) checked and merged by ``consolidate()`` in this process, one core, into
   masters of 5,000, 50,000 and 100,000 rows (the master read once, outside the
   timing); ms per return, and per further return (the first one alone apart).
3. ``zhenggai overdue``, ``zhenggai bulletin --docx`` and ``zhenggai report --docx``
   as subprocesses, each on a fresh copy of the consolidated master of the
   largest size (100,000 rows), each right after the master's read floor
   (calamine reading every sheet of the master once, in this process); and
   overdue again, the next day, on a master it has run on (--documents-only:
   this part alone, on the master the last run consolidated).

Prints the machine, every run, medians with ranges, and each target met or not.
If the installed ``zhenggai consolidate`` has no ``--jobs`` (click exits 2), the
runs go on without it and the table says so.
"""

from __future__ import annotations

import argparse
import inspect
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.consolidate import NOW, ZHENGGAI, floor, machine
from tests.support.synthetic import returned_world
from zhenggai.core.ledger import Ledger
from zhenggai.io.master import read_ledger
from zhenggai.returns.consolidate import consolidate

ROWS = 100  # rows per return
SIZES = (50, 500, 1000)  # units
CURVE = (5_000, 50_000, 100_000)  # master rows for the 50 returns
CURVE_UNITS = 50
TODAY = NOW.date().isoformat()
RATIO_TARGET = 3.0  # (a)/(c) on all cores at 500 and 1,000 units
RSS_TARGET = 500  # MB at 1,000 units
DOC_TARGET = 2.5  # each document command against the master's read floor
MODES = ("1 core", "all cores")


@dataclass
class Run:
    """One subprocess: wall time, exit code, memory of its process tree (MB)."""

    seconds: float
    code: int
    main_mb: int = 0  # VmHWM of the command's own process
    children_mb: int = 0  # sum of the VmHWM of every process below it
    together_mb: int = 0  # largest sum of VmRSS over the tree at one poll
    children: int = 0  # processes seen below it
    largest_child_mb: int = 0  # the largest VmHWM among them
    out: str = ""
    err: str = ""

    @property
    def total_mb(self) -> int:
        """Main plus children peaks: an upper bound of the memory the run needed."""
        return self.main_mb + self.children_mb


@dataclass
class Pair:
    """A measured command and the read floor taken right before it."""

    run: Run
    floor: float

    @property
    def ratio(self) -> float:
        return self.run.seconds / self.floor


@dataclass
class Results:
    consolidate: dict[tuple[int, str], list[Pair]] = field(default_factory=dict)
    per_return: dict[int, list[float]] = field(default_factory=dict)  # ms per return
    one_return: dict[int, list[float]] = field(default_factory=dict)  # ms, the first alone
    marginal: dict[int, list[float]] = field(default_factory=dict)  # ms per further return
    documents: dict[str, list[Pair]] = field(default_factory=dict)
    documents_rows: int = 0
    jobs_supported: bool = True


def _kb(pid: int) -> tuple[int, int] | None:
    """(VmHWM, VmRSS) of *pid* in kB, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    hwm = rss = 0
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
        elif line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    return hwm, rss


def _descendants(pid: int) -> list[int]:
    """Every process below *pid*, from /proc/<pid>/task/*/children, recursively."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(k) for k in children.read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def run_tree(cmd: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run *cmd*, polling the memory of its process tree until it exits."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env)
        main = together = 0
        peaks: dict[int, int] = {}
        born: dict[int, float] = {}
        while proc.poll() is None:
            now = _kb(proc.pid)
            if now is None:
                break
            main, rss = max(main, now[0]), now[1]
            for kid in _descendants(proc.pid):
                # Between fork and exec a child still shows its parent's memory
                # (vfork shares it): read a child from 0.2 s after it was first
                # seen. Its VmHWM then covers everything since its exec.
                if time.perf_counter() - born.setdefault(kid, time.perf_counter()) < 0.2:
                    continue
                seen = _kb(kid)
                if seen is not None:
                    peaks[kid] = max(peaks.get(kid, 0), seen[0])
                    rss += seen[1]
            together = max(together, rss)
            time.sleep(0.025)
        code = proc.wait()
        seconds = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            code,
            main // 1024,
            sum(peaks.values()) // 1024,
            together // 1024,
            len(peaks),
            max(peaks.values(), default=0) // 1024,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


def fresh(folder: Path, pristine: Path) -> Path:
    """A copy of *pristine* as 台账.xlsx alone in ``folder/scale-run``."""
    work = folder / "scale-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    return Path(shutil.copy2(pristine, work / "台账.xlsx"))


def world(root: Path, units: int, master_rows: int) -> tuple[Path, list[Path]]:
    """The master and the returns of a world under *root* (built on first use)."""
    folder = root / f"{units}x{ROWS}x{master_rows}"
    began = time.perf_counter()
    pristine, returns = returned_world(
        folder, units=units, rows=ROWS, extra_rows=master_rows - units * ROWS
    )
    files = sorted(returns.iterdir())
    if len(files) != units:
        raise SystemExit(f"{folder}: {len(files)} returns, not {units}; delete it to rebuild")
    print(f"data: {folder} ({time.perf_counter() - began:.0f}s to build or find)", flush=True)
    for path in (pristine, *files):  # into the page cache, so no side pays for the disk
        path.read_bytes()
    return pristine, files


def _env() -> dict[str, str]:
    """This environment without ZHENGGAI_JOBS, so the default means all cores."""
    return {k: v for k, v in os.environ.items() if k != "ZHENGGAI_JOBS"}


def consolidate_run(master: Path, returns: Path, mode: str, results: Results) -> Run:
    """(a): ``zhenggai consolidate`` on *master*; ``--jobs 1`` for one core."""
    cmd = [str(ZHENGGAI), "consolidate", str(master), str(returns), "--today", TODAY]
    if mode == MODES[0] and results.jobs_supported:
        run = run_tree([*cmd, "--jobs", "1"], _env())
        if not (run.code == 2 and "--jobs" in run.err):
            return run
        results.jobs_supported = False
        print("  (this zhenggai consolidate has no --jobs: every run is on one core)")
    return run_tree(cmd, _env())


def _check(run: Run, what: str, changes: int | None = None) -> None:
    """Stop on a failed run, or a consolidation that did not make the *changes* expected."""
    if run.code not in (0, 1):
        raise SystemExit(f"{what} failed ({run.code}):\n{run.err[-3000:]}")
    if changes is not None and f"修改 {changes} 处" not in run.out:
        tail = "\n".join(run.out.splitlines()[-4:])
        raise SystemExit(f"{what}: expected {changes} changes, the command said:\n{tail}")


def end_to_end(root: Path, units: int, repeat: int, results: Results) -> Path:
    """(a) against (c) at *units* x 100, one core and all; the last consolidated master."""
    pristine, files = world(root, units, units * ROWS)
    folder, returns = pristine.parent, files[0].parent
    kept = folder / "scale-consolidated.xlsx"
    for i in range(repeat):
        for mode in MODES:
            began = time.perf_counter()
            floor(pristine, files)
            c = time.perf_counter() - began
            master = fresh(folder, pristine)
            run = consolidate_run(master, returns, mode, results)
            _check(run, f"consolidate {units}x{ROWS} {mode}", changes=units * ROWS // 10)
            results.consolidate.setdefault((units, mode), []).append(Pair(run, c))
            print(
                f"  {units}x{ROWS} run {i + 1} {mode:9s}: (c) {c:6.2f}s  (a) {run.seconds:6.2f}s"
                f"  a/c {run.seconds / c:4.2f}  RSS main {run.main_mb} MB"
                f" + {run.children} children {run.children_mb} MB (largest {run.largest_child_mb})"
                f" (at once {run.together_mb} MB)  exit {run.code}",
                flush=True,
            )
            if mode == MODES[-1]:
                shutil.copy2(master, kept)
    shutil.rmtree(folder / "scale-run", ignore_errors=True)
    return kept


def _check_merge(ledger: Ledger, files: list[Path], one_core: dict[str, Any]) -> float:
    """Seconds for ``consolidate()`` of *files* into *ledger* (one changed row in ten)."""
    began = time.perf_counter()
    result = consolidate(ledger, files, root=files[0].parent, now=NOW, **one_core)
    seconds = time.perf_counter() - began
    if result.n_changes != len(files) * ROWS // 10:
        raise SystemExit(f"{result.n_changes} changes from {len(files)} returns")
    return seconds


def per_return(root: Path, totals: Sequence[int], repeat: int, results: Results) -> None:
    """Check + merge of the same 50 returns into growing masters, ms per return.

    Also the run of the first return alone: what the 49 others add, divided
    by 49, is the cost of one more return, apart from the run's fixed cost.
    """
    one_core: dict[str, Any] = {}
    if "jobs" in inspect.signature(consolidate).parameters:
        one_core["jobs"] = 1
    os.environ["ZHENGGAI_JOBS"] = "1"  # in case the pool reads it here; _env() drops it
    for total in totals:
        pristine, files = world(root, CURVE_UNITS, total)
        ledger = read_ledger(pristine)
        for i in range(repeat):
            every = _check_merge(ledger, files, one_core)
            one = _check_merge(ledger, files[:1], one_core)
            ms, more = every * 1000 / len(files), (every - one) * 1000 / (len(files) - 1)
            results.per_return.setdefault(total, []).append(ms)
            results.one_return.setdefault(total, []).append(one * 1000)
            results.marginal.setdefault(total, []).append(more)
            print(
                f"  master {total:7,d} rows, run {i + 1}: {ms:6.2f} ms per return"
                f" | one return alone {one * 1000:6.1f} ms | each further return {more:6.2f} ms",
                flush=True,
            )
        del ledger


NEXT_DAY = (NOW + timedelta(days=1)).date().isoformat()
AGAIN = "overdue (again, next day)"  # informative: on a master overdue has already run on


def _documents() -> dict[str, Callable[[Path], list[str]]]:
    return {
        "overdue": lambda m: ["overdue", str(m), "--today", TODAY],
        "bulletin --docx": lambda m: [
            "bulletin", str(m), "--docx", str(m.with_name("通报.docx")), "--today", TODAY,
        ],
        "report --docx": lambda m: [
            "report", str(m), "--docx", str(m.with_name("报告.docx")), "--today", TODAY,
        ],
        AGAIN: lambda m: ["overdue", str(m), "--today", NEXT_DAY],
    }  # fmt: skip


def _overdue_once(consolidated: Path) -> Path:
    """A copy of *consolidated* that ``zhenggai overdue`` has run on (its charts drawn)."""
    done = consolidated.with_name("scale-overdue-done.xlsx")
    master = fresh(consolidated.parent, consolidated)
    _check(run_tree([str(ZHENGGAI), *_documents()["overdue"](master)], _env()), "overdue")
    shutil.copy2(master, done)
    return done


def documents(consolidated: Path, repeat: int, results: Results) -> None:
    """overdue, bulletin and report on copies of *consolidated*, each after the read floor.

    The first ``overdue`` on a master draws the 统计 charts (through openpyxl);
    "overdue, again" is the next day's run on a master that already has them.
    """
    folder = consolidated.parent
    sources = dict.fromkeys(_documents(), consolidated)
    sources[AGAIN] = _overdue_once(consolidated)
    for i in range(repeat):
        for name, args in _documents().items():
            began = time.perf_counter()
            floor(sources[name], [])
            c = time.perf_counter() - began
            master = fresh(folder, sources[name])
            run = run_tree([str(ZHENGGAI), *args(master)], _env())
            _check(run, name)
            if "docx" in name and not list(master.parent.glob("*.docx")):
                raise SystemExit(f"{name} wrote no .docx:\n{run.out[-2000:]}")
            results.documents.setdefault(name, []).append(Pair(run, c))
            print(
                f"  {name:15s} run {i + 1}: master floor {c:5.2f}s  command {run.seconds:6.2f}s"
                f"  ratio {run.seconds / c:4.2f}  RSS {run.main_mb} MB  exit {run.code}",
                flush=True,
            )
    shutil.rmtree(folder / "scale-run", ignore_errors=True)


def _med(values: Sequence[float], fmt: str = "{:.2f}") -> str:
    """Median and range of *values*."""
    mid = fmt.format(statistics.median(values))
    if len(values) == 1:
        return mid
    return f"{mid} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def _table_consolidate(results: Results) -> None:
    print("\n| size | cores | (c) read floor s | (a) consolidate s | a/c | RSS main MB"
          " | RSS children MB | main + children MB | tree at once MB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for (units, mode), pairs in results.consolidate.items():
        runs = [p.run for p in pairs]
        label = mode if results.jobs_supported else f"{mode} (no --jobs)"
        print(
            f"| {units:,d} × {ROWS} ({units * ROWS:,d}-row master) | {label}"
            f" | {_med([p.floor for p in pairs])} | {_med([r.seconds for r in runs])}"
            f" | **{_med([p.ratio for p in pairs])}** | {max(r.main_mb for r in runs)}"
            f" | {max(r.children_mb for r in runs)} ({max(r.children for r in runs)} procs)"
            f" | **{max(r.total_mb for r in runs)}** | {max(r.together_mb for r in runs)} |"
        )


def report(results: Results) -> list[tuple[str, bool | None, str]]:
    """Print the tables (markdown); return the targets as (what, met, measured)."""
    if results.consolidate:
        _table_consolidate(results)
    if results.per_return:
        print("\n| master rows | check + merge of 50 returns, ms per return | one return alone, ms"
              " | each further return, ms |")  # fmt: skip
        print("|---|---|---|---|")
        for total, ms in results.per_return.items():
            print(
                f"| {total:,d} | **{_med(ms)}** | {_med(results.one_return[total], '{:.0f}')}"
                f" | {_med(results.marginal[total])} |"
            )
        first, last = min(results.per_return), max(results.per_return)
        if first != last:
            growth = [
                statistics.median(series[last]) / statistics.median(series[first])
                for series in (results.per_return, results.marginal)
            ]
            print(
                f"\n{last:,d} rows / {first:,d} rows: {growth[0]:.2f}× per return,"
                f" {growth[1]:.2f}× per further return"
            )
    if results.documents:
        print(f"\n| on the {results.documents_rows:,d}-row consolidated master | master read"
              " floor s | command s | ratio | RSS MB |")  # fmt: skip
        print("|---|---|---|---|---|")
        for name, pairs in results.documents.items():
            print(
                f"| `zhenggai {name}` | {_med([p.floor for p in pairs])}"
                f" | {_med([p.run.seconds for p in pairs])} | **{_med([p.ratio for p in pairs])}**"
                f" | {max(p.run.main_mb for p in pairs)} |"
            )
    return targets(results)


def targets(results: Results) -> list[tuple[str, bool | None, str]]:
    """Each target of issue 20: (what, met or None when not measured, the figure)."""
    found: list[tuple[str, bool | None, str]] = []
    for units in (500, 1000):
        pairs = results.consolidate.get((units, MODES[-1]), [])
        what = f"(a)/(c) <= {RATIO_TARGET} on all cores at {units:,d} x {ROWS}"
        if not pairs:
            found.append((what, None, "not measured"))
            continue
        ratio = statistics.median(p.ratio for p in pairs)
        note = "" if results.jobs_supported else " (no --jobs: one core)"
        found.append((what, ratio <= RATIO_TARGET, f"{ratio:.2f}{note}"))
    runs = [p.run for mode in MODES for p in results.consolidate.get((1000, mode), [])]
    what = f"peak RSS <= {RSS_TARGET} MB at 1,000 x {ROWS} (main + children, worst run)"
    if runs:
        worst = max(runs, key=lambda r: r.total_mb)
        found.append(
            (
                what,
                worst.total_mb <= RSS_TARGET,
                f"{worst.total_mb} MB = {worst.main_mb} main + {worst.children_mb} children",
            )
        )
    else:
        found.append((what, None, "not measured"))
    for name in _documents():
        if name == AGAIN:
            continue
        pairs = results.documents.get(name, [])
        what = f"{name} <= {DOC_TARGET}x the master's read floor ({results.documents_rows:,d} rows)"
        if not pairs:
            found.append((what, None, "not measured"))
            continue
        ratio = statistics.median(p.ratio for p in pairs)
        found.append((what, ratio <= DOC_TARGET, f"{ratio:.2f}"))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES), help="units")
    parser.add_argument("--curve", type=int, nargs="*", default=list(CURVE), help="master rows")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/zhenggai-bench-scale"))
    parser.add_argument("--quick", action="store_true", help="50 x 100 only, once")
    parser.add_argument("--documents-only", action="store_true", help="on the last run's master")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.curve, args.repeat = [50], [5_000], 1
    if any(total < CURVE_UNITS * ROWS for total in args.curve):
        raise SystemExit(f"--curve: a master holds at least {CURVE_UNITS * ROWS} rows")
    for line in machine():
        print(line, flush=True)
    results = Results()
    consolidated = None
    if args.documents_only:
        units = max(args.sizes)
        consolidated = args.dir / f"{units}x{ROWS}x{units * ROWS}" / "scale-consolidated.xlsx"
        if not consolidated.exists():
            raise SystemExit(f"{consolidated} not found: run without --documents-only first")
        results.documents_rows, args.sizes, args.curve = units * ROWS, [], []
    for units in sorted(args.sizes):
        print(f"\nend to end, {units} units x {ROWS} rows:", flush=True)
        consolidated = end_to_end(args.dir, units, args.repeat, results)
        results.documents_rows = units * ROWS
    if args.curve:
        print("\ntime per return as the master grows:", flush=True)
        per_return(args.dir, args.curve, args.repeat, results)
    if consolidated is not None:
        print(f"\ndocuments on {consolidated}:", flush=True)
        documents(consolidated, args.repeat, results)
    print()
    for what, met, figure in report(results):
        verdict = "not measured" if met is None else "met" if met else "NOT MET"
        print(f"target: {what}: {figure} -> {verdict}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
