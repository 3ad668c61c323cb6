"""``zhenggai check``."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.master import read_ledger
from ..returns.consolidate import check_file
from ._base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhCommand,
    echo_json,
    option,
    out,
    print_problems,
    today_option,
)
from .consolidate import print_changes, print_conflicts


@click.command("check", cls=ZhCommand)
@click.argument(
    "file", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="报送文件.xlsx"
)
@option(
    "--master",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="台账.xlsx",
    help="对照台账：核验模板属于本台账、签名和锁定内容，并预览合并结果。",
)
@option("--json", "as_json", is_flag=True, help="只输出一个 JSON 对象（供程序读取）。")
@today_option()
def check_command(file: Path, master: Path | None, as_json: bool) -> int:
    """检查一个报回的模板文件（不修改任何文件）。

    例：zhenggai check 回收/办公室-整改进展填报-2026年11月.xlsx --master 整改台账.xlsx
    """
    ledger = read_ledger(master) if master is not None else None
    result = check_file(file, ledger=ledger)
    if as_json:
        echo_json(result.to_json())
        return EXIT_OK if result.clean else EXIT_PROBLEMS
    who = f"{result.unit}，{result.batch}" if result.unit else "单位未知"
    out.print(f"{result.file}（{who}）：{result.verdict.words}")
    print_problems(result.problems, title="问题")
    if result.ledger_rows:
        out.print(
            f"另有 {len(result.ledger_rows)} 行（编号 {'、'.join(sorted(result.ledger_rows))}）"
            "在单位没有改动的单元格上不合规（台账中就是这样），不算单位的问题；汇总时列为台账本身的问题。",
            markup=False,
        )
    if ledger is None:
        out.print("未指定台账（--master）：没有核验模板签名和锁定内容，也没有预览合并。")
    else:
        print_changes([result])
        print_conflicts([result])
        if not result.changes and not result.conflicts:
            out.print("与台账相比没有需要修改的内容。")
    if result.clean:
        out.print("没有发现问题。", style="green")
    return EXIT_OK if result.clean else EXIT_PROBLEMS
