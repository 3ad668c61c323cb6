"""``zhenggai init``."""

from __future__ import annotations

from pathlib import Path

import click

from ..demo.files import create_demo
from ..io.create import create_master
from ._base import EXIT_OK, ZhCommand, echo_json, json_option, master_argument, option, out


@click.command("init", cls=ZhCommand)
@master_argument
@option(
    "--demo",
    is_flag=True,
    help="填入示例台账（据示例整改报告重建，3 类 6 个问题），并在同一文件夹写出两个月的示例学习积分表。",
)
@option("--force", is_flag=True, help="文件已存在时覆盖。")
@json_option
def init_command(master: Path, demo: bool, force: bool, as_json: bool) -> int:
    """新建台账工作簿（台账、单位、字段、设置等全部工作表）。

    例：zhenggai init 整改台账.xlsx --demo
    """
    if demo:
        files = create_demo(master, force=force)
        path, exports = files.master, files.exports
    else:
        path, exports = create_master(master, force=force), []
    if as_json:
        echo_json(
            {"master": path.resolve(), "demo": demo, "samples": [p.resolve() for p in exports]}
        )
        return EXIT_OK
    out.print(f"已新建台账：{path.resolve()}")
    if demo:
        out.print("已填入示例数据。示例学习积分表：")
        for export in exports:
            out.print(f"  {export.resolve()}")
        out.print("下一步：zhenggai templates " + str(path))
    else:
        out.print("下一步：在“单位”表填写各单位邮箱，在“台账”表录入问题和措施。")
    return EXIT_OK
