"""The ``zhenggai`` command line: one thin command per library function.

Each command parses its arguments, calls one function of the library and
renders the result; errors become one Chinese message and an exit code here.
"""

from __future__ import annotations

import sys
import traceback

import click

from .._version import __version__
from ..core import clock
from ..core.errors import ZhenggaiError
from ..io.files import describe
from ._base import (
    EXIT_CANNOT_RUN,
    EXIT_CODES,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    ZhGroup,
    err,
    error_text,
    out,
    styled,
)
from .addin import addin_group
from .answer import answer_command
from .bulletin import bulletin_command
from .check import check_command
from .collect import collect_command
from .console import tolerant_streams
from .consolidate import consolidate_command
from .i18n import chinese_messages
from .import_ import import_command
from .init import init_command
from .mail import mail_command
from .overdue import overdue_command
from .report import report_command
from .review import review_command
from .serve import register as register_serve
from .study import study_command
from .templates import templates_command
from .undo import undo_command

__all__ = ["cli", "main"]


_EPILOG = "\b\n退出码：\n" + "\n".join(f"  {code:<4}{words}" for code, words in EXIT_CODES.items())


@click.group(cls=ZhGroup, context_settings={"max_content_width": 100}, epilog=_EPILOG)
@click.version_option(
    __version__, "--version", message="zhenggai %(version)s", help="显示版本并退出。"
)
def cli() -> None:
    """整改台账工具：生成填报模板、汇总各单位报送、逾期预警、起草通报和整改报告。

    每个命令的用法：zhenggai 命令 --help。报告结果的命令都可加 --json，只输出一个
    JSON 对象（UTF-8 编码，与命令行窗口的代码页无关）。
    """


# In the order of the monthly workflow: `zhenggai --help` lists them so.
for command in (
    init_command,
    import_command,
    templates_command,
    mail_command,
    collect_command,
    check_command,
    consolidate_command,
    undo_command,
    answer_command,
    overdue_command,
    study_command,
    bulletin_command,
    review_command,
    report_command,
    addin_group,
):
    cli.add_command(command)
register_serve(cli, addin_group)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code instead of raising (entry point ``zhenggai``)."""
    with chinese_messages():
        try:
            return _run(argv)
        finally:
            clock.fix(None)  # --today holds for this run only, not for later calls in the process


def _run(argv: list[str] | None) -> int:
    try:
        result = cli.main(args=argv, prog_name="zhenggai", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # a bare `zhenggai` (or `zhenggai addin`)
        out.print(exc.ctx.get_help())
        return EXIT_OK
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            err.print(exc.ctx.get_usage())
            err.print(f"试试“{exc.ctx.command_path} --help”。")
        err.print(styled(("错误：", "red"), error_text(exc)))
        return EXIT_CANNOT_RUN
    except (click.exceptions.Abort, KeyboardInterrupt):
        err.print("已取消。")
        return EXIT_INTERRUPTED
    except ZhenggaiError as exc:
        err.print(styled(("错误：", "red"), str(exc)))
        return exc.exit_code
    except OSError as exc:  # a file operation no command foresaw: say which, in words
        where = f"：{exc.filename}" if exc.filename else ""
        err.print(
            styled(
                ("错误：", "red"),
                f"文件操作失败（{describe(exc)}）{where}。请检查磁盘空间和文件夹的写入权限后重新运行"
                "（台账的保存另有检查：未显示“台账已更新”就没有改动）。",
            )
        )
        return EXIT_CANNOT_RUN
    except Exception as exc:  # last resort: never a bare traceback without explanation
        err.print(traceback.format_exc())
        err.print(
            styled(
                ("程序内部错误：", "red"),
                f"{type(exc).__name__}: {exc}。请把上面的信息发给维护人员。",
            )
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_OK


def _entry() -> None:  # pragma: no cover - console script shim
    tolerant_streams()
    sys.exit(main())
