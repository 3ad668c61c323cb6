"""The call budget: every button makes as many calls into Excel for 10,000 rows as for 100.

Through COM each call is a round trip into Excel (a Range, then a property), so
a handler that writes cell by cell freezes Excel for minutes on a big ledger.
xlwings' JSON engine records each call as one action of ``book.json()``: the
actions are the calls. Two ledgers of the same 10 units, 10 and 1,000 rows per
unit, built the way the benchmarks build them, go through every button; the
counts must agree up to a small constant, and 逾期预警 stays within 60. Edits
land on scattered rows on purpose: returns change every tenth row, and a rerun
of 逾期预警 three days later rewrites the text of every overdue row only.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import xlwings

from tests.support.synthetic import fill_returns, issue_templates, synthetic_master, unit_names
from tests.xl_addin.payload import payload
from tests.xl_addin.replay import replay, to_payload
from xl_addin.buttons import HANDLERS, run
from xl_addin.picked import encode_path
from zhenggai.core.sheets import LEDGER
from zhenggai.io.master import read_ledger, update_master
from zhenggai.overdue.run import flag_overdue

pytestmark = pytest.mark.slow

SIZES = (10, 1000)  # rows per unit; 10 units: 100 and 10,000 rows
SLACK = 2  # calls that may differ between the two sizes
OVERDUE_BUDGET = 60
STUDY = Path(__file__).parents[2] / "workbooks" / "学习积分导出-2026年10月.xlsx"


@dataclass
class World:
    master: Path
    data: dict[str, Any]
    yesterday: dict[str, Any]  # the master with 预警 written three days ago
    a_return: Path


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[int, World]:
    built: dict[int, World] = {}
    for rows in SIZES:
        folder = tmp_path_factory.mktemp(f"rows{rows}")
        master = synthetic_master(folder / "台账.xlsx", units=10, rows=rows)
        templates = issue_templates(master, units=unit_names(3))
        returned = fill_returns(list(templates.values())[:3], folder / "回收", every=10)
        old = folder / "三天前.xlsx"
        shutil.copy2(master, old)
        update_master(
            old,
            op="预警",
            plan=lambda ledger: flag_overdue(ledger, today=date.today() - timedelta(3)),
        )
        built[rows] = World(master, payload(master), payload(old), returned[0])
    return built


@pytest.fixture
def caller() -> Iterator[None]:
    yield
    if hasattr(xlwings.Book, "_mock_caller"):
        del xlwings.Book._mock_caller


def _calls(
    world: World, tag: str, data: dict[str, Any] | None = None, file: Path | None = None
) -> Counter[str]:
    os.chdir(world.master.parent)
    book = xlwings.Book(json=copy.deepcopy(data or world.data))
    book.set_mock_caller()
    run(tag, encode_path(str(file)) if file else "")
    actions = book.json()["actions"]
    alerts = [a["args"] for a in actions if a["func"] == "alert"]
    assert alerts and alerts[-1][3] == "info", (tag, alerts)
    return Counter(a["func"] for a in actions)


def _compare(small: Counter[str], big: Counter[str], tag: str) -> None:
    assert abs(sum(small.values()) - sum(big.values())) <= SLACK, (tag, small, big)


@pytest.mark.parametrize(
    "tag",
    [
        t
        for t in HANDLERS
        # collect_mail needs a mailbox, and what it writes grows with the mail, not the ledger
        # (tests/xl_addin/test_collect_mail.py counts its calls)
        if t
        not in (
            "check_return",
            "import_study",
            "undo_consolidate",
            "make_templates",
            "collect_mail",
        )
    ],
)
def test_a_button_makes_as_many_calls_for_10000_rows_as_for_100(
    tag: str, worlds: dict[int, World], caller, monkeypatch
) -> None:
    monkeypatch.chdir(worlds[SIZES[0]].master.parent)
    small, big = (_calls(worlds[rows], tag) for rows in SIZES)
    _compare(small, big, tag)
    if tag == "flag_overdue":
        assert sum(big.values()) <= OVERDUE_BUDGET, big
        assert big["addConditionalFormat"] == 7 and big["setRangeColor"] <= 3


def test_a_rerun_of_the_warnings_writes_scattered_rows_in_one_call(
    worlds: dict[int, World], caller, monkeypatch
) -> None:
    monkeypatch.chdir(worlds[SIZES[0]].master.parent)
    small, big = (_calls(worlds[rows], "flag_overdue", worlds[rows].yesterday) for rows in SIZES)
    _compare(small, big, "flag_overdue (rerun)")
    assert sum(big.values()) <= OVERDUE_BUDGET
    # The rows between the changed ones were written back as they were: every 预警 is right.
    world = worlds[SIZES[-1]]
    book = xlwings.Book(json=copy.deepcopy(world.yesterday))
    book.set_mock_caller()
    run("flag_overdue")
    excel = replay(world.yesterday, book.json()["actions"])
    want = flag_overdue(read_ledger(world.master), today=date.today())
    col = read_ledger(world.master).table.columns["warning"]
    ledger = excel[LEDGER]
    assert [ledger.values[(i.row, col)] for i in want.items] == [i.text for i in want.items]
    assert [ledger.shown_fill(i.row, col) for i in want.items[::97]] == [
        f"#{i.fill}" for i in want.items[::97]
    ]
    writes = [
        a for a in book.json()["actions"] if a["func"] == "setValues" and a["sheet_position"] == 0
    ]
    assert [(a["start_column"] + 1, a["column_count"]) for a in writes] == [(col, 1)]


def test_the_buttons_with_a_file(worlds: dict[int, World], caller, monkeypatch) -> None:
    monkeypatch.chdir(worlds[SIZES[0]].master.parent)
    for tag in ("check_return", "import_study"):
        counts = [
            _calls(w, tag, file=w.a_return if tag == "check_return" else STUDY)
            for w in worlds.values()
        ]
        _compare(*counts, tag)


def test_issue_and_undo(worlds: dict[int, World], caller, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    undo: list[Counter[str]] = []
    issued: list[Counter[str]] = []
    for rows, world in worlds.items():
        folder = tmp_path / str(rows)
        shutil.copytree(world.master.parent, folder)
        local = World(folder / world.master.name, world.data, world.yesterday, world.a_return)
        issued.append(_calls(local, "make_templates"))
        book = xlwings.Book(json=copy.deepcopy(world.data))
        book.set_mock_caller()
        run("consolidate")
        after = to_payload(replay(world.data, book.json()["actions"]), world.data)
        del xlwings.Book._mock_caller
        undo.append(_calls(local, "undo_consolidate", after))
    _compare(*issued, "make_templates")
    _compare(*undo, "undo_consolidate")
