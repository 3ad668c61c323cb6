"""``zhenggai undo``."""

from __future__ import annotations

from pathlib import Path

import click

from ..returns.undo import undo_last
from ._base import (
    EXIT_OK,
    ZhCommand,
    echo_json,
    json_option,
    master_argument,
    option,
    out,
    saved_json,
    today_option,
)


@click.command("undo", cls=ZhCommand)
@master_argument
@option("--force", is_flag=True, help="汇总之后台账又被其他命令修改过时，也一并撤销。")
@today_option()
@json_option
def undo_command(master: Path, force: bool, as_json: bool) -> int:
    """撤销最近一次汇总：用汇总前的备份恢复台账，并在“变更记录”中登记。

    例：zhenggai undo 整改台账.xlsx
    """
    result = undo_last(master, force=force)
    b = result.restored
    units: dict[str, int] = {}
    for row in result.undone:
        if len(row) > 2 and row[1] == "汇总":
            units[str(row[2])] = units.get(str(row[2]), 0) + 1
    if as_json:
        echo_json(
            {
                "restored": {"backup": b.path, "time": b.time.isoformat(sep=" "), "op": b.op},
                "undone": len(result.undone),
                "units": units,
                "later": [{"op": x.op, "time": x.time.isoformat(sep=" ")} for x in result.later],
                "saved": saved_json(result.save),
            }
        )
        return EXIT_OK
    out.print(
        f"已撤销 {b.time:%Y-%m-%d %H:%M:%S} 的汇总：恢复为当时汇总前的台账（备份 {b.path.name}），"
        f"撤销了 {len(result.undone)} 条变更记录。"
    )
    if units:
        out.print("按单位：" + "，".join(f"{u} {n} 处" for u, n in units.items()))
    if result.later:
        out.print(
            "同时撤销了之后的操作："
            + "、".join(f"{x.op}（{x.time:%m-%d %H:%M}）" for x in result.later)
        )
    if result.save is not None:
        out.print(f"台账已恢复：{result.save.path}（撤销前的状态已备份：{result.save.backup}）")
    return EXIT_OK
