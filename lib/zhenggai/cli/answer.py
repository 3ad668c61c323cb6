"""``zhenggai answer``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.table import Table

from ..answer.run import AnswerResult, answer_template
from ..core.problems import show_value
from ..io.master import read_ledger
from ._base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhCommand,
    echo_json,
    json_option,
    option,
    out,
    print_problems,
    today_option,
)

__all__ = ["answer_command"]

_SHOWN = ("status", "done_date", "progress", "evidence")


@click.command("answer", cls=ZhCommand)
@click.argument(
    "template",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="上级模板.xlsx",
)
@option(
    "--from",
    "master",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="台账.xlsx",
    help="用这本（本级的）台账填报。台账只读不改，开着也可以。",
)
@option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="文件.xlsx",
    help="填好的模板写到这里。默认：台账所在文件夹/上报/单位-整改进展填报-批次.xlsx（上级下发时的文件名）。",
)
@option("--dry-run", is_flag=True, help="只显示会怎样填写，不写任何文件。")
@today_option()
@json_option
def answer_command(
    template: Path, master: Path, out_file: Path | None, dry_run: bool, as_json: bool
) -> int:
    """用本级台账填写上级下发的填报模板（向上级报送）。

    按上级编号（或相同的存在问题和整改措施文字）对应；拆给几个单位的事项合并成一行。

    只写上级模板中可填写的白色单元格，签名不变，上级汇总时当作正常报送；对应不上或不能填写的逐项列出，不会猜。

    例：zhenggai answer 某市-整改进展填报-2026年11月.xlsx --from 市级整改台账.xlsx
    """
    ledger = read_ledger(master)
    result = answer_template(template, ledger, out=out_file, dry_run=dry_run)
    code = EXIT_PROBLEMS if result.blocking or result.unmatched else EXIT_OK
    if as_json:
        echo_json(result.to_json())
        return code
    _render(result)
    print_problems(result.problems, title="未能填写或需要核对的")
    if dry_run:
        out.print("试运行（--dry-run）：没有写任何文件。", style="yellow")
    elif result.out is not None:
        out.print(f"已填写 {result.cells} 个单元格：{result.out}")
        out.print("请核对后把这个文件报送上级（文件名不要改）。")
    else:
        out.print("没有可以填写的内容，没有写文件。")
    return code


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else show_value(value)


def _render(result: AnswerResult) -> None:
    out.print(f"上级模板：{result.template.name}（{result.unit}，{result.batch}）")
    shown = [k for k in _SHOWN if k in result.headers]
    if result.rows:
        table = Table(title=f"对应上的事项（{len(result.rows)} 项）")
        for col in (
            "上级编号",
            "本级编号（单位）",
            "对应方式",
            *(result.headers[k] for k in shown),
        ):
            table.add_column(col, overflow="fold")
        for r in result.rows:
            local = "、".join(
                f"{x.text('id')}（{x.text('unit')}）" if x.text("unit") else x.text("id")
                for x in r.rows
            )
            table.add_row(r.upper.id, local, str(r.how), *(_text(r.values.get(k)) for k in shown))
        out.print(table)
    if result.unmatched:
        ids = "、".join(u.id for u in result.unmatched)
        out.print(f"没有对应上、未填写的上级事项（{len(result.unmatched)} 项）：{ids}")
