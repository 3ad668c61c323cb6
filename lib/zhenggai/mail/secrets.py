"""Mail passwords: from the environment, else the system keyring, else the caller asks.

A password never lives in the master or the repository. Where it comes from,
in order:

1. the environment variable (``ZHENGGAI_SMTP_PASSWORD``; ``ZHENGGAI_IMAP_PASSWORD``
   for collecting mail), for one console window or a scheduled task;
2. the system keyring, if the user saved it there with ``zhenggai mail
   --save-password``: Windows Credential Manager (凭据管理器), macOS Keychain,
   or the Secret Service of a Linux desktop, through the ``keyring`` package;
3. a prompt, which the CLI shows (this module never asks).

A keyring that is missing or refuses (no desktop session on a Linux server,
a locked keychain) is not an error when reading: the password is asked for
instead, and :func:`find_password` says why the keyring was not used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..core.errors import MailError

__all__ = ["Account", "Found", "find_password", "forget_password", "save_password"]

SERVICE_PREFIX = "zhenggai"


@dataclass(frozen=True)
class Account:
    """A mail login: the protocol ("SMTP" or "IMAP"), server and user name."""

    protocol: str
    host: str
    user: str

    @property
    def env(self) -> str:
        """The environment variable that holds this protocol's password."""
        return f"ZHENGGAI_{self.protocol.upper()}_PASSWORD"

    @property
    def service(self) -> str:
        """The keyring's service name, e.g. ``zhenggai-smtp/smtp.example.org``.

        >>> Account("SMTP", "smtp.example.org", "office").service
        'zhenggai-smtp/smtp.example.org'
        """
        return f"{SERVICE_PREFIX}-{self.protocol.lower()}/{self.host.lower()}"


@dataclass(frozen=True)
class Found:
    """A password lookup: the password (None when not found), where it came from, and
    why the keyring could not be read (empty when it could)."""

    password: str | None
    source: str = ""
    keyring_problem: str = ""


def _keyring() -> Any:
    import keyring  # imported when needed: it loads its backends' entry points

    return keyring


def find_password(account: Account) -> Found:
    """The password of *account* from the environment, else the keyring."""
    password = os.environ.get(account.env, "")
    if password:
        return Found(password, f"环境变量 {account.env}")
    try:
        stored = _keyring().get_password(account.service, account.user)
    except Exception as exc:  # any backend failure means "not available here"
        return Found(None, keyring_problem=_why(exc))
    if stored:
        return Found(stored, f"系统密码库（{_backend_name()}）")
    return Found(None)


def save_password(account: Account, password: str) -> str:
    """Store *password* for *account* in the system keyring; return the keyring's name.

    Raises:
        MailError: no usable keyring on this computer, or it refused.
    """
    if not password:
        raise MailError("密码为空，没有保存。")
    try:
        _keyring().set_password(account.service, account.user, password)
    except Exception as exc:
        raise MailError(
            f"无法保存到系统密码库：{_why(exc)}。请改用环境变量 {account.env}，或每次运行时输入密码。"
        ) from exc
    return _backend_name()


def forget_password(account: Account) -> bool:
    """Remove *account*'s password from the keyring; False when none was stored."""
    keyring = _keyring()
    try:
        keyring.delete_password(account.service, account.user)
    except keyring.errors.PasswordDeleteError:
        return False
    except Exception as exc:
        raise MailError(f"无法读取系统密码库：{_why(exc)}。") from exc
    return True


def _backend_name() -> str:
    backend = _keyring().get_keyring()
    return str(getattr(backend, "name", type(backend).__name__))


def _why(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "NoKeyringError":
        return "本机没有可用的系统密码库"
    return f"{name}: {exc}" if str(exc) else name
