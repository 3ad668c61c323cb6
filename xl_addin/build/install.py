"""``zhenggai addin install | remove | status`` on Windows and macOS.

An install puts three things on the PC, each where xlwings' RunPython looks:

- the add-in ``整改台账.xlam`` in Excel's startup folder, which Excel opens when
  it starts: ``%APPDATA%\\Microsoft\\Excel\\XLSTART`` on Windows,
  ``~/Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel``
  on macOS (``User Content.localized/Startup.localized`` where Office made
  those names);
- the user's config file ``zhenggai.conf`` (the add-in's ``PROJECT_NAME`` is
  "zhenggai"): ``%USERPROFILE%\\.zhenggai\\zhenggai.conf`` on Windows,
  ``~/Library/Containers/com.microsoft.Excel/Data/zhenggai.conf`` on macOS
  (Excel's sandbox). Lines ``"KEY","value"``, as xlwings writes its own: the
  interpreter (``INTERPRETER_WIN``/``INTERPRETER_MAC``), ``PYTHONPATH`` when the
  packages live outside the interpreter's site-packages (a checkout), and on
  Windows ``CONDA PATH``/``CONDA ENV`` when the interpreter is in a conda
  environment. xlwings reads a setting from the workbook's config sheet, the
  add-in's, a ``zhenggai.conf`` beside the workbook, then this file, the first
  found winning; the add-in's sheet holds only ADD_WORKBOOK_TO_PYTHONPATH
  (see :data:`xl_addin.build.xlam.DEFAULT_SETTINGS`), so this file decides;
- on macOS, the AppleScript ``xlwings-<version>.applescript`` in
  ``~/Library/Application Scripts/com.microsoft.Excel``, through which
  RunPython starts Python there (what ``xlwings runpython install`` copies).

Every place is computed from a home folder and environment passed in
(:func:`places`), so all of it runs, and is tested, on any system; only the
CLI decides to act on the real home folder.
"""

from __future__ import annotations

import locale
import os
import shutil
import site
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PureWindowsPath

import xl_addin
from xl_addin.build.xlam import ADDIN_FILENAME, PROJECT_NAME, build_addin, template_path
from xl_addin.errors import AddinBuildError

__all__ = [
    "Places",
    "install",
    "install_settings",
    "interpreter",
    "places",
    "python_path",
    "read_conf",
    "remove",
    "write_conf",
    "xlstart_folder",
]

#: Where Excel looks for start-up files of the current user, below %APPDATA%.
XLSTART = ("Microsoft", "Excel", "XLSTART")
_OFFICE = ("Library", "Group Containers", "UBF8T346G9.Office")
_MAC_STARTUP = (
    ("User Content.localized", "Startup.localized", "Excel"),
    ("User Content", "Startup", "Excel"),
)
_MAC_SANDBOX = ("Library", "Containers", "com.microsoft.Excel", "Data")
_MAC_SCRIPTS = ("Library", "Application Scripts", "com.microsoft.Excel")
#: Keys an install writes (and a removal takes out), as xlwings spells them.
OUR_KEYS = ("INTERPRETER_WIN", "INTERPRETER_MAC", "PYTHONPATH", "CONDA PATH", "CONDA ENV")


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


@dataclass(frozen=True)
class Places:
    """Where an install puts things on one PC.

    Attributes:
        platform: "win32" or "darwin".
        addin: the .xlam in Excel's startup folder.
        conf: the user's ``zhenggai.conf``.
        applescript: the AppleScript RunPython calls (macOS only).
    """

    platform: str
    addin: PurePath
    conf: PurePath
    applescript: PurePath | None = None


def places(
    platform: str = sys.platform,
    *,
    home: PurePath | None = None,
    environ: Mapping[str, str] | None = None,
) -> Places:
    """Where an install goes on *platform*, for the user whose home folder is *home*.

    Raises:
        AddinBuildError: not Windows or macOS, or the Windows profile is unknown.
    """
    env = os.environ if environ is None else environ
    if platform == "win32":
        profile = env.get("USERPROFILE") or (str(home) if home is not None else "")
        if not profile:
            raise AddinBuildError("找不到用户文件夹：环境变量 USERPROFILE 没有设置。")
        return Places(
            platform,
            xlstart_folder(env) / ADDIN_FILENAME,
            PureWindowsPath(profile, f".{PROJECT_NAME}", f"{PROJECT_NAME}.conf"),
        )
    if platform == "darwin":
        base = Path(home) if home is not None else Path.home()
        office = base.joinpath(*_OFFICE)
        startup = next(
            (office.joinpath(*p) for p in _MAC_STARTUP if (office / p[0]).is_dir()),
            office.joinpath(*_MAC_STARTUP[0]),
        )
        import xlwings

        return Places(
            platform,
            startup / ADDIN_FILENAME,
            base.joinpath(*_MAC_SANDBOX, f"{PROJECT_NAME}.conf"),
            base.joinpath(*_MAC_SCRIPTS, f"xlwings-{xlwings.__version__}.applescript"),
        )
    raise AddinBuildError(
        "Excel 加载项只能装在 Windows 或 macOS 上（xlwings 通过 COM 或 AppleScript 与 Excel 通信）。"
        "WPS、LibreOffice 和其他系统的用户请直接使用命令行，例如 zhenggai overdue 台账.xlsx。"
    )


def interpreter(executable: str | None = None) -> str:
    """The Python for RunPython: ``pythonw.exe`` beside this one if it exists (no console window)."""
    python = Path(executable or sys.executable)
    windowless = python.with_name("pythonw.exe")
    if python.name.lower() == "python.exe" and windowless.is_file():
        return str(windowless)
    return str(python)


def python_path(*, site_folders: list[str] | None = None) -> str:
    """The folders holding ``zhenggai`` and ``xl_addin`` that Python would not find itself.

    "" for an ordinary ``pip install`` (both in site-packages); a development
    checkout gives ``lib`` and the checkout, joined with ";".
    """
    import zhenggai

    known = {
        os.path.normcase(os.path.realpath(p))
        for p in (
            site_folders
            if site_folders is not None
            else [*site.getsitepackages(), site.getusersitepackages()]
        )
    }
    folders: list[str] = []
    for package in (zhenggai, xl_addin):
        folder = str(Path(package.__file__ or "").resolve().parent.parent)
        if os.path.normcase(folder) not in known and folder not in folders:
            folders.append(folder)
    return ";".join(folders)


def conda_settings(prefix: Path) -> dict[str, str]:
    """``CONDA PATH``/``CONDA ENV`` when *prefix* (an interpreter's sys.prefix) is a conda env.

    xlwings then runs ``<CONDA PATH>\\condabin\\conda activate <CONDA ENV>`` before
    Python, so the environment's DLLs are found.
    """
    if not (prefix / "conda-meta").is_dir():
        return {}
    if prefix.parent.name == "envs":
        return {"CONDA PATH": str(prefix.parent.parent), "CONDA ENV": prefix.name}
    return {"CONDA PATH": str(prefix), "CONDA ENV": "base"}


def install_settings(
    platform: str = sys.platform,
    *,
    executable: str | None = None,
    prefix: Path | None = None,
) -> dict[str, str]:
    """The ``zhenggai.conf`` entries an install writes for this Python."""
    key = "INTERPRETER_WIN" if platform == "win32" else "INTERPRETER_MAC"
    python = interpreter(executable) if platform == "win32" else (executable or sys.executable)
    settings = {key: python}
    extra = python_path()
    if extra:
        settings["PYTHONPATH"] = extra
    if platform == "win32":
        settings |= conda_settings(prefix or Path(sys.prefix))
    return settings


def read_conf(path: Path, *, encoding: str = "utf-8") -> dict[str, str]:
    """The entries of an xlwings config file (``"KEY","value"`` lines), keys as written."""
    entries: dict[str, str] = {}
    try:
        text = path.read_text(encoding=encoding, errors="replace")
    except FileNotFoundError:
        return entries
    for line in text.splitlines():
        key, sep, value = line.partition(",")
        if sep:
            entries[key.strip().strip('"')] = value.strip().strip('"')
    return entries


def write_conf(
    path: Path, settings: Mapping[str, str], *, encoding: str, drop: tuple[str, ...] = ()
) -> dict[str, str]:
    """Merge *settings* into the config file at *path*, taking out the *drop* keys; the result.

    Other entries (a LICENSE_KEY the office added) are kept. The file is in
    *encoding*, the one VBA's ``Input #`` reads: the ANSI code page on Windows.

    Raises:
        AddinBuildError: a value does not fit *encoding*, or the file cannot be written.
    """
    entries = {
        k: v
        for k, v in read_conf(path, encoding=encoding).items()
        if k.upper() not in {d.upper() for d in drop}
        and k.upper() not in {s.upper() for s in settings}
    }
    entries |= dict(settings)
    text = "".join(f'"{key}","{value}"\r\n' for key, value in entries.items())
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise AddinBuildError(
            f"路径中有本机代码页（{encoding}）写不出的字符：{exc.object[exc.start : exc.end]}。"
            "请把 Python 装到只含中文、英文和数字的文件夹中。"
        ) from exc
    try:
        if not entries:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    except OSError as exc:
        raise AddinBuildError(f"无法写入配置文件 {path}：{exc.strerror or exc}") from exc
    return entries


def ansi_encoding() -> str:
    """The code page VBA reads text files in: the system's ANSI code page on Windows."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return locale.getencoding()
    return "utf-8"


def install(
    where: Places, *, settings: Mapping[str, str] | None = None, encoding: str | None = None
) -> Places:
    """Build the add-in into ``where.addin``, write ``where.conf`` (and the AppleScript on macOS).

    Raises:
        AddinBuildError: a file cannot be written, e.g. Excel has the add-in open.
    """
    addin = Path(where.addin)
    try:
        addin.parent.mkdir(parents=True, exist_ok=True)
        build_addin(addin)
    except PermissionError as exc:
        raise AddinBuildError(
            f"无法写入 {addin}：Excel 可能正打开着加载项，请先关闭所有 Excel 窗口再安装。"
        ) from exc
    write_conf(
        Path(where.conf),
        install_settings(where.platform) if settings is None else settings,
        encoding=encoding or ansi_encoding(),
    )
    if where.applescript is not None:
        import xlwings

        script = Path(where.applescript)
        source = template_path().parent / f"xlwings-{xlwings.__version__}.applescript"
        try:
            script.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, script)
        except OSError as exc:
            raise AddinBuildError(f"无法写入 {script}：{exc.strerror or exc}") from exc
    return where


def remove(where: Places, *, encoding: str | None = None) -> list[str]:
    """Take the add-in and our config entries away; what was removed, in words.

    The AppleScript stays: xlwings' own add-in uses the same file.

    Raises:
        AddinBuildError: the add-in cannot be deleted (Excel has it open).
    """
    done: list[str] = []
    addin = Path(where.addin)
    if addin.exists():
        try:
            addin.unlink()
        except OSError as exc:
            raise AddinBuildError(
                f"无法删除 {addin}：Excel 可能正打开着加载项，请先关闭所有 Excel 窗口。"
            ) from exc
        done.append(f"已删除加载项 {addin}")
    conf = Path(where.conf)
    before = read_conf(conf, encoding=encoding or ansi_encoding())
    if any(k.upper() in OUR_KEYS for k in before):
        left = write_conf(conf, {}, encoding=encoding or ansi_encoding(), drop=OUR_KEYS)
        done.append(f"已从 {conf} 删除解释器设置" + ("，其他设置保留" if left else "，文件已删除"))
    return done
