"""What the server refuses, and how every failure reaches the user as Chinese text."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest
import xlwings

from tests.conftest import write_book
from tests.server.conftest import TOKEN, auth, client_payload
from xl_addin import handlers
from xl_addin.buttons import HANDLERS
from xl_addin.server.app import create_app
from xl_addin.server.contract import PING, STATUS, Msg, run_path
from zhenggai import ZhenggaiError


@pytest.fixture
def url(live) -> str:
    return live(create_app(token=TOKEN))


@pytest.mark.parametrize("headers", [{}, {"Authorization": "wrong"}, {"Authorization": TOKEN[:-1]}])
@pytest.mark.parametrize("route", ["run", PING, STATUS])
def test_without_the_right_token_401(url: str, headers: dict[str, str], route: str) -> None:
    if route == "run":
        r = httpx.post(url + run_path("flag_overdue"), content=b"{}", headers=headers)
    else:
        r = httpx.get(url + route, headers=headers)
    assert (r.status_code, r.json()) == (401, {"detail": Msg.NO_TOKEN})


def test_ping_lists_every_handler_and_takes_a_bearer_token(url: str) -> None:
    r = httpx.get(url + PING, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    assert r.json()["handlers"] == list(HANDLERS) and r.json()["app"] == "zhenggai"


def test_unknown_button_404(url: str) -> None:
    r = httpx.post(url + run_path("no_such_button"), json={}, headers=auth())
    assert r.status_code == 404 and "no_such_button" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"not json", "不是 JSON"),
        (b"[]", "不是一个 JSON 对象"),
        (json.dumps({"client": "WPS", "book": {"name": "a.xlsx"}}).encode(), "没有工作表"),
        (
            json.dumps(
                {
                    "client": "WPS",
                    "book": {"name": "a.xlsx"},
                    "sheets": [{"name": "S", "values": 1}],
                }
            ).encode(),
            "不是二维数组",
        ),
    ],
)
def test_not_a_workbook_400(url: str, body: bytes, why: str) -> None:
    r = httpx.post(url + run_path("flag_overdue"), content=body, headers=auth())
    assert r.status_code == 400 and why in r.json()["detail"]


def test_over_the_size_limit_413_and_under_it_runs(live, demo_master: Path) -> None:
    body = json.dumps(client_payload(demo_master)).encode()
    limit_mb = len(body) / 1024 / 1024 * 1.5
    url = live(create_app(token=TOKEN, max_mb=limit_mb))
    assert (
        httpx.post(url + run_path("flag_overdue"), content=body, headers=auth()).status_code == 200
    )
    big = body[:-1] + b', "padding": "' + b"x" * len(body) + b'"}'
    r = httpx.post(url + run_path("flag_overdue"), content=big, headers=auth())
    assert r.status_code == 413
    assert r.json()["detail"] == Msg.TOO_LARGE.format(limit=f"{limit_mb:g}")


def test_a_master_the_server_cannot_find_is_an_alert(url: str, demo_master: Path) -> None:
    body = client_payload(demo_master, client="Office.js", fullname=False)
    r = httpx.post(url + run_path("flag_overdue"), json=body, headers=auth())
    [action] = r.json()["actions"]
    assert action["func"] == "alert" and action["args"][3] == "critical"
    assert "zhenggai serve --root" in action["args"][0]


def test_library_error_is_the_vba_add_ins_alert_and_nothing_else(url: str, tmp_path: Path) -> None:
    path = write_book(tmp_path / "不是台账.xlsx", {"Sheet1": [["随便", "什么"]]})
    r = httpx.post(url + run_path("flag_overdue"), json=client_payload(path), headers=auth())
    [action] = r.json()["actions"]
    book = xlwings.Book(json=client_payload(path) | {"client": "VBA"})
    with pytest.raises(ZhenggaiError) as raised:  # what the VBA add-in's run() would show
        handlers.flag_overdue(book)
    assert action["args"][:4] == [str(raised.value), "整改台账", "ok", "critical"]


def test_unexpected_error_is_a_short_alert_and_the_log_has_the_traceback(
    live, demo_master: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(book: xlwings.Book) -> None:
        book.sheets[0]["A1"].value = "写了一半"
        raise RuntimeError("boom")

    url = live(create_app(token=TOKEN, handlers={"flag_overdue": broken}))
    with caplog.at_level(logging.ERROR, logger="zhenggai.serve"):
        r = httpx.post(
            url + run_path("flag_overdue"), json=client_payload(demo_master), headers=auth()
        )
    assert r.status_code == 200
    assert [a["func"] for a in r.json()["actions"]] == ["alert"]  # the half write is dropped
    assert r.json()["actions"][0]["args"][0] == Msg.INTERNAL
    assert "RuntimeError: boom" in caplog.text
