"""``zhenggai study``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..core.errors import UsageError
from ..io.master import update_master
from ..study.export import StudyExport, read_export_file
from ..study.history import Period, parse_period
from ..study.run import StudyResult, plan_study
from ._base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhCommand,
    echo_json,
    err,
    option,
    out,
    print_paths,
    print_problems,
    styled,
    today_option,
)
from .console import new_progress


@click.command("study", cls=ZhCommand)
@click.argument(
    "exports",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="积分导出.xlsx...",
)
@option(
    "--into",
    "master",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="存入的台账文件（写入“学习积分”“学习统计”两个工作表）。",
)
@option("--period", help="统计期间，如 2026年11月（默认本月）。同一期重复导入会整组替换。")
@option(
    "--threshold",
    type=click.FloatRange(min=0),
    help="低分线：本期积分低于此数列为“积分偏低”（默认取“设置”表的学习积分低分线）。",
)
@option("--json", "as_json", is_flag=True, help="只输出 JSON 结果。")
@today_option()
def study_command(
    exports: tuple[Path, ...],
    master: Path,
    period: str | None,
    threshold: float | None,
    as_json: bool,
) -> int:
    """导入学习强国积分导出表，统计个人和单位排名，列出未学习和积分偏低的人员。

    表头不必统一：姓名、所在组织/所属单位/部门、本月积分/本期积分、总积分、日均积分、
    最近登录等按常见叫法识别，表头上方的标题行（含合并单元格）自动跳过。
    几个文件一起给出时算作同一期。

    例：zhenggai study 11月积分.xlsx --into 整改台账.xlsx --period 2026年11月
    """
    month: Period | None = None
    if period is not None:
        month = parse_period(period)
        if month is None:
            raise UsageError(f"统计期间“{period}”看不懂，请写成 2026年11月 的形式。")
    read = _read_all(exports, quiet=as_json)
    result, saved = update_master(
        master,
        op="学习积分",
        plan=lambda ledger: plan_study(ledger, read, period=month, threshold=threshold),
    )
    if as_json:
        echo_json(result.to_json())
        if result.replaced:
            err.print(f"已替换{result.period}原有的 {result.replaced} 条记录。")
    else:
        _render(result)
        if saved is not None:
            if saved.reason:
                err.print(styled(("注意：", "yellow"), saved.reason))
            print_paths([("已写入", saved.path)])
    return EXIT_PROBLEMS if result.problems else EXIT_OK


def _read_all(paths: tuple[Path, ...], *, quiet: bool) -> list[StudyExport]:
    read: list[StudyExport] = []
    with new_progress(disable=quiet or len(paths) < 3) as progress:
        task = progress.add_task("读取积分表", total=len(paths))
        for path in paths:
            read.append(read_export_file(path))
            progress.advance(task)
    return read


def _render(result: StudyResult) -> None:
    if not result.people:
        out.print(
            styled(
                (f"{result.period}没有导入任何人员：", "red"),
                "请按下面的问题改正后重新导入，台账未改动。",
            )
        )
        print_problems(result.problems)
        return
    if result.replaced:
        out.print(
            styled(
                (f"已替换{result.period}原有的 {result.replaced} 条记录", "yellow"),
                "（同一期重新导入）。",
            )
        )
    out.print(
        f"{result.period}：读取 {result.files} 个文件，{len(result.people)} 人，"
        f"{len(result.units)} 个单位，人均 {result.average} 分；低分线 {result.threshold:g} 分。"
    )
    trend = f"较{result.previous}" if result.previous else "较上期"
    table = Table(title=f"{result.period}各单位学习积分")
    for col in ("排名", "单位", "人数", "平均", "中位数", "低分占比", trend):
        table.add_column(col, justify="left" if col == "单位" else "right")
    for u in result.units:
        table.add_row(
            str(u.rank),
            u.unit,
            str(u.count),
            f"{u.avg:g}",
            f"{u.median:g}",
            f"{u.low_share:.1%}",
            "" if u.trend is None else f"{u.trend:+g}",
        )
    out.print(table)
    for label, people in (("未学习（0 分）", result.inactive), ("积分偏低", result.low)):
        if people:
            names = "、".join(f"{p.name}（{p.unit}，{p.points:g}分）" for p in people)
            out.print(f"{label} {len(people)} 人：{names}")
    if result.unknown_units:
        out.print(
            "提示：这些单位不在“单位”表中，发学习提醒邮件时找不到邮箱："
            + "、".join(result.unknown_units)
        )
    print_problems(result.problems)
