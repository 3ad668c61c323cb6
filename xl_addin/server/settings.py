"""The per-install settings of ``zhenggai serve``: token, port, folders, size limit.

They live in ``serve.json`` in the user's configuration folder:

- Windows: ``%APPDATA%\\zhenggai\\serve.json``
- macOS: ``~/Library/Application Support/zhenggai/serve.json``
- Linux and others: ``$XDG_CONFIG_HOME/zhenggai/serve.json`` (``~/.config/zhenggai``)

``ZHENGGAI_CONFIG_DIR`` overrides the folder (tests, portable installs). The
token is made once with :func:`secrets.token_urlsafe` the first time anything
asks for it; the file is written readable by its owner only. The add-in
writers copy the token into the files they write for this PC.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from xl_addin.server.contract import DEFAULT_MAX_MB, DEFAULT_PORT
from zhenggai import ZhenggaiError

__all__ = ["SETTINGS_FILE", "ServeSettings", "config_dir", "load_settings"]

SETTINGS_FILE = "serve.json"


def config_dir(environ: dict[str, str] | None = None, *, platform: str = sys.platform) -> Path:
    """The folder holding ``serve.json`` and the ``--https`` certificate."""
    env = os.environ if environ is None else environ
    if env.get("ZHENGGAI_CONFIG_DIR"):
        return Path(env["ZHENGGAI_CONFIG_DIR"])
    if platform == "win32" and env.get("APPDATA"):
        return Path(env["APPDATA"]) / "zhenggai"
    home = Path(env.get("HOME") or Path.home())
    if platform == "darwin":
        return home / "Library" / "Application Support" / "zhenggai"
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    return base / "zhenggai"


@dataclass
class ServeSettings:
    """What ``serve.json`` holds.

    Attributes:
        token: the secret every request must carry.
        port: the port ``zhenggai serve`` listens on and the add-ins call.
        roots: folders searched for a master whose folder the client cannot tell.
        max_mb: the largest request body accepted, in MB.
        https: whether the add-ins call ``https://`` (what ``--https`` last set).
    """

    token: str
    port: int = DEFAULT_PORT
    roots: list[str] = field(default_factory=list)
    max_mb: int = DEFAULT_MAX_MB
    https: bool = False

    @property
    def path(self) -> Path:
        """The settings file."""
        return config_dir() / SETTINGS_FILE

    def url(self, host: str = "localhost") -> str:
        """The server's base URL as the add-ins call it."""
        scheme = "https" if self.https else "http"
        return f"{scheme}://{host}:{self.port}"

    def save(self) -> Path:
        """Write ``serve.json`` (owner-only) and return its path."""
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(asdict(self), ensure_ascii=False, indent=2)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data + "\n")
        os.replace(temp, path)  # readers never see half a file
        return path


def load_settings() -> ServeSettings:
    """``serve.json``, created with a new token when it does not exist yet.

    Raises:
        ZhenggaiError: the file exists but cannot be read as settings.
    """
    path = config_dir() / SETTINGS_FILE
    if not path.exists():
        settings = ServeSettings(token=secrets.token_urlsafe(32))
        settings.save()
        return settings
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        settings = ServeSettings(
            token=str(data["token"]),
            port=int(data.get("port", DEFAULT_PORT)),
            roots=[str(r) for r in data.get("roots", [])],
            max_mb=int(data.get("max_mb", DEFAULT_MAX_MB)),
            https=bool(data.get("https", False)),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ZhenggaiError(
            f"整改台账服务的设置文件 {path} 读不出来（{exc}）。删除它后重新运行，会生成新的口令，"
            "之后需重新生成加载项文件。"
        ) from exc
    if len(settings.token) < 16:
        raise ZhenggaiError(
            f"设置文件 {path} 中的口令太短（至少 16 个字符）。删除该文件后重新运行。"
        )
    return settings
