"""Shared fixtures: tiny real workbooks built in code."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest

from zhenggai import create_master
from zhenggai.core.spec import default_spec
from zhenggai.demo.ledger import create_demo_master

if TYPE_CHECKING:
    from tests.support.imapd import Mailbox, Server

Grid = Sequence[Sequence[Any]]


def write_book(path: Path, sheets: Mapping[str, Grid], *, hidden: Sequence[str] = ()) -> Path:
    """Write a workbook whose sheets hold the given grids (from A1)."""
    wb = openpyxl.Workbook()
    first = True
    for name, grid in sheets.items():
        if first:
            ws = wb.active
            ws.title = name
            first = False
        else:
            ws = wb.create_sheet(name)
        for row in grid:
            ws.append(list(row))
        if name in hidden:
            ws.sheet_state = "veryHidden"
    wb.save(path)
    return path


def set_ledger_rows(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """Replace the 台账 rows of master *path* with *rows* (dicts by field key)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    spec = default_spec()
    keys = [spec.match_header(h).key if spec.match_header(h) else None for h in header]
    ws.delete_rows(2, ws.max_row)
    for r, row in enumerate(rows, start=2):
        for c, key in enumerate(keys, start=1):
            if key is not None and key in row:
                ws.cell(r, c, row[key])
    wb.save(path)


@pytest.fixture
def make_master(tmp_path: Path) -> Callable[..., Path]:
    """``make_master(rows=None, demo=False, name="台账.xlsx")`` -> path of a real master."""

    def make(
        rows: Sequence[Mapping[str, Any]] | None = None,
        *,
        demo: bool = False,
        name: str = "台账.xlsx",
    ) -> Path:
        path = (create_demo_master if demo else create_master)(tmp_path / name)
        if rows is not None:
            set_ledger_rows(path, rows)
        return path

    return make


@pytest.fixture
def demo_master(make_master: Callable[..., Path]) -> Path:
    return make_master(demo=True)


def set_settings(path: Path, values: Mapping[str, Any]) -> None:
    """Set 设置 values of master *path* by 项目 name."""
    wb = openpyxl.load_workbook(path)
    ws = wb["设置"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for name, value in values.items():
        ws.cell(rows[name], 2, value)
    wb.save(path)


def append_rows(path: Path, sheet: str, rows: Sequence[Sequence[Any]]) -> None:
    """Append *rows* below the last used row of *sheet* in workbook *path*."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    last = max((c.row for row in ws.iter_rows() for c in row if c.value is not None), default=0)
    for i, row in enumerate(rows, start=last + 1):
        for c, value in enumerate(row, start=1):
            ws.cell(i, c, value)
    wb.save(path)


@pytest.fixture(scope="session")
def imap_service() -> Iterator[Server]:
    """One Dovecot on 127.0.0.1 for the session (skips when it is not installed)."""
    from tests.support.imapd import dovecot

    with dovecot() as server:
        yield server


@pytest.fixture
def mailbox(imap_service: Server) -> Mailbox:
    """An empty mailbox of its own on the session's Dovecot."""
    return imap_service.mailbox()


_SLOW_FOLDERS = ("hostile",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``make test-fast`` leaves out what is slow by nature: LibreOffice, the hostile corpus."""
    for item in items:
        folder = item.path.parent.name
        if item.get_closest_marker("libreoffice") is not None or folder in _SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)
