"""``MasterLock`` between two real processes, on the byte Windows locks too.

``msvcrt.locking`` locks from the file's current position, and a lock file opened
in "a+" sits at its end: without a seek to byte 0 each run locks a different byte
and two runs on Windows do not exclude each other. On Linux the lock is the same
one-byte lock from the current position (an open-file-description lock), so
these tests fail here for the bug that would let two runs through on Windows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from zhenggai.core.errors import MasterBusyError
from zhenggai.io import lock
from zhenggai.io.lock import MasterLock

pytestmark = pytest.mark.skipif(
    sys.platform == "darwin", reason="macOS locks the whole file with flock instead"
)

_HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from zhenggai.io.lock import MasterLock

    with MasterLock(Path(sys.argv[1]), command="汇总"):
        print("locked", flush=True)
        sys.stdin.read()  # hold until the test closes our stdin
    print("released", flush=True)
    """
)


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A second process holding the lock of ``台账.xlsx`` until the test ends."""
    master = tmp_path / "台账.xlsx"
    master.write_bytes(b"")
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(master)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
    try:
        yield master, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_a_second_process_is_refused_and_told_who_holds_the_lock(held) -> None:
    master, proc = held
    lock_file = master.with_name(f"~zhenggai.{master.name}.lock")
    # The holder wrote its details: a file opened "a+" now sits past byte 0.
    assert lock_file.stat().st_size > 1
    with pytest.raises(MasterBusyError) as info, MasterLock(master, command="汇总"):
        pass
    assert f"进程 {proc.pid}" in str(info.value) and "汇总" in str(info.value)
    assert proc.stdin is not None
    proc.stdin.close()
    assert proc.stdout is not None and proc.stdout.read() == "released\n"
    assert proc.wait() == 0
    with MasterLock(master, command="汇总"):  # free once the holder is gone
        pass


def test_the_lock_is_byte_0_whatever_the_handle_position(held) -> None:
    """Another handle at the end of the file (as "a+" leaves it) still meets the lock."""
    master, _ = held
    lock_file = master.with_name(f"~zhenggai.{master.name}.lock")
    with open(lock_file, "a+b") as fh:
        assert fh.tell() == lock_file.stat().st_size > 0
        assert not lock._lock_first_byte(fh.fileno())
        # Byte 0 is what is locked: a byte further on is free, which is why the seek matters.
        fh.seek(3)
        lock._lock_here(fh.fileno(), exclusive=True)
        lock._lock_here(fh.fileno(), exclusive=False)


def test_the_lock_is_released_when_the_holder_is_killed(held) -> None:
    master, proc = held
    proc.kill()
    proc.wait()
    with MasterLock(master, command="汇总") as taken:
        text = taken.path.read_text(encoding="utf-8")
        assert f'"pid": {os.getpid()}' in text
