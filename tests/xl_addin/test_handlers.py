"""Each button's handler on a real xlwings Book built from a real master workbook.

The Book is ``xlwings.Book(json=payload)`` (see payload.py): what the handler
writes comes back as the actions of ``book.json()``, which replay.py plays onto
the workbook as Excel would. Files the handlers write (templates, feedback)
are checked on disk.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import xlwings

from tests.xl_addin.payload import payload
from tests.xl_addin.replay import Excel, replay
from xl_addin import handlers
from xl_addin.master import XlwingsMaster, same_value
from xl_addin.source import XlwingsSource, book_path
from zhenggai import templates
from zhenggai.ledger import Ledger, load_ledger, read_ledger
from zhenggai.master import OpenpyxlMaster
from zhenggai.read import open_book as open_file
from zhenggai.sheets import RETURNS
from zhenggai.templates import TEMPLATE_SHEET

NOW = datetime(2026, 11, 28, 10, 30)


def _run(book: xlwings.Book, handler: Callable[[xlwings.Book], None], master: Path) -> Excel:
    handler(book)
    return replay(payload(master), book.json()["actions"])


@pytest.fixture
def status_bar(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Give the JSON engine Excel's status bar, recording what the handler shows."""
    from xlwings.pro import _xlremote

    shown: list[object] = []
    monkeypatch.setattr(
        _xlremote.App,
        "status_bar",
        property(lambda self: shown[-1], lambda self, v: shown.append(v)),
    )
    return shown


def test_make_templates(demo_master: Path, open_book, status_bar: list[object]) -> None:
    ledger = read_ledger(demo_master)
    book = open_book(demo_master)
    excel = _run(book, handlers.make_templates, demo_master)

    files = sorted((demo_master.parent / "下发").glob("*/*.xlsx"))
    units = [u.name for u in ledger.units]
    assert sorted(p.name.split("-")[0] for p in files) == sorted(units)
    for path in files:
        assert open_file(path).sheet_names == [TEMPLATE_SHEET, "_meta"]
    returns = excel[RETURNS.name].grid()
    assert returns[0][: len(RETURNS.headers)] == list(RETURNS.headers)
    issued = RETURNS.column("下发文件") - 1
    assert [(r[1], r[issued]) for r in returns[1:]] == [
        (u, next(p.name for p in files if p.name.startswith(u + "-"))) for u in units
    ]
    assert all(isinstance(r[RETURNS.column("下发时间") - 1], datetime) for r in returns[1:])
    batch = files[0].parent.name
    assert excel.alerts == [
        f"已为 {len(units)} 个单位生成{batch}填报模板，保存在 {files[0].parent}，并已在“回收情况”登记下发。"
    ]
    assert status_bar[0] == "生成模板：读取台账…"
    assert f"生成模板：1/{len(units)} {units[0]}" in status_bar
    assert status_bar[-1] is False


# --- the same library result through both adapters ------------------------------------------


def _both(
    master: Path, plan: Callable[[Ledger], Any], open_book, tmp_path: Path
) -> tuple[Any, Any]:
    """Apply *plan*'s changes with OpenpyxlMaster to a copy and with XlwingsMaster to a Book."""
    copy = tmp_path / "cli" / master.name
    copy.parent.mkdir()
    shutil.copy2(master, copy)
    with OpenpyxlMaster.open(copy, op="测试") as m:
        m.apply(plan(read_ledger(copy)).changes)
        m.save()
    book = open_book(master)
    source = XlwingsSource(book)
    XlwingsMaster(book, source=source).apply(
        plan(load_ledger(source, path=book_path(book))).changes
    )
    return open_file(copy), replay(payload(master), book.json()["actions"])


def _same(a: list[list[Any]], b: list[list[Any]]) -> bool:
    width = max((len(r) for r in a + b), default=0)
    rows = [[*r, *[None] * (width - len(r))] for r in a]
    other = [[*r, *[None] * (width - len(r))] for r in b]
    return len(rows) == len(other) and all(
        same_value(x, y)
        for ra, rb in zip(rows, other, strict=True)
        for x, y in zip(ra, rb, strict=True)
    )


PLANS: dict[str, Callable[[Path], Callable[[Ledger], Any]]] = {
    "make_templates": lambda out: lambda ledger: templates.make_templates(ledger, now=NOW, out=out),
}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_library_result_gives_the_same_cells_through_both_adapters(
    name: str, demo_master: Path, open_book, tmp_path: Path
) -> None:
    file, excel = _both(demo_master, PLANS[name](tmp_path / "out"), open_book, tmp_path)
    assert excel.names == file.sheet_names
    touched = [
        s for s in file.sheet_names if excel[s].values != replay(payload(demo_master), [])[s].values
    ]
    assert touched, "the plan changed nothing"
    for sheet in file.sheet_names:
        assert _same(excel[sheet].grid(), file.grid(sheet)), sheet


def test_every_handler_is_checked_through_both_adapters() -> None:
    from xl_addin.buttons import HANDLERS

    assert set(PLANS) == set(HANDLERS)
