"""Files and folders the tool really cannot write, the way an office PC refuses them.

- :func:`unwritable`: a folder in which the OS refuses to create or replace
  files (``PermissionError``), as a read-only share or a folder locked down by
  IT does. ``chmod`` does not stop root, so as root the folder gets the
  immutable attribute (``chattr +i``) instead; without either the test is skipped.
- :func:`held_open`: a file open in Excel/WPS on another process: its owner file
  (``~$name``, the user name in it) beside it, and the file locked by a second
  process. Windows' Excel refuses replacing such a file outright; here the
  lock is what :func:`zhenggai.io.lock.holder` sees, as it sees Excel's there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

__all__ = ["held_open", "unwritable"]

_HOLD = (
    "import fcntl, sys; fh = open(sys.argv[1], 'r+b'); fcntl.lockf(fh.fileno(), fcntl.LOCK_EX); "
    "print('locked', flush=True); sys.stdin.read()"
)


@contextmanager
def unwritable(folder: Path) -> Iterator[Path]:
    """*folder* (made if missing) refuses new files for the ``with`` block."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("running as root without chattr: no way to make a folder unwritable")
    done = subprocess.run([chattr, "+i", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


@contextmanager
def held_open(path: Path, user: str = "张三") -> Iterator[Path]:
    """*path* open in "Excel" by *user* for the ``with`` block (see the module docstring)."""
    if sys.platform == "win32":  # pragma: no cover - the tests run on Linux
        pytest.skip("POSIX locks")
    owner = path.with_name("~$" + path.name)
    name = user.encode("gbk")
    owner.write_bytes(bytes([len(user)]) + name.ljust(53, b" ") + user.encode("utf-16-le"))
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
        yield path
    finally:
        proc.kill()
        proc.wait()
        owner.unlink(missing_ok=True)
