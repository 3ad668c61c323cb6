"""LibreOffice in the tests: converting files the way a unit's office suite would."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
"""The LibreOffice binary, or None (``.ci/run`` installs it)."""

XLSX = "xlsx:Calc MS Excel 2007 XML"
"""The target for saving as .xlsx, as a user of LibreOffice Calc does."""


def convert(
    files: Sequence[Path],
    target: str,
    outdir: Path,
    *,
    profile: Path,
    timeout: float = 180,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Convert *files* to *target* (e.g. "pdf", :data:`XLSX`) into *outdir*, headless.

    *profile* is a fresh LibreOffice user profile, so parallel or earlier runs never clash.
    Skips the test when LibreOffice is not installed.
    """
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) 未安装（.ci/run 会安装）")
    return subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=check,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
