"""``zhenggai overdue``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..facts.tiers import Tier
from ..io.master import update_master
from ..overdue.run import OverdueResult, flag_overdue
from ._base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhCommand,
    echo_json,
    err,
    master_argument,
    option,
    out,
    print_paths,
    print_problems,
    today_option,
)

SHOWN = 50
"""Items listed on screen; a province-sized ledger has thousands (all are in the 预警 column)."""


@click.command("overdue", cls=ZhCommand)
@master_argument
@today_option("按哪一天计算，如 2026-11-28（默认今天）。")
@option("--json", "as_json", is_flag=True, help="只输出 JSON 结果，便于其他程序读取。")
def overdue_command(master: Path, as_json: bool) -> int:
    """逾期预警：写每条措施的“预警”列，生成“统计”表和图表，检查销号条件。

    预警分为：已逾期N天（红）、N天后到期（橙/黄，天数见“设置”）、正常（绿）、
    长期坚持、已完成（灰）、时限无法识别。销号问题写入“校验问题”表。
    发现销号问题或无法识别的时限时退出码为 1。

    例：zhenggai overdue 整改台账.xlsx --today 2026-11-28
    """
    with err.status("正在计算逾期预警并保存台账……"):
        result, saved = update_master(
            master, op="逾期预警", plan=lambda ledger: flag_overdue(ledger)
        )
    unknown = list(result.by_tier(Tier.UNKNOWN))
    if as_json:
        echo_json(result.to_json())
    else:
        _render(result)
        print_problems(result.problems, title="销号问题")
        if saved is not None:
            print_paths([("已写入台账", saved.path)])
            if saved.reason:
                err.print(saved.reason, style="yellow")
    return EXIT_PROBLEMS if result.problems or unknown else EXIT_OK


def _render(result: OverdueResult) -> None:
    out.print(result.summary())
    if result.evidence_summary():
        out.print(result.evidence_summary())
    if result.no_warning_column:
        err.print("台账没有“预警”列，未写入预警；统计表已生成。", style="yellow")
    order = {Tier.OVERDUE: 0, Tier.ORANGE: 1, Tier.UNKNOWN: 2}
    warned = sorted(
        (i for i in result.items if i.tier in order),
        # days until due (negative when overdue): the longest overdue first, then the soonest due
        key=lambda i: (order[i.tier], i.days or 0),
    )
    if warned:
        table = Table(title="需要关注的事项")
        for col in ("编号", "责任单位", "整改时限", "预警"):
            table.add_column(col, overflow="fold")
        for i in warned[:SHOWN]:
            table.add_row(i.id, i.unit, i.deadline.raw, i.text)
        out.print(table)
        if len(warned) > SHOWN:
            out.print(
                f"另有 {len(warned) - SHOWN} 条需要关注的事项未列出：请在台账“预警”列按颜色筛选，"
                "或用 --json 输出全部。"
            )
    ranking = Table(title="各单位完成情况")
    for col in ("排名", "责任单位", "总数", "已完成", "已逾期", "完成率"):
        ranking.add_column(col, justify="right" if col != "责任单位" else "left")
    for u in result.units:
        ranking.add_row(
            str(u.rank), u.unit, str(u.total), str(u.done), str(u.overdue), f"{u.rate:.2f}%"
        )
    out.print(ranking)
