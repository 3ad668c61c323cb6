"""Run one ribbon handler on one posted workbook and return the actions.

Each request gets its own xlwings App of the JSON engine (the one behind
xlwings Server): ``book.app.alert`` then queues on this request's book, never
on another request's, and the App's status bar reports to the run's progress
instead of raising as xlwings Server's does. Nothing is shared between
requests but xlwings' range cache, which is cleared after each run.

Errors never reach the client as a bare 500: a
:class:`~zhenggai.ZhenggaiError` becomes the same Chinese alert the VBA
add-in shows (``alert(book, str(exc), error=True)``), anything else a short
Chinese alert while the traceback goes to the server's log. Either way the
actions queued before the error are dropped, so the workbook is left as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlwings
from xlwings.pro import _xlremote

from xl_addin.feedback import alert
from xl_addin.server.contract import FULLNAME, Msg
from zhenggai import ZhenggaiError

__all__ = ["BadPayload", "Handler", "alert_actions", "last_alert", "prepare", "run_handler"]

log = logging.getLogger("zhenggai.serve")

Handler = Callable[[xlwings.Book], None]
Report = Callable[[str], None]


class BadPayload(ValueError):
    """The body is not a workbook as the add-ins post it; ``str()`` says why, in Chinese."""


class _RunApp(_xlremote.App):
    """The JSON engine's App for one request, with a status bar that reports."""

    def __init__(self, report: Report) -> None:
        super().__init__(_xlremote.engine.apps, add_book=False)  # type: ignore[no-untyped-call]
        self._report = report

    @property
    def status_bar(self) -> None:
        return None

    @status_bar.setter
    def status_bar(self, value: object) -> None:
        self._report(value if isinstance(value, str) else "")


def prepare(payload: Any, path: Path) -> dict[str, Any]:
    """*payload* checked and made ready for ``xlwings.Book``; the book named by *path*.

    The JSON engine knows a book only by name and resolves it against the
    current folder; naming it by the master's full path lets several requests
    for masters in different folders run at once.

    Raises:
        BadPayload: a required part is missing or of the wrong kind.
    """
    book, sheets = _shape(payload)
    ready = dict(payload)
    ready["book"] = {k: v for k, v in book.items() if k != FULLNAME} | {"name": str(path)}
    ready.setdefault("names", [])
    ready["sheets"] = [
        {"pictures": [], "tables": [], "charts": [], "visibility": "Visible"} | s for s in sheets
    ]
    if ready.get("client") != "Office.js":
        # xlwings checks the version for its VBA client, which must match the Python
        # package; our WPS client is ours and speaks this server's contract.
        ready["version"] = xlwings.__version__
    return ready


def _shape(payload: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if not isinstance(payload, dict):
        raise BadPayload("不是一个 JSON 对象")
    book, sheets = payload.get("book"), payload.get("sheets")
    if not isinstance(payload.get("client"), str):
        raise BadPayload("缺少 client")
    if not isinstance(book, dict) or not isinstance(book.get("name"), str):
        raise BadPayload("缺少工作簿名称 book.name")
    if not isinstance(sheets, list) or not sheets:
        raise BadPayload("没有工作表 sheets")
    for sheet in sheets:
        if not isinstance(sheet, dict) or not isinstance(sheet.get("name"), str):
            raise BadPayload("工作表缺少名称")
        values = sheet.get("values")
        if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
            raise BadPayload(f"工作表“{sheet['name']}”的 values 不是二维数组")
    if not isinstance(book.get("active_sheet_index", 0), int):
        raise BadPayload("book.active_sheet_index 不是整数")
    return book, sheets


def run_handler(handler: Handler, payload: dict[str, Any], *, report: Report) -> list[Any]:
    """Run *handler* on the workbook *payload* (from :func:`prepare`); its actions.

    *report* receives every status-bar text the handler shows.
    """
    app = _RunApp(report)
    book = xlwings.Book(impl=app.books.open(payload))
    try:
        handler(book)
    except ZhenggaiError as exc:
        _only_alert(book, str(exc))
    except Exception:
        log.exception("handler %s failed on %s", getattr(handler, "__name__", handler), book.name)
        _only_alert(book, Msg.INTERNAL)
    finally:
        _xlremote.get_range_api.cache_clear()  # keyed on sheet values: would grow forever
    actions: list[Any] = book.json()["actions"]
    return actions


def _only_alert(book: xlwings.Book, message: str) -> None:
    book.json()["actions"].clear()
    alert(book, message, error=True)


def last_alert(actions: list[Any]) -> str:
    """The text of the last ``alert`` action ("" when there is none)."""
    texts = [a["args"][0] for a in actions if isinstance(a, dict) and a.get("func") == "alert"]
    return str(texts[-1]) if texts else ""


def alert_actions(payload: dict[str, Any], message: str) -> list[Any]:
    """The actions of a run that only shows *message* (for requests that cannot run)."""
    name = str(payload["book"]["name"])
    book = xlwings.Book(impl=_RunApp(lambda _: None).books.open(prepare(payload, Path(name))))
    _only_alert(book, message)
    actions: list[Any] = book.json()["actions"]
    return actions
