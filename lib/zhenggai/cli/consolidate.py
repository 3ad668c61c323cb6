"""``zhenggai consolidate``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..collect.result import CollectResult
from ..core.errors import OutputError, after
from ..core.problems import show_value
from ..core.sheets import EVIDENCE
from ..evidence.refresh import consolidate_and_index
from ..io.master import SaveResult, update_master
from ..returns.consolidate import ConsolidateResult, FileResult, Verdict
from ..returns.feedback import write_feedback
from ._base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhCommand,
    echo_json,
    master_argument,
    option,
    out,
    print_problems,
    progress_bar,
    styled,
    today_option,
)
from .collect import render, run_collect

__all__ = ["consolidate_command", "print_changes", "print_conflicts"]


@click.command("consolidate", cls=ZhCommand)
@master_argument
@click.argument(
    "returns",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="[回收文件夹]",
)
@option("--dry-run", is_flag=True, help="只检查并列出将要做的修改，不改台账、不写问题清单。")
@option("--json", "as_json", is_flag=True, help="只输出一个 JSON 对象（供程序读取）。")
@option(
    "--trust-legacy",
    is_flag=True,
    help="旧式报送（不是下发的模板、按编号读取的文件）与台账不同的值直接采用；"
    "不加时只作为修改建议列入“冲突”表。",
)
@option(
    "--collect",
    is_flag=True,
    help="先从邮箱收取各单位的回复（同 zhenggai collect），再汇总。",
)
@option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="同时用几个处理器核校验报送文件（默认全部；也可设环境变量 ZHENGGAI_JOBS）。"
    "结果与单核完全相同。",
)
@today_option()
def consolidate_command(
    master: Path,
    returns: Path | None,
    dry_run: bool,
    as_json: bool,
    trust_legacy: bool,
    collect: bool,
    jobs: int | None,
) -> int:
    """一键汇总：逐个校验各单位报回的模板，三方合并进台账，全部留痕。

    回收文件夹默认是台账所在文件夹下的“回收”（含子文件夹）。
    每个文件都有结论：已汇总、部分汇总、未汇总、重复文件、已有更新的报送；
    一个坏文件不影响其他文件。台账和单位都改过的单元格列入“冲突”，不自动覆盖。
    有问题的单位生成问题清单（反馈/批次/单位-问题清单.xlsx），可直接发回。

    例：zhenggai consolidate 整改台账.xlsx
        zhenggai consolidate 整改台账.xlsx --collect    先收取邮件再汇总
    """
    collected = _collect(master, dry_run=dry_run, as_json=as_json) if collect else None
    with progress_bar("汇总", "读取台账") as progress:
        counted = [0, 0]  # files done, of: kept while the master is merged and saved

        def files(done: int, total: int, name: str) -> None:
            counted[:] = done, total
            progress(done, total, name)

        result, saved = update_master(
            master,
            op="汇总",
            plan=lambda ledger: consolidate_and_index(
                ledger, returns, progress=files, trust_legacy=trust_legacy, jobs=jobs
            ),
            dry_run=dry_run,
            note_backup=True,
            step=lambda what: progress(counted[0], counted[1], what),
        )
    written: list[Path] = []
    not_written: OutputError | None = None
    if not dry_run:
        try:
            written = write_feedback(result)
        except OutputError as exc:
            not_written = exc  # said last, after what the consolidation did
    clean = result.clean and (collected is None or not collected.problems)
    if as_json:
        data = result.to_json()
        if collected is not None:
            data["collect"] = collected.to_json()
        echo_json(data)
        return EXIT_OK if clean else EXIT_PROBLEMS
    _summary(result, dry_run=dry_run)
    problems = [p for f in result.files for p in f.problems]
    print_problems(problems, title="校验问题")
    print_problems(
        result.ledger_problems, title="台账本身的问题（销号检查；单位未改动、台账中就不合规的值）"
    )
    print_conflicts(result.files)
    if dry_run:
        print_changes(result.files)
        out.print("试运行（--dry-run）：台账没有改动，也没有写问题清单。", style="yellow")
    elif saved is not None and not saved.replaced:
        out.print(styled(("注意：", "yellow"), saved.reason))
    elif saved is not None:
        out.print(f"台账已更新：{saved.path}（修改前的备份：{saved.backup}）")
        out.print("如需撤销本次汇总：zhenggai undo " + str(master))
    else:
        out.print("没有新的报送文件，台账没有改动。")
    for path in written:
        out.print(f"问题清单：{path}")
    if any(t.name == EVIDENCE.name for t in result.changes.tables) and not dry_run:
        out.print(f"“{EVIDENCE.name}”表已按电子档案文件夹和本次汇总的佐证材料更新。")
    if not_written is not None:
        with after(SaveResult.words(saved)):
            raise not_written
    return EXIT_OK if clean else EXIT_PROBLEMS


def _collect(master: Path, *, dry_run: bool, as_json: bool) -> CollectResult:
    """``--collect``: the mailbox first, as ``zhenggai collect`` does it."""
    result, saved = run_collect(master, dry_run=dry_run)
    if not as_json:
        render(result, saved)
    return result


SHOWN = 50
"""Beyond this many files the summary table leaves out the files merged without a remark."""


def _summary(result: ConsolidateResult, *, dry_run: bool) -> None:
    """Every file's verdict; at province scale only the files that need a look.

    A table of 1,000 rows helps nobody and takes seconds to draw: past
    :data:`SHOWN` files, those merged in full without a problem or note are
    counted in one line (each is in 回收情况 and in ``--json``).
    """
    table = Table(title=f"汇总结果（{result.folder}）")
    for col in ("文件", "单位", "批次", "结论", "修改", "冲突", "问题", "说明"):
        table.add_column(col, overflow="fold")
    files = result.files
    if len(files) > SHOWN:
        files = [f for f in files if not _plain(f)]
    for f in files:
        table.add_row(
            f.file,
            f.unit or "",
            f.batch or "",
            f.verdict.words,
            str(len(f.changes)),
            str(len(f.conflicts)),
            str(len(f.problems)),
            f.note,
        )
    if files:
        out.print(table)
    if len(files) < len(result.files):
        # a dry run writes no 回收情况: only --json lists every file then
        where = (
            "加 --json 可列出每个文件" if dry_run else "各单位最近一份报送的结论见台账“回收情况”表"
        )
        verb = "可以汇总" if dry_run else "已汇总"
        out.print(
            f"另有 {len(result.files) - len(files)} 个文件{verb}、没有问题，未逐个列出（{where}）。"
        )
    out.print(
        f"共 {len(result.files)} 个文件，修改 {result.n_changes} 处，冲突 {result.n_conflicts} 处"
        + (f"；忽略非工作簿文件 {len(result.ignored)} 个" if result.ignored else "")
        + "。"
    )
    if result.not_returned:
        out.print(f"{result.batch} 尚未报送：{'、'.join(result.not_returned)}")
    for path, why in result.unread:
        out.print(styled(("未读取：", "yellow"), f"{path}（{why}）"))


def _plain(f: FileResult) -> bool:
    """Merged in full, with nothing to say about it."""
    return f.verdict is Verdict.APPLIED and not f.problems and not f.conflicts and not f.note


def print_conflicts(files: list[FileResult]) -> None:
    """A table of conflicts with all three values."""
    rows = [(f, k) for f in files for k in f.conflicts]
    if not rows:
        return
    table = Table(title=f"冲突（{len(rows)} 处，未合并，请在台账中核实）")
    for col in ("单位", "编号", "台账单元格", "下发时的值", "台账现值", "单位报送值"):
        table.add_column(col, overflow="fold")
    for f, k in rows:
        table.add_row(
            f.unit or "", k.id, k.master_cell, k.base, show_value(k.ours), show_value(k.theirs)
        )
    out.print(table)


def print_changes(files: list[FileResult]) -> None:
    """A table of the values applied (or, in a dry run, to be applied)."""
    rows = [(f, c) for f in files for c in f.changes]
    if not rows:
        return
    table = Table(title=f"修改（{len(rows)} 处）")
    for col in ("单位", "编号", "字段", "原值", "新值"):
        table.add_column(col, overflow="fold")
    for f, c in rows:
        table.add_row(f.unit or "", c.id, c.field, show_value(c.old), show_value(c.new))
    out.print(table)
