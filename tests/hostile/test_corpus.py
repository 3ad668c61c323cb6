"""Every hostile file at once, beside good files, through the real ``zhenggai consolidate``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.corpus import Case, build_corpus, build_world
from zhenggai import read_ledger
from zhenggai.core.text import canonical
from zhenggai.returns.consolidate import Verdict

ZHENGGAI = Path(sys.executable).with_name("zhenggai")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Case]]:
    world = build_world(tmp_path_factory.mktemp("hostile"))
    return world.master, world.returns(), build_corpus(world)


def _mismatches(cases: list[Case], data: dict, returns: Path) -> list[str]:
    by_file = {entry["file"]: entry for entry in data["files"]}
    out = []
    for case in cases:
        name = case.file.relative_to(returns).as_posix()
        entry = by_file.pop(name, None)
        if entry is None:
            out.append(f"{case.name}: {name} was not read")
            continue
        got = sorted((p["sheet"], p["cell"], p["code"]) for p in entry["problems"])
        if got != sorted(case.problems) or entry["verdict"] != str(case.verdict):
            out.append(
                f"{case.name}: got {entry['verdict']} {got}, "
                f"want {case.verdict} {sorted(case.problems)}"
            )
        elif case.says and case.says not in entry["problems"][0]["message"]:
            out.append(
                f"{case.name}: message {entry['problems'][0]['message']!r} lacks {case.says!r}"
            )
        if any(not p["message"] for p in entry["problems"]):
            out.append(f"{case.name}: a problem without a message")
    out += [f"{name}: read but not in the corpus" for name in by_file]
    return out


def test_the_hostile_corpus_in_one_folder(corpus):
    master, returns, cases = corpus
    bad = [c for c in cases if c.problems]
    assert len({c.name for c in bad}) >= 60
    assert sum(c.legacy for c in cases) >= 3
    assert any(c.verdict is Verdict.APPLIED and not c.problems for c in cases)
    before = read_ledger(master)

    proc = subprocess.run(
        [str(ZHENGGAI), "consolidate", str(master), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    for crash in ("Traceback", "panicked", "MemoryError", "Aborted"):
        assert crash not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 1, proc.stderr[-3000:]
    data = json.loads(proc.stdout)
    assert _mismatches(cases, data, returns) == []

    # 台账: exactly the cells the good files and the notice-only files change, nothing else
    after = read_ledger(master)
    applies = {key: value for c in cases for key, value in c.applies.items()}
    touched = {rid for rid, _ in applies}
    assert data["changes"] == len(applies)
    units = {rid: row.text("unit") for rid, row in before.table.by_id().items()}
    wrong = []
    keys = [f.key for f in before.spec if f.key != "updated"]
    old, new = before.table.by_id(), after.table.by_id()
    assert old.keys() == new.keys()
    for rid, row in old.items():
        for key in keys:
            want = applies.get((rid, key), row.values.get(key))
            if canonical(new[rid].values.get(key)) != canonical(want):
                wrong.append((rid, key, row.values.get(key), new[rid].values.get(key), want))
        stamp = new[rid].text("updated")
        if (rid in touched) != stamp.endswith(units[rid]) or (
            rid not in touched and stamp != row.text("updated")
        ):
            wrong.append((rid, "updated", row.text("updated"), stamp))
    assert wrong == []
