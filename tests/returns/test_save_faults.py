"""Every filesystem error ends in one Chinese sentence saying what did and did not change.

The audit's instances were a full disk, a read-only 备份/ or 反馈/ or folder,
and a read-only master (or another user's) replaced through its writable
folder. New instances: the disk fills up at the backup, and again after the
backup while the new master is written; the master's own folder is read-only;
a master made read-only while the returns are checked is not replaced.
Each runs the real ``zhenggai consolidate``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fsfaults import ROOT, read_only, small_disk
from tests.support.returns_kit import fill, issue
from zhenggai import read_ledger
from zhenggai.io.master import OpenpyxlMaster

ZHENGGAI = Path(sys.executable).with_name("zhenggai")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and mounts")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _returns(master: Path, folder: Path) -> Path:
    templates = issue(master)
    fill(templates["人事科"], folder / "a.xlsx", {("4", "remark"): "已整改"})
    fill(templates["办公室"], folder / "b.xlsx", {("7-2", "status"): "基本完成"})  # a problem
    return folder


def _consolidate(master: Path, returns: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(ZHENGGAI), "consolidate", str(master), str(returns)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    for crash in ("Traceback", "程序内部错误", "OSError"):
        assert crash not in proc.stderr + proc.stdout, proc.stderr
    return proc


def _backups(master: Path) -> list[str]:
    folder = master.parent / "备份"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_read_only_master_is_refused_not_replaced(demo_master, tmp_path):
    returns = _returns(demo_master, tmp_path / "回收")
    before = _sha(demo_master)
    demo_master.chmod(0o444)
    proc = _consolidate(demo_master, returns)
    assert proc.returncode == 2
    assert "只读" in proc.stderr and "台账未改动" in proc.stderr
    assert _sha(demo_master) == before
    assert not any(".汇总." in b for b in _backups(demo_master))


@pytest.mark.skipif(not ROOT, reason="giving a file to another user needs root")
def test_another_users_master_is_refused_even_for_root(demo_master, tmp_path):
    returns = _returns(demo_master, tmp_path / "回收")
    os.chown(demo_master, 65534, 65534)
    before = _sha(demo_master)
    proc = _consolidate(demo_master, returns)
    assert proc.returncode == 2 and "属于用户 nobody" in proc.stderr
    assert _sha(demo_master) == before and os.stat(demo_master).st_uid == 65534


def test_a_master_made_read_only_during_the_run_is_not_replaced(demo_master, tmp_path):
    returns = _returns(demo_master, tmp_path / "回收")
    before = _sha(demo_master)
    from zhenggai.core.ledger import plan_and_write
    from zhenggai.returns.consolidate import consolidate_folder

    with OpenpyxlMaster.open(demo_master, op="汇总") as master:

        def plan(ledger):  # type: ignore[no-untyped-def]
            result = consolidate_folder(ledger, returns)
            demo_master.chmod(0o444)  # someone marks it read-only while the returns are checked
            return result

        with pytest.raises(Exception, match="只读") as info:
            plan_and_write(master, plan)
    assert "台账未改动" in str(info.value)
    assert _sha(demo_master) == before
    assert not any(".汇总." in b for b in _backups(demo_master))


@pytest.mark.parametrize("where", ["备份", "反馈", "folder"])
def test_read_only_folders(demo_master, tmp_path, where):
    returns = _returns(demo_master, tmp_path / "回收")
    before = _sha(demo_master)
    target = demo_master.parent if where == "folder" else demo_master.parent / where
    target.mkdir(exist_ok=True)
    with read_only(target):
        proc = _consolidate(demo_master, returns)
    if where == "反馈":  # written after the master: the master is saved, the lists are not
        assert proc.returncode == 2
        assert "台账已更新" in proc.stderr and "问题清单 1 份未写出" in proc.stderr
        assert read_ledger(demo_master).table.by_id()["4"].text("remark") == "已整改"
    else:
        assert proc.returncode == 2 and "台账未改动" in proc.stderr, proc.stderr
        assert _sha(demo_master) == before


@pytest.mark.parametrize("fails", ["backup", "new master"])
def test_a_full_disk(tmp_path, fails):
    from zhenggai.demo.ledger import create_demo_master

    disk = tmp_path / "小磁盘"
    source = create_demo_master(tmp_path / "原台账.xlsx")
    returns = _returns(source, tmp_path / "回收")
    kb = source.stat().st_size // 1024 + 1
    with small_disk(disk, size_kb=kb + 8 if fails == "backup" else 2 * kb + 12):
        master = disk / "台账.xlsx"
        shutil.copy(source, master)
        before = _sha(master)
        proc = _consolidate(master, returns)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "磁盘空间不足" in proc.stderr and "台账未改动" in proc.stderr
        assert _sha(master) == before
        # nothing that looks like a backup is left: no 0-byte file for undo to trust
        assert _backups(master) == []
        assert not list(disk.glob(".~*.tmp*"))
