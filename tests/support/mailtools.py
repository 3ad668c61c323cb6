"""A real SMTP server on 127.0.0.1 (aiosmtpd) and helpers that issue a batch.

The server runs plain, with STARTTLS or with implicit TLS (a self-signed
certificate made here with ``cryptography``), optionally requiring AUTH, and
refuses chosen recipients with 550, so the mail tests see what a real office
server does.
"""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import socket
import ssl
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import write_book
from zhenggai.core.changes import ChangeSet
from zhenggai.io.master import update_master


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "zhenggai test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        msg = email.message_from_bytes(self.data, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class Handler:
    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    password: str = ""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), data))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth: Any
    ) -> AuthResult:
        assert isinstance(auth, LoginPassword)
        login, password = auth.login.decode(), auth.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=password == self.password, handled=False)


@dataclass
class MailServer:
    port: int
    handler: Handler
    security: str
    cert: Path | None
    controller: Controller
    running: bool = True

    def stop(self) -> None:
        """Stop listening (a server that goes away in the middle of a run)."""
        if self.running:
            self.controller.stop()
            self.running = False

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def client_context(self) -> ssl.SSLContext:
        assert self.cert is not None
        return ssl.create_default_context(cafile=str(self.cert))


@contextmanager
def mail_server(
    folder: Path,
    *,
    security: str = "无",
    password: str = "",
    refuse: Iterable[str] = (),
    starttls_offered: bool = True,
) -> Iterator[MailServer]:
    """Run an SMTP server on 127.0.0.1 and a free port for the ``with`` block.

    Args:
        security: 无, STARTTLS (offered, and required when *password* is set) or SSL.
        password: when set, AUTH is required (over TLS) with this password.
        refuse: recipients answered with 550.
        starttls_offered: False makes a server that has no STARTTLS (with security 无).
    """
    handler = Handler(refuse={a.lower() for a in refuse}, password=password)
    cert: Path | None = None
    kwargs: dict[str, Any] = {}
    if security in ("STARTTLS", "SSL") or (starttls_offered and password):
        cert, key = self_signed(folder)
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_ctx.load_cert_chain(cert, key)
        if security == "SSL":
            kwargs["ssl_context"] = server_ctx
        else:
            kwargs["tls_context"] = server_ctx
            kwargs["require_starttls"] = security == "STARTTLS"
    if password:
        # aiosmtpd does not count implicit TLS as TLS for AUTH; smtplib's AUTH LOGIN
        # fallback after a failed PLAIN stalls against aiosmtpd, so PLAIN only
        kwargs.update(
            authenticator=handler.authenticate,
            auth_required=True,
            auth_require_tls=security != "SSL",
            auth_exclude_mechanism=["LOGIN"],
        )
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    server = MailServer(port, handler, security, cert, controller)
    try:
        yield server
    finally:
        server.stop()


# --- the master side: settings, a batch issued, overdue flags --------------------


def smtp_settings(server: MailServer, *, user: str = "") -> dict[str, Any]:
    return {
        "SMTP服务器": "127.0.0.1",
        "SMTP端口": server.port,
        "SMTP加密": server.security,
        "SMTP用户": user,
        "发件人地址": "office@example.org",
        "发件人名称": "××局办公室",
    }


@dataclass
class _Plan:
    changes: ChangeSet


def issue_batch(
    master: Path,
    batch: str,
    units: Sequence[str],
    *,
    when: dt.datetime = dt.datetime(2026, 11, 28, 9, 0),
    returned: Sequence[str] = (),
    record: bool = True,
) -> dict[str, Path]:
    """Make a real .xlsx "template" per unit where ``zhenggai templates`` puts it.

    With *record*, add the 回收情况 rows (批次, 单位名称, 下发时间, 下发文件, and
    回收时间 for the units in *returned*) through ``update_master``.
    """
    folder = master.parent / "下发" / batch
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    rows: list[list[Any]] = []
    for unit in units:
        name = f"{unit}-整改进展填报-{batch}.xlsx"
        files[unit] = write_book(folder / name, {"填报": [["编号", "单位"], ["1", unit]]})
        back = when + dt.timedelta(days=3) if unit in returned else None
        rows.append([batch, unit, when, name, back, None, None, None, None])
    if record:
        changes = ChangeSet()
        changes.append("回收情况", rows)
        update_master(master, op="测试", plan=lambda ledger: _Plan(changes))
    return files


def set_warnings(master: Path, warnings: Mapping[str, str]) -> None:
    """Write 台账 预警 texts by 编号, as ``zhenggai overdue`` would."""
    wb = openpyxl.load_workbook(master)
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    id_col, warn_col = header.index("编号") + 1, header.index("预警") + 1
    for r in range(2, ws.max_row + 1):
        rid = str(ws.cell(r, id_col).value)
        if rid in warnings:
            ws.cell(r, warn_col, warnings[rid])
    wb.save(master)
