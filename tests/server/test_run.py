"""Every ribbon handler answers through ``zhenggai serve``, over real HTTP.

The body is what our add-ins post for a real master; the actions that come
back are played onto that workbook (tests/xl_addin/replay.py) as Excel would,
and checked against the library's own result where one is deterministic.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx
import openpyxl
import pytest
import xlwings

from tests.server.conftest import TOKEN, auth, client_payload
from tests.support.imapd import mail_waiting
from tests.support.returns_kit import issue
from tests.xl_addin.payload import payload
from tests.xl_addin.replay import replay, save
from tests.xl_addin.test_handlers import _returned, _reviewed
from xl_addin import handlers
from xl_addin.buttons import HANDLERS
from xl_addin.picked import FILE_SETTING
from xl_addin.server.app import create_app
from xl_addin.server.contract import run_path

WORKBOOKS = Path(__file__).parents[2] / "workbooks"


def _issued(master: Path) -> Path:
    """Templates issued, so there is a batch to mail."""
    issue(master)
    return master


def _picked(path: Callable[[Path], Path]) -> Callable[[Path], Path]:
    """The master with a 设置 row 待处理文件 holding a file's path, as a web user writes it."""

    def setup(master: Path) -> Path:
        picked = path(master)
        wb = openpyxl.load_workbook(master)
        wb["设置"].append([FILE_SETTING, str(picked)])
        wb.save(master)
        return master

    return setup


def _a_return(master: Path) -> Path:
    _returned(master)
    return next((master.parent / "回收").glob("*.xlsx"))


def _consolidated_in_excel(master: Path) -> Path:
    """一键汇总 clicked in Excel and the book saved: the add-in's undo record is beside it."""
    _returned(master)
    cwd = os.getcwd()
    os.chdir(master.parent)
    try:
        book = xlwings.Book(json=payload(master))
        handlers.consolidate(book)
        save(replay(payload(master), book.json()["actions"]), master)
    finally:
        os.chdir(cwd)
    return master


#: Buttons that only read the ledger (and write files beside it): the message is all they send.
WRITES_NO_CELL = {"check_return", "mail_drafts", "remind"}

# How a master must look for a handler to have work to do; the rest run on the demo as it is.
SETUP: dict[str, Callable[[Path], Path]] = {
    "consolidate": _returned,
    "review": _reviewed,
    "mail_drafts": _issued,
    "remind": _issued,
    "check_return": _picked(_a_return),
    "import_study": _picked(lambda _: WORKBOOKS / "学习积分导出-2026年11月.xlsx"),
    "undo_consolidate": _consolidated_in_excel,
}


def test_setup_names_only_real_handlers() -> None:
    assert set(SETUP) <= set(HANDLERS)


@pytest.mark.parametrize("tag", sorted(HANDLERS))
def test_every_handler_answers(tag: str, demo_master: Path, live, request) -> None:
    master = SETUP.get(tag, lambda p: p)(demo_master)
    if tag == "collect_mail":  # a mailbox on the session's Dovecot, a reply waiting in it
        box, patch = request.getfixturevalue("mailbox"), request.getfixturevalue("monkeypatch")
        master = mail_waiting(master, box, patch)
    url = live(create_app(token=TOKEN))
    r = httpx.post(url + run_path(tag), json=client_payload(master), headers=auth(), timeout=120)
    assert r.status_code == 200, r.text
    actions = r.json()["actions"]
    alerts = [a["args"] for a in actions if a["func"] == "alert"]
    assert len(alerts) == 1 and alerts[0][1:4] == ["整改台账", "ok", "info"], alerts
    excel = replay(payload(master), actions)  # every value written is one Excel stores as meant
    assert excel.alerts == [alerts[0][0]]
    if tag not in WRITES_NO_CELL:
        assert len(actions) > 1, "the handler wrote nothing into the book"


def test_flag_overdue_gives_the_same_actions_as_the_handler_in_process(
    demo_master: Path, live, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = live(create_app(token=TOKEN))
    r = httpx.post(url + run_path("flag_overdue"), json=client_payload(demo_master), headers=auth())
    monkeypatch.chdir(demo_master.parent)
    # The same client as the request: what a host applies depends on it (cells.full_host).
    book = xlwings.Book(
        json=payload(demo_master) | {"client": client_payload(demo_master)["client"]}
    )
    handlers.flag_overdue(book)
    assert r.json()["actions"] == book.json()["actions"]


def test_make_templates_writes_beside_the_master_the_client_named(demo_master: Path, live) -> None:
    url = live(create_app(token=TOKEN))
    before = os.getcwd()
    r = httpx.post(
        url + run_path("make_templates"), json=client_payload(demo_master), headers=auth()
    )
    templates = sorted((demo_master.parent / "下发").glob("*/*.xlsx"))
    assert templates and str(templates[0].parent) in r.json()["actions"][-1]["args"][0]
    assert os.getcwd() == before  # found by its path, not by changing the current folder


def test_office_js_client_on_the_web_finds_the_master_under_a_root(demo_master: Path, live) -> None:
    """Excel on the web sends no local path: the master is found under --root."""
    url = live(create_app(token=TOKEN, roots=[demo_master.parent.parent]))
    body = client_payload(demo_master, client="Office.js", fullname=False)
    body["book"]["fullname"] = "https://example.sharepoint.com/sites/x/台账.xlsx"
    r = httpx.post(url + run_path("draft_report"), json=body, headers=auth(), timeout=120)
    [message] = replay(payload(demo_master), r.json()["actions"]).alerts
    assert message.startswith("报告草稿已写入“报告草稿”表")
    assert list(demo_master.parent.glob("整改情况报告-*.docx"))
