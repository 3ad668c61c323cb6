"""``zhenggai review``."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.master import update_master
from ..overdue.review import follow_up_review
from ._base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhCommand,
    echo_json,
    err,
    json_option,
    master_argument,
    out,
    print_paths,
    print_problems,
    problems_json,
    saved_json,
    today_option,
)


@click.command("review", cls=ZhCommand)
@master_argument
@today_option("按哪一天计算，如 2026-11-28（默认今天）。")
@json_option
def review_command(master: Path, as_json: bool) -> int:
    """回头看：列出完成或销号已满“设置”中间隔天数、尚未复查的事项。

    结果写入“回头看”表，请在表中填写复查时间、复查人、复查结果和是否反弹；
    再次运行时保留已填写的内容。是否反弹填“是”的事项退回“正在整改”，
    记入“变更记录”。

    例：zhenggai review 整改台账.xlsx
    """
    with err.status("正在整理回头看事项……"):
        result, saved = update_master(
            master, op="回头看", plan=lambda ledger: follow_up_review(ledger)
        )
    if as_json:
        echo_json(
            {
                "today": result.today,
                "pending": result.pending,
                "relapsed": result.relapsed,
                "problems": problems_json(result.problems),
                "saved": saved_json(saved),
            }
        )
        return EXIT_PROBLEMS if result.problems else EXIT_OK
    out.print(
        f"待复查 {len(result.pending)} 条"
        + (f"：{'、'.join(result.pending)}" if result.pending else "")
        + f"；本次因反弹退回“正在整改” {result.relapse_count} 条"
        + (f"：{'、'.join(result.relapsed)}" if result.relapsed else "")
        + "。",
    )
    print_problems(result.problems, title="需要处理的问题（复查记录、缺完成时间的已完成事项）")
    if saved is not None:
        print_paths([("已写入台账", f"{saved.path}（“回头看”表）")])
        if saved.reason:
            err.print(saved.reason, style="yellow")
    return EXIT_PROBLEMS if result.problems else EXIT_OK
