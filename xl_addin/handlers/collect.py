"""汇总: 收取邮件."""

from __future__ import annotations

from typing import TYPE_CHECKING

import xlwings

from xl_addin.feedback import alert
from xl_addin.handlers.base import NOT_SAVED, run_plan, working

if TYPE_CHECKING:
    from zhenggai.collect.result import CollectResult
    from zhenggai.core.ledger import Ledger

__all__ = ["collect_mail"]


def collect_mail(book: xlwings.Book) -> None:
    """收取邮件: the batch's replies from the mailbox into 回收/ and 电子档案/ (``zhenggai collect``).

    The add-in never asks for a password nor keeps one: it takes the mailbox's
    from ``ZHENGGAI_IMAP_PASSWORD`` or the system keyring, where
    ``zhenggai collect 台账.xlsx --save-password`` puts it.
    """

    def plan(ledger: Ledger) -> CollectResult:
        from zhenggai.collect.run import collect_mail as collect
        from zhenggai.core.errors import MailError
        from zhenggai.mail.imap import ImapConfig, ImapInbox
        from zhenggai.mail.secrets import Account, find_password

        config = ImapConfig.from_settings(ledger.settings)
        config.check()
        who = Account("IMAP", config.host, config.user)
        password = find_password(who).password
        if not password:
            raise MailError(
                f"没有收件邮箱 {config.user} 的密码：请先在命令行运行 zhenggai collect 台账.xlsx "
                f"--save-password 存进系统密码库（加载项不询问也不保存密码），或设置环境变量 {who.env}。"
            )
        status("连接邮箱…")
        with ImapInbox(config, password=password) as inbox:
            return collect(ledger, inbox, progress=status.progress)

    with working(book, "收取邮件") as status:
        run = run_plan(book, status, plan)
    result = run.result
    from zhenggai.collect.result import Kind, Outcome

    saved = result.by_outcome(Outcome.SAVED)
    returns = sum(1 for f in saved if f.kind is Kind.RETURN)
    message = (
        f"收取{result.batch}的回复 {result.messages} 封：报送表 {returns} 个存进回收文件夹，"
        f"佐证材料 {len(saved) - returns} 个存进电子档案文件夹"
    )
    repeated, refused = result.by_outcome(Outcome.DUPLICATE), result.by_outcome(Outcome.REFUSED)
    if repeated or refused:
        message += f"（重复未存 {len(repeated)} 个，未能保存 {len(refused)} 个）"
    message += "。" if result.messages else ""
    if not result.messages:
        message = f"没有{result.batch}的新回复（以前收取过的 {result.already} 封不再收取）。"
    if result.unknown:
        message += f"不在“单位”表中的发件人 {len(result.unknown)} 封，没有收取：{result.unknown[0].sender} 等。"
    if result.unfiled:
        message += (
            f"留在邮箱中未收取的单位邮件 {len(result.unfiled)} 封：{result.unfiled[0].reason}"
        )
    if run.applied.any:
        message += f"已在“收件记录”表登记{NOT_SAVED}。"
    if returns:
        message += "点“一键汇总”汇总报送表。"
    alert(book, message)
