"""What ``zhenggai addin status`` and ``zhenggai addin selftest`` report.

Both take the platform, home folder and environment as arguments (defaults:
this PC), so what they say about a Windows or macOS install is computed, and
tested, the same everywhere; only reading the registry, the event log and NTFS
streams needs Windows (:mod:`xl_addin.diagnose`).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePath

import xlwings

from xl_addin.build.install import Places, ansi_encoding, places, read_conf
from xl_addin.build.xlam import build_addin
from xl_addin.diagnose import (
    Check,
    check_asr,
    check_imports,
    check_installed_files,
    check_interpreter,
    check_mark_of_the_web,
    check_trust_center,
    read_asr_events,
    read_trust_center,
    read_zone_stream,
)
from xl_addin.errors import AddinBuildError

__all__ = ["addin_state", "selftest_checks", "status_lines"]

_NAMES = {"win32": "Windows", "darwin": "macOS"}


def addin_state(addin: Path) -> str:
    """ "current", "outdated" (not what this zhenggai builds) or "missing"."""
    if not addin.is_file():
        return "missing"
    with tempfile.TemporaryDirectory() as folder:
        fresh = build_addin(Path(folder) / addin.name)
        return "current" if fresh.read_bytes() == addin.read_bytes() else "outdated"


def _interpreter(platform: str, conf: Mapping[str, str]) -> str:
    key = "INTERPRETER_WIN" if platform == "win32" else "INTERPRETER_MAC"
    found = {k.upper(): v for k, v in conf.items()}
    return found.get(key) or found.get("INTERPRETER") or ""


def status_lines(
    platform: str = sys.platform,
    *,
    home: PurePath | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[list[str], bool]:
    """The status report, and whether the add-in is installed, current and configured."""
    import zhenggai

    lines = [
        f"zhenggai {zhenggai.__version__}，xlwings {xlwings.__version__}，"
        f"Python {sys.version.split()[0]}（{sys.executable}）"
    ]
    try:
        where = places(platform, home=home, environ=environ)
    except AddinBuildError as exc:
        return [*lines, str(exc)], False
    lines.append(f"系统：{_NAMES[where.platform]}")
    state = addin_state(Path(where.addin))
    lines.append(
        f"加载项：{where.addin}（"
        + {
            "current": "已安装，与本机的 zhenggai 一致",
            "outdated": "已安装，但不是本机 zhenggai 生成的：请重新运行 zhenggai addin install",
            "missing": "未安装：请运行 zhenggai addin install",
        }[state]
        + "）"
    )
    conf = read_conf(Path(where.conf), encoding=ansi_encoding())
    lines.append(f"配置文件：{where.conf}" + ("" if conf else "（不存在）"))
    python = _interpreter(where.platform, conf)
    if python:
        exists = "存在" if Path(python).is_file() else "不存在！请重新运行 zhenggai addin install"
        lines.append(f"  解释器：{python}（{exists}）")
    else:
        lines.append("  解释器：未配置，使用 PATH 中的 python")
    upper = {k.upper(): v for k, v in conf.items()}
    lines.append(f"  PYTHONPATH：{upper.get('PYTHONPATH') or '（无）'}")
    if upper.get("CONDA PATH"):
        lines.append(f"  Conda：{upper['CONDA PATH']}，环境 {upper.get('CONDA ENV', '')}")
    script_ok = True
    if where.applescript is not None:
        script_ok = Path(where.applescript).is_file()
        lines.append(
            f"AppleScript：{where.applescript}（{'存在' if script_ok else '不存在：RunPython 无法启动 Python'}）"
        )
    ok = state == "current" and script_ok and (not python or Path(python).is_file())
    return lines, ok


def _installed(where: Places) -> list[Check]:
    checks: list[Check] = []
    state = addin_state(Path(where.addin))
    fixes = {
        "missing": "运行 zhenggai addin install",
        "outdated": "加载项与本机的 zhenggai 版本不一致：运行 zhenggai addin install",
    }
    checks.append(Check("加载项文件", state == "current", str(where.addin), fixes.get(state, "")))
    if where.applescript is not None:
        present = Path(where.applescript).is_file()
        checks.append(
            Check(
                "RunPython 的 AppleScript",
                present,
                str(where.applescript),
                "" if present else "运行 zhenggai addin install（或 xlwings runpython install）",
            )
        )
    return checks


def selftest_checks(
    platform: str = sys.platform,
    *,
    home: PurePath | None = None,
    environ: Mapping[str, str] | None = None,
    windows_readers: bool = True,
) -> list[Check]:
    """The links of the chain that can be checked outside Excel, on this PC.

    Args:
        windows_readers: read the registry, the Defender log and the file's
            NTFS stream (Windows only; off in tests run elsewhere).
    """
    checks: list[Check] = []
    python = sys.executable
    try:
        where: Places | None = places(platform, home=home, environ=environ)
    except AddinBuildError:
        where = None
    if where is not None:
        checks += _installed(where)
        configured = _interpreter(
            where.platform, read_conf(Path(where.conf), encoding=ansi_encoding())
        )
        python = configured or python
        if where.platform == "win32" and windows_readers:  # pragma: no cover - Windows only
            checks.append(
                check_mark_of_the_web(Path(where.addin), read_zone_stream(Path(where.addin)))
            )
            checks.append(check_trust_center(read_trust_center()))
            checks.append(check_asr(read_asr_events()))
    checks.append(check_interpreter(python))
    checks.append(check_imports())
    checks.append(check_installed_files())
    return checks
