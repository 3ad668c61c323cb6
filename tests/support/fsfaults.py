"""Real filesystem faults for tests: a full disk, a read-only folder, another user.

Permissions do not stop root, and CI may run as root or not, so each fault is
made the way that really works for the user running the tests:

* :func:`read_only` — a read-only bind mount of the folder (root), else mode 0555;
* :func:`small_disk` — a tmpfs of a few hundred KB mounted on the folder (root only);
* :func:`as_other_user` — a command run as ``nobody`` (root), else as oneself,
  with a Python that user can execute.

A test that cannot have its fault here is skipped, never faked.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

ROOT = sys.platform != "win32" and os.geteuid() == 0
REPO = Path(__file__).resolve().parents[2]


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """*folder* (existing) read-only for whoever runs the tests, for the block."""
    if sys.platform == "win32":
        pytest.skip("read-only folders are not made this way on Windows")
    if ROOT:
        if not (
            _mount("--bind", str(folder), str(folder))
            and _mount("-o", "remount,bind,ro", str(folder))
        ):
            subprocess.run(["umount", str(folder)], capture_output=True)
            pytest.skip("cannot bind-mount read-only here")
        try:
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=True)
        return
    mode = stat.S_IMODE(folder.stat().st_mode)
    folder.chmod(0o555)
    try:
        yield
    finally:
        folder.chmod(mode)


@contextlib.contextmanager
def small_disk(folder: Path, *, size_kb: int) -> Iterator[None]:
    """A disk of *size_kb* KB mounted at *folder* (created, empty) for the block."""
    if not ROOT:
        pytest.skip("mounting a small disk needs root")
    folder.mkdir(parents=True, exist_ok=True)
    if not _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)):
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def _python_for_nobody() -> list[str] | None:
    """A Python ``nobody`` can run with this checkout's packages (same minor version)."""
    site = next(Path(sys.prefix).glob("lib/python3*/site-packages"), None)
    if site is None:
        return None
    # the checkout must be readable by nobody too (a clone in a 0700 temporary folder is not)
    env = f"PYTHONPATH={site}:{REPO / 'lib'}:{REPO}"
    for exe in (sys.executable, "/usr/bin/python3"):
        check = subprocess.run(
            [
                "su",
                "nobody",
                "-s",
                "/bin/sh",
                "-c",
                f"env {env} {exe} -c 'import sys, zhenggai.cli; print(sys.version_info[:2])'",
            ],
            capture_output=True,
            text=True,
        )
        if check.returncode == 0 and check.stdout.strip() == str(tuple(sys.version_info[:2])):
            return [exe, str(site)]
    return None


def as_other_user(args: Sequence[str], *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m zhenggai.cli ARGS`` as an ordinary user (``nobody`` when tests run as root)."""
    code = "import sys; from zhenggai.cli import main; sys.exit(main(sys.argv[1:]))"
    if not ROOT:
        return subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout
        )
    found = _python_for_nobody()
    if found is None or shutil.which("su") is None:
        pytest.skip(
            "no Python that user nobody can run with this checkout (is its folder readable?)"
        )
    exe, site = found
    env = f"PYTHONPATH={site}:{REPO / 'lib'}:{REPO} LANG=C.UTF-8 HOME=/tmp"
    quoted = " ".join("'" + a.replace("'", "'\\''") + "'" for a in args)
    return subprocess.run(
        ["su", "nobody", "-s", "/bin/sh", "-c", f'env {env} {exe} -c "{code}" {quoted}'],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextlib.contextmanager
def shared_folder() -> Iterator[Path]:
    """A fresh folder under /tmp that every user can reach (pytest's own are 0700)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="zhenggai-shared-", dir="/tmp"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
