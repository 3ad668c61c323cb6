"""Checks of the chain that runs a button, for 自检 and ``zhenggai addin selftest``.

A click on an office PC goes: Excel allows the add-in's macros (no Mark of
the Web on the file, Trust Center settings) → VBA starts ``cmd.exe`` (Microsoft
Defender's ASR rule "Block all Office applications from creating child
processes" stops it there, logging event 1121 or 1122) → the interpreter in
zhenggai.conf exists → it imports xlwings, zhenggai and their packages
(an antivirus may have quarantined a file of one) → Python reaches the
workbook through ``Book.caller()`` and writes into it → the message box.

Each function here checks one link and returns a :class:`Check`: what was
found, and the fix when it is broken. The parsing is separate from the
reading, so the Windows-only parts (registry, the event log, NTFS streams)
are tested here on text as Windows gives it; only the reading needs Windows.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ASR_RULE",
    "Check",
    "asr_blocks",
    "check_asr",
    "check_imports",
    "check_installed_files",
    "check_interpreter",
    "check_mark_of_the_web",
    "check_trust_center",
    "zone_id",
]

#: Microsoft Defender ASR rule "Block all Office applications from creating child processes".
ASR_RULE = "D4F940AB-401B-4EFC-AADC-AD5F3C50688A"
#: Events of the Defender operational log: 1121 blocked, 1122 audited (would be blocked).
ASR_EVENTS = (1121, 1122)
#: The packages a button imports (module names), beside zhenggai and xl_addin.
PACKAGES: tuple[str, ...] = (
    "xlwings",
    "python_calamine",
    "openpyxl",
    "docx",
    "jinja2",
    "pydantic",
    "chinese_calendar",
    "cn2an",
    "zhenggai",
    "xl_addin.buttons",
)
_README = "见 README“常见问题”"


@dataclass(frozen=True)
class Check:
    """One link of the chain.

    Attributes:
        step: the link, in Chinese ("Python 程序包").
        ok: it holds.
        detail: what was found.
        fix: what to do when it does not hold ("" when it does).
    """

    step: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        """One line for the console or a message box."""
        mark = "通过" if self.ok else "失败"
        return f"[{mark}] {self.step}：{self.detail}" + (f" → {self.fix}" if self.fix else "")


# --- Mark of the Web -----------------------------------------------------------------------


def zone_id(stream: str) -> int | None:
    """The ZoneId of a ``Zone.Identifier`` stream's text (3 = Internet), None when absent.

    >>> zone_id("[ZoneTransfer]\\r\\nZoneId=3\\r\\nHostUrl=https://mail.example.cn/\\r\\n")
    3
    """
    match = re.search(r"^\s*ZoneId\s*=\s*(\d+)", stream, re.M | re.I)
    return int(match.group(1)) if match else None


def check_mark_of_the_web(path: Path, stream: str | None) -> Check:
    """*stream*: the text of ``<path>:Zone.Identifier`` (None: the file has no such stream)."""
    step = "来自互联网的标记（Mark of the Web）"
    zone = zone_id(stream) if stream is not None else None
    if zone is None or zone < 3:
        return Check(step, True, f"{path.name} 没有“来自互联网”的标记")
    return Check(
        step,
        False,
        f"{path.name} 带有“来自互联网”的标记（ZoneId={zone}），Excel 会禁用其中的宏",
        f"在文件上点右键 → 属性 → 勾选“解除锁定”，或运行 zhenggai addin install 在本机重新生成（{_README}）",
    )


def read_zone_stream(path: Path) -> str | None:  # pragma: no cover - NTFS streams: Windows only
    """The ``Zone.Identifier`` stream of *path* on Windows (None when absent or elsewhere)."""
    if sys.platform != "win32":
        return None
    try:
        return Path(f"{path}:Zone.Identifier").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


# --- Trust Center ----------------------------------------------------------------------------

#: Excel's Trust Center macro settings (``VBAWarnings`` under Excel\\Security).
_VBA_WARNINGS = {
    1: "启用所有宏",
    2: "禁用所有宏，并发出通知",
    3: "禁用无数字签署的所有宏",
    4: "禁用所有宏，并且不通知",
}


def check_trust_center(values: Mapping[str, int]) -> Check:
    """*values*: ``VBAWarnings``, ``blockcontentexecutionfrominternet`` … as read from the registry.

    >>> check_trust_center({"VBAWarnings": 4}).ok
    False
    """
    step = "Excel 信任中心"
    warnings = values.get("VBAWarnings")
    if warnings == 4:
        return Check(
            step,
            False,
            "宏设置为“禁用所有宏，并且不通知”：加载项的按钮不会有任何反应",
            "文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置，改为“禁用所有宏，并发出通知”"
            f"（加载项放在启动文件夹中即受信任）；由单位统一管理的，请联系信息部门（{_README}）",
        )
    if values.get("DisableAllAddins") == 1:
        return Check(
            step,
            False,
            "勾选了“要求受信任的发布者签署应用程序加载项”或禁用了所有应用程序加载项",
            f"信任中心设置 → 加载项，取消“禁用所有应用程序加载项”（{_README}）",
        )
    shown = _VBA_WARNINGS.get(warnings or 2, f"VBAWarnings={warnings}")
    return Check(step, True, f"宏设置：{shown}")


def read_trust_center() -> dict[str, int]:  # pragma: no cover - the registry: Windows only
    """Excel's Security values from HKCU (policies first), for Office 2016 and later."""
    if sys.platform != "win32":
        return {}
    import winreg

    found: dict[str, int] = {}
    for root in (
        r"Software\\Policies\\Microsoft\\Office\\16.0\\Excel\\Security",
        r"Software\\Microsoft\\Office\\16.0\\Excel\\Security",
    ):
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, root) as key:
                for name in (
                    "VBAWarnings",
                    "DisableAllAddins",
                    "blockcontentexecutionfrominternet",
                ):
                    try:
                        found.setdefault(name, int(winreg.QueryValueEx(key, name)[0]))
                    except OSError:
                        continue
        except OSError:
            continue
    return found


# --- ASR rule -------------------------------------------------------------------------------


def asr_blocks(events: str) -> list[str]:
    """The times at which the ASR rule stopped (1121) or audited (1122) an Office child process.

    *events*: ``wevtutil qe "Microsoft-Windows-Windows Defender/Operational"
    /q:"*[System[(EventID=1121 or EventID=1122)]]" /f:text`` output.
    """
    times: list[str] = []
    for block in re.split(r"(?m)^Event\[\d+\]:?\s*$", events):
        if ASR_RULE.lower() not in block.lower():
            continue
        if not re.search(r"(?im)^\s*Event ID:\s*(1121|1122)\s*$", block):
            continue
        match = re.search(r"(?im)^\s*Date:\s*(.+?)\s*$", block)
        times.append(match.group(1) if match else "")
    return times


def check_asr(events: str | None) -> Check:
    """*events*: the Defender log's ASR events as text (None: the log could not be read)."""
    step = "Microsoft Defender ASR 规则（阻止 Office 创建子进程）"
    if events is None:
        return Check(step, True, "无法读取 Defender 事件日志（不是 Windows，或没有权限），未检查")
    times = asr_blocks(events)
    if not times:
        return Check(step, True, f"事件日志中没有规则 {ASR_RULE} 拦截 Office 的记录")
    return Check(
        step,
        False,
        f"事件日志中有 {len(times)} 次拦截（事件 1121/1122，最近：{times[0]}）：Excel 无法启动 Python",
        "请信息部门为 Excel 调用 Python 设置 ASR 例外；在此之前请用命令行 zhenggai，"
        f"或网页版加载项（zhenggai serve）（{_README}）",
    )


def read_asr_events() -> str | None:  # pragma: no cover - the event log: Windows only
    if sys.platform != "win32":
        return None
    query = "*[System[(EventID=1121 or EventID=1122)]]"
    try:
        done = subprocess.run(
            [
                "wevtutil",
                "qe",
                "Microsoft-Windows-Windows Defender/Operational",
                f"/q:{query}",
                "/c:20",
                "/rd:true",
                "/f:text",
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


# --- Python and its packages -----------------------------------------------------------------


def check_interpreter(interpreter: str, *, run: bool = True) -> Check:
    """The interpreter xlwings will start: it exists and runs ``import xl_addin.buttons``."""
    step = "Python 解释器"
    if not interpreter or interpreter in ("python", "pythonw"):
        return Check(step, True, "未指定，使用 PATH 中的 python（装 Python 时须勾选 Add to PATH）")
    path = Path(interpreter)
    if not path.is_file():
        return Check(
            step,
            False,
            f"配置的 {interpreter} 不存在",
            f"Python 换了位置或被卸载：在要用的 Python 中运行 zhenggai addin install（{_README}）",
        )
    if not run:
        return Check(step, True, interpreter)
    try:
        done = subprocess.run(
            [interpreter, "-c", "import xl_addin.buttons, zhenggai"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check(step, False, f"{interpreter} 无法启动：{exc}", f"重新安装 Python（{_README}）")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return Check(
            step,
            False,
            f"{interpreter} 导入 zhenggai 失败：{last}",
            f"在这个 Python 中运行 pip install --force-reinstall zhenggai（{_README}）",
        )
    return Check(step, True, f"{interpreter}，能导入 zhenggai")


def check_imports(modules: Sequence[str] = PACKAGES) -> Check:
    """Every package a button needs imports in this Python."""
    step = "Python 程序包"
    broken: list[str] = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # ImportError, or OSError "DLL load failed" when quarantined
            broken.append(f"{name}（{type(exc).__name__}: {exc}）")
    if not broken:
        return Check(step, True, f"{len(modules)} 个程序包都能载入")
    return Check(
        step,
        False,
        f"无法载入 {'；'.join(broken)}",
        "文件可能被杀毒软件隔离：在杀毒软件的隔离区恢复并信任 Python 文件夹，"
        f"然后运行 pip install --force-reinstall zhenggai（{_README}）",
    )


def check_installed_files(distributions: Sequence[str] = ("zhenggai", "xlwings")) -> Check:
    """Every file pip installed for *distributions* is still there (an antivirus deletes some)."""
    step = "安装的文件"
    missing: list[str] = []
    counted = 0
    development: list[str] = []
    for dist in distributions:
        try:
            found = importlib.metadata.distribution(dist)
        except importlib.metadata.PackageNotFoundError:
            missing.append(f"{dist}（未安装）")
            continue
        if found.read_text("RECORD") is None:
            development.append(dist)  # an editable checkout: its files are the source tree
            continue
        for file in found.files or []:
            if file.suffix in (".pyc",) or "__pycache__" in file.parts:
                continue
            counted += 1
            if not Path(str(file.locate())).exists():
                missing.append(f"{dist}：{file}")
    if not missing:
        note = f"（{'、'.join(development)} 是开发安装，未逐个检查）" if development else ""
        return Check(step, True, f"{counted} 个文件都在{note}")
    shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
    return Check(
        step,
        False,
        f"缺少 {len(missing)} 个文件：{shown}",
        "多半是杀毒软件隔离或删除了它们：在隔离区恢复并信任，然后运行 "
        f"pip install --force-reinstall zhenggai（{_README}）",
    )
