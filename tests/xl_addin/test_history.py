"""撤销上次汇总 in the add-in: the values 一键汇总 changed put back, only while nothing changed since.

The book is a real xlwings Book of the master; between clicks the master is
saved with what the Book showed (replay.save), as the user's Ctrl+S would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import xlwings

from tests.support.returns_kit import issue
from tests.xl_addin.payload import payload
from tests.xl_addin.replay import Excel, replay, save
from xl_addin.buttons import run
from xl_addin.history import RECORD_OP, UndoRecord
from zhenggai.core.sheets import CHANGES, CONFLICTS, LEDGER, PROBLEMS, RETURNS
from zhenggai.demo.returns import fill_demo_returns
from zhenggai.io.calamine import open_book as open_file
from zhenggai.io.master import read_ledger, update_master
from zhenggai.returns.consolidate import consolidate_folder

SHEETS = [LEDGER, CHANGES.name, RETURNS.name, PROBLEMS.name, CONFLICTS.name]


@pytest.fixture
def caller() -> Iterator[None]:
    yield
    if hasattr(xlwings.Book, "_mock_caller"):
        del xlwings.Book._mock_caller


@pytest.fixture
def returned(demo_master: Path) -> Path:
    fill_demo_returns(next(iter(issue(demo_master).values())).parent, demo_master.parent / "回收")
    return demo_master


def _click(master: Path, tag: str, *, keep: bool = True) -> tuple[Excel, list[tuple[str, str]]]:
    """Open *master*, click *tag*, and (with *keep*) save what the book then shows."""
    book = xlwings.Book(json=payload(master))
    book.set_mock_caller()
    run(tag)
    actions = book.json()["actions"]
    excel = replay(payload(master), actions)
    if keep:
        save(excel, master)
    return excel, [(a["args"][0], a["args"][3]) for a in actions if a["func"] == "alert"]


def _grids(master: Path) -> dict[str, list[list[object]]]:
    book = open_file(master)
    return {name: book.grid(name) for name in SHEETS if name in book.sheet_names}


def _records(master: Path) -> list[Path]:
    return sorted((master.parent / "备份").glob(f"*.{RECORD_OP}.json"))


def test_undo_puts_back_every_cell_and_sheet_the_consolidation_changed(
    returned: Path, caller, monkeypatch
) -> None:
    monkeypatch.chdir(returned.parent)
    before = _grids(returned)
    assert consolidate_folder(read_ledger(returned)).n_changes > 0
    _click(returned, "consolidate")
    [record] = _records(returned)
    data = UndoRecord.from_json(json.loads(record.read_text(encoding="utf-8")))
    assert {s for s, _, _ in data.cells} >= {LEDGER, CHANGES.name, RETURNS.name}
    assert _grids(returned)[LEDGER] != before[LEDGER]

    _, [(message, mode)] = _click(returned, "undo_consolidate")
    assert (
        message.startswith("已撤销 ") and "个单元格改回汇总前的内容" in message and mode == "info"
    )
    after = _grids(returned)
    for name in (LEDGER, RETURNS.name, PROBLEMS.name, CONFLICTS.name):
        assert after[name] == before[name], name
    # 变更记录: the consolidation's rows gone, one 撤销 row in their place.
    assert after[CHANGES.name][:-1] == before[CHANGES.name]
    undo_row = after[CHANGES.name][-1]
    assert undo_row[1] == "撤销" and record.name == undo_row[3]


def test_a_second_undo_says_it_is_done_and_changes_nothing(
    returned: Path, caller, monkeypatch
) -> None:
    monkeypatch.chdir(returned.parent)
    _click(returned, "consolidate")
    _click(returned, "undo_consolidate")
    excel, [(message, mode)] = _click(returned, "undo_consolidate", keep=False)
    assert "已经撤销过了" in message and mode == "critical"
    assert excel.done["setValues"] == 0


def test_undo_refuses_when_a_consolidated_cell_changed_since(
    returned: Path, caller, monkeypatch
) -> None:
    monkeypatch.chdir(returned.parent)
    _click(returned, "consolidate")
    record = UndoRecord.from_json(json.loads(_records(returned)[0].read_text(encoding="utf-8")))
    sheet, row, col = next(k for k in sorted(record.cells) if k[0] == LEDGER)
    wb = openpyxl.load_workbook(returned)
    wb[sheet].cell(row, col, "办公室后来又改过")
    wb.save(returned)
    excel, [(message, mode)] = _click(returned, "undo_consolidate", keep=False)
    assert message.startswith("无法撤销") and mode == "critical"
    assert f"{LEDGER}!{openpyxl.utils.get_column_letter(col)}{row}" in message
    assert excel.done["setValues"] == 0


def test_a_command_line_consolidation_is_undone_on_the_command_line(
    returned: Path, caller, monkeypatch
) -> None:
    monkeypatch.chdir(returned.parent)
    update_master(returned, op="汇总", plan=lambda ledger: consolidate_folder(ledger))
    excel, [(message, mode)] = _click(returned, "undo_consolidate", keep=False)
    assert "是用命令行做的" in message and f"zhenggai undo “{returned}”" in message
    assert excel.done["setValues"] == 0 and mode == "critical"


def test_nothing_to_undo(demo_master: Path, caller, monkeypatch) -> None:
    monkeypatch.chdir(demo_master.parent)
    _, [(message, _)] = _click(demo_master, "undo_consolidate", keep=False)
    assert message.startswith("没有找到加载项做过的一键汇总")
