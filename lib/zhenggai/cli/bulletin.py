"""``zhenggai bulletin``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..bulletin import draft_bulletin
from ..master import update_master
from ._base import DATE, EXIT_OK, ZhCommand, err, option, out, print_paths


@click.command("bulletin", cls=ZhCommand)
@click.argument("master", type=click.Path(dir_okay=False, path_type=Path), metavar="台账.xlsx")
@option("--today", type=DATE, help="通报日期，也按这一天计算逾期，如 2026-12-08（默认今天）。")
def bulletin_command(master: Path, today: date | None) -> int:
    """起草督查通报，写入“通报草稿”表。

    内容：最近一批填报表的按时报送、逾期报送和未报送单位（报送截止见“设置”），
    各单位完成率排名，逾期未完成事项及逾期天数，最后是工作要求。
    措辞在模板中，可在“设置”的“通报模板”指定自己的模板。

    例：zhenggai bulletin 整改台账.xlsx --today 2026-12-08
    """
    with err.status("正在起草督查通报……"):
        result, saved = update_master(
            master, op="生成通报", plan=lambda ledger: draft_bulletin(ledger, today=today)
        )
    out.print(result.document.text())
    out.print()
    if saved is not None:
        print_paths([("通报草稿已写入", f"{saved.path}（“通报草稿”表）")])
        if saved.reason:
            err.print(f"[yellow]{saved.reason}[/]")
    return EXIT_OK
