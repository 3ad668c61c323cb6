"""XlwingsSource: an open Book reads as the same Ledger as the file read with calamine."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from tests.conftest import write_book
from xl_addin.source import XlwingsSource, book_path, clean_value
from zhenggai.core.errors import WorkbookError
from zhenggai.core.ledger import load_ledger
from zhenggai.io.calamine import open_book as open_file
from zhenggai.io.master import read_ledger


@pytest.mark.parametrize("empty", ["", None], ids=["office-js-empty", "vba-null"])
def test_demo_master_reads_as_the_same_ledger(demo_master: Path, open_book, empty) -> None:
    book = open_book(demo_master, empty=empty)
    source = XlwingsSource(book)
    ours = load_ledger(source, path=book_path(book))
    theirs = read_ledger(demo_master)
    assert ours.path == theirs.path == demo_master.resolve()
    for part in ("spec", "settings", "table", "units", "holidays", "meta"):
        assert getattr(ours, part) == getattr(theirs, part), part
    file = open_file(demo_master)
    assert source.sheet_names == file.sheet_names
    for name in file.sheet_names:
        assert source.grid(name) == file.grid(name), name
        assert source.visibility(name) == file.visibility(name), name
    assert source.visibility("_meta") == "veryhidden"


def test_every_kind_of_cell_matches_calamine(tmp_path: Path, open_book) -> None:
    path = write_book(
        tmp_path / "cells.xlsx",
        {
            "S": [
                ["text", "00123", 3, 2.5, True, None, "end"],
                [
                    datetime(2026, 3, 12),
                    datetime(2026, 3, 12, 9, 30),
                    time(14, 5),
                    "2026-11-28T16:49:01",
                ],
                [None],
                ["=cmd|' /C calc'!A0", "-1", "＝1", "  spaced  ", "a\nb"],
            ],
            "Hidden": [["x"]],
        },
        hidden=["Hidden"],
    )
    source = XlwingsSource(open_book(path))
    file = open_file(path)
    for name in ("S", "Hidden"):
        assert source.grid(name) == file.grid(name)
    row2 = source.grid("S")[1]
    assert row2[:4] == [
        date(2026, 3, 12),
        datetime(2026, 3, 12, 9, 30),
        "14:05:00",
        "2026-11-28T16:49:01",
    ]
    assert source.visibility("Hidden") == "veryhidden"


def test_vba_client_payload_without_visibility_reads_all_sheets_as_visible(
    demo_master: Path, open_book
) -> None:
    source = XlwingsSource(open_book(demo_master, vba_exact=True, empty=None))
    assert "_meta" in source.sheet_names  # Worksheets includes veryHidden sheets
    assert source.visibility("_meta") == "visible"  # the VBA client does not say
    assert load_ledger(source).meta == read_ledger(demo_master).meta


def test_missing_sheet_is_a_key_error(demo_master: Path, open_book) -> None:
    source = XlwingsSource(open_book(demo_master))
    with pytest.raises(KeyError):
        source.grid("没有这个表")
    with pytest.raises(KeyError):
        source.visibility("没有这个表")


@pytest.mark.parametrize(
    ("raw", "json", "want"),
    [
        (3, True, 3.0),
        (2**60, True, str(2**60)),  # digit text the VBA JSON writer sent unquoted
        ("", True, None),
        ("2026-03-12T00:00:00.000Z", True, date(2026, 3, 12)),
        ("2026-03-12T00:00:00.000Z", False, "2026-03-12T00:00:00.000Z"),  # Excel gave text
        ("1899-12-30T08:15:00.000Z", True, "08:15:00"),
        (datetime(2026, 3, 12, 0, 0), False, date(2026, 3, 12)),
        (False, False, False),
    ],
)
def test_clean_value(raw, json, want) -> None:
    got = clean_value(raw, json=json)
    assert got == want and type(got) is type(want)


class _Named:
    def __init__(self, fullname: str) -> None:
        self.fullname = fullname
        self.name = fullname.rsplit("/", 1)[-1]


def test_book_path() -> None:
    assert book_path(_Named("工作簿1")) is None  # type: ignore[arg-type]
    assert book_path(_Named("/data/台账.xlsx")) == Path("/data/台账.xlsx")  # type: ignore[arg-type]
    with pytest.raises(WorkbookError, match="OneDrive"):
        book_path(_Named("https://d.docs.live.net/abc/台账.xlsx"))  # type: ignore[arg-type]


def test_the_engine_refuses_a_client_of_another_xlwings_version(demo_master: Path) -> None:
    # Why pyproject.toml pins xlwings exactly: client and Python must match.
    import xlwings

    from tests.xl_addin.payload import payload

    data = payload(demo_master)
    data["version"] = "0.37.7"
    with pytest.raises(xlwings.XlwingsError, match="version is different"):
        xlwings.Book(json=data)
