"""The demo master in memory (:class:`zhenggai.core.memory.MemoryMaster`), for fast property tests."""

from __future__ import annotations

import copy
import functools
import tempfile
from pathlib import Path
from typing import Any

from zhenggai.core.memory import MemoryMaster
from zhenggai.core.spec import default_spec
from zhenggai.demo.ledger import create_demo_master
from zhenggai.io.calamine import open_book


@functools.cache
def _demo_grids() -> tuple[dict[str, list[list[Any]]], dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        book = open_book(create_demo_master(Path(tmp) / "台账.xlsx"))
        grids = {n: book.grid(n) for n in book.sheet_names}
        return grids, {n: book.visibility(n) for n in book.sheet_names}


class MemoryBook(MemoryMaster):
    """A MemoryMaster read from a real workbook file."""

    @classmethod
    def demo_master(cls) -> MemoryBook:
        grids, vis = _demo_grids()
        return cls(copy.deepcopy(grids), visibility=vis)

    @classmethod
    def from_file(cls, path: Path) -> MemoryBook:
        book = open_book(path)
        return cls(
            {n: book.grid(n) for n in book.sheet_names},
            visibility={n: book.visibility(n) for n in book.sheet_names},
        )

    def set_ledger_value(self, rid: str, key: str, value: Any) -> None:
        spec = default_spec()
        grid = self.grids["台账"]
        col = spec.headers.index(spec.field(key).name) + 1
        row = next(i for i, r in enumerate(grid, start=1) if r and r[0] == rid)
        self.set("台账", row, col, value)
