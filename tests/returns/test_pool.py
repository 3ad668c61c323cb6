"""Returns checked on every core give exactly the single-core result.

The folder is the hostile corpus (damaged, tampered, legacy, foreign, formula,
renamed … files beside good ones) plus byte-identical copies (duplicates in
the same run) and a second, later-saved return of one unit: every verdict
and every path through the check, the ones the workers hand back to the
calling process included (legacy returns, changed locked cells).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.hostile.corpus import build_corpus, build_world
from zhenggai import read_ledger
from zhenggai.core.errors import UsageError
from zhenggai.returns import pool
from zhenggai.returns.consolidate import ConsolidateResult, Verdict, consolidate_folder
from zhenggai.returns.pool import check_files, worker_count

pytestmark = pytest.mark.slow

# The run's clock is the computer's (to the minute, fixed for the module): a run on
# another day's clock names the computer's time in a save-time message ("晚于现在（…）"),
# and two runs a minute apart would then differ in that word alone.
NOW = datetime.now().replace(second=0, microsecond=0)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    w = build_world(tmp_path_factory.mktemp("pool"))
    build_corpus(w)
    returns = w.returns()
    files = sorted(p for p in returns.rglob("*") if p.is_file())
    copies = returns / "转发"
    copies.mkdir()
    for path in files[:: max(1, len(files) // 6)]:  # the same bytes sent twice
        shutil.copy2(path, copies / path.name)
    return w.master, returns


def _run(master: Path, returns: Path, jobs: int) -> ConsolidateResult:
    return consolidate_folder(read_ledger(master), returns, now=NOW, jobs=jobs)


def _same(one: ConsolidateResult, many: ConsolidateResult) -> None:
    assert many.to_json() == one.to_json()
    assert many.changes == one.changes
    assert many.ledger_problems == one.ledger_problems
    assert many.open_problems == one.open_problems


def test_every_core_gives_the_single_core_result(world):
    master, returns = world
    one = _run(master, returns, jobs=1)
    time.sleep(1.1)  # the result depends on the run's time, never on the computer's clock
    many = _run(master, returns, jobs=2)
    _same(one, many)
    verdicts = {f.verdict for f in one.files}
    assert {Verdict.APPLIED, Verdict.PARTLY, Verdict.REJECTED, Verdict.DUPLICATE} <= verdicts
    assert any(f.legacy for f in one.files)
    assert len(one.files) >= 80


def test_workers_hand_back_what_needs_the_master_rows(world):
    master, returns = world
    ledger = read_ledger(master)
    files = sorted(p for p in returns.rglob("*") if p.is_file())
    local = check_files(files, ledger=ledger, root=returns, now=NOW, skip=set(), jobs=1)
    pooled = check_files(files, ledger=ledger, root=returns, now=NOW, skip=set(), jobs=2)
    assert [o.name for o in pooled] == [o.name for o in local]
    assert not any(o.recheck for o in pooled)  # settled by the caller before returning
    # what a worker alone would have said of a legacy return differs: it lacks the rows
    legacy = [o for o in local if o.checked is not None and o.checked.legacy]
    assert legacy
    assert all(pool._needs_rows(o.checked) for o in legacy)
    seen: set[str] = set()
    for a, b in zip(local, pooled, strict=True):
        assert b.checked is not None, b.name  # workers check every file (nothing in skip)
        if a.checked is None:  # one core skips a copy of a file it checked already
            assert a.sha256 in seen, a.name
        else:
            assert b.checked.problems == a.checked.problems, a.name
            assert b.checked.values == a.checked.values, a.name
        seen.add(a.sha256)
    assert any(a.checked is None for a in local)  # the copies were there


@pytest.mark.parametrize("kills", [1, 2])
def test_a_worker_killed_mid_run_costs_only_time(world, kills):
    """The system (or an antivirus) kills a worker: its files are read again, nothing is lost.

    One kill: the files not answered go to a new pool. Two (the new pool is
    killed too): the rest are read one at a time in a worker of their own.
    """
    master, returns = world
    one = _run(master, returns, jobs=1)
    killed: list[int] = []

    def kill(done: int, total: int, name: str) -> None:
        if len(killed) < kills:
            alive = [p.pid for p in multiprocessing.active_children() if p.pid not in killed]
            if alive and alive[0] is not None:
                killed.append(alive[0])
                os.kill(alive[0], signal.SIGKILL)

    many = consolidate_folder(read_ledger(master), returns, now=NOW, jobs=2, progress=kill)
    assert len(killed) == kills
    _same(one, many)


def test_worker_count_from_the_option_the_environment_or_the_cores(monkeypatch):
    monkeypatch.delenv("ZHENGGAI_JOBS", raising=False)
    assert worker_count(3) == 3
    assert worker_count() >= 1
    monkeypatch.setenv("ZHENGGAI_JOBS", "1")
    assert worker_count() == 1
    monkeypatch.setenv("ZHENGGAI_JOBS", "全部")
    with pytest.raises(UsageError, match="ZHENGGAI_JOBS"):
        worker_count()
    with pytest.raises(UsageError, match="正整数"):
        worker_count(0)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _started(
    master: Path, returns: Path, copy_to: Path
) -> tuple[subprocess.Popen[bytes], set[int]]:
    """The real command on a copy of *master*, once its two workers are running."""
    copy = Path(shutil.copy2(master, copy_to / master.name))
    zhenggai = Path(sys.executable).with_name("zhenggai")
    proc = subprocess.Popen(
        [str(zhenggai), "consolidate", str(copy), str(returns), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and len(workers) < 2:
        workers = {c for c in _children(proc.pid) if "spawn_main" in _cmdline(c)}
        time.sleep(0.01)
    assert len(workers) >= 2, "the run ended before its workers were seen"
    return proc, workers


def _left(workers: set[int]) -> list[int]:
    """The workers still alive after waiting up to 15 s for them to end."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    return [w for w in workers if _alive(w)]


LINUX = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")


@LINUX
def test_workers_end_when_the_run_is_killed(world, tmp_path):
    """Killed from the task manager (or Excel closed): no worker is left behind."""
    master, returns = world
    proc, workers = _started(master, returns, tmp_path)
    proc.kill()
    proc.communicate()
    assert _left(workers) == []


@LINUX
def test_ctrl_c_while_workers_check_cancels_cleanly(world, tmp_path):
    """Ctrl+C: "已取消。", the master untouched, no worker and no temp file left."""
    master, returns = world
    before = master.read_bytes()
    proc, workers = _started(master, returns, tmp_path)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert "已取消" in err.decode()
    assert "Traceback" not in err.decode()
    assert _left(workers) == []
    assert (tmp_path / master.name).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [master.name]
