"""``zhenggai addin build`` / ``install``: the folder, the interpreter, the settings written."""

from __future__ import annotations

import sys
from pathlib import Path, PureWindowsPath

import pytest
from python_calamine import CalamineWorkbook

from xl_addin.build.install import (
    install,
    install_settings,
    interpreter,
    python_path,
    xlstart_folder,
)
from xl_addin.build.xlam import ADDIN_FILENAME, CONF_SHEET, DEFAULT_SETTINGS, build_addin
from xl_addin.errors import AddinBuildError
from zhenggai.cli import main


def _conf(path: Path) -> dict[str, object]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(CONF_SHEET).to_python()
    return {key: value for key, value in rows}


def test_xlstart_folder_from_appdata_or_userprofile() -> None:
    roaming = r"C:\Users\张三\AppData\Roaming"
    want = PureWindowsPath(roaming, "Microsoft", "Excel", "XLSTART")
    assert xlstart_folder({"APPDATA": roaming}) == want
    assert xlstart_folder({"USERPROFILE": r"C:\Users\张三"}) == want
    with pytest.raises(AddinBuildError, match="APPDATA"):
        xlstart_folder({})


def test_interpreter_prefers_pythonw(tmp_path: Path) -> None:
    python = tmp_path / "python.exe"
    python.write_bytes(b"")
    assert interpreter(str(python)) == str(python)
    (tmp_path / "pythonw.exe").write_bytes(b"")
    assert interpreter(str(python)) == str(tmp_path / "pythonw.exe")


def test_python_path_finds_both_packages() -> None:
    folders = [Path(p) for p in python_path().split(";")]
    assert any((f / "zhenggai" / "__init__.py").is_file() for f in folders)
    assert any((f / "xl_addin" / "buttons_spec.py").is_file() for f in folders)


def test_the_settings_install_writes_are_in_the_conf_sheet(tmp_path: Path) -> None:
    python = r"C:\zhenggai\.venv\Scripts\python.exe"
    settings = install_settings(python)
    assert settings == {"Interpreter_Win": python, "PYTHONPATH": python_path()}
    conf = _conf(build_addin(tmp_path, settings=settings))
    assert conf["Interpreter_Win"] == python
    assert conf["PYTHONPATH"] == python_path()
    assert list(conf) == list(DEFAULT_SETTINGS)  # same rows, in xlwings' order


def test_install_into_a_folder_builds_for_this_environment(tmp_path: Path) -> None:
    path = install(tmp_path / "XLSTART")
    assert path == tmp_path / "XLSTART" / ADDIN_FILENAME
    assert _conf(path)["Interpreter_Win"] == interpreter()


@pytest.mark.skipif(sys.platform == "win32", reason="the Windows path installs for real")
def test_install_elsewhere_says_what_it_would_do_and_exits_2(capsys) -> None:
    assert main(["addin", "install"]) == 2
    text = capsys.readouterr().err
    assert "Windows" in text and "本机不做任何改动" in text
    assert r"%APPDATA%\Microsoft\Excel\XLSTART\整改台账.xlam" in text
    assert f"Interpreter_Win = {interpreter()}" in text and "PYTHONPATH" in text


def test_build_command_writes_the_file(tmp_path: Path, capsys) -> None:
    assert main(["addin", "build", "--out", str(tmp_path / "加载项.xlam")]) == 0
    assert (tmp_path / "加载项.xlam").is_file()
    assert "已生成加载项" in capsys.readouterr().out
