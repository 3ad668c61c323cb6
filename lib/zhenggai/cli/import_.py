"""``zhenggai import``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click
from rich.table import Table

from ..core.errors import UsageError
from ..core.ledger import Ledger
from ..importing.run import ImportResult, blank_ledger, parse_map, plan_import, read_sources
from ..io.create import create_master
from ..io.master import SaveResult, update_master
from ._base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhCommand,
    echo_json,
    option,
    out,
    print_paths,
    print_problems,
    today_option,
)
from .console import new_progress

_OP = "导入"


@click.command("import", cls=ZhCommand)
@click.argument(
    "sources",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="源台账.xlsx...",
)
@option(
    "--into",
    "master",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="台账.xlsx",
    help="导入到这本台账；文件不存在时新建。",
)
@option(
    "--map",
    "mapping",
    multiple=True,
    metavar="源列=字段",
    help="指定源表某列对应台账哪个字段，可写多次；“源列=”表示作为附加列保留。",
)
@option("--sheet", metavar="工作表", help="只导入各文件中这个工作表（默认：所有有数据的工作表）。")
@option(
    "--split-by",
    metavar="责任单位",
    help="同时把台账中“责任单位”写了几个单位的行拆成每个单位一行（编号 3 → 3-1、3-2）；"
    "导入上级模板、填好本级承办单位后用。",
)
@option("--dry-run", is_flag=True, help="只显示会怎样导入，不写任何文件。")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出导入结果（供其他程序使用）。")
@today_option()
def import_command(
    sources: tuple[Path, ...],
    master: Path,
    mapping: tuple[str, ...],
    sheet: str | None,
    split_by: str | None,
    dry_run: bool,
    as_json: bool,
) -> int:
    """导入已有的整改台账（.xlsx、.xlsm、.xls）：自动找表头、对应列名，保留其余列，不丢任何一行。

    上级下发的填报模板也可以导入：各事项的上级编号记在“上级编号”列，以后用 zhenggai answer 向上级填报。

    例：zhenggai import A公司台账.xlsx B公司台账.xls --into 整改台账.xlsx --map 问题摘要=存在问题
    """
    overrides = parse_map(mapping)
    target = master.resolve()
    for source in sources:
        if source.resolve() == target:
            raise UsageError(f"源文件不能是台账本身：{source}")
    with new_progress() as progress:
        task = progress.add_task("读取源文件", total=len(sources))

        def step(path: Path) -> None:
            progress.update(task, advance=1, description=f"读取 {path.name}")

        sheets, problems = read_sources(sources, sheet=sheet, progress=step)

    def plan(ledger: Ledger) -> ImportResult:
        return plan_import(ledger, sheets, mapping=overrides, problems=problems, split_by=split_by)

    saved: SaveResult | None = None
    created = False
    if master.exists():
        result, saved = update_master(master, op=_OP, plan=plan, dry_run=dry_run)
    else:
        result = plan(blank_ledger())
        if result.changes and not dry_run:
            create_master(master)
            created = True
            result, saved = update_master(master, op=_OP, plan=plan)
    if as_json:
        echo_json(result.to_json())
    else:
        _render(result, master=master, saved=saved, created=created, dry_run=dry_run)
    return EXIT_PROBLEMS if result.problems else EXIT_OK


def _render(
    result: ImportResult, *, master: Path, saved: SaveResult | None, created: bool, dry_run: bool
) -> None:
    for file, sheet, rows, read in result.sheets:
        table = Table(title=f"{file}｜{sheet}：表头在{rows}，读取 {read} 行", title_justify="left")
        for heading in ("列", "源列", "处理", "台账字段", "依据"):
            table.add_column(heading, overflow="fold")
        for d in result.decisions:
            if d.file == file and d.sheet == sheet:
                table.add_row(d.header_cell, d.label, d.decision.value, d.field, d.why)
        out.print(table)
    for skipped in result.skipped:
        out.print(f"跳过 {skipped.file}｜{skipped.sheet}：{skipped.reason}")
    for note in result.notes:
        out.print(note)
    split = f"（其中 {result.split} 行写了多个单位，已按单位拆分）" if result.split else ""
    out.print(
        f"读取 {result.read} 行，写入 {result.written} 行{split}，"
        f"未写入 {len(result.not_written)} 行，占位符清空 {result.placeholders} 格。"
    )
    if result.new_fields:
        out.print("新增字段（台账右侧新列）：" + "、".join(f.name for f in result.new_fields))
    if result.new_units:
        out.print("新增单位（请到“单位”表补填编码、联系人和邮箱）：" + "、".join(result.new_units))
    _render_not_written(result)
    _render_split(result)
    print_problems(result.problems, title="导入发现的问题")
    if dry_run:
        out.print("试运行：没有写入任何文件。")
    elif saved is not None and not saved.replaced:
        out.print(saved.reason)
        print_paths([("导入结果", saved.path)])
    elif saved is not None:
        print_paths([("已新建并导入台账" if created else "已导入台账", saved.path)])
    else:
        out.print(f"没有要写入的行，台账未改动：{master}")


def _render_split(result: ImportResult) -> None:
    rows = result.split_rows
    if rows is None:
        return
    if not rows:
        out.print("台账中没有写了几个单位、需要拆分的行。")
        return
    table = Table(title=f"按责任单位拆分的行（{len(rows)} 行）", title_justify="left")
    for heading in ("原编号", "台账行", "拆成"):
        table.add_column(heading, overflow="fold")
    for s in rows:
        parts = "、".join(f"{i}（{u}）" for i, u in zip(s.ids, s.units, strict=True))
        table.add_row(s.id, str(s.row), parts)
    out.print(table)


def _render_not_written(result: ImportResult, *, limit: int = 200) -> None:
    rows: Sequence[object] = result.not_written
    if not rows:
        return
    table = Table(title=f"未写入的行（{len(rows)} 行）", title_justify="left")
    for heading in ("文件", "工作表", "行", "原因"):
        table.add_column(heading, overflow="fold")
    for n in result.not_written[:limit]:
        table.add_row(n.file, n.sheet, str(n.row), n.reason)
    out.print(table)
    if len(rows) > limit:
        out.print(f"……另有 {len(rows) - limit} 行未显示，见 --json。")
