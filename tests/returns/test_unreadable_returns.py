"""One unreadable file never stops a run: it is named, and the others are consolidated.

The audit's instances were EIO, permission denied, a file deleted between the
scan and the read, and a FIFO that made ``check`` hang. New instances here: a
FIFO in a subfolder consolidated by the real command, a return replaced by a
folder after the scan, a file and a folder an ordinary user may not read, and
links that lead out of the returns folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fsfaults import ROOT, as_other_user, shared_folder
from tests.support.returns_kit import NOW, fill, issue
from zhenggai import read_ledger
from zhenggai.demo.ledger import create_demo_master
from zhenggai.returns.consolidate import Verdict, consolidate, consolidate_folder

ZHENGGAI = Path(sys.executable).with_name("zhenggai")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, links and modes")


def _returns(master: Path) -> tuple[Path, Path, Path]:
    templates = issue(master)
    folder = master.parent / "回收"
    good = fill(templates["人事科"], folder / "人事科.xlsx", {("4", "remark"): "按时报送"})
    other = fill(templates["办公室"], folder / "办公室.xlsx", {("1", "remark"): "第二份"})
    return folder, good, other


def test_a_fifo_in_a_subfolder_is_named_and_never_opened(demo_master):
    folder, _, _ = _returns(demo_master)
    (folder / "子目录").mkdir()
    fifo = folder / "子目录" / "宣传教育科.xlsx"
    os.mkfifo(fifo)
    proc = subprocess.run(
        [str(ZHENGGAI), "consolidate", str(demo_master), "--json"],
        capture_output=True,
        text=True,
        timeout=120,  # a FIFO opened for reading would block here forever
    )
    assert proc.returncode == 1, proc.stderr
    files = {f["file"]: f for f in json.loads(proc.stdout)["files"]}
    assert files["子目录/宣传教育科.xlsx"]["verdict"] == "rejected"
    [problem] = files["子目录/宣传教育科.xlsx"]["problems"]
    assert problem["code"] == "file-unreadable" and "不是普通文件" in problem["message"]
    assert files["人事科.xlsx"]["verdict"] == "applied"
    check = subprocess.run(
        [str(ZHENGGAI), "check", str(fifo), "--json"], capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 1
    assert [p["code"] for p in json.loads(check.stdout)["problems"]] == ["file-unreadable"]


def test_a_return_gone_or_replaced_by_a_folder_after_the_scan(demo_master):
    folder, good, other = _returns(demo_master)
    gone = folder / "网络安全科.xlsx"
    shutil.copy(good, gone)
    files = [gone, other, good]
    gone.unlink()  # deleted between the scan and the read
    shutil.move(other, folder / "tmp.xlsx")
    other.mkdir()  # the name now holds a folder
    result = consolidate(read_ledger(demo_master), files, root=folder, now=NOW)
    by = {f.file: f for f in result.files}
    assert [p.code for p in by["网络安全科.xlsx"].problems] == ["file-unreadable"]
    assert "不存在" in by["网络安全科.xlsx"].problems[0].message
    assert [p.code for p in by["办公室.xlsx"].problems] == ["file-unreadable"]
    assert by["人事科.xlsx"].verdict is Verdict.APPLIED


def test_links_leading_out_of_the_returns_folder_are_listed_not_followed(demo_master, tmp_path):
    folder, good, other = _returns(demo_master)
    outside = tmp_path / "别处"
    outside.mkdir()
    shutil.move(other, outside / "办公室.xlsx")
    (folder / "别处的文件夹").symlink_to(outside, target_is_directory=True)
    (folder / "别处的文件.xlsx").symlink_to(outside / "办公室.xlsx")
    (folder / "同一文件.xlsx").symlink_to(good)  # inside the folder: read (a duplicate)
    result = consolidate_folder(read_ledger(demo_master), now=NOW)
    assert sorted(p.name for p, _ in result.unread) == ["别处的文件.xlsx", "别处的文件夹"]
    assert all("符号链接" in why for _, why in result.unread)
    verdicts = {f.file: f.verdict for f in result.files}
    assert verdicts == {"人事科.xlsx": Verdict.APPLIED, "同一文件.xlsx": Verdict.DUPLICATE}


def test_a_file_and_a_folder_an_ordinary_user_cannot_read():
    """Permissions do not stop root: the run is made as ``nobody`` when the tests run as root."""
    with shared_folder() as shared:
        master = create_demo_master(shared / "台账.xlsx")
        folder, good, other = _returns(master)
        locked = folder / "锁住的文件夹"
        locked.mkdir()
        shutil.copy(good, locked / "人事科2.xlsx")
        for path in [shared, folder, *shared.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o666)
            if ROOT:
                os.chown(path, 65534, 65534)
        other.chmod(0o000)
        locked.chmod(0o000)
        proc = as_other_user(["consolidate", str(master)])
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr
        assert (
            "未读取" in proc.stdout and "锁住的文件夹" in proc.stdout and "没有权限" in proc.stdout
        )
        assert "办公室.xlsx" in proc.stdout and "台账已更新" in proc.stdout
        locked.chmod(0o755)
        other.chmod(0o644)
