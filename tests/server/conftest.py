"""A real ``zhenggai serve`` app on 127.0.0.1, real payloads from real workbooks.

``live(app)`` runs uvicorn in a thread on a free loopback port and gives the
base URL; every request in these tests is real HTTP to it.
"""

from __future__ import annotations

import os

# xlwings' JSON engine needs its licence key before xlwings is first imported.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from tests.xl_addin.payload import payload
from zhenggai.cli import main as cli

TOKEN = "test-token-" + "x" * 24


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live() -> Iterator[Callable[[FastAPI], str]]:
    """``live(app)`` -> "http://127.0.0.1:PORT", stopped after the test."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: FastAPI) -> str:
        port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        for _ in range(500):  # started is set once the socket listens
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.02)
        assert server.started, "uvicorn did not start"
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def _demo_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "台账.xlsx"
    assert (
        cli(["init", str(path), "--demo"]) == 0
    )  # the demo master, as `zhenggai init --demo` writes it
    return path


@pytest.fixture
def demo_master(_demo_once: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo master in its own folder."""
    folder = tmp_path / "办公室"
    folder.mkdir()
    return Path(shutil.copy2(_demo_once, folder / _demo_once.name))


def client_payload(path: Path, *, client: str = "WPS", fullname: bool = True) -> dict[str, Any]:
    """What our add-ins post for the workbook at *path* (with its full path, as WPS sends it)."""
    body = payload(path)
    body["client"] = client
    if fullname:
        body["book"]["fullname"] = str(path)
    return body


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": token}
