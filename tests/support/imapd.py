"""A real IMAP server on 127.0.0.1: Dovecot from the Debian packages, configured for one test.

Each server gets a throwaway configuration, one user (``office``, password
:data:`PASSWORD`) and a maildir under a fresh folder, listening on two free
ports: plain IMAP with STARTTLS, and IMAPS. The certificate is self-signed
(``cryptography``, as for the SMTP test server). Mail arrives the way a real
MTA delivers it: each message written to ``Maildir/tmp`` and renamed into
``Maildir/new``.

Dovecot refuses to run its login processes as root and to give mail to uid
0: run as root (CI containers), it uses the Debian package's ``dovenull`` and
``dovecot`` users for its own processes and ``nobody`` for the mailbox; run
as anyone else, everything runs as that user. Without the binary the tests
skip, saying how to install it (``.ci/run`` does).
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.mailtools import free_port, self_signed

PASSWORD = "1mAp-Pa55-0917"
USER = "office"
USERS = 500  # made at start: Dovecot notices a changed passwd-file only to the second


def _user(n: int) -> str:
    return USER if n == 1 else f"{USER}{n}"


ADDRESS = "office@example.org"


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.access(p, os.X_OK)), None
    )


def require_dovecot() -> str:
    binary = dovecot_binary()
    if binary is None:
        pytest.skip("Dovecot is not installed: apt-get install dovecot-imapd (.ci/run installs it)")
    return binary


@dataclass
class Server:
    """A running Dovecot: its folder, ports, certificate, and the owner of its mailboxes."""

    folder: Path
    starttls_port: int
    ssl_port: int
    cert: Path
    owner: tuple[int, int]
    process: subprocess.Popen[bytes]
    users: int = 0

    def mailbox(self) -> Mailbox:
        """A new, empty mailbox: the next of the users made when the server started."""
        self.users += 1
        if self.users > USERS:
            raise RuntimeError(f"more than {USERS} mailboxes asked of one test server")
        user = _user(self.users)
        home = self.folder / "home" / user
        for sub in ("new", "cur", "tmp"):
            (home / "Maildir" / sub).mkdir(parents=True)
        box = Mailbox(self, user)
        box._own(home)
        return box


@dataclass
class Mailbox:
    """One user's mailbox on a running :class:`Server`."""

    server: Server
    user: str
    delivered: int = 0

    @property
    def cert(self) -> Path:
        return self.server.cert

    @property
    def starttls_port(self) -> int:
        return self.server.starttls_port

    @property
    def ssl_port(self) -> int:
        return self.server.ssl_port

    @property
    def maildir(self) -> Path:
        return self.server.folder / "home" / self.user / "Maildir"

    def deliver(
        self, raw: bytes, *, folder: str = "", received: datetime = datetime(2026, 11, 30, 10, 0)
    ) -> Path:
        """Put one message into the mailbox (INBOX, or a subfolder such as ".整改回收").

        The file's time is when the server received it (Dovecot's INTERNALDATE, which
        IMAP's SEARCH SINCE compares), whatever the test machine's clock says.
        """
        box = self.maildir / folder if folder else self.maildir
        for sub in ("tmp", "new", "cur"):
            (box / sub).mkdir(parents=True, exist_ok=True)
        self.delivered += 1
        name = f"{int(time.time())}.M{self.delivered}P{os.getpid()}.zhenggai-test"
        tmp = box / "tmp" / name
        tmp.write_bytes(raw)
        stamp = received.timestamp()
        os.utime(tmp, (stamp, stamp))
        new = box / "new" / name
        os.rename(tmp, new)
        self._own(self.maildir.parent)
        return new

    def _own(self, top: Path) -> None:
        if os.getuid() != 0:
            return
        uid, gid = self.server.owner
        for root, _dirs, files in os.walk(top):
            os.chown(root, uid, gid)
            for f in files:
                os.chown(os.path.join(root, f), uid, gid)

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def settings(self, security: str = "SSL", *, folder: str = "INBOX") -> dict[str, Any]:
        """The master's 设置 rows for this mailbox."""
        return {
            "IMAP服务器": "127.0.0.1",
            "IMAP端口": self.ssl_port if security == "SSL" else self.starttls_port,
            "IMAP加密": security,
            "IMAP用户": self.user,
            "收件文件夹": folder,
        }

    def flags(self) -> list[bytes]:
        """The flags of every message in INBOX (collecting must leave them unseen)."""
        with imaplib.IMAP4_SSL("127.0.0.1", self.ssl_port, ssl_context=self.client_context()) as m:
            m.login(self.user, PASSWORD)
            m.select("INBOX", readonly=True)
            _, data = m.fetch("1:*", "(FLAGS)")
            return [d for d in data if isinstance(d, bytes)]


def _config(base: Path, ports: tuple[int, int], cert: Path, key: Path) -> str:
    me = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    internal, login = ("dovecot", "dovenull") if os.getuid() == 0 else (me, me)
    internal_group = "dovecot" if os.getuid() == 0 else group
    return f"""
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = 1
first_valid_gid = 1
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = {base}/users
}}
userdb {{
  driver = passwd-file
  args = {base}/users
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {ports[0]}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ports[1]}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


def _wait(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    text = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"Dovecot did not start on port {port}:\n{text}")


@contextmanager
def dovecot() -> Iterator[Server]:
    """Run Dovecot for the ``with`` block (skips the test when it is not installed)."""
    binary = require_dovecot()
    # not under pytest's tmp_path: dovecot's unprivileged processes must reach the folder
    base = Path(tempfile.mkdtemp(prefix="zhenggai-dovecot-"))
    os.chmod(base, 0o755)
    process: subprocess.Popen[bytes] | None = None
    try:
        for sub in ("run", "state", "home"):
            (base / sub).mkdir()
        cert, key = self_signed(base)
        owner = (65534, 65534) if os.getuid() == 0 else (os.getuid(), os.getgid())
        (base / "users").write_text(
            "".join(
                f"{_user(n)}:{{PLAIN}}{PASSWORD}:{owner[0]}:{owner[1]}::{base}/home/{_user(n)}::\n"
                for n in range(1, USERS + 1)
            )
        )
        ports = (free_port(), free_port())
        (base / "dovecot.conf").write_text(_config(base, ports, cert, key))
        process = subprocess.Popen(
            [binary, "-F", "-c", str(base / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(ports[0], process, base / "dovecot.log")
        yield Server(base, ports[0], ports[1], cert, owner, process)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def imap_server() -> Iterator[Mailbox]:
    """A Dovecot of its own and its one mailbox, for the ``with`` block."""
    with dovecot() as server:
        yield server.mailbox()


def mail_waiting(master: Path, box: Mailbox, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo *master* with its batch issued and one unit's reply waiting in *box*.

    The reply (Outlook's way) carries the unit's template and a PDF naming item 1;
    the master's 设置 point at the mailbox, the password is in the environment.
    """
    from tests.conftest import set_settings
    from tests.support.mailbuild import File, build_reply
    from tests.support.returns_kit import issue

    templates = issue(master)
    set_settings(master, box.settings("SSL"))
    monkeypatch.setenv("ZHENGGAI_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SSL_CERT_FILE", str(box.cert))
    template = templates["办公室"]
    box.deliver(
        build_reply(
            "outlook",
            sender="bangongshi@example.org",
            sender_name="办公室",
            subject="【请填报】2026年11月整改进展（办公室）",
            files=[
                File(template.name, template.read_bytes()),
                File("1-党组会议纪要.pdf", b"%PDF-1.4"),
            ],
        )
    )
    return master
