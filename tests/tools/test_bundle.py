"""The offline bundles: built from the package index, installed with nothing but the bundle.

The Linux bundle is built for the running Python only (the full ``make bundle``
builds three) and installed by its own install.sh into a fresh venv, with no
index, no pip configuration and a dead proxy; the installed ``zhenggai`` then
makes the demo, issues templates and consolidates a return a unit filled in.
The Windows bundle cannot be installed here: it is checked for what the
Windows markers require and for an install.cmd that cmd.exe can read.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.support.synthetic import fill_return
from tools.bundle import LINUX, WINDOWS, build_bundle, extras, project, version

pytestmark = [pytest.mark.slow, pytest.mark.index]

PYTHON = (sys.version_info[0], sys.version_info[1])
# Downloaded wheels kept between runs (git ignores build/); each bundle is staged afresh.
POOL = Path(__file__).resolve().parents[2] / "build" / "test-bundle-pool"


def _names(wheels: list[Path]) -> set[str]:
    return {w.name.split("-")[0].lower().replace("_", "-") for w in wheels}


@pytest.fixture(scope="module")
def linux_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("bundle")
    bundle = build_bundle(
        LINUX, (PYTHON,), out=work / "dist", work=work / "build", pool=POOL / LINUX.name
    )
    assert bundle.path.name == f"zhenggai-{version()}-linux-x86_64-offline.zip"
    unpacked = work / "unpacked"
    with zipfile.ZipFile(bundle.path) as zf:
        zf.extractall(unpacked)
    return unpacked / bundle.path.stem


def _offline_env(home: Path) -> dict[str, str]:
    """A login as bare as a new office PC's: no pip settings, no network."""
    return {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "http_proxy": "http://127.0.0.1:9",  # nothing listens there: any download fails
        "https_proxy": "http://127.0.0.1:9",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def test_the_wheel_carries_the_catalogue_and_no_tests(linux_bundle):
    wheel = next((linux_bundle / "wheels").glob("zhenggai-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "zhenggai/cli/locale/zh_CN/LC_MESSAGES/zhenggai.mo" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "zhenggai/py.typed" in names and "xl_addin/build/vba/ZhenggaiRibbon.bas" in names
    assert not [n for n in names if n.startswith(("tests/", "tools/"))]


def test_linux_bundle_installs_offline_and_runs_a_round(linux_bundle, tmp_path):
    home = tmp_path / "home"
    docs = tmp_path / "文档" / "zhenggai"
    env = _offline_env(home) | {"ZHENGGAI_PYTHON": sys.executable, "ZHENGGAI_DOCS": str(docs)}
    run = subprocess.run(
        ["sh", str(linux_bundle / "install.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "安装完成：zhenggai " + version() in run.stdout
    zg = home / ".local" / "bin" / "zhenggai"
    assert zg.is_symlink()

    def zhenggai(*args: str | Path, code: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(zg), *map(str, args)], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == code, done.stdout + done.stderr
        return done

    # the samples the installer made with `zhenggai init --demo` from the installed wheel
    master = docs / "示例台账.xlsx"
    assert sorted(p.name for p in docs.iterdir()) == [
        "学习积分导出-2026年10月.xlsx",
        "学习积分导出-2026年11月.xlsx",
        "整改台账模板.xlsx",
        "示例台账.xlsx",
    ]
    # the demo's 报送截止 (12月5日前) is read for the batch: in time on the demo's day
    issued = json.loads(
        zhenggai(
            "templates", master, "--batch", "2026年11月", "--today", "2026-11-28", "--json"
        ).stdout
    )
    template = Path(next(t["file"] for t in issued["issued"] if t["unit"] == "机关党委"))
    fill_return(  # the unit's Excel: openpyxl types the values in and saves
        template,
        docs / "回收" / template.name,
        {
            ("2", "status"): "已完成",
            ("2", "done_date"): date(2026, 11, 20),
            ("2", "evidence"): "联席会议纪要",
            ("2", "progress"): "已召开联席会议。",
        },
    )
    merged = json.loads(zhenggai("consolidate", master, "--json").stdout)
    assert [(f["unit"], f["verdict"], f["changes"]) for f in merged["files"]] == [
        ("机关党委", "applied", 4)
    ]
    study = zhenggai(
        "study", docs / "学习积分导出-2026年11月.xlsx", "--into", master, "--period", "2026年11月"
    )
    assert "2026年11月" in study.stdout
    # click's own words from the compiled catalogue inside the wheel
    assert "后面不能带值" in zhenggai("check", "--json=1", "x.xlsx", code=2).stderr
    # installing again (an upgrade) rebuilds the program, never the office's files
    before = {p.name: p.read_bytes() for p in docs.glob("*.xlsx")}
    again = subprocess.run(
        ["sh", str(linux_bundle / "install.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert {p.name: p.read_bytes() for p in docs.glob("*.xlsx")} == before
    again_merged = json.loads(zhenggai("consolidate", master, "--json").stdout)
    assert [f["verdict"] for f in again_merged["files"]] == [
        "duplicate"
    ]  # the kept master knows it
    # every extra came along: each requirement of each extra is installed in the venv
    venv_python = home / ".local" / "share" / "zhenggai" / "venv" / "bin" / "python"
    wanted = sorted(
        Requirement(r).name for extra in extras() for r in project()["optional-dependencies"][extra]
    )
    probe = "import sys, importlib.metadata as m; [m.version(n) for n in sys.argv[1:]]"
    assert (
        wanted and subprocess.run([str(venv_python), "-c", probe, *wanted], env=env).returncode == 0
    )


def test_installer_without_a_suitable_python_says_so_in_chinese(linux_bundle, tmp_path):
    env = _offline_env(tmp_path) | {"ZHENGGAI_PYTHON": "/bin/false"}
    run = subprocess.run(
        ["sh", str(linux_bundle / "install.sh")], env=env, capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "安装没有完成" in run.stderr and f"{PYTHON[0]}.{PYTHON[1]}" in run.stderr


def test_windows_bundle_follows_the_windows_markers(tmp_path):
    bundle = build_bundle(
        WINDOWS,
        ((3, 12),),
        out=tmp_path / "dist",
        work=tmp_path / "build",
        pool=POOL / WINDOWS.name,
    )
    assert bundle.path.name == f"zhenggai-{version()}-windows-x64-offline.zip"
    names = _names(bundle.wheels)
    # asked for by markers that hold on Windows only (xlwings, keyring)
    assert {"pywin32", "pywin32-ctypes", "xlwings", "zhenggai", "pip", "pandas"} <= names
    # Linux-only dependencies of keyring stay out
    assert not names & {"secretstorage", "jeepney"}
    assert all(
        w.name.endswith(("-none-any.whl", "-cp312-win_amd64.whl", "-abi3-win_amd64.whl"))
        for w in bundle.wheels
    ), [w.name for w in bundle.wheels]

    with zipfile.ZipFile(bundle.path) as zf:
        stem = bundle.path.stem
        raw = zf.read(f"{stem}/install.cmd")
        readme = zf.read(f"{stem}/说明.txt")
        assert zf.getinfo(f"{stem}/说明.txt").flag_bits & 0x800  # UTF-8 name
    script = raw.decode("gbk")  # cmd.exe reads it in code page 936
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert "@" not in script.replace("@echo off", "")  # every placeholder filled
    assert 'pip "zhenggai[' + ",".join(extras()) + "]==" + version() + '"' in script
    assert "没有找到可用的 Python（需要 64 位的 Python 3.12 之一）" in script
    labels = set(re.findall(r"^:(\w+)", script, re.M))
    assert set(re.findall(r"goto (\w+)", script)) <= labels
    assert max(len(line) for line in script.splitlines()) < 8191  # cmd.exe's line limit
    assert readme.startswith(b"\xef\xbb\xbf") and "install.cmd" in readme.decode("utf-8-sig")
    assert os.path.getsize(bundle.path) > 20_000_000  # real wheels, not placeholders
