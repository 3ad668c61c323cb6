"""Reading the office's mailbox over IMAP, read-only, with errors in Chinese.

Server, port, encryption (SSL or STARTTLS: a password never crosses the
network in clear), user and folder come from 设置; the password is passed in
by the caller, who takes it from ``ZHENGGAI_IMAP_PASSWORD``, the system
keyring or a prompt (:mod:`zhenggai.mail.secrets`).

The folder is opened with EXAMINE and every body is fetched with
``BODY.PEEK[]``: collecting changes nothing in the mailbox, not even the
"read" flag, so the office still sees its new mail as new. Headers come
first (:meth:`ImapInbox.envelopes`), so a message that is not wanted or too
large is never downloaded.

Folder names with Chinese characters travel in IMAP's modified UTF-7
(RFC 3501 5.1.3). After login the client introduces itself with the ID
command (RFC 2971) when the server offers it: NetEase mail (163, 126)
refuses to open a folder for a client that has not.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import re
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType

from .._version import __version__
from ..core.errors import MailError, UsageError
from ..core.settings import Settings

__all__ = [
    "MAX_MESSAGE",
    "PASSWORD_ENV",
    "SECURITIES",
    "Envelope",
    "ImapConfig",
    "ImapInbox",
    "utf7_decode",
    "utf7_encode",
]

PASSWORD_ENV = "ZHENGGAI_IMAP_PASSWORD"
SECURITIES = ("SSL", "STARTTLS")
TIMEOUT = 30  # seconds per network operation
GREETING = 10  # a server greets at once; silence means it waits for TLS (SSL port, STARTTLS set)
MAX_MESSAGE = 80 * 1024 * 1024  # a 50 MB attachment (the usual limit) grows by a third in base64
_CHUNK = 200  # messages per header FETCH
_FIELDS = "MESSAGE-ID FROM DATE SUBJECT TO IN-REPLY-TO REFERENCES"
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_INTERNAL = re.compile(rb'\bINTERNALDATE "([^"]+)"')
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_AUTH_HINT = (
    f"请核对“设置”表的 IMAP用户 和密码（很多邮箱要用“授权码”而不是登录密码，并要在网页邮箱的设置中开启 IMAP）。"
    f"密码依次取自环境变量 {PASSWORD_ENV}、系统密码库（zhenggai collect 台账.xlsx --save-password），"
    "或运行时输入。"
)


def utf7_encode(name: str) -> str:
    """A folder name in IMAP's modified UTF-7.

    >>> utf7_encode("整改回收")
    '&ZXRlOVbeZTY-'
    >>> utf7_encode("INBOX")
    'INBOX'
    """
    out: list[str] = []
    pending = ""

    def flush() -> None:
        nonlocal pending
        if pending:
            data = base64.b64encode(pending.encode("utf-16-be")).decode("ascii")
            out.append("&" + data.rstrip("=").replace("/", ",") + "-")
            pending = ""

    for ch in name:
        if " " <= ch <= "~":
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending += ch
    flush()
    return "".join(out)


def utf7_decode(name: str) -> str:
    """A folder name from IMAP's modified UTF-7 (what LIST answers).

    >>> utf7_decode("&ZXRlOVbeZTY-")
    '整改回收'
    """

    def word(m: re.Match[str]) -> str:
        body = m.group(1)
        if not body:
            return "&"
        data = body.replace(",", "/")
        data += "=" * (-len(data) % 4)
        try:
            return base64.b64decode(data).decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            return m.group(0)

    return re.sub(r"&([A-Za-z0-9+,]*)-", word, name)


@dataclass(frozen=True)
class ImapConfig:
    """Where to read mail from (never the password).

    Attributes:
        host / port: the IMAP server.
        security: SSL (implicit TLS) or STARTTLS.
        user: login name.
        folder: the folder to read, as the mail program shows it (INBOX is 收件箱).
    """

    host: str
    port: int
    security: str = "SSL"
    user: str = ""
    folder: str = "INBOX"

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        host: str | None = None,
        port: int | None = None,
        security: str | None = None,
        folder: str | None = None,
    ) -> ImapConfig:
        """The 设置 values (IMAP用户 falls back to SMTP用户), with any of them overridden."""
        return cls(
            host=(host or settings.imap_host).strip(),
            port=port or settings.imap_port,
            security=security or settings.imap_security,
            user=(settings.imap_user or settings.smtp_user).strip(),
            folder=(folder or settings.imap_folder).strip() or "INBOX",
        )

    def check(self) -> None:
        """Raise :class:`UsageError` when the settings cannot work at all."""
        if not self.host:
            raise UsageError(
                "没有设置 IMAP 服务器：请在“设置”表填写“IMAP服务器”（如 imap.example.org），"
                "或用 --imap-host 指定。"
            )
        if self.security not in SECURITIES:
            raise UsageError(
                f"IMAP加密只能是：{'、'.join(SECURITIES)}（现为“{self.security}”）："
                "收取邮件要登录，密码不能不加密地在网上传送。"
            )
        if not 0 < self.port < 65536:
            raise UsageError(f"IMAP端口应在 1 到 65535 之间（现为 {self.port}）。")
        if not self.user:
            raise UsageError("没有 IMAP 用户：请在“设置”表填写“IMAP用户”（一般是邮箱地址）。")

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}（{self.security}）"


@dataclass(frozen=True)
class Envelope:
    """A message as its headers describe it, before its body is fetched.

    Attributes:
        uid: the message's UID in the folder.
        size: RFC822.SIZE in bytes.
        headers: the raw header fields asked for (Message-ID, From, Date, Subject, To, replies).
        received: when the server received it (INTERNALDATE), local time.
    """

    uid: str
    size: int
    headers: bytes
    received: datetime | None


def _since(day: date) -> str:
    return f"{day.day}-{_MONTHS[day.month - 1]}-{day.year}"


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data: object) -> str:
    if isinstance(data, list | tuple):
        return " ".join(_text(d) for d in data if d is not None)
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


class ImapInbox:
    """One read-only session on the office's mailbox; use as a context manager.

    Example:
        >>> with ImapInbox(config, password=pw) as inbox:       # doctest: +SKIP
        ...     for env in inbox.envelopes(since=date(2026, 11, 20)):
        ...         raw = inbox.fetch(env.uid)
    """

    def __init__(
        self,
        config: ImapConfig,
        *,
        password: str | None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        config.check()
        if not password:
            raise MailError(f"IMAP用户“{config.user}”需要密码：{_AUTH_HINT}")
        self.config = config
        self._password = password
        self._context = ssl_context or ssl.create_default_context()
        self._imap: imaplib.IMAP4 | None = None
        self.count = 0  # messages in the folder

    @property
    def where(self) -> str:
        """Server and folder, as the summary names them."""
        return f"{self.config.where} {self.config.folder}"

    def __enter__(self) -> ImapInbox:
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
        """Connect, secure, log in and open the folder read-only.

        Raises:
            MailError: in Chinese, saying which setting to check.
        """
        try:
            imap = self._open()
            self._imap = imap
            self._login(imap)
            self._introduce(imap)
            self._select(imap)
        except BaseException:
            self.close()
            raise

    def _open(self) -> imaplib.IMAP4:
        c = self.config
        try:
            if c.security == "SSL":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    c.host, c.port, ssl_context=self._context, timeout=GREETING
                )
            else:
                imap = imaplib.IMAP4(c.host, c.port, timeout=GREETING)
            imap.sock.settimeout(TIMEOUT)
            if c.security == "STARTTLS":
                if "STARTTLS" not in imap.capabilities:
                    imap.shutdown()
                    raise MailError(
                        f"邮件服务器 {c.where} 不支持 STARTTLS：请把“IMAP加密”改为 SSL，并核对端口"
                        "（SSL 一般用 993）。"
                    )
                imap.starttls(ssl_context=self._context)
            return imap
        except ssl.SSLCertVerificationError as exc:
            raise MailError(
                f"邮件服务器 {c.where} 的证书校验失败（{exc.verify_message}）：如单位服务器使用自签证书，"
                "请把其 CA 证书文件路径设到环境变量 SSL_CERT_FILE。"
            ) from exc
        except (ssl.SSLError, imaplib.IMAP4.abort, TimeoutError, EOFError) as exc:
            raise MailError(
                f"与邮件服务器 {c.where} 建立连接失败（{exc}）：请核对“IMAP加密”和“IMAP端口”"
                "（SSL 一般用 993，STARTTLS 一般用 143）。"
            ) from exc
        except (OSError, imaplib.IMAP4.error) as exc:
            reason: object = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            if isinstance(exc, socket.gaierror):
                reason = "找不到这个服务器名"
            raise MailError(
                f"连不上邮件服务器 {c.where}（{reason}）：请检查“设置”表中的 IMAP服务器、IMAP端口和 "
                "IMAP加密，以及网络是否通。"
            ) from exc

    def _login(self, imap: imaplib.IMAP4) -> None:
        c, password = self.config, self._password
        try:
            try:
                imap.login(c.user, password)
            except UnicodeEncodeError:
                # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8
                if "AUTH=PLAIN" not in imap.capabilities:
                    raise MailError(
                        "IMAP用户或密码含有中文或全角字符，而服务器只接受英文字母和数字的登录："
                        "请核对（授权码一般只有英文字母和数字）。"
                    ) from None
                token = f"\0{c.user}\0{password}".encode()
                imap.authenticate("PLAIN", lambda _: token)
        except imaplib.IMAP4.abort as exc:
            raise MailError(f"登录邮件服务器 {c.where} 时连接中断（{exc}）：请稍后重试。") from exc
        except imaplib.IMAP4.error as exc:
            raise MailError(
                f"邮件服务器 {c.where} 拒绝了用户“{c.user}”的登录（{_text(exc.args)}）：{_AUTH_HINT}"
            ) from exc

    def _introduce(self, imap: imaplib.IMAP4) -> None:
        if "ID" in imap.capabilities:
            with contextlib.suppress(imaplib.IMAP4.error):  # a server that refuses it still works
                imap.xatom("ID", f'("name" "zhenggai" "version" "{__version__}")')

    def _select(self, imap: imaplib.IMAP4) -> None:
        folder = self.config.folder
        typ, data = imap.select(_quoted(utf7_encode(folder)), readonly=True)
        if typ != "OK":
            names = self.folders()
            shown = "、".join(names[:30]) if names else "（读不到文件夹列表）"
            raise MailError(
                f"邮箱里没有文件夹“{folder}”（{_text(data)}）：请在“设置”表的“收件文件夹”填写下列之一："
                f"{shown}。收件箱写 INBOX。"
            )
        self.count = int(data[0] or 0) if data and str(data[0] or "0").isdigit() else 0

    def folders(self) -> list[str]:
        """The mailbox's folder names, decoded (what the mail program shows, roughly)."""
        assert self._imap is not None
        typ, data = self._imap.list()
        if typ != "OK":
            return []
        names: list[str] = []
        for line in data:
            if not isinstance(line, bytes):
                continue
            m = re.match(rb'\([^)]*\) (?:"[^"]*"|NIL) (.*)$', line)
            if m:
                raw = m.group(1).decode("utf-8", "replace").strip()
                names.append(utf7_decode(raw.strip('"').replace('\\"', '"')))
        return names

    def _command(self, what: str, *args: str) -> list[object]:
        assert self._imap is not None
        try:
            typ, data = self._imap.uid(what, *args)
        except (imaplib.IMAP4.abort, OSError) as exc:
            raise MailError(
                f"读取邮箱时与服务器 {self.config.where} 的连接中断（{exc}）：请稍后重新运行，"
                "已收取的邮件不会重复收取。"
            ) from exc
        except imaplib.IMAP4.error as exc:
            raise MailError(f"邮件服务器不接受命令 {what}（{exc}）。") from exc
        if typ != "OK":
            raise MailError(f"邮件服务器拒绝了命令 {what}（{_text(data)}）。")
        return list(data)

    def uids(self, *, since: date | None = None) -> list[str]:
        """UIDs of the folder's messages (received on or after *since*), oldest first."""
        criteria = ("SINCE", _since(since)) if since is not None else ("ALL",)
        data = self._command("SEARCH", *criteria)
        words = b" ".join(d for d in data if isinstance(d, bytes)).split()
        return sorted((w.decode() for w in words), key=int)

    def envelopes(self, uids: Sequence[str]) -> list[Envelope]:
        """Size, arrival time and the header fields of the messages *uids*, in that order."""
        found: dict[str, Envelope] = {}
        for start in range(0, len(uids), _CHUNK):
            chunk = ",".join(uids[start : start + _CHUNK])
            query = f"(UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS ({_FIELDS})])"
            for item in self._command("FETCH", chunk, query):
                if not isinstance(item, tuple) or len(item) < 2:
                    continue
                meta, headers = item[0], item[1]
                uid = _UID.search(meta)
                if uid is None:
                    continue
                size = _SIZE.search(meta)
                internal = _INTERNAL.search(meta)
                received = None
                if internal is not None:
                    stamp = imaplib.Internaldate2tuple(b'INTERNALDATE "' + internal.group(1) + b'"')
                    received = datetime(*stamp[:6]) if stamp else None
                key = uid.group(1).decode()
                found[key] = Envelope(key, int(size.group(1)) if size else 0, headers, received)
        return [found[u] for u in uids if u in found]

    def fetch(self, uid: str) -> bytes:
        """The whole message *uid*, leaving its flags as they are (BODY.PEEK[]).

        Raises:
            MailError: the message is gone or the connection dropped.
        """
        for item in self._command("FETCH", uid, "(BODY.PEEK[])"):
            if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
                return item[1]
        raise MailError(f"邮件（UID {uid}）已不在邮箱中（可能刚被移走或删除），请重新运行。")

    def close(self) -> None:
        if self._imap is not None:
            imap, self._imap = self._imap, None
            try:
                if imap.state == "SELECTED":
                    imap.close()
                imap.logout()
            except (imaplib.IMAP4.error, OSError):
                with contextlib.suppress(OSError):
                    imap.shutdown()
