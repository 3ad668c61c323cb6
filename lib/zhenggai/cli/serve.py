"""``zhenggai serve``, ``zhenggai addin officejs`` and ``zhenggai addin wps``: buttons without VBA.

The server and the add-in writers live in ``xl_addin.server``; they are
imported inside the commands, so the rest of the CLI starts without the
``serve`` extra (FastAPI, uvicorn), and without it these commands say how to
install it.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import click

from ._base import EXIT_CANNOT_RUN, EXIT_OK, ZhCommand, echo_json, err, json_option, option, out

__all__ = ["officejs_command", "register", "serve_command", "wps_command"]

_EXTRA = '本功能需要额外安装服务组件：pip install "zhenggai[serve]"'


def _server() -> Any:
    """``xl_addin.server.serve``, or None after saying how to install the extra."""
    try:
        from xl_addin.server import serve
    except ImportError as exc:
        err.print(f"错误：{_EXTRA}（缺少 {exc.name or exc}）。")  # literal: "[serve]" stays
        return None
    return serve


def _settings() -> Any:
    from xl_addin.server.settings import load_settings

    return load_settings()


@click.command("serve", cls=ZhCommand)
@option("--host", default="127.0.0.1", show_default=True, help="监听的地址；默认只接受本机的连接。")
@option("--port", type=int, default=None, help="端口（默认 18470，或上次用过的端口）。")
@option("--https", "https", is_flag=True, help="使用本机证书（Office.js 加载项需要 HTTPS）。")
@option(
    "--root",
    "roots",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="文件夹",
    help="台账所在的文件夹（可多次给出）：网页版 Excel 只告诉程序文件名时，在这些文件夹里找台账。",
)
def serve_command(host: str, port: int | None, https: bool, roots: tuple[Path, ...]) -> int:
    """启动整改台账服务：让 Office.js 加载项（Windows、Mac、网页版 Excel）和 WPS 加载项的按钮可用。

    服务运行期间请保持窗口打开，按 Ctrl+C 停止。每台电脑有自己的口令，
    加载项文件（zhenggai addin officejs / zhenggai addin wps）会带上它。

    例：zhenggai serve --https
    """
    serve = _server()
    if serve is None:
        return EXIT_CANNOT_RUN
    settings = _settings()
    plan = serve.plan_server(settings, host=host, port=port, https=https, roots=roots)
    if not _loopback(host):
        err.print(
            f"注意：服务在 {host} 上监听，局域网中的其他电脑也能连上（仍需口令）。"
            "一般只应在本机使用，请去掉 --host。",
            style="yellow",
        )
    out.print(f"整改台账服务：{plan.url}")
    out.print(f"设置和口令：{plan.settings_file}（请勿外传）")
    if plan.cert is not None:
        out.print(f"本机证书：{plan.cert}（信任方法见 README“不用宏的按钮”一节）")
    if plan.roots:
        out.print(
            f"在这些文件夹中查找网页版 Excel 的台账：{'；'.join(map(str, plan.roots))}",
        )
    out.print(f"单次请求上限 {plan.max_mb} MB。按 Ctrl+C 停止。")
    serve.run_server(plan, settings.token)
    return EXIT_OK


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("officejs", cls=ZhCommand)
@option(
    "--out",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    metavar="文件夹",
    help="写入清单文件的文件夹：共享文件夹目录（默认当前文件夹）。",
)
@json_option
def officejs_command(folder: Path, as_json: bool) -> int:
    """生成 Office.js 加载项的清单文件 zhenggai-manifest.xml（Windows、Mac、网页版 Excel）。

    清单里带有本机服务的地址和口令，只在本机使用。加载前先运行 zhenggai serve --https。

    例：zhenggai addin officejs --out D:/加载项目录
    """
    from xl_addin.server.manifest import write_manifest

    settings = _settings()
    server = f"https://localhost:{settings.port}"
    path = write_manifest(folder, server=server, token=settings.token)
    if as_json:
        echo_json({"manifest": path.resolve(), "server": server})
        return EXIT_OK
    out.print(f"已生成清单：{path.resolve()}")
    out.print(f"加载项的页面来自 {server}：请用 zhenggai serve --https 启动服务。")
    return EXIT_OK


@click.command("wps", cls=ZhCommand)
@option(
    "--out",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="文件夹",
    help="WPS 的加载项文件夹 jsaddons（默认本用户的 jsaddons 文件夹）。",
)
@json_option
def wps_command(folder: Path | None, as_json: bool) -> int:
    """生成 WPS 加载项（整改台账选项卡），并登记到 WPS 的加载项清单。

    加载项带有本机服务的地址和口令。重新打开 WPS 表格后出现“整改台账”选项卡；
    点按钮前先运行 zhenggai serve。

    例：zhenggai addin wps
    """
    from xl_addin.server.wps import jsaddons_folder, write_wps_addin

    settings = _settings()
    server = settings.url("127.0.0.1")
    addin = write_wps_addin(folder or jsaddons_folder(), server=server, token=settings.token)
    if as_json:
        echo_json({"addin": addin.folder, "registries": addin.registries, "server": server})
        return EXIT_OK
    out.print(f"已生成 WPS 加载项：{addin.folder}")
    for path in addin.registries:
        out.print(f"已登记：{path}")
    out.print(
        f"加载项连接 {server}。以后启动服务时若改变端口或是否使用 --https，请重新运行本命令。",
    )
    return EXIT_OK


def register(cli: click.Group, addin: click.Group) -> None:
    """Add ``serve`` to *cli* and ``officejs``, ``wps`` to the ``addin`` group."""
    cli.add_command(serve_command)
    addin.add_command(officejs_command)
    addin.add_command(wps_command)
