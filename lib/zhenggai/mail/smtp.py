"""Sending through the office's SMTP server, with errors in Chinese.

Host, port, user and encryption come from 设置 (the CLI's flags override
them); the password never does: it is passed in by the caller, who takes it
from ``ZHENGGAI_SMTP_PASSWORD``, the system keyring or a prompt (see
:mod:`zhenggai.mail.secrets`), and it is never written to a file or logged here.

What cannot go on (no connection, TLS refused, login refused, the server
wants a login we do not have, the sender refused) raises :class:`MailError`;
what concerns one message (a refused recipient, a rejected message, a
dropped connection) comes back as :class:`Outcome` values so the other units
still get their mail.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

from ..core.errors import MailError, UsageError
from ..core.settings import Settings

__all__ = ["PASSWORD_ENV", "SECURITIES", "Outcome", "SmtpConfig", "SmtpSender"]

PASSWORD_ENV = "ZHENGGAI_SMTP_PASSWORD"
SECURITIES = ("无", "STARTTLS", "SSL")
TIMEOUT = 30  # seconds per network operation: a slow office server, not a hung run
_AUTH_REQUIRED = 530
_AUTH_HINT = (
    "请在“设置”表填写 SMTP用户，并设置环境变量 "
    f"{PASSWORD_ENV}、用 zhenggai mail 台账.xlsx --save-password 存进系统密码库，"
    "或在运行时输入密码（很多邮箱要用“授权码”而不是登录密码）。"
)


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send (never the password).

    Attributes:
        host / port: the SMTP server.
        security: 无 (plain), STARTTLS or SSL (implicit TLS).
        user: login name; empty means no login.
        sender / sender_name: the From address and the name shown.
    """

    host: str
    port: int
    security: str = "SSL"
    user: str = ""
    sender: str = ""
    sender_name: str = ""

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        host: str | None = None,
        port: int | None = None,
        security: str | None = None,
    ) -> SmtpConfig:
        """The 设置 values, with any of host, port and security overridden."""
        return cls(
            host=(host or settings.smtp_host).strip(),
            port=port or settings.smtp_port,
            security=security or settings.smtp_security,
            user=settings.smtp_user.strip(),
            sender=(settings.sender or settings.smtp_user).strip(),
            sender_name=settings.sender_name,
        )

    def check(self) -> None:
        """Raise :class:`UsageError` when the settings cannot work at all."""
        if not self.host:
            raise UsageError(
                "没有设置 SMTP 服务器：请在“设置”表填写“SMTP服务器”，或用 --smtp-host 指定。"
            )
        if self.security not in SECURITIES:
            raise UsageError(f"SMTP加密只能是：{'、'.join(SECURITIES)}（现为“{self.security}”）。")
        if not 0 < self.port < 65536:
            raise UsageError(f"SMTP端口应在 1 到 65535 之间（现为 {self.port}）。")
        if "@" not in self.sender:
            raise UsageError(
                "没有发件人地址：请在“设置”表填写“发件人地址”或“SMTP用户”（邮箱地址）。"
            )

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}（{self.security}）"


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient address of one message."""

    address: str
    ok: bool
    error: str = ""


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}"


class SmtpSender:
    """A connection to the server for one run; use as a context manager.

    Example:
        >>> with SmtpSender(config, password=pw) as smtp:      # doctest: +SKIP
        ...     outcomes = smtp.send(["a@example.org"], data)
    """

    def __init__(
        self,
        config: SmtpConfig,
        *,
        password: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        config.check()
        if config.user and not password:
            raise MailError(f"SMTP用户“{config.user}”需要密码：{_AUTH_HINT}")
        self.config = config
        self._password = password
        self._context = ssl_context or ssl.create_default_context()
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def connect(self) -> None:
        """Connect, secure and log in.

        Raises:
            MailError: in Chinese, saying which setting to check.
        """
        try:
            smtp = self._open()
            self._smtp = smtp
            if self.config.user:
                self._login(smtp)
        except BaseException:
            self.close()
            raise

    def _open(self) -> smtplib.SMTP:
        c = self.config
        try:
            if c.security == "SSL":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    c.host, c.port, timeout=TIMEOUT, context=self._context
                )
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=TIMEOUT)
            smtp.ehlo()
            if c.security == "STARTTLS":
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise MailError(
                        f"邮件服务器 {c.where} 不支持 STARTTLS：请把“SMTP加密”改为 SSL 或 无，并核对端口。"
                    )
                smtp.starttls(context=self._context)
                smtp.ehlo()
            return smtp
        except ssl.SSLCertVerificationError as exc:
            raise MailError(
                f"邮件服务器 {c.where} 的证书校验失败（{exc.verify_message}）：如单位服务器使用自签证书，"
                "请把其 CA 证书文件路径设到环境变量 SSL_CERT_FILE。"
            ) from exc
        except (ssl.SSLError, smtplib.SMTPServerDisconnected, TimeoutError) as exc:
            raise MailError(
                f"与邮件服务器 {c.where} 建立连接失败（{exc}）：请核对“SMTP加密”和“SMTP端口”"
                "（SSL 一般用 465，STARTTLS 一般用 587，无加密一般用 25）。"
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            if isinstance(exc, socket.gaierror):
                reason = "找不到这个服务器名"
            raise MailError(
                f"连不上邮件服务器 {c.where}（{reason}）：请检查“设置”表中的 SMTP服务器、SMTP端口和 SMTP加密，"
                "以及网络是否通。"
            ) from exc

    def _login(self, smtp: smtplib.SMTP) -> None:
        c = self.config
        try:
            smtp.login(c.user, self._password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                f"邮件服务器 {c.where} 拒绝了用户“{c.user}”的登录（{_reply(exc.smtp_code, exc.smtp_error)}）："
                "请检查 SMTP用户 和密码（很多邮箱要用“授权码”而不是登录密码）。"
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise MailError(
                f"邮件服务器 {c.where} 在当前加密方式下不接受登录：如服务器只在加密后允许登录，"
                "请把“SMTP加密”改为 STARTTLS 或 SSL；如服务器不需要登录，请清空“SMTP用户”。"
            ) from exc
        except UnicodeEncodeError as exc:
            # smtplib sends user and password as ASCII only
            raise MailError(
                "SMTP用户或密码含有中文或全角字符，无法登录：请核对（授权码一般只有英文字母和数字）。"
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"登录邮件服务器 {c.where} 时连接中断（{exc}）：请稍后重试。") from exc

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def send(self, addresses: Sequence[str], data: bytes) -> list[Outcome]:
        """Send one message (already-encoded bytes) to *addresses*.

        Returns one :class:`Outcome` per address. A dropped connection fails
        this message only: the next call reconnects. The message is never
        retried here, so a message the server took just before dropping the
        connection is not sent twice.

        Raises:
            MailError: the server wants a login, refuses the sender, or cannot be reached again.
        """
        if self._smtp is None:
            self.connect()
        assert self._smtp is not None
        try:
            refused = self._smtp.sendmail(self.config.sender, list(addresses), data)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = {code for code, _ in exc.recipients.values()}
            if codes == {_AUTH_REQUIRED}:
                raise MailError(
                    f"邮件服务器 {self.config.where} 要求先登录才能发信：{_AUTH_HINT}"
                ) from exc
            refused = exc.recipients
        except smtplib.SMTPSenderRefused as exc:
            if exc.smtp_code == _AUTH_REQUIRED:
                raise MailError(
                    f"邮件服务器 {self.config.where} 要求先登录才能发信：{_AUTH_HINT}"
                ) from exc
            raise MailError(
                f"邮件服务器拒绝了发件人“{self.config.sender}”（{_reply(exc.smtp_code, exc.smtp_error)}）："
                "请核对“设置”表中的发件人地址（多数服务器要求与 SMTP用户 一致）。"
            ) from exc
        except smtplib.SMTPDataError as exc:
            error = f"邮件被服务器拒收（{_reply(exc.smtp_code, exc.smtp_error)}）"
            return [Outcome(a, False, error) for a in addresses]
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._smtp = None
            error = f"发送中连接中断（{exc}），未确认送达"
            return [Outcome(a, False, error) for a in addresses]
        except smtplib.SMTPResponseException as exc:
            error = f"服务器报错（{_reply(exc.smtp_code, exc.smtp_error)}）"
            return [Outcome(a, False, error) for a in addresses]
        failed = {a.lower(): _reply(code, msg) for a, (code, msg) in refused.items()}
        return [
            Outcome(a, False, f"收件人被拒收（{failed[a.lower()]}）")
            if a.lower() in failed
            else Outcome(a, True)
            for a in addresses
        ]
