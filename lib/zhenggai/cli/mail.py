"""``zhenggai mail``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click
from rich.table import Table

from ..core.errors import UsageError
from ..core.ledger import Ledger
from ..io.lock import check_not_open
from ..io.master import SaveResult, read_ledger, update_master
from ..mail.compose import plan_mail
from ..mail.plan import SENT
from ..mail.result import MailKind, MailResult, Outgoing
from ..mail.run import run_mail
from ..mail.smtp import PASSWORD_ENV, SECURITIES, SmtpConfig
from ._base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhCommand,
    echo_json,
    err,
    master_argument,
    option,
    out,
    print_problems,
    styled,
    today_option,
)
from .console import new_progress
from .mail_password import account, ask_password, keep_password, ledger_config


@click.command("mail", cls=ZhCommand)
@master_argument
@option("--batch", metavar="批次", help="批次，如 2026年11月。默认：“回收情况”中最近下发的批次。")
@option(
    "--eml",
    "eml_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="文件夹",
    help="邮件文件（.eml）存放的文件夹。默认：下发文件夹/批次/邮件/。",
)
@option(
    "--send",
    is_flag=True,
    help=f"通过 SMTP 直接发送（服务器见“设置”表；密码依次取自环境变量 {PASSWORD_ENV}、"
    "系统密码库，都没有就在运行时输入）。",
)
@option(
    "--reminder",
    is_flag=True,
    help="催报：只发给本批次尚未报送的单位和有逾期事项的单位；"
    "导入过学习积分的，另给有未学习、积分偏低人员的单位发学习提醒。",
)
@option("--resend", is_flag=True, help="与 --send 同用：本批次已发送成功的也再发一次。")
@option("--smtp-host", metavar="服务器", help="与 --send 同用：代替“设置”中的 SMTP服务器。")
@option("--smtp-port", type=int, metavar="端口", help="与 --send 同用：代替“设置”中的 SMTP端口。")
@option(
    "--smtp-security",
    type=click.Choice(SECURITIES),
    help="与 --send 同用：代替“设置”中的 SMTP加密。",
)
@option(
    "--save-password",
    is_flag=True,
    help="把 SMTP 密码（授权码）保存到系统密码库（Windows 凭据管理器等），以后 --send 不再询问；"
    "只保存，不发邮件。",
)
@option("--forget-password", is_flag=True, help="从系统密码库删除保存的 SMTP 密码。")
@option("--json", "as_json", is_flag=True, help="只在标准输出打印 JSON 结果。")
@today_option()
def mail_command(
    master: Path,
    batch: str | None,
    eml_dir: Path | None,
    send: bool,
    reminder: bool,
    resend: bool,
    smtp_host: str | None,
    smtp_port: int | None,
    smtp_security: str | None,
    save_password: bool,
    forget_password: bool,
    as_json: bool,
) -> int:
    """给各单位发填报模板或催报邮件：默认生成 .eml 邮件文件，加 --send 直接发送。

    \b
    例：zhenggai mail 整改台账.xlsx                      生成最近一批的 .eml 邮件
        zhenggai mail 整改台账.xlsx --send               发送（已发过的不重发）
        zhenggai mail 整改台账.xlsx --reminder --send    给未报送、有逾期事项的单位发催报
        zhenggai mail 整改台账.xlsx --save-password      把 SMTP 密码存进系统密码库
    """
    if save_password or forget_password:
        if send or reminder or eml_dir is not None:
            raise UsageError(
                "--save-password、--forget-password 只保存或删除密码，不能与发送同用。"
            )
        config = ledger_config(master, smtp_host)
        return keep_password(master, account(config), forget=forget_password, as_json=as_json)
    if not send:
        sending_only = {
            "--resend": resend,
            "--smtp-host": smtp_host,
            "--smtp-port": smtp_port,
            "--smtp-security": smtp_security,
        }
        return _drafts(master, batch, eml_dir, reminder, sending_only, as_json=as_json)
    if eml_dir is not None:
        raise UsageError("--eml 与 --send 不能同时使用：--send 直接发送，不生成 .eml 文件。")

    smtp = (smtp_host, smtp_port, smtp_security)
    result, saved = _send(master, batch, reminder, resend, smtp)
    _render(result, saved, as_json=as_json)
    return EXIT_PROBLEMS if result.problems else EXIT_OK


def _send(
    master: Path,
    batch: str | None,
    reminder: bool,
    resend: bool,
    smtp: tuple[str | None, int | None, str | None],
) -> tuple[MailResult, SaveResult | None]:
    """``--send``: plan, ask for the password once, then send under the master's lock.

    Nothing to send: the plan is returned and no password is asked.
    """
    ledger = read_ledger(master)
    check_not_open(master.resolve())  # before asking for a password: 发送记录 must be writable
    config = _config(ledger, *smtp)
    preview = plan_mail(ledger, batch=batch, reminder=reminder, skip_sent=True, resend=resend)
    if not preview.outgoing:  # nothing to send: no password asked, master untouched
        return preview, None
    password = ask_password(config)

    done: list[MailResult] = []
    with new_progress(disable=not err.is_terminal) as bar:
        task = bar.add_task("发送邮件", total=len(preview.outgoing))

        def progress(outgoing: Outgoing) -> None:
            bar.update(task, advance=1, description=f"发给 {outgoing.unit}")

        def plan(fresh: Ledger) -> MailResult:
            # read again under the master's lock: two runs never send the same batch twice
            result = run_mail(
                fresh,
                batch=batch,
                reminder=reminder,
                send=_config(fresh, *smtp),
                password=password,
                resend=resend,
                progress=progress,
            )
            done.append(result)
            return result

        try:
            result, saved = update_master(master, op="发邮件", plan=plan)
        except BaseException:
            if done and any(d.result == SENT for d in done[0].deliveries):
                _report_unsaved(done[0])
            raise
    return result, saved


def _drafts(
    master: Path,
    batch: str | None,
    eml_dir: Path | None,
    reminder: bool,
    sending_only: Mapping[str, object],
    *,
    as_json: bool,
) -> int:
    """Without --send: .eml drafts, the master untouched."""
    used = [name for name, value in sending_only.items() if value]
    if used:
        raise UsageError(f"{'、'.join(used)} 只能与 --send 一起使用。")
    result = run_mail(read_ledger(master), batch=batch, reminder=reminder, eml_folder=eml_dir)
    _render(result, None, as_json=as_json)
    return EXIT_PROBLEMS if result.problems else EXIT_OK


def _config(ledger: Ledger, host: str | None, port: int | None, security: str | None) -> SmtpConfig:
    config = SmtpConfig.from_settings(ledger.settings, host=host, port=port, security=security)
    config.check()
    return config


def _report_unsaved(result: MailResult) -> None:
    err.print(
        "以下邮件已经发出，但未能写入台账的“发送记录”（重新运行前请先核对，以免重发）：",
        style="red",
    )
    for d in result.deliveries:
        err.print(f"  {d.time:%Y-%m-%d %H:%M:%S}  {d.unit}  {d.address}  {d.result}  {d.error}")


def _render(result: MailResult, saved: SaveResult | None, *, as_json: bool) -> None:
    if as_json:
        data = result.to_dict()
        data["saved"] = str(saved.path) if saved else None
        echo_json(data)
        return
    what = "填报模板" if result.kind is MailKind.ISSUE else "催报"
    out.print(f"批次：{result.batch}（{what}邮件）")
    if result.eml_files:
        out.print(f"已生成 {len(result.eml_files)} 封邮件：")
        for path in result.eml_files:
            out.print(f"  {path}")
        out.print(
            "用 Outlook 双击打开即为待发送的新邮件，检查后点“发送”；Thunderbird 打开后用"
            "“编辑为新消息”，Foxmail 用“再次编辑发送”（菜单名称因版本略有不同）。"
        )
    elif not result.outgoing and not result.skipped and not result.problems:
        if result.kind is MailKind.REMINDER:
            out.print("本批次各单位都已报送，也没有逾期事项，无需催报。")
        else:
            out.print("没有需要发送的单位。")
    if result.deliveries:
        table = Table(title="发送结果")
        for col in ("单位", "邮箱", "结果", "说明"):
            table.add_column(col, overflow="fold")
        for d in result.deliveries:
            mark = styled((d.result, "green" if d.result == SENT else "red"))
            table.add_row(d.unit, d.address, mark, d.error)
        out.print(table)
    for unit, reason in result.skipped:
        out.print(f"未发送 {unit}：{reason}")
    print_problems(result.problems)
    if saved is not None:
        out.print(f"发送记录已写入：{saved.path}")
        if saved.reason:
            out.print(saved.reason)
