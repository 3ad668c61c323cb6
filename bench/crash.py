"""Kill ``zhenggai consolidate`` with SIGKILL at random moments; the master must stay whole.

    .venv/bin/python bench/crash.py --kills 50

Builds (once, in --dir) a master of --units x --rows items (10,000 by
default) and a return from every unit (a new 整改进展 in every tenth row),
runs the installed ``zhenggai consolidate`` once to time it and record the
state after, then --kills times: restores the master, starts the command as
a real subprocess, kills it after a random delay (spread over the run after
the interpreter's start-up) and checks that the master opens and equals the
state before or after. Exit code 0 only when it did every time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.crashcheck import Kill, kill_at_random, master_state
from tests.support.synthetic import returned_world

ZHENGGAI = Path(sys.executable).with_name("zhenggai")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/zhenggai-crash"))
    args = parser.parse_args()
    folder = args.dir / f"{args.units}x{args.rows}"
    began = time.perf_counter()
    pristine_path, returns = returned_world(folder, units=args.units, rows=args.rows)
    print(
        f"data: {args.units * args.rows} rows, returns in {returns} ({time.perf_counter() - began:.1f}s)"
    )
    pristine = pristine_path.read_bytes()
    work = folder / "run"
    work.mkdir(exist_ok=True)
    master = work / "台账.xlsx"
    since = datetime.now() - timedelta(minutes=1)

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(ZHENGGAI), "consolidate", str(master), str(returns)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    master.write_bytes(pristine)
    before = master_state(master, since=since)
    t0 = time.perf_counter()
    subprocess.run([str(ZHENGGAI), "--version"], check=True, capture_output=True)
    startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    code = start().wait()
    duration = time.perf_counter() - t0
    after = master_state(master, since=since)
    if code not in (0, 1) or after == before:
        print(f"the uninterrupted run failed (exit {code})")
        return 2
    print(f"uninterrupted run: {duration:.2f}s (start-up {startup:.2f}s), exit {code}")

    def show(i: int, kill: Kill) -> None:
        mark = "save" if kill.saving else "    "
        print(f"  kill {i:3d} at {kill.delay:6.2f}s {mark} -> {kill.outcome}", flush=True)

    report = kill_at_random(
        start,
        master,
        pristine,
        before=before,
        after=after,
        kills=args.kills,
        duration=duration,
        since=since,
        skip=startup,
        seed=args.seed,
        progress=show,
    )
    ok = len(report.kills) - len(report.broken)
    print(report.summary())
    print(f"master opened and equalled before or after: {ok}/{len(report.kills)}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
