"""The FastAPI app of ``zhenggai serve`` (the contract: :mod:`xl_addin.server.contract`).

Every tag of :data:`xl_addin.buttons.HANDLERS` is a ``/zhenggai/run/{tag}``
route, its handler imported by :func:`xl_addin.buttons.handler` when first
pressed; nothing here lists the buttons. The token is checked before the body
is read; the body is read in chunks and counted, so an oversized one never
sits in memory. Handlers run in worker threads: runs on different masters go
on side by side, while the event loop keeps answering pings and status polls.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import xlwings
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from xl_addin.buttons import HANDLERS, handler
from xl_addin.buttons_spec import BUTTONS
from xl_addin.server.contract import FULLNAME, PING, RUN, STATUS, TOKEN_HEADER, WEB, WEB_DIR, Msg
from xl_addin.server.engine import (
    BadPayload,
    Handler,
    alert_actions,
    last_alert,
    prepare,
    run_handler,
)
from xl_addin.server.locate import MasterNotFound, locate_master, master_key
from xl_addin.server.runs import Busy, Run, Runs
from zhenggai import __version__

__all__ = ["create_app"]

log = logging.getLogger("zhenggai.serve")

_MB = 1024 * 1024
# A body over the limit is read to its end (and dropped) so the client gets a
# clean 413, up to this many times the limit; past that the connection is cut.
_DRAIN_FACTOR = 4


class _TooLarge(Exception):
    pass


class _Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class _Service:
    """What the routes share: token, folders, handlers, the runs going on."""

    def __init__(
        self,
        token: str,
        roots: Sequence[Path],
        max_mb: float,
        handlers: Mapping[str, Handler] | None,
    ) -> None:
        self.token = token
        self.roots = roots
        self.max_mb = max_mb
        self.limit = int(max_mb * _MB)
        self.handlers = handlers
        self.tags = list(HANDLERS if handlers is None else handlers)
        self.labels = {b.tag: b.label for b in BUTTONS}
        self.runs = Runs()

    def authorize(self, request: Request) -> None:
        sent = request.headers.get(TOKEN_HEADER, "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), self.token.encode()):
            raise _Refused(401, Msg.NO_TOKEN)

    def ping(self) -> dict[str, Any]:
        return {
            "app": "zhenggai",
            "version": __version__,
            "xlwings": xlwings.__version__,
            "handlers": self.tags,
            "roots": [str(r) for r in self.roots],
        }

    async def run(self, tag: str, request: Request) -> dict[str, Any]:
        function = handler(tag) if self.handlers is None else self.handlers.get(tag)
        if function is None:
            raise _Refused(404, Msg.UNKNOWN_TAG.format(tag=tag))
        payload = await _payload(request, self.limit, self.max_mb)
        book = payload["book"]
        try:
            path = locate_master(book["name"], book.get(FULLNAME), self.roots)
        except MasterNotFound as exc:
            return {"actions": alert_actions(payload, str(exc))}
        entry = Run(master=path.name, tag=tag, label=self.labels.get(tag, tag))
        started = time.monotonic()
        try:
            with self.runs.claim(master_key(path), entry):
                job = partial(
                    run_handler, function, prepare(payload, path), report=_reporter(entry)
                )
                actions = await anyio.to_thread.run_sync(job)
                entry.message = last_alert(actions)
        except Busy as busy:
            detail = Msg.BUSY.format(name=busy.running.master, label=busy.running.label)
            raise _Refused(409, detail) from None
        log.info("%s %s: %d actions, %.1f s", tag, path, len(actions), time.monotonic() - started)
        return {"actions": actions}


def create_app(
    *,
    token: str,
    roots: Sequence[Path] = (),
    max_mb: float = 64,
    handlers: Mapping[str, Handler] | None = None,
) -> FastAPI:
    """The app answering every ribbon button (or only *handlers*, tag -> handler).

    Args:
        token: the secret every request must carry in ``Authorization``.
        roots: folders searched for masters whose path the client cannot tell.
        max_mb: the largest request body accepted.
        handlers: instead of the ribbon's handlers; tests pass real handlers wrapped.
    """
    app = FastAPI(
        title="zhenggai", version=__version__, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.add_middleware(
        CORSMiddleware,
        # The WPS add-in's pages are local files; the token, not the origin, is the guard.
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=[TOKEN_HEADER, "Content-Type"],
        allow_private_network=True,
    )
    service = _Service(token, roots, max_mb, handlers)

    @app.exception_handler(_Refused)
    async def refused(request: Request, exc: _Refused) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    @app.get(PING)
    async def ping(request: Request) -> dict[str, Any]:
        service.authorize(request)
        return service.ping()

    @app.get(STATUS)
    async def status(request: Request) -> dict[str, Any]:
        service.authorize(request)
        return {"runs": service.runs.snapshot()}

    @app.post(RUN)
    async def run(tag: str, request: Request) -> dict[str, Any]:
        service.authorize(request)  # before the body is read
        return await service.run(tag, request)

    app.mount(WEB, StaticFiles(directory=WEB_DIR), name="web")
    return app


def _reporter(entry: Run) -> Any:
    def report(text: str) -> None:
        entry.status = text

    return report


async def _payload(request: Request, limit: int, max_mb: float) -> dict[str, Any]:
    try:
        body = await _read(request, limit)
    except _TooLarge:
        raise _Refused(413, Msg.TOO_LARGE.format(limit=f"{max_mb:g}")) from None
    try:
        payload = json.loads(body)
        prepare(payload, Path("check.xlsx"))
    except (ValueError, UnicodeDecodeError) as exc:
        why = str(exc) if isinstance(exc, BadPayload) else "不是 JSON"
        raise _Refused(400, Msg.BAD_BODY.format(why=why)) from None
    return payload  # type: ignore[no-any-return]


async def _read(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit * _DRAIN_FACTOR:
            break
        if size <= limit:
            chunks.append(chunk)
    if size > limit:
        raise _TooLarge
    return b"".join(chunks)
