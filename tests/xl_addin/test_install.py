"""``zhenggai addin install | remove | status | selftest``: the places, the files, the settings.

Every place is computed from a home folder and environment given, so a Windows
and a macOS install are both carried out here into a temporary home, and the
files they write are read back the way xlwings' VBA reads them.
"""

from __future__ import annotations

import sys
from pathlib import Path, PureWindowsPath

import pytest
import xlwings
from python_calamine import CalamineWorkbook

from xl_addin.build.install import (
    Places,
    conda_settings,
    install,
    install_settings,
    interpreter,
    places,
    python_path,
    read_conf,
    remove,
    write_conf,
    xlstart_folder,
)
from xl_addin.build.status import addin_state, selftest_checks, status_lines
from xl_addin.build.xlam import ADDIN_FILENAME, CONF_SHEET, DEFAULT_SETTINGS, build_addin
from xl_addin.errors import AddinBuildError
from zhenggai.cli import main


def test_xlstart_folder_from_appdata_or_userprofile() -> None:
    roaming = r"C:\Users\张三\AppData\Roaming"
    want = PureWindowsPath(roaming, "Microsoft", "Excel", "XLSTART")
    assert xlstart_folder({"APPDATA": roaming}) == want
    assert xlstart_folder({"USERPROFILE": r"C:\Users\张三"}) == want
    with pytest.raises(AddinBuildError, match="APPDATA"):
        xlstart_folder({})


def test_windows_places_are_where_excel_and_xlwings_look() -> None:
    where = places(
        "win32",
        environ={"APPDATA": r"C:\Users\张三\AppData\Roaming", "USERPROFILE": r"C:\Users\张三"},
    )
    assert where.addin == PureWindowsPath(
        r"C:\Users\张三\AppData\Roaming\Microsoft\Excel\XLSTART\整改台账.xlam"
    )
    # xlwings: Environ("USERPROFILE") & "\." & PROJECT_NAME & "\" & PROJECT_NAME & ".conf"
    assert where.conf == PureWindowsPath(r"C:\Users\张三\.zhenggai\zhenggai.conf")
    assert where.applescript is None


def test_macos_places_for_a_home_folder(tmp_path: Path) -> None:
    where = places("darwin", home=tmp_path)
    office = tmp_path / "Library" / "Group Containers" / "UBF8T346G9.Office"
    # Neither Office folder exists yet: the name recent Office versions make.
    assert (
        where.addin
        == office / "User Content.localized" / "Startup.localized" / "Excel" / ADDIN_FILENAME
    )
    # xlwings: GetMacDir("$HOME") inside Excel's sandbox & "/" & PROJECT_NAME & ".conf"
    assert where.conf == tmp_path / "Library/Containers/com.microsoft.Excel/Data/zhenggai.conf"
    assert where.applescript == (
        tmp_path
        / "Library/Application Scripts/com.microsoft.Excel"
        / f"xlwings-{xlwings.__version__}.applescript"
    )
    (office / "User Content").mkdir(parents=True)  # an Office that made the plain name
    assert places("darwin", home=tmp_path).addin == (
        office / "User Content" / "Startup" / "Excel" / ADDIN_FILENAME
    )


def test_other_systems_are_told_to_use_the_cli() -> None:
    with pytest.raises(AddinBuildError, match="Windows 或 macOS"):
        places("linux")


def test_interpreter_prefers_pythonw(tmp_path: Path) -> None:
    python = tmp_path / "python.exe"
    python.write_bytes(b"")
    assert interpreter(str(python)) == str(python)
    (tmp_path / "pythonw.exe").write_bytes(b"")
    assert interpreter(str(python)) == str(tmp_path / "pythonw.exe")


def test_python_path_only_when_the_packages_are_outside_site_packages(tmp_path: Path) -> None:
    import zhenggai

    checkout = Path(zhenggai.__file__).resolve().parents[1]
    folders = [Path(p) for p in python_path(site_folders=[]).split(";")]
    assert any((f / "zhenggai" / "__init__.py").is_file() for f in folders)
    assert any((f / "xl_addin" / "buttons_spec.py").is_file() for f in folders)
    # Installed normally, both packages are in site-packages: nothing to add.
    both = [str(checkout), str(Path(__file__).resolve().parents[2])]
    assert python_path(site_folders=both) == ""


def test_conda_environments_get_xlwings_conda_settings(tmp_path: Path) -> None:
    env = tmp_path / "Anaconda3" / "envs" / "zhenggai"
    (env / "conda-meta").mkdir(parents=True)
    assert conda_settings(env) == {
        "CONDA PATH": str(tmp_path / "Anaconda3"),
        "CONDA ENV": "zhenggai",
    }
    base = tmp_path / "Anaconda3"
    (base / "conda-meta").mkdir()
    assert conda_settings(base) == {"CONDA PATH": str(base), "CONDA ENV": "base"}
    assert conda_settings(tmp_path / "venv") == {}
    settings = install_settings("win32", executable=str(env / "python.exe"), prefix=env)
    assert settings["INTERPRETER_WIN"] == str(env / "python.exe")
    assert settings["CONDA ENV"] == "zhenggai"
    assert "CONDA PATH" not in install_settings("darwin", prefix=env)


def test_conf_file_is_what_vba_input_reads_and_keeps_other_entries(tmp_path: Path) -> None:
    conf = tmp_path / ".zhenggai" / "zhenggai.conf"
    conf.parent.mkdir()
    conf.write_bytes(b'"LICENSE_KEY","abc"\r\n"INTERPRETER_WIN","C:\\old\\python.exe"\r\n')
    python = r"C:\Users\张三\zhenggai\Scripts\pythonw.exe"
    write_conf(conf, {"INTERPRETER_WIN": python}, encoding="gbk")
    # VBA's Input # reads "key","value" pairs in the ANSI code page (GBK on Chinese Windows).
    assert conf.read_bytes() == (
        b'"LICENSE_KEY","abc"\r\n"INTERPRETER_WIN","' + python.encode("gbk") + b'"\r\n'
    )
    assert read_conf(conf, encoding="gbk") == {"LICENSE_KEY": "abc", "INTERPRETER_WIN": python}
    with pytest.raises(AddinBuildError, match="代码页"):
        write_conf(conf, {"INTERPRETER_WIN": "C:\\Users\\Zoë\\python.exe"}, encoding="gbk")


def _windows(tmp_path: Path) -> Places:
    home = tmp_path / "Users" / "张三"
    return Places("win32", home / "XLSTART" / ADDIN_FILENAME, home / ".zhenggai" / "zhenggai.conf")


def test_install_and_remove_on_windows_leave_an_addin_that_uses_the_conf(tmp_path: Path) -> None:
    where = _windows(tmp_path)
    settings = install_settings("win32")
    install(where, encoding="gbk")
    addin = Path(where.addin)
    rows = CalamineWorkbook.from_path(str(addin)).get_sheet_by_name(CONF_SHEET).to_python()
    # No interpreter row in the add-in: xlwings goes on to the user's zhenggai.conf.
    assert {key.upper() for key, _ in rows} == {k.upper() for k in DEFAULT_SETTINGS}
    assert read_conf(Path(where.conf), encoding="gbk") == settings
    assert addin_state(addin) == "current"
    Path(where.conf).write_text(
        Path(where.conf).read_text(encoding="gbk") + '"LICENSE_KEY","x"\r\n', encoding="gbk"
    )
    done = remove(where, encoding="gbk")
    assert not addin.exists()
    assert read_conf(Path(where.conf), encoding="gbk") == {"LICENSE_KEY": "x"}
    assert done[0].startswith("已删除加载项") and "其他设置保留" in done[1]
    assert remove(where, encoding="gbk") == []


def test_install_on_macos_copies_the_applescript_runpython_calls(tmp_path: Path) -> None:
    where = install(places("darwin", home=tmp_path), encoding="utf-8")
    assert where.applescript is not None
    script = Path(where.applescript).read_text(encoding="utf-8")
    assert "on VbaHandler(ParameterString)" in script  # xlwings' own handler
    conf = read_conf(Path(where.conf))
    assert conf["INTERPRETER_MAC"] == sys.executable
    assert "INTERPRETER_WIN" not in conf and "CONDA PATH" not in conf
    lines, ok = status_lines("darwin", home=tmp_path)
    assert ok, lines
    assert f"加载项：{where.addin}（已安装，与本机的 zhenggai 一致）" in lines
    assert any(line.startswith(f"  解释器：{sys.executable}（存在）") for line in lines)
    remove(where)
    assert Path(where.applescript).is_file()  # xlwings' own add-in uses it too
    assert not Path(where.conf).exists()  # nothing else was in it


def test_status_says_what_is_missing_or_stale(tmp_path: Path) -> None:
    lines, ok = status_lines("darwin", home=tmp_path)
    assert not ok
    assert lines[0].startswith("zhenggai ") and f"xlwings {xlwings.__version__}" in lines[0]
    assert any("未安装：请运行 zhenggai addin install" in line for line in lines)
    assert "  解释器：未配置，使用 PATH 中的 python" in lines
    where = places("darwin", home=tmp_path)
    build_addin(Path(where.addin), settings={"Interpreter_Mac": "/usr/bin/python3"})
    assert addin_state(Path(where.addin)) == "outdated"


def test_selftest_checks_this_python_and_the_install(tmp_path: Path) -> None:
    checks = {c.step: c for c in selftest_checks("darwin", home=tmp_path)}
    assert not checks["加载项文件"].ok and "zhenggai addin install" in checks["加载项文件"].fix
    assert not checks["RunPython 的 AppleScript"].ok
    assert checks["Python 解释器"].ok, checks["Python 解释器"].line()
    assert checks["Python 程序包"].ok and checks["安装的文件"].ok
    install(places("darwin", home=tmp_path), encoding="utf-8")
    assert all(c.ok for c in selftest_checks("darwin", home=tmp_path))


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="installs for real there")
def test_cli_install_elsewhere_says_what_it_would_do_and_exits_2(capsys) -> None:
    assert main(["addin", "install"]) == 2
    text = capsys.readouterr().err
    assert "本机不是 Windows 或 macOS" in text and "本机不做任何改动" in text
    assert r"%APPDATA%\Microsoft\Excel\XLSTART\整改台账.xlam" in text
    assert r"%USERPROFILE%\.zhenggai\zhenggai.conf" in text
    assert "com.microsoft.Excel" in text and f"INTERPRETER_WIN = {interpreter()}" in text
    assert main(["addin", "remove"]) == 2


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="reports the real install there")
def test_cli_status_and_selftest_here(capsys) -> None:
    assert main(["addin", "status"]) == 2
    out = capsys.readouterr().out
    assert f"xlwings {xlwings.__version__}" in out and "Windows 或 macOS" in out
    assert main(["addin", "selftest"]) == 0
    out = capsys.readouterr().out
    assert "[通过] Python 解释器" in out and "[通过] Python 程序包" in out and "全部通过" in out


def test_build_command_writes_the_file(tmp_path: Path, capsys) -> None:
    assert main(["addin", "build", "--out", str(tmp_path / "加载项.xlam")]) == 0
    assert (tmp_path / "加载项.xlam").is_file()
    assert "已生成加载项" in capsys.readouterr().out
