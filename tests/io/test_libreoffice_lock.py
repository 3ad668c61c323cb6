"""A master open in LibreOffice is refused, though LibreOffice holds no lock on it.

LibreOffice 7.4 with a document open holds no POSIX lock; only its owner file
``.~lock.<name>#`` (",user,host,date,profile;") shows it. The audit's
instance: a master open in LibreOffice on this computer was replaced. Here a
real LibreOffice process runs on this computer while its owner file names
this host; an owner file naming another computer (a shared folder) is held
too; and the same owner file with no LibreOffice running is a crash's
leftover, not a holder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.office import SOFFICE
from tests.support.returns_kit import fill, issue
from zhenggai.io.lock import holder, libreoffice_running

ZHENGGAI = Path(sys.executable).with_name("zhenggai")
pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="processes are looked up in /proc"),
]


def _owner_file(master: Path, host: str) -> Path:
    """The owner file as LibreOffice 7.4 writes it."""
    owner = master.with_name(f".~lock.{master.name}#")
    stamp = datetime.now().strftime("%d.%m.%Y %H:%M")
    owner.write_text(
        f",陈静,{host},{stamp},file:///home/chen/.config/libreoffice/4;", encoding="utf-8"
    )
    return owner


def _consolidate(master: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ZHENGGAI), "consolidate", str(master)], capture_output=True, text=True, timeout=300
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def returned(demo_master: Path) -> Path:
    templates = issue(demo_master)
    fill(templates["人事科"], demo_master.parent / "回收" / "a.xlsx", {("4", "remark"): "已整改"})
    return demo_master


def test_an_owner_file_of_another_computer_is_held(returned):
    _owner_file(returned, "pc-办公室-02")
    before = _sha(returned)
    proc = _consolidate(returned)
    assert proc.returncode == 2
    assert "陈静（电脑 pc-办公室-02 上的 LibreOffice）" in proc.stderr
    assert f".~lock.{returned.name}#" in proc.stderr  # how to clear a lock left by a crash
    assert _sha(returned) == before


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_a_running_libreoffice_holds_the_master_and_a_crash_leftover_does_not(returned, tmp_path):
    if libreoffice_running():
        pytest.skip("another LibreOffice already runs on this computer")
    _owner_file(returned, socket.gethostname())
    assert holder(returned) is None  # this computer, no LibreOffice running: left by a crash
    office = subprocess.Popen(
        [
            str(SOFFICE),
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--accept=pipe,name=zhenggai-test;urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not libreoffice_running() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert libreoffice_running()
        before = _sha(returned)
        proc = _consolidate(returned)
        assert proc.returncode == 2
        assert "陈静（本机的 LibreOffice）" in proc.stderr and "请先关闭" in proc.stderr
        assert _sha(returned) == before
    finally:
        os.killpg(office.pid, signal.SIGKILL)
        office.wait()
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)
    deadline = time.monotonic() + 30
    while libreoffice_running() and time.monotonic() < deadline:
        time.sleep(0.2)
    proc = _consolidate(returned)  # LibreOffice gone: the owner file is a leftover
    assert proc.returncode == 0, proc.stderr
