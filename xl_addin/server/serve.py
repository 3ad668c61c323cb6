"""Start the server: settings, optional certificate, uvicorn on one host and port."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from xl_addin.server.app import create_app
from xl_addin.server.certs import ensure_certificate
from xl_addin.server.settings import ServeSettings, config_dir

__all__ = ["Plan", "plan_server", "run_server"]


@dataclass(frozen=True)
class Plan:
    """What :func:`run_server` will do, for the CLI to print first."""

    host: str
    port: int
    url: str
    roots: tuple[Path, ...]
    settings_file: Path
    cert: Path | None
    key: Path | None
    max_mb: int


def plan_server(
    settings: ServeSettings, *, host: str, port: int | None, https: bool, roots: Sequence[Path]
) -> Plan:
    """Resolve options against *settings*; records port and scheme for the add-in writers."""
    cert = key = None
    if https:
        cert, key = ensure_certificate(config_dir())
    # Saved after the certificate exists: serve.json saying https means it is there.
    settings.port = port or settings.port
    settings.https = https
    settings.save()
    all_roots = tuple(dict.fromkeys([*(p.resolve() for p in roots), *map(Path, settings.roots)]))
    return Plan(
        host=host,
        port=settings.port,
        url=settings.url(host if host not in ("127.0.0.1", "::1") else "localhost"),
        roots=all_roots,
        settings_file=settings.path,
        cert=cert,
        key=key,
        max_mb=settings.max_mb,
    )


def run_server(plan: Plan, token: str) -> None:
    """Serve until interrupted (Ctrl+C)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    app = create_app(token=token, roots=plan.roots, max_mb=plan.max_mb)
    uvicorn.run(
        app,
        host=plan.host,
        port=plan.port,
        ssl_certfile=str(plan.cert) if plan.cert else None,
        ssl_keyfile=str(plan.key) if plan.key else None,
        access_log=False,  # task-pane URLs carry the token in their query
        log_level="info",
    )
