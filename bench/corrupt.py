"""Change one byte of a valid return, thousands of times: no run may end abnormally.

    .venv/bin/python -m bench.corrupt --count 5000

The sweep behind ``tests/hostile/test_corruption.py``, too long for CI.
Builds a demo master, issues its templates and fills one return, stored and
deflated; a third kind changes one byte of one member's XML and rebuilds the
zip with the right checksums, so the change reaches the XML parsers instead
of failing a CRC. A child process checks corrupted copies one after another (the
real ``read_return`` and ``check_return`` against the master, as ``zhenggai
check`` does) and prints each verdict; a child that dies (an abort, a signal)
or prints a traceback is the finding, and the sweep goes on in a new child
from the next corruption. Prints the verdicts and problem codes counted, and
every abnormal end with its byte. Exit code 0 only when there was none.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

CHILD = r"""
import json, sys
from pathlib import Path
from zhenggai.io.master import read_ledger
from zhenggai.returns.consolidate import check_file
master, work = Path(sys.argv[1]), Path(sys.argv[2])
ledger = read_ledger(master)
import zipfile
good = work / "v8.xlsx"
with zipfile.ZipFile(good) as zf:
    parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
for line in sys.stdin:
    method, offset, byte = map(int, line.split())
    path = work / "回收" / "人事科-整改进展填报-2026年11月.xlsx"
    if method == -1:  # one byte of the members' XML, checksums right
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            at = offset
            for name, body in parts:
                if 0 <= at < len(body):
                    body = body[:at] + bytes([byte]) + body[at + 1:]
                at -= len(body)
                out.writestr(name, body)
    else:
        data = bytearray((work / f"v{method}.xlsx").read_bytes())
        data[offset] = byte
        path.write_bytes(bytes(data))
    result = check_file(path, ledger=ledger)
    print(json.dumps([method, offset, byte, str(result.verdict), sorted({str(p.code) for p in result.problems})]), flush=True)
"""


def build(folder: Path) -> Path:
    from tests.support.returns_kit import fill, issue
    from zhenggai.demo.ledger import create_demo_master

    master = create_demo_master(folder / "台账.xlsx")
    good = fill(issue(master)["人事科"], folder / "good.xlsx", {("4", "progress"): "已完成"})
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with (
            zipfile.ZipFile(good) as zin,
            zipfile.ZipFile(folder / f"v{method}.xlsx", "w", method) as zout,
        ):
            for info in zin.infolist():
                zout.writestr(info.filename, zin.read(info))
    (folder / "回收").mkdir()
    return master


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="zhenggai-corrupt-"))
    master = build(work)
    sizes = {
        m: (work / f"v{m}.xlsx").stat().st_size for m in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
    }
    with zipfile.ZipFile(work / "v8.xlsx") as zf:
        xml = b"".join(zf.read(i) for i in zf.infolist())
    sizes[-1] = len(xml)
    todo = []
    for _ in range(args.count):
        method = rng.choice(list(sizes))
        offset = rng.randrange(sizes[method])
        original = xml[offset] if method == -1 else (work / f"v{method}.xlsx").read_bytes()[offset]
        byte = rng.choice([b for b in range(256) if b != original])
        todo.append((method, offset, byte))
    verdicts: collections.Counter[str] = collections.Counter()
    codes: collections.Counter[str] = collections.Counter()
    abnormal: list[str] = []
    done = 0
    while done < len(todo):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(master), str(work)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = proc.communicate("".join(f"{m} {o} {b}\n" for m, o, b in todo[done:]))
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("[")]
        for _, _, _, verdict, found in lines:
            verdicts[verdict] += 1
            codes.update(found)
        done += len(lines)
        if proc.returncode != 0 or "Traceback" in err:
            m, o, b = todo[done]
            abnormal.append(
                f"method {m} byte {o} -> {b}: exit {proc.returncode}: {err.strip()[-300:]}"
            )
            done += 1
    print(f"{len(todo)} corruptions; bytes by kind (0 stored, 8 deflated, -1 XML): {sizes}")
    print("verdicts:", dict(verdicts.most_common()))
    print("problem codes:", dict(codes.most_common()))
    print(f"abnormal ends: {len(abnormal)}")
    for line in abnormal:
        print("  ", line)
    shutil.rmtree(work, ignore_errors=True)
    return 1 if abnormal else 0


if __name__ == "__main__":
    sys.exit(main())
