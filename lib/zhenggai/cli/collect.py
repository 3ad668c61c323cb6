"""``zhenggai collect``: the batch's replies from the mailbox into 回收/ and 电子档案/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.table import Table

from ..collect.result import CollectResult, Kind, Listed, Outcome
from ..collect.run import collect_mail
from ..core.errors import UsageError
from ..core.sheets import EVIDENCE, MAIL_IN
from ..io.lock import check_not_open
from ..io.master import SaveResult, read_ledger, update_master
from ..mail.imap import SECURITIES, ImapConfig, ImapInbox
from ._base import (
    DATE,
    EXIT_OK,
    EXIT_PROBLEMS,
    ZhCommand,
    echo_json,
    master_argument,
    option,
    out,
    progress_bar,
    saved_json,
    styled,
    today_option,
)
from .mail_password import imap_account, keep_password, password_for

__all__ = ["collect_command", "run_collect"]

_COLOURS = {
    Outcome.SAVED: "green",
    Outcome.PLANNED: "cyan",
    Outcome.DUPLICATE: "yellow",
    Outcome.REFUSED: "red",
}


@click.command("collect", cls=ZhCommand)
@master_argument
@option("--batch", metavar="批次", help="批次，如 2026年11月。默认：“回收情况”中最近下发的批次。")
@option(
    "--since",
    type=DATE,
    metavar="YYYY-MM-DD",
    help="只看这一天及以后收到的邮件。默认：本批次模板下发的那一天。",
)
@option("--dry-run", is_flag=True, help="只列出将要保存的附件和位置，不保存文件、不改台账。")
@option("--imap-host", metavar="服务器", help="代替“设置”中的 IMAP服务器。")
@option("--imap-port", type=int, metavar="端口", help="代替“设置”中的 IMAP端口。")
@option("--imap-security", type=click.Choice(SECURITIES), help="代替“设置”中的 IMAP加密。")
@option("--folder", metavar="文件夹", help="代替“设置”中的 收件文件夹（如 INBOX）。")
@option(
    "--save-password",
    is_flag=True,
    help="把邮箱密码（授权码）保存到系统密码库（Windows 凭据管理器等），以后不再询问；只保存，不收邮件。",
)
@option("--forget-password", is_flag=True, help="从系统密码库删除保存的邮箱密码。")
@option("--json", "as_json", is_flag=True, help="只在标准输出打印 JSON 结果。")
@today_option()
def collect_command(
    master: Path,
    batch: str | None,
    since: date | None,
    dry_run: bool,
    imap_host: str | None,
    imap_port: int | None,
    imap_security: str | None,
    folder: str | None,
    save_password: bool,
    forget_password: bool,
    as_json: bool,
) -> int:
    """收取邮件：把各单位回复邮件的附件存进“回收”和“电子档案”文件夹，并在台账登记。

    读取“设置”表中 IMAP 邮箱的收件文件夹（只读，不改邮件的已读状态），按“单位”表的邮箱认单位，
    按附件模板、回复的下发邮件或邮件主题认批次：填报表存进 回收/批次/，其他附件（含压缩包里的文件）
    存进 电子档案/批次/单位/；同样的内容不存第二份，已有的文件不覆盖。每封邮件记在“收件记录”表，
    不会收取两次；不在“单位”表中的发件人只列出，不猜是哪个单位。

    \b
    密码依次取自环境变量 ZHENGGAI_IMAP_PASSWORD、系统密码库（--save-password 存入），都没有就询问。
    例：zhenggai collect 整改台账.xlsx
        zhenggai collect 整改台账.xlsx --dry-run
        zhenggai consolidate 整改台账.xlsx --collect     先收取邮件再汇总
    """
    overrides = (imap_host, imap_port, imap_security, folder)
    if save_password or forget_password:
        if dry_run or batch or since:
            raise UsageError(
                "--save-password、--forget-password 只保存或删除密码，不能与收取同用。"
            )
        config = _config(master, overrides, check=False)
        if not config.host:
            raise UsageError(
                "没有设置 IMAP 服务器：请在“设置”表填写“IMAP服务器”，或用 --imap-host 指定。"
            )
        return keep_password(master, imap_account(config), forget=forget_password, as_json=as_json)
    result, saved = run_collect(
        master, batch=batch, since=since, dry_run=dry_run, overrides=overrides
    )
    if as_json:
        data = result.to_json()
        data["saved"] = saved_json(saved)
        echo_json(data)
    else:
        render(result, saved)
    return EXIT_PROBLEMS if result.problems else EXIT_OK


Overrides = tuple[str | None, int | None, str | None, str | None]


def _config(master: Path, overrides: Overrides, *, check: bool = True) -> ImapConfig:
    host, port, security, folder = overrides
    settings = read_ledger(master).settings
    config = ImapConfig.from_settings(
        settings, host=host, port=port, security=security, folder=folder
    )
    if check:
        config.check()
    return config


def run_collect(
    master: Path,
    *,
    batch: str | None = None,
    since: date | None = None,
    dry_run: bool = False,
    overrides: Overrides = (None, None, None, None),
) -> tuple[CollectResult, SaveResult | None]:
    """Ask for the password once, read the mailbox, save the files, write 收件记录 under the lock."""
    config = _config(master, overrides)
    if not dry_run:
        check_not_open(master.resolve())  # before asking for a password: 收件记录 must be writable
    password = password_for(imap_account(config))
    with ImapInbox(config, password=password) as inbox, progress_bar("读取邮件", "连接邮箱") as bar:
        return update_master(
            master,
            op="收取邮件",
            plan=lambda ledger: collect_mail(
                ledger, inbox, batch=batch, since=since, dry_run=dry_run, progress=bar
            ),
            dry_run=dry_run,
        )


def _files(result: CollectResult) -> None:
    """Per message, one line per attachment: what became of it and where it is."""
    if result.dry_run and result.files:
        out.print("试运行：以下附件将会保存到（现在什么都没有保存）：", style="yellow")
    shown = ""
    for f in result.files:
        if f.message_id != shown:
            shown = f.message_id
            when = f"，{f.sent:%Y-%m-%d %H:%M}" if f.sent else ""
            out.print(f"{f.unit}（{f.sender}{when}）“{f.subject}”：")
        if f.kind is Kind.NONE:
            out.print(f"  没有附件。{f.note}")
            continue
        where = f" → {f.path}" if f.path and f.outcome in (Outcome.SAVED, Outcome.PLANNED) else ""
        note = f"：{f.note}" if f.note else ""
        colour = _COLOURS.get(f.outcome, "")
        out.print(styled("  ", (f.outcome.value, colour), f" {f.kind.value} {f.name}{where}{note}"))


def render(result: CollectResult, saved: SaveResult | None) -> None:
    """What was saved where, what was left in the mailbox and why, in Chinese."""
    since = f"{result.since:%Y-%m-%d} 以来" if result.since else "全部"
    out.print(f"批次：{result.batch}；邮箱：{result.mailbox}，{since}的邮件")
    _files(result)
    _listed("不在“单位”表中的发件人（未收取，不猜是哪个单位）", result.unknown)
    _listed("留在邮箱中、本次未收取的单位邮件", result.unfiled)
    saved_files = result.by_outcome(Outcome.SAVED) + result.by_outcome(Outcome.PLANNED)
    returns = sum(1 for f in saved_files if f.kind is Kind.RETURN)
    verb = "将保存" if result.dry_run else "保存了"
    out.print(
        f"收取 {result.messages} 封邮件，{verb}报送表 {returns} 个、佐证材料 {len(saved_files) - returns} 个；"
        f"重复未存 {len(result.by_outcome(Outcome.DUPLICATE))} 个，未能保存 {len(result.by_outcome(Outcome.REFUSED))} 个。"
        f"以前收取过的 {result.already} 封、与整改无关的 {result.unrelated} 封未处理。"
    )
    if result.dry_run:
        out.print("试运行（--dry-run）：没有保存任何文件，台账没有改动。", style="yellow")
    elif saved is not None and not saved.replaced:
        out.print(styled(("注意：", "yellow"), saved.reason))
    elif saved is not None:
        index = (
            f"，“{EVIDENCE.name}”表列出电子档案中的 {result.index_files} 个文件"
            if result.index_files
            else ""
        )
        out.print(f"已在台账“{MAIL_IN.name}”表登记{index}：{saved.path}")
    if returns and not result.dry_run:
        out.print(
            f"报送表已放进回收文件夹，运行 zhenggai consolidate {saved.path if saved else '台账.xlsx'} 汇总。"
        )


def _listed(title: str, items: list[Listed]) -> None:
    if not items:
        return
    table = Table(title=f"{title}（{len(items)} 封）")
    for col in ("发件人", "时间", "主题", "原因"):
        table.add_column(col, overflow="fold")
    for m in items:
        when = f"{m.sent:%Y-%m-%d %H:%M}" if m.sent else ""
        table.add_row(m.sender, when, m.subject, m.reason)
    out.print(table)
