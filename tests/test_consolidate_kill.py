"""A consolidation killed at any moment leaves the master as it was before or after."""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import shutil
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from zhenggai import open_book, read_ledger
from zhenggai.cli import main

from .returns_kit import fill, issue

SHEETS = ("台账", "变更记录", "回收情况", "校验问题", "冲突")
KILLS = 24


STARTED = datetime.now() - timedelta(minutes=1)


def _stable(value: object) -> object:
    """The run's own time ("now" in logs, the date in 最后更新) is not part of the state."""
    if isinstance(value, datetime) and value >= STARTED:
        return "运行时间"
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2} \S", value):
        return value.split(" ", 1)[1]
    return value


def _state(master: Path) -> dict[str, list[list[object]]]:
    read_ledger(master)  # it must open as a master, not just as a zip
    book = open_book(master)
    return {s: [[_stable(v) for v in row] for row in book.grid(s)] for s in SHEETS}


def _consolidate(master: str, returns: str) -> None:  # runs in the child process
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the child exits right after
    os._exit(main(["consolidate", master, returns]))


@pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL")
def test_killed_consolidation_leaves_the_master_before_or_after(demo_master, tmp_path):
    templates = issue(demo_master)
    returns = tmp_path / "回收"
    fill(templates["人事科"], returns / "a.xlsx", {("4", "progress"): "已单列意识形态工作"})
    fill(templates["办公室"], returns / "b.xlsx", {("7-2", "status"): "基本完成"})
    fill(templates["机关党委"], returns / "c.xlsx", {("2", "remark"): "会议已召开"})
    pristine = demo_master.read_bytes()
    before = _state(demo_master)

    ctx = multiprocessing.get_context("fork")
    work = tmp_path / "run"
    work.mkdir()
    master = work / "台账.xlsx"

    def start() -> multiprocessing.process.BaseProcess:
        master.write_bytes(pristine)
        proc = ctx.Process(target=_consolidate, args=(str(master), str(returns)))
        proc.start()
        return proc

    began = time.monotonic()
    proc = start()
    proc.join()
    duration = time.monotonic() - began
    assert proc.exitcode == 1  # b.xlsx has a problem; the rest is applied
    after = _state(master)
    assert after != before

    rng = random.Random(20261128)
    seen = {"before": 0, "after": 0}
    for i in range(KILLS):
        # spread the kills over the whole run, save included
        delay = duration * (i + rng.random()) / KILLS * 1.1
        proc = start()
        time.sleep(delay)
        proc.kill()
        proc.join()
        state = _state(master)
        assert state in (before, after), f"kill {i} after {delay:.3f}s left a master in between"
        seen["before" if state == before else "after"] += 1
        shutil.rmtree(work / "备份", ignore_errors=True)
    # a killed run's temp file is cleaned up by the next run
    proc = start()
    proc.join()
    assert _state(master) == after
    assert not list(work.glob(".~*.tmp*"))
    print(f"{KILLS} kills in a {duration:.2f}s run: {seen}")
