"""The CLI's plumbing: Chinese help, exit codes, output helpers.

click's own words (headings, "Missing argument", "Option '--json' does not take
a value.") come in Chinese from the gettext catalogue bound in :mod:`.i18n`;
what reaches the terminal goes through :mod:`.console`. Commands stay thin:
parse, call one library function, render.

Exit codes: 0 done and clean, 1 done but problems were found, 2 could not run,
3 internal error, 130 interrupted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from gettext import gettext
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.table import Table

from ..core import clock
from ..core.problems import Code, Problem
from ..documents.document import Document
from ..io.master import SaveResult
from .console import echo_json, err, out, progress_bar, styled

__all__ = [
    "DATE",
    "EXIT_CANNOT_RUN",
    "EXIT_CODES",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "ZhCommand",
    "ZhGroup",
    "document_json",
    "draft_exit",
    "draft_written",
    "echo_json",
    "err",
    "error_text",
    "json_option",
    "master_argument",
    "option",
    "out",
    "print_paths",
    "print_problems",
    "problems_json",
    "progress_bar",
    "saved_json",
    "styled",
    "today_option",
    "warn_placeholders",
]

EXIT_OK, EXIT_PROBLEMS, EXIT_CANNOT_RUN, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

EXIT_CODES = {
    EXIT_OK: "完成，没有发现问题",
    EXIT_PROBLEMS: "完成，但发现了问题或冲突（见输出；能做的部分已经做了）",
    EXIT_CANNOT_RUN: "无法运行：参数不对、文件不存在、台账正被 Excel/WPS 打开等，什么都没有改",
    EXIT_INTERNAL: "程序内部错误：请把屏幕上的信息发给维护人员",
    EXIT_INTERRUPTED: "被中断（按了 Ctrl+C）",
}
"""Every exit code of every command, in the words of ``zhenggai --help`` and the README."""

F = TypeVar("F", bound=Callable[..., Any])


def option(*decls: str, **kwargs: Any) -> Callable[[F], F]:
    """``click.option`` (help marks such as [默认：…] and [必填] come from the catalogue)."""
    return click.option(*decls, **kwargs)


json_option = option(
    "--json", "as_json", is_flag=True, help="只输出一个 JSON 对象（UTF-8，供程序读取）。"
)
"""The ``--json`` flag every command that reports a result takes."""


class ZhFormatter(click.HelpFormatter):
    """Headings end with a full-width colon, as Chinese text does."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        # click adds a space after "Usage:"; "用法：" already ends in a full-width colon
        super().write_usage(prog, args, gettext("Usage:") if prefix is None else prefix)


class ZhContext(click.Context):
    formatter_class = ZhFormatter


class ZhCommand(click.Command):
    """A command whose help reads in Chinese."""

    context_class = ZhContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class ZhGroup(click.Group):
    """A group with Chinese help, its commands in workflow order, a Chinese "no such command".

    Run without a command, it shows its help (``main`` exits 0 for that).
    """

    command_class = ZhCommand
    context_class = ZhContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        # The order they were added in (the monthly workflow), not alphabetical.
        return list(self.commands)

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


def _fix_clock(ctx: click.Context, param: click.Parameter, value: date | None) -> None:
    if value is not None:
        clock.fix(value)


def today_option(
    help: str = "按哪一天办理和计算，如 2026-11-28（默认今天；也可设环境变量 ZHENGGAI_TODAY）。",
) -> Callable[[F], F]:
    """``--today``: the day the whole run takes as today (:mod:`zhenggai.core.clock`)."""
    return option(
        "--today",
        type=DATE,
        callback=_fix_clock,
        expose_value=False,
        is_eager=True,
        help=help,
    )


master_argument = click.argument(
    "master", type=click.Path(dir_okay=False, path_type=Path), metavar="台账.xlsx"
)
"""The MASTER argument every command on the ledger takes first."""


def error_text(exc: click.ClickException) -> str:
    """The message of one of click's errors (Chinese through the catalogue)."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        # The one message click assembles from pieces ("Missing option" + " '--into'" + ".")
        # instead of one translatable sentence: put the Chinese pieces together here.
        if isinstance(exc.param, click.Option):
            return f"{gettext('Missing option')} {exc.param.opts[0]}。"
        return f"{gettext('Missing argument')} {exc.param.human_readable_name}。"
    return exc.format_message()


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


def warn_placeholders(problems: Sequence[Problem]) -> None:
    """One "注意" line per setting still holding a placeholder (××), printed before writing."""
    for p in problems:
        if p.code is Code.SETTING_PLACEHOLDER:
            err.print(styled(("注意：", "yellow"), f"{p.message}（{p.sheet}!{p.cell}）"))


def print_paths(items: Iterable[tuple[str, Path | str]]) -> None:
    """Lines "label：path" for the files a command wrote."""
    for label, path in items:
        out.print(f"{label}：{path}")


def saved_json(saved: SaveResult | None) -> dict[str, Any] | None:
    """How the master was saved, for ``--json``: None when nothing was written."""
    if saved is None:
        return None
    return {
        "path": str(saved.path),
        "replaced": saved.replaced,
        "backup": str(saved.backup) if saved.backup else None,
        "reason": saved.reason,
    }


def problems_json(problems: Sequence[Problem]) -> list[dict[str, str]]:
    """Problems as ``--json`` lists them."""
    return [p.to_dict() for p in problems]


def document_json(document: Document) -> dict[str, Any]:
    """A drafted document for ``--json``: its title and typed paragraphs."""
    return {
        "title": document.title,
        "paragraphs": [{"kind": str(p.kind), "text": p.text} for p in document.paras],
    }


def draft_written(
    sheet: str, saved: SaveResult | None, docx: Path | None, problems: list[Problem]
) -> int:
    """The end of ``bulletin`` and ``report``: what was written, the problems, the exit code.

    Placeholders left in 设置 are warned about before drafting
    (:func:`warn_placeholders`), so they are not listed again and do not fail.
    """
    written: list[tuple[str, Path | str]] = []
    if saved is not None:
        written.append((f"“{sheet}”表", saved.path))
        if saved.reason:
            err.print(styled(("注意：", "yellow"), saved.reason))
    if docx is not None:
        written.append(("Word 文件", docx))
    print_paths(written)
    print_problems(
        [p for p in problems if p.code is not Code.SETTING_PLACEHOLDER], title="起草时发现的问题"
    )
    return draft_exit(problems)


def draft_exit(problems: list[Problem]) -> int:
    """1 when a problem needs fixing; placeholders are warned about, they do not fail."""
    return EXIT_PROBLEMS if any(not p.code.is_notice for p in problems) else EXIT_OK
