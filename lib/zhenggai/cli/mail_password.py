"""Mail passwords for ``mail --send`` (SMTP) and ``collect`` (IMAP): environment, keyring, prompt.

One lookup for both protocols (:mod:`zhenggai.mail.secrets`): each has its
environment variable (``ZHENGGAI_SMTP_PASSWORD``, ``ZHENGGAI_IMAP_PASSWORD``)
and its keyring entry (``zhenggai-smtp/<server>``, ``zhenggai-imap/<server>``).
"""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import MailError, UsageError
from ..io.master import read_ledger
from ..mail.imap import ImapConfig
from ..mail.secrets import Account, find_password, forget_password, save_password
from ..mail.smtp import SmtpConfig
from ._base import EXIT_OK, echo_json, err, out
from .console import show

__all__ = [
    "account",
    "ask_password",
    "imap_account",
    "keep_password",
    "ledger_config",
    "password_for",
]

_SAVE = {
    "SMTP": "zhenggai mail 台账.xlsx --save-password",
    "IMAP": "zhenggai collect 台账.xlsx --save-password",
}
_USE = {"SMTP": "--send", "IMAP": "zhenggai collect"}


def account(config: SmtpConfig) -> Account:
    """The keyring entry of *config*'s login."""
    return Account("SMTP", config.host, config.user)


def imap_account(config: ImapConfig) -> Account:
    """The keyring entry of the mailbox login *config*."""
    return Account("IMAP", config.host, config.user)


def password_for(who: Account) -> str:
    """The password of *who*: environment, else keyring, else asked without echo. Never stored here."""
    found = find_password(who)
    if found.password:
        err.print(f"{who.protocol} 密码取自{found.source}。")
        return found.password
    if found.keyring_problem:
        err.print(f"（没有读取系统密码库：{found.keyring_problem}）")
    try:
        entered: str = click.prompt(  # click writes the prompt itself: show() the user name
            show(f"{who.protocol} 用户 {who.user} 的密码（输入时不显示）"),
            hide_input=True,
            err=True,
        )
    except click.Abort as exc:
        raise MailError(
            f"没有 {who.protocol} 密码：请设置环境变量 {who.env}，或用 {_SAVE[who.protocol]} "
            "保存到系统密码库，或在终端中运行本命令并按提示输入密码。"
        ) from exc
    return entered


def ask_password(config: SmtpConfig) -> str | None:
    """The SMTP password for *config*; None when the server needs no login (设置 SMTP用户 empty)."""
    if not config.user:
        return None
    return password_for(account(config))


def keep_password(master: Path, who: Account, *, forget: bool, as_json: bool) -> int:
    """``--save-password`` / ``--forget-password``: store or remove *who*'s password in the keyring."""
    if not who.user:
        setting = f"{who.protocol}用户"
        raise UsageError(
            f"“设置”表的 {setting} 为空：服务器 {who.host} 不登录，不需要密码。请先填写 {setting}。"
        )
    if forget:
        removed = forget_password(who)
        if as_json:
            echo_json({"service": who.service, "user": who.user, "removed": removed})
        elif removed:
            out.print(f"已从系统密码库删除 {who.service} 用户 {who.user} 的密码。")
        else:
            out.print(f"系统密码库中没有 {who.service} 用户 {who.user} 的密码。")
        return EXIT_OK
    try:
        password: str = click.prompt(
            show(f"{who.protocol} 用户 {who.user}（{who.host}）的密码或授权码（输入时不显示）"),
            hide_input=True,
            confirmation_prompt="再输入一次以确认",
            err=True,
        )
    except click.Abort as exc:
        raise MailError("没有输入密码，什么都没有保存。") from exc
    where = save_password(who, password)
    if as_json:
        echo_json({"service": who.service, "user": who.user, "keyring": where})
    else:
        out.print(f"已保存到系统密码库（{where}）：{who.service} 用户 {who.user}。")
        command = _USE[who.protocol]
        use = f"zhenggai mail {master} --send" if command == "--send" else f"{command} {master}"
        out.print(f"以后 {use} 不再询问密码；要删除：--forget-password。")
    return EXIT_OK


def ledger_config(master: Path, host: str | None) -> SmtpConfig:
    """The SMTP settings of *master*, with the host overridden (only the host is needed)."""
    config = SmtpConfig.from_settings(read_ledger(master).settings, host=host)
    if not config.host:
        raise UsageError(
            "没有设置 SMTP 服务器：请在“设置”表填写“SMTP服务器”，或用 --smtp-host 指定。"
        )
    return config
