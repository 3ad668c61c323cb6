"""``zhenggai addin build | install | remove | status | selftest``: the Excel add-in.

The add-in package (``xl_addin``) is imported inside the commands, so the rest
of the CLI starts without it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._base import (
    EXIT_CANNOT_RUN,
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhGroup,
    echo_json,
    err,
    json_option,
    option,
    out,
)

if TYPE_CHECKING:
    from xl_addin.build.install import Places

_SUPPORTED = ("win32", "darwin")


@click.group("addin", cls=ZhGroup)
def addin_group() -> None:
    """Excel 加载项（整改台账选项卡）：生成、安装、卸载、查看状态、自检。"""


@addin_group.command("build")
@option(
    "--out",
    "target",
    type=click.Path(path_type=Path),
    default=None,
    metavar="文件或文件夹",
    help="输出的 .xlam 文件，或放入的文件夹（默认当前文件夹下的 整改台账.xlam）。",
)
@json_option
def build_command(target: Path | None, as_json: bool) -> int:
    """用本机安装的 xlwings 的加载项模板生成 整改台账.xlam。

    生成的文件不含本机的 Python 路径：放进 Excel 启动文件夹后使用 PATH 中的 python，
    或用户配置文件 zhenggai.conf 中的解释器。在本机使用请直接运行 zhenggai addin install。

    例：zhenggai addin build --out 整改台账.xlam
    """
    from xl_addin.build.xlam import build_addin

    path = build_addin(target or Path.cwd())
    if as_json:
        echo_json({"addin": path.resolve()})
        return EXIT_OK
    out.print(f"已生成加载项：{path.resolve()}")
    return EXIT_OK


def _places_json(where: Places) -> dict[str, Any]:
    return {"addin": str(where.addin), "conf": str(where.conf), "applescript": where.applescript}


def _elsewhere(what: str, *, as_json: bool) -> int:
    """On a system without Excel: say what the command would do on Windows and macOS."""
    from xl_addin.build.install import install_settings, places

    windows = places("win32", environ={"APPDATA": "%APPDATA%", "USERPROFILE": "%USERPROFILE%"})
    mac = places("darwin", home=Path("~"))
    settings = install_settings("win32")
    if as_json:
        echo_json(
            {
                "installed": None,
                "settings": settings,
                "platform": sys.platform,
                "windows": _places_json(windows),
                "macos": _places_json(mac),
            }
        )
        return EXIT_CANNOT_RUN
    err.print(
        f"本机不是 Windows 或 macOS，不能{what}加载项（xlwings 通过 COM 或 AppleScript 与 Excel 通信），"
        "本机不做任何改动。"
    )
    for name, where in (("Windows", windows), ("macOS", mac)):
        err.print(f"在 {name} 上：加载项 {where.addin}；配置文件 {where.conf}")
        if where.applescript is not None:
            err.print(f"  以及 RunPython 用的 AppleScript {where.applescript}")
    err.print("配置文件中会写入运行本命令的 Python 环境，在本机即：")
    for key, value in settings.items():
        err.print(f"  {key} = {value}")
    err.print(
        "WPS、LibreOffice 和其他系统的用户请直接使用命令行，例如 zhenggai overdue 台账.xlsx，"
        "或不用宏的加载项（zhenggai serve）。"
    )
    return EXIT_CANNOT_RUN


@addin_group.command("install")
@json_option
def install_command(as_json: bool) -> int:
    """把加载项装进 Excel 的启动文件夹，并在用户配置文件 zhenggai.conf 中写好本机 Python 的位置。

    Windows：%APPDATA%\\Microsoft\\Excel\\XLSTART 和 %USERPROFILE%\\.zhenggai\\zhenggai.conf；
    macOS：Office 的 Startup/Excel 文件夹、Excel 沙盒中的 zhenggai.conf，以及 RunPython 需要的 AppleScript。
    装好后重新打开 Excel，功能区会出现“整改台账”选项卡。其他系统上只说明将要做什么，不做改动。

    例：zhenggai addin install
    """
    if sys.platform not in _SUPPORTED:
        return _elsewhere("安装", as_json=as_json)
    from xl_addin.build.install import install, install_settings, places  # pragma: no cover

    settings = install_settings()  # pragma: no cover
    where = install(places(), settings=settings)  # pragma: no cover
    if as_json:  # pragma: no cover
        echo_json(
            {"installed": str(where.addin), "settings": settings, "platform": sys.platform}
            | _places_json(where)
        )
        return EXIT_OK
    _print_places(where)  # pragma: no cover
    for key, value in settings.items():  # pragma: no cover
        out.print(f"  {key} = {value}")
    out.print("请关闭并重新打开 Excel，功能区会出现“整改台账”选项卡；")  # pragma: no cover
    out.print("然后点其中的“自检”按钮，确认本机能运行加载项。")  # pragma: no cover
    return EXIT_OK  # pragma: no cover


@addin_group.command("remove")
@json_option
def remove_command(as_json: bool) -> int:
    """从 Excel 启动文件夹删除加载项，并从 zhenggai.conf 中删除解释器设置。

    例：zhenggai addin remove
    """
    if sys.platform not in _SUPPORTED:
        return _elsewhere("卸载", as_json=as_json)
    from xl_addin.build.install import places, remove  # pragma: no cover

    done = remove(places())  # pragma: no cover
    if as_json:  # pragma: no cover
        echo_json({"removed": done})
        return EXIT_OK
    for line in done or ["本机没有安装加载项，没有可删除的内容。"]:  # pragma: no cover
        out.print(line)
    return EXIT_OK  # pragma: no cover


def _print_places(where: Places) -> None:
    out.print(f"加载项：{where.addin}")
    out.print(f"配置文件：{where.conf}")
    if where.applescript is not None:
        out.print(f"AppleScript：{where.applescript}")


@addin_group.command("status")
@json_option
def status_command(as_json: bool) -> int:
    """显示加载项装在哪里、用哪个 Python、PYTHONPATH，以及 xlwings 和 zhenggai 的版本。

    例：zhenggai addin status
    """
    from xl_addin.build.status import status_lines

    lines, ok = status_lines()
    code = EXIT_CANNOT_RUN if sys.platform not in _SUPPORTED else EXIT_OK if ok else EXIT_PROBLEMS
    if as_json:
        echo_json({"ok": ok, "lines": lines, "platform": sys.platform})
        return code
    for line in lines:
        out.print(line)
    return code


@addin_group.command("selftest")
@json_option
def selftest_command(as_json: bool) -> int:
    """在本机检查加载项运行所需的每一环，指出哪一环出了问题和解决办法。

    检查：加载项文件和配置文件、Python 解释器能否载入 zhenggai、程序包和安装的文件是否完整
    （杀毒软件隔离），Windows 上还有“来自互联网”的标记、信任中心的宏设置、
    Defender 的 ASR 规则拦截记录。Excel 里的其余几环（宏能否运行、能否启动 Python、
    能否回写工作簿）请点“整改台账”选项卡上的“自检”按钮。

    例：zhenggai addin selftest
    """
    from xl_addin.build.status import selftest_checks

    checks = selftest_checks()
    failed = [c for c in checks if not c.ok]
    if as_json:
        echo_json(
            {
                "checks": [
                    {"step": c.step, "ok": c.ok, "detail": c.detail, "fix": c.fix} for c in checks
                ]
            }
        )
        return EXIT_PROBLEMS if failed else EXIT_OK
    for check in checks:
        out.print(check.line())
    if failed:
        out.print(f"有 {len(failed)} 项未通过，按上面的提示处理后再运行一次。")
        return EXIT_PROBLEMS
    out.print("全部通过。在 Excel 中再点“整改台账”选项卡上的“自检”按钮，检查其余几环。")
    return EXIT_OK
