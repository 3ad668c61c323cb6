"""``zhenggai templates``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..core.errors import SaveError, ZhenggaiError
from ..core.ledger import Ledger
from ..io.master import update_master
from ..template.make import TemplatesResult, discard_templates, make_templates
from ._base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhCommand,
    echo_json,
    json_option,
    master_argument,
    option,
    out,
    print_problems,
    problems_json,
    progress_bar,
    saved_json,
    styled,
    today_option,
)


@click.command("templates", cls=ZhCommand)
@master_argument
@option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="模板输出文件夹。默认：台账所在文件夹/下发/批次/",
)
@option("--unit", "units", multiple=True, metavar="单位名称", help="只给这些单位生成（可写多次）。")
@option("--batch", metavar="批次", help="批次名称，默认当月，如“2026年11月”。")
@today_option()
@json_option
def templates_command(
    master: Path, out_dir: Path | None, units: tuple[str, ...], batch: str | None, as_json: bool
) -> int:
    """给每个单位生成只含本单位事项的填报模板，并在“回收情况”表登记下发。

    模板中灰色列锁定、白色列填写，整改状态有下拉列表，完成时间校验日期；
    隐藏的签名信息用于汇总时发现对锁定内容的改动。

    例：zhenggai templates 整改台账.xlsx --batch 2026年11月
    """
    made: list[TemplatesResult] = []

    def plan(ledger: Ledger) -> TemplatesResult:
        made.append(
            make_templates(ledger, out=out_dir, units=units or None, batch=batch, progress=progress)
        )
        return made[-1]

    with progress_bar("生成模板") as progress:
        try:
            result, saved = update_master(master, op="下发", plan=plan)
        except ZhenggaiError as exc:
            # written but not registered: a half-done issue is worse than none
            removed = sum(discard_templates(r) for r in made)
            if not removed:
                raise
            raise SaveError(f"{exc} 本次生成的 {removed} 个模板已删除（未登记下发）。") from exc
    if as_json:
        echo_json(
            {
                "batch": result.batch,
                "folder": result.folder.resolve(),
                "issued": [
                    {"unit": t.unit, "rows": t.rows, "file": t.path.resolve()}
                    for t in result.issued
                ],
                "no_rows": result.no_rows,
                "problems": problems_json(result.problems),
                "saved": saved_json(saved),
            }
        )
        return EXIT_PROBLEMS if result.problems else EXIT_OK
    _render(result)
    if saved is not None and not saved.replaced:
        out.print(styled(("注意：", "yellow"), saved.reason))
    elif saved is not None:
        out.print(f"已在“回收情况”登记下发。台账已更新：{saved.path}")
    return EXIT_PROBLEMS if result.problems else EXIT_OK


def _render(result: TemplatesResult) -> None:
    if result.issued:
        table = Table(title=f"{result.batch} 填报模板（{len(result.issued)} 个）")
        for col in ("单位", "事项数", "文件"):
            table.add_column(col, overflow="fold")
        for t in result.issued:
            table.add_row(t.unit, str(t.rows), t.path.name)
        out.print(table)
        out.print(f"模板文件夹：{result.folder.resolve()}")
    else:
        out.print("没有生成任何模板。")
    if result.no_rows:
        out.print(f"以下单位没有待填报的事项，未生成模板：{'、'.join(result.no_rows)}")
    print_problems(result.problems, title="需要处理的问题")
