"""A consolidation killed at any moment leaves the master as it was before or after; two at once.

The kills use :mod:`bench.crashcheck`, shared with ``bench/crash.py`` (which
does the same on a 10,000-row master).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bench.crashcheck import kill_at_random, master_state
from tests.support.returns_kit import fill, issue
from zhenggai.cli import main

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="fork, SIGKILL and SIGSTOP"),
    pytest.mark.slow,
]

KILLS = 24
ZHENGGAI = Path(sys.executable).with_name("zhenggai")
STARTED = datetime.now() - timedelta(minutes=1)


@pytest.fixture
def run(demo_master, tmp_path):
    """A pristine master with three returns, the state before and after a full run."""
    templates = issue(demo_master)
    returns = tmp_path / "回收"
    fill(templates["人事科"], returns / "a.xlsx", {("4", "progress"): "已单列意识形态工作"})
    fill(templates["办公室"], returns / "b.xlsx", {("7-2", "status"): "基本完成"})
    fill(templates["机关党委"], returns / "c.xlsx", {("2", "remark"): "会议已召开"})
    work = tmp_path / "run"
    work.mkdir()
    return demo_master.read_bytes(), work / "台账.xlsx", returns


def _consolidate(master: str, returns: str) -> None:  # runs in the forked child
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the child exits right after
    os._exit(main(["consolidate", master, returns]))


class _Forked:
    """A forked consolidation: no interpreter start-up, so every kill lands in the work."""

    def __init__(self, master: Path, returns: Path) -> None:
        ctx = multiprocessing.get_context("fork")
        self.proc = ctx.Process(target=_consolidate, args=(str(master), str(returns)))
        self.proc.start()

    def kill(self) -> None:
        self.proc.kill()

    def wait(self) -> int | None:
        self.proc.join()
        return self.proc.exitcode


def _cli(master: Path, returns: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(ZHENGGAI), "consolidate", str(master), str(returns)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _full_run(start, master: Path, pristine: bytes) -> tuple[float, int]:
    master.write_bytes(pristine)
    began = time.monotonic()
    proc = start()
    code = proc.wait()
    return time.monotonic() - began, code


def test_killed_consolidation_leaves_the_master_before_or_after(run):
    pristine, master, returns = run
    master.write_bytes(pristine)
    before = master_state(master, since=STARTED)

    def start() -> _Forked:
        return _Forked(master, returns)

    duration, code = _full_run(start, master, pristine)
    assert code == 1  # b.xlsx has a problem; the rest is applied
    after = master_state(master, since=STARTED)
    assert after != before

    report = kill_at_random(
        start,
        master,
        pristine,
        before=before,
        after=after,
        kills=KILLS,
        duration=duration,
        since=STARTED,
    )
    assert report.broken == []
    print(report.summary())
    # a killed run's temp file is cleaned up by the next run
    assert _full_run(start, master, pristine)[1] == 1
    assert master_state(master, since=STARTED) == after
    assert not list(master.parent.glob(".~*.tmp*"))


def test_killed_cli_subprocess_leaves_the_master_before_or_after(run):
    """The same with the installed ``zhenggai`` command as a real subprocess (a few kills)."""
    pristine, master, returns = run
    master.write_bytes(pristine)
    before = master_state(master, since=STARTED)
    duration, code = _full_run(lambda: _cli(master, returns), master, pristine)
    assert code == 1
    after = master_state(master, since=STARTED)
    report = kill_at_random(
        lambda: _cli(master, returns),
        master,
        pristine,
        before=before,
        after=after,
        kills=6,
        duration=duration,
        since=STARTED,
        seed=6,
    )
    assert report.broken == [] and len(report.kills) == 6
    print(report.summary())


def _lock_holder(lock: Path, pids: set[int]) -> int | None:
    try:
        pid = json.loads(lock.read_text(encoding="utf-8"))["pid"]
    except (OSError, ValueError, KeyError):
        return None
    return pid if pid in pids else None


def test_two_consolidations_started_together_one_runs_the_other_exits_2(run):
    """A second run started while the first holds the lock exits 2 naming it; the first completes.

    The first run is frozen (SIGSTOP) once it holds the lock, so the second surely finds it
    taken however the machine schedules them. A first run so quick that it finished before it
    was seen holding the lock is started again (a loaded machine can starve the poll).
    """
    pristine, master, returns = run
    lock = master.with_name(f"~zhenggai.{master.name}.lock")
    command = [str(ZHENGGAI), "consolidate", str(master), str(returns)]
    for _ in range(5):
        master.write_bytes(pristine)
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        holder = None
        while holder is None and first.poll() is None:
            holder = _lock_holder(lock, {first.pid})
            if holder is None:
                time.sleep(0.002)
        if holder is None:
            first.communicate(timeout=300)
            continue
        os.kill(first.pid, signal.SIGSTOP)
        try:
            second = subprocess.run(command, capture_output=True, text=True, timeout=120)
        finally:
            os.kill(first.pid, signal.SIGCONT)
        out, _ = first.communicate(timeout=300)
        break
    else:
        pytest.fail("the first run was never seen holding the lock")
    assert second.returncode == 2
    err = second.stderr
    assert "另一个 zhenggai 正在修改这个台账" in err and lock.name in err and str(first.pid) in err
    assert first.returncode == 1 and "台账已更新" in out
    after = master_state(master, since=STARTED)  # the first run's save is whole
    assert after != master_state(_copy(master, pristine), since=STARTED)


def _copy(master: Path, data: bytes) -> Path:
    path = master.with_name("原样.xlsx")
    path.write_bytes(data)
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


def _restore(folder: Path, files: dict[str, bytes]) -> None:
    if folder.is_dir():
        shutil.rmtree(folder)
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _ledger_sheets(master: Path) -> dict[str, list[list[object]]]:
    """台账 and 回收情况 as read: what an undo must bring back exactly."""
    state = master_state(master, since=STARTED)
    return {name: state[name] for name in ("台账", "回收情况")}


def test_undo_after_a_killed_consolidation_undoes_the_last_real_one(demo_master, tmp_path):
    """A kill at any moment of a second consolidation, then ``zhenggai undo``.

    If the second run was killed before it replaced the master, its backup (if
    any) names no run of the master: undo must restore the state before the
    first consolidation, not "succeed" undoing nothing. If it completed, undo
    restores the state before it. Either way undo never fails on a backup cut
    short by the kill.
    """
    templates = issue(demo_master)
    first, second = tmp_path / "第一批", tmp_path / "第二批"
    fill(templates["人事科"], first / "a.xlsx", {("4", "progress"): "第一次汇总"})
    fill(templates["机关党委"], second / "c.xlsx", {("2", "remark"): "第二次汇总"})
    fill(templates["人事科"], second / "a2.xlsx", {("4", "remark"): "第二次补充"})
    backups = demo_master.parent / "备份"
    issued = _ledger_sheets(demo_master)
    assert main(["consolidate", str(demo_master), str(first)]) == 0
    one = demo_master.read_bytes()
    saved_backups = _snapshot(backups)
    after_one = _ledger_sheets(demo_master)
    before = master_state(demo_master, since=STARTED)

    def reset() -> None:
        demo_master.write_bytes(one)
        _restore(backups, saved_backups)
        for leftover in demo_master.parent.glob(".~*"):
            leftover.unlink()

    def start() -> subprocess.Popen[bytes]:
        return _cli(demo_master, second)

    reset()
    duration, code = _full_run(start, demo_master, one)
    assert code == 0
    after = master_state(demo_master, since=STARTED)

    def undo(outcome: str) -> str:
        proc = subprocess.run(
            [str(ZHENGGAI), "undo", str(demo_master)], capture_output=True, text=True, timeout=120
        )
        if proc.returncode != 0:
            return f"undo failed after a kill ({outcome}): {proc.stderr.strip()}"
        want = after_one if outcome == "after" else issued
        got = _ledger_sheets(demo_master)
        return outcome if got == want else f"undo after a kill ({outcome}) restored the wrong state"

    report = kill_at_random(
        start,
        demo_master,
        one,
        before=before,
        after=after,
        kills=10,
        duration=duration,
        since=STARTED,
        skip=duration * 0.4,  # start-up and reading: the kills that matter hit the save
        seed=18,
        reset=reset,
        then=undo,
    )
    print(report.summary())
    assert report.broken == []
    assert report.count("before") and report.count("after")
