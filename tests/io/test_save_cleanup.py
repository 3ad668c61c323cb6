"""A save leaves no temp file and no stray backup, however it ends; the backup is right.

Interrupts are real: SIGINT raised in the process (Python turns it into
KeyboardInterrupt, as for Ctrl+C) at each step of a real save, and a real
SIGKILL of a child process in the middle of one.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zhenggai.core.changes import ChangeSet
from zhenggai.io import backups, master
from zhenggai.io.backups import PendingBackup, remove_stale
from zhenggai.io.calamine import open_book
from zhenggai.io.master import OpenpyxlMaster, update_master


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _left(folder: Path) -> list[str]:
    """Everything a save may leave: temp files, lock files, backups and their parts."""
    names = [p.name for p in folder.glob(".~*")] + [p.name for p in folder.glob("~zhenggai*")]
    backup = folder / "备份"
    return sorted(names + ([p.name for p in backup.iterdir()] if backup.exists() else []))


def _edit() -> ChangeSet:
    changes = ChangeSet()
    changes.edit("台账", 2, 13, "进展已更新")
    return changes


def _interrupt_after(owner: Any, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send this process SIGINT once *owner.name* has done its real work."""
    real: Callable[..., Any] = getattr(owner, name)

    def then_interrupt(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # Ctrl+C: KeyboardInterrupt at the next bytecode
        return result

    monkeypatch.setattr(owner, name, then_interrupt)


STEPS = {
    "while the backup is copied": (backups, "_copy"),
    "when the backup is ready": (PendingBackup, "ready"),
    "after the temp file is written": (master, "patch"),
    "while the temp file is checked": (master, "verify_patched"),
    "while the parts are compared": (master, "lost_parts"),
    "after the backup is named": (PendingBackup, "commit"),
}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT raised in-process")
@pytest.mark.parametrize("step", sorted(STEPS))
def test_ctrl_c_at_any_step_of_the_save_leaves_the_master_and_nothing_else(
    demo_master, monkeypatch, step
):
    before = _sha(demo_master)
    owner, name = STEPS[step]
    if name == "_copy":  # in the main thread: no background copy, the save copies itself
        monkeypatch.setattr(OpenpyxlMaster, "_start_backup", lambda self: None)
    _interrupt_after(owner, name, monkeypatch)
    with pytest.raises(KeyboardInterrupt), OpenpyxlMaster.open(demo_master, op="汇总") as m:
        m.apply(_edit())
        m.save()
    assert _sha(demo_master) == before
    assert _left(demo_master.parent) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT raised in-process")
def test_ctrl_c_while_the_returns_are_checked_drops_the_backup_being_copied(demo_master):
    def plan(ledger):  # type: ignore[no-untyped-def]
        signal.raise_signal(signal.SIGINT)
        raise AssertionError("not reached")

    with pytest.raises(KeyboardInterrupt):
        update_master(demo_master, op="汇总", plan=plan)
    assert _left(demo_master.parent) == []


def test_a_dry_run_or_a_run_without_changes_leaves_no_backup(demo_master):
    from dataclasses import dataclass

    @dataclass
    class Result:
        changes: ChangeSet

    before = _sha(demo_master)
    update_master(demo_master, op="测试", plan=lambda ledger: Result(_edit()), dry_run=True)
    update_master(demo_master, op="测试", plan=lambda ledger: Result(ChangeSet()))
    assert _sha(demo_master) == before
    assert _left(demo_master.parent) == []


def test_the_backup_and_the_recorded_sha256_are_the_master_before(demo_master):
    from dataclasses import dataclass

    @dataclass
    class Result:
        changes: ChangeSet

    before = demo_master.read_bytes()
    _, saved = update_master(
        demo_master, op="汇总", plan=lambda ledger: Result(_edit()), note_backup=True
    )
    assert saved is not None and saved.backup is not None
    assert saved.backup.read_bytes() == before
    log = open_book(demo_master, trusted=True).grid("变更记录")
    header, last = log[0], log[-1]
    assert last[header.index("文件")] == saved.backup.name
    assert last[header.index("文件SHA256")] == hashlib.sha256(before).hexdigest()
    assert sorted(_left(demo_master.parent)) == [saved.backup.name]


KILLED = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from zhenggai.core.changes import ChangeSet
    from zhenggai.io import master

    real = master.verify_patched

    def verify_then_hang(*args, **kwargs):
        counted = real(*args, **kwargs)
        print("checked", flush=True)
        time.sleep(60)
        return counted

    master.verify_patched = verify_then_hang
    changes = ChangeSet()
    changes.edit("台账", 2, 13, "进展已更新")
    with master.OpenpyxlMaster.open(Path(sys.argv[1]), op="汇总") as m:
        m.apply(changes)
        m.save()
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_what_a_killed_run_left_is_removed_by_the_next_run(demo_master):
    before = _sha(demo_master)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(demo_master)], stdout=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"checked"
    finally:
        proc.kill()
        proc.wait()
    left = _left(demo_master.parent)
    # killed after its temp file was checked: the temp file and the backup, still a .part
    assert any(n.endswith(".tmp.xlsx") and f".{proc.pid}." in n for n in left), left
    assert any(n.endswith(f".{proc.pid}.part") for n in left), left
    assert not any(n.endswith(".汇总.xlsx") for n in left), "no backup that looks real"
    assert _sha(demo_master) == before
    with OpenpyxlMaster.open(demo_master, op="汇总"):
        pass
    assert _left(demo_master.parent) == []


def test_files_of_a_live_run_are_kept(demo_master):
    folder = demo_master.parent / "备份"
    folder.mkdir()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tmp = demo_master.parent / f".~{demo_master.stem}.{live.pid}.tmp.xlsx"
        part = folder / f".~{demo_master.stem}.20261128-100000-000000.汇总.xlsx.{live.pid}.part"
        for file in (tmp, part):
            file.write_bytes(b"x")
        remove_stale(demo_master, folder)
        assert tmp.exists() and part.exists()
    finally:
        live.kill()
        live.wait()
    remove_stale(demo_master, folder)
    assert not tmp.exists() and not part.exists()
