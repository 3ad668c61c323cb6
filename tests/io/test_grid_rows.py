"""A sheet read row by row (``iter_rows``) equals calamine's whole-sheet ``to_python`` from A1."""

from __future__ import annotations

import random
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from zhenggai.io.calamine import _clean, open_book

WORKBOOKS = sorted((Path(__file__).parents[2] / "workbooks").glob("*.xlsx"))


def _whole(path: Path, name: str) -> list[list[object]]:
    """The grid as read before: the whole sheet at once, from A1, empty tail rows dropped."""
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
    grid = [[_clean(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    while grid and all(v is None for v in grid[-1]):
        grid.pop()
    return grid


def _scattered(path: Path, seed: int) -> Path:
    """Cells of every kind at random places, the used area starting anywhere (or nowhere)."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    kinds = [
        lambda: rng.choice(["办公室", "已完成", "正在整改", "  留空格 ", "00123", "=不是公式"]),
        lambda: rng.randint(-5, 10**6),
        lambda: rng.random() * 100,
        lambda: date(2026, rng.randint(1, 12), rng.randint(1, 28)),
        lambda: datetime(2026, 5, 1, rng.randint(0, 23), 30),
        lambda: time(rng.randint(0, 23), 15),
        lambda: rng.choice([True, False]),
    ]
    top, left = rng.randint(1, 6), rng.randint(1, 6)
    for _ in range(rng.randint(0, 40)):
        ws.cell(top + rng.randint(0, 12), left + rng.randint(0, 8), rng.choice(kinds)())
    wb.save(path)
    return path


@pytest.mark.parametrize("seed", range(25))
def test_a_scattered_sheet_reads_as_the_whole_sheet_did(tmp_path, seed):
    path = _scattered(tmp_path / f"散{seed}.xlsx", seed)
    assert open_book(path).grid("表") == _whole(path, "表")


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_every_sheet_of_the_shipped_workbooks_reads_as_before(path):
    book = open_book(path, trusted=True)
    for name in book.sheet_names:
        assert book.grid(name) == _whole(path, name), name


def test_repeated_texts_are_one_object(tmp_path):
    path = tmp_path / "重复.xlsx"
    wb = openpyxl.Workbook()
    for r in range(1, 50):
        wb.active.append(["办公室", f"第{r}项", "正在整改"])
    wb.save(path)
    grid = open_book(path).grid(wb.active.title)
    assert len({id(row[0]) for row in grid}) == 1
    assert len({id(row[1]) for row in grid}) == 49
