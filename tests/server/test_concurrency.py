"""One request at a time per master: a second one is refused (409) at once, not queued.

The real handler runs behind a gate the test opens, so "the first request is
still running" is a fact the test arranges, not a matter of timing.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import httpx
import xlwings

from tests.server.conftest import TOKEN, auth, client_payload
from xl_addin.buttons import handler
from xl_addin.server.app import create_app
from xl_addin.server.contract import STATUS, Msg, run_path

WAIT = 60  # seconds; a bound on waiting for the gate, never an assertion on speed


class Gate:
    """Wraps a real handler: it starts only when the test opens the gate."""

    def __init__(self, handler: Callable[[xlwings.Book], None], expected: int) -> None:
        self.handler = handler
        self.entered = threading.Semaphore(0)
        self.expected = expected
        self.open = threading.Event()

    def __call__(self, book: xlwings.Book) -> None:
        self.entered.release()
        assert self.open.wait(WAIT), "the test never opened the gate"
        self.handler(book)

    def wait_entered(self) -> None:
        for _ in range(self.expected):
            assert self.entered.acquire(timeout=WAIT), "a request never reached its handler"


def _real(tag: str) -> Callable[[xlwings.Book], None]:
    function = handler(tag)
    assert function is not None
    return function


def _post(url: str, master: Path) -> httpx.Response:
    return httpx.post(
        url + run_path("flag_overdue"), json=client_payload(master), headers=auth(), timeout=WAIT
    )


def test_second_request_for_the_same_master_409_while_the_first_runs(
    live, demo_master: Path
) -> None:
    gate = Gate(_real("flag_overdue"), expected=1)
    url = live(create_app(token=TOKEN, handlers={"flag_overdue": gate}))
    with ThreadPoolExecutor(2) as pool:
        first: Future[httpx.Response] = pool.submit(_post, url, demo_master)
        gate.wait_entered()
        second = _post(url, demo_master)
        [running] = httpx.get(url + STATUS, headers=auth()).json()["runs"]
        gate.open.set()
        done = first.result()
    assert second.status_code == 409
    assert second.json()["detail"] == Msg.BUSY.format(name=demo_master.name, label="逾期预警")
    assert running["running"] is True and running["label"] == "逾期预警"
    assert done.status_code == 200
    [finished] = httpx.get(url + STATUS, headers=auth()).json()["runs"]
    assert finished["running"] is False
    assert finished["message"] == done.json()["actions"][-1]["args"][0]
    assert finished["status"] == ""  # the handler gave the status bar back
    assert _post(url, demo_master).status_code == 200  # free again once the first ended


def test_two_masters_run_side_by_side(live, demo_master: Path, tmp_path: Path) -> None:
    other = tmp_path / "另一个单位" / demo_master.name
    other.parent.mkdir()
    shutil.copy2(demo_master, other)
    gate = Gate(_real("flag_overdue"), expected=2)
    url = live(create_app(token=TOKEN, handlers={"flag_overdue": gate}))
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(_post, url, m) for m in (demo_master, other)]
        gate.wait_entered()  # both are inside their handler at the same time
        gate.open.set()
        results = [f.result() for f in futures]
    assert [r.status_code for r in results] == [200, 200]
    assert results[0].json() == results[1].json()
