"""Install the add-in for Excel on Windows: XLSTART, interpreter and PYTHONPATH.

Excel opens every workbook in the user's XLSTART folder when it starts, so a
copy of ``整改台账.xlam`` there puts the 整改台账 tab on the ribbon. The
add-in's ``zhenggai.conf`` sheet tells xlwings' ``RunPython`` which Python to
start (``Interpreter_Win``) and where our packages are (``PYTHONPATH``); we fill
both with this environment when building the copy, so the buttons run the
zhenggai that ran the install.

Nothing here needs Windows to run; only :func:`install` writes into the
Windows profile, and the CLI refuses to call it elsewhere.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path, PureWindowsPath

import xl_addin
from xl_addin.build.xlam import ADDIN_FILENAME, build_addin
from xl_addin.errors import AddinBuildError

__all__ = ["install", "install_settings", "interpreter", "python_path", "xlstart_folder"]

#: Where Excel looks for start-up files of the current user, below %APPDATA%.
XLSTART = ("Microsoft", "Excel", "XLSTART")


def xlstart_folder(environ: Mapping[str, str] | None = None) -> PureWindowsPath:
    """The current user's XLSTART folder: ``%APPDATA%\\Microsoft\\Excel\\XLSTART``.

    Falls back to ``%USERPROFILE%\\AppData\\Roaming`` when APPDATA is unset (as in
    some service or scheduled-task sessions).

    Raises:
        AddinBuildError: neither variable is set.
    """
    env = os.environ if environ is None else environ
    appdata = env.get("APPDATA") or (
        str(PureWindowsPath(env["USERPROFILE"], "AppData", "Roaming"))
        if env.get("USERPROFILE")
        else ""
    )
    if not appdata:
        raise AddinBuildError(
            "找不到 Excel 的启动文件夹：环境变量 APPDATA 和 USERPROFILE 都没有设置。"
        )
    return PureWindowsPath(appdata, *XLSTART)


def interpreter(executable: str | None = None) -> str:
    """The Python for RunPython: ``pythonw.exe`` beside this one if it exists (no console window)."""
    python = Path(executable or sys.executable)
    windowless = python.with_name("pythonw.exe")
    if python.name.lower() == "python.exe" and windowless.is_file():
        return str(windowless)
    return str(python)


def python_path() -> str:
    """The folders holding the ``zhenggai`` and ``xl_addin`` packages, joined with ";".

    For an ordinary ``pip install`` both are site-packages, which Python finds
    anyway; for a development checkout they are ``lib`` and the checkout itself.
    """
    import zhenggai

    folders: list[str] = []
    for package in (zhenggai, xl_addin):
        folder = str(Path(package.__file__ or "").resolve().parent.parent)
        if folder not in folders:
            folders.append(folder)
    return ";".join(folders)


def install_settings(executable: str | None = None) -> dict[str, str | bool]:
    """The ``zhenggai.conf`` values an install writes for this environment."""
    return {"Interpreter_Win": interpreter(executable), "PYTHONPATH": python_path()}


def install(folder: Path | None = None) -> Path:
    """Build the add-in for this environment into *folder* (default: XLSTART) and return it.

    Raises:
        AddinBuildError: the folder cannot be written, e.g. Excel has the add-in open.
    """
    target_folder = folder or Path(xlstart_folder())
    try:
        target_folder.mkdir(parents=True, exist_ok=True)
        return build_addin(target_folder / ADDIN_FILENAME, settings=install_settings())
    except PermissionError as exc:
        raise AddinBuildError(
            f"无法写入 {target_folder / ADDIN_FILENAME}：Excel 可能正打开着加载项，"
            "请先关闭所有 Excel 窗口再安装。"
        ) from exc
