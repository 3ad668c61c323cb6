"""The CLI's plumbing: Chinese help and errors, exit codes, output helpers.

click prints its own English headings and errors; these classes replace them
so every word a user reads is Chinese. Commands stay thin: parse, call one
library function, render.

Exit codes: 0 done and clean, 1 done but problems were found, 2 could not run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from ..core.problems import Problem

__all__ = [
    "DATE",
    "EXIT_CANNOT_RUN",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "ZhCommand",
    "ZhGroup",
    "echo_json",
    "err",
    "master_argument",
    "option",
    "out",
    "print_paths",
    "print_problems",
    "progress_bar",
]

EXIT_OK, EXIT_PROBLEMS, EXIT_CANNOT_RUN = 0, 1, 2

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


class ZhOption(click.Option):
    """An option whose help record shows Chinese [默认：…] / [必填] marks."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        names, text = record
        text = text.replace("[default: ", "[默认：").replace("[required]", "[必填]")
        return names, text


def option(*decls: str, **kwargs: Any) -> Callable[[F], F]:
    """``click.option`` with :class:`ZhOption`."""
    return click.option(*decls, cls=ZhOption, **kwargs)


class ZhFormatter(click.HelpFormatter):
    """Headings end with a full-width colon, as Chinese text does."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class ZhContext(click.Context):
    formatter_class = ZhFormatter


class _ZhHelp:
    """Chinese headings and help option for commands and groups."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        opt = super().get_help_option(ctx)  # type: ignore[misc]
        if opt is not None:
            opt.help = "显示本帮助并退出。"
        return opt  # type: ignore[no-any-return]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        pieces = [
            p.replace("[OPTIONS]", "[选项]")
            .replace("COMMAND", "命令")
            .replace("[ARGS]...", "[参数]...")
            for p in pieces
        ]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [
            r
            for p in self.get_params(ctx)  # type: ignore[attr-defined]
            if isinstance(p, click.Option) and (r := p.get_help_record(ctx)) is not None
        ]
        if records:
            with formatter.section("选项"):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class ZhCommand(_ZhHelp, click.Command):
    """A command with Chinese help."""

    context_class = ZhContext


class ZhGroup(_ZhHelp, click.Group):
    """A group with Chinese help and a Chinese "no such command" error."""

    command_class = ZhCommand
    context_class = ZhContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        # The order they were added in (the monthly workflow), not alphabetical.
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=60)))
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            known = "、".join(self.list_commands(ctx))
            raise click.UsageError(f"没有命令“{name}”。可用的命令：{known}。", ctx)
        return super().resolve_command(ctx, args)


ZhGroup.group_class = ZhGroup


class DateParam(click.ParamType):  # type: ignore[type-arg]
    """YYYY-MM-DD, with a Chinese error."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"“{value}”不是日期，请写成 2026-11-28 的形式。", param, ctx)


DATE = DateParam()

master_argument = click.argument(
    "master", type=click.Path(dir_okay=False, path_type=Path), metavar="台账.xlsx"
)
"""The MASTER argument every command on the ledger takes first."""


def usage_error_text(exc: click.ClickException) -> str:
    """Chinese text for click's own errors."""
    if isinstance(exc, click.MissingParameter):
        hint = exc.param.human_readable_name if exc.param else "参数"
        if isinstance(exc.param, click.Option) and exc.param.opts:
            hint = exc.param.opts[0]  # "--into", as typed, not the Python parameter name
        return f"缺少{'选项' if isinstance(exc.param, click.Option) else '参数'} {hint}。"
    if isinstance(exc, click.NoSuchOption):
        tip = f"（是不是 {'、'.join(exc.possibilities)}？）" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{tip}。"
    if isinstance(exc, click.BadOptionUsage):
        return f"选项 {exc.option_name} 用法不对：{_zh(exc.message)}"
    if isinstance(exc, click.BadParameter):
        hint = exc.param.get_error_hint(exc.ctx) if exc.param and exc.ctx else "参数"
        return f"{hint} 的值不对：{_zh(exc.message)}"
    return _zh(exc.message)


_CLICK_WORDS = {
    "requires an argument": "后面需要一个值",
    "is not a valid integer": "不是整数",
    "is not a valid float": "不是数字",
    "does not exist": "不存在",
    "is not one of": "不在可选范围内：",
    "Got unexpected extra argument": "多了参数",
    "Got unexpected extra arguments": "多了参数",
    "is a directory": "是文件夹",
    "is a file": "是文件",
}


def _zh(message: str) -> str:
    for en, zh in _CLICK_WORDS.items():
        message = message.replace(en, zh)
    return message


def echo_json(data: Any) -> None:
    """Print *data* as JSON on stdout (dates as ISO text, Chinese unescaped)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def print_problems(
    problems: Sequence[Problem], *, title: str = "发现的问题", limit: int = 200
) -> None:
    """A rich table of problems: 位置, 代码, 问题, 原值."""
    if not problems:
        return
    table = Table(title=f"{title}（{len(problems)} 个）", show_lines=False)
    for col in ("文件", "位置", "代码", "问题及处理办法", "原值"):
        table.add_column(col, overflow="fold")
    for p in problems[:limit]:
        table.add_row(
            p.file, f"{p.sheet}!{p.cell}" if p.cell else p.sheet, str(p.code), p.message, p.value
        )
    out.print(table)
    if len(problems) > limit:
        out.print(f"……另有 {len(problems) - limit} 个问题未显示，见输出的工作表或 --json。")


def print_paths(items: Iterable[tuple[str, Path | str]]) -> None:
    """Lines "label：path" for the files a command wrote."""
    for label, path in items:
        out.print(f"{label}：{path}")


@contextmanager
def progress_bar(label: str, first: str = "") -> Iterator[Callable[[int, int, str], None]]:
    """A transient progress bar on stderr; yields ``update(done, total, name)``.

    The library's long functions take such a callback as ``progress=``.
    """
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(first, total=None)

        def update(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        yield update
