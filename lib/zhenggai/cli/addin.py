"""``zhenggai addin build`` and ``zhenggai addin install``: the Excel add-in.

The add-in package (``xl_addin``) is imported inside the commands, so the rest
of the CLI starts without it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._base import EXIT_CANNOT_RUN, EXIT_OK, ZhGroup, echo_json, err, json_option, option, out


@click.group("addin", cls=ZhGroup)
def addin_group() -> None:
    """Excel 加载项（整改台账选项卡）：生成 .xlam 文件，或安装到本机 Excel。"""


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

    生成的文件不含本机的 Python 路径，需在每台电脑上配置；在 Windows 上直接用
    zhenggai addin install 更省事。

    例：zhenggai addin build --out 整改台账.xlam
    """
    from xl_addin.build.xlam import build_addin

    path = build_addin(target or Path.cwd())
    if as_json:
        echo_json({"addin": path.resolve()})
        return EXIT_OK
    out.print(f"已生成加载项：{path.resolve()}")
    return EXIT_OK


@addin_group.command("install")
@json_option
def install_command(as_json: bool) -> int:
    """在 Windows 上把加载项装进 Excel 的启动文件夹（XLSTART），并写好本机 Python 的路径。

    装好后重新打开 Excel，功能区会出现“整改台账”选项卡。其他系统上只说明将要做什么，不做改动。

    例：zhenggai addin install
    """
    from xl_addin.build.install import install, install_settings, xlstart_folder
    from xl_addin.build.xlam import ADDIN_FILENAME, CONF_SHEET

    settings = install_settings()
    if as_json:
        installed = install() if sys.platform == "win32" else None
        echo_json({"installed": installed, "settings": settings, "platform": sys.platform})
        return EXIT_OK if installed is not None else EXIT_CANNOT_RUN
    if sys.platform != "win32":
        err.print(
            "加载项只能装到 Windows 上的 Excel（它通过 COM 与 Python 通信），本机不做任何改动。"
        )
        err.print("在 Windows 上，此命令会：")
        err.print(
            f"  1. 生成加载项并复制到 {xlstart_folder({'APPDATA': '%APPDATA%'})}\\{ADDIN_FILENAME}；"
        )
        err.print(f"  2. 在加载项的 {CONF_SHEET} 表中写入运行本命令的 Python 环境，在本机即：")
        for key, value in settings.items():
            err.print(f"       {key} = {value}")
        err.print(
            "WPS、LibreOffice 和其他系统的用户请直接使用命令行，例如 zhenggai overdue 台账.xlsx。"
        )
        return EXIT_CANNOT_RUN
    path = install()  # pragma: no cover - Windows only
    out.print(f"已安装加载项：{path}")  # pragma: no cover
    for key, value in settings.items():  # pragma: no cover
        out.print(f"  {key} = {value}")
    out.print("请关闭并重新打开 Excel，功能区会出现“整改台账”选项卡。")  # pragma: no cover
    return EXIT_OK  # pragma: no cover
