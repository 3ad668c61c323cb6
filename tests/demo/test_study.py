"""The demo exports under workbooks/ match the code, and read cleanly as two months."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhenggai.demo.study import DEMO_EXPORTS, demo_people, write_demo_exports
from zhenggai.io.calamine import open_book
from zhenggai.study.export import read_export_file
from zhenggai.study.history import Period

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"


def _content(path: Path) -> dict[str, object]:
    book = open_book(path)
    return {name: (book.grid(name), book.merged(name)) for name in book.sheet_names}


@pytest.mark.parametrize("index", [0, 1])
def test_shipped_demo_export_is_up_to_date(tmp_path, index):
    fresh = write_demo_exports(tmp_path)[index]
    shipped = WORKBOOKS / DEMO_EXPORTS[index]
    assert shipped.is_file(), "run `make workbooks`"
    assert _content(shipped) == _content(fresh), (
        f"workbooks/{shipped.name} 已过时：运行 make workbooks"
    )


def test_demo_exports_read_cleanly_in_both_layouts(tmp_path):
    october, november = (read_export_file(p) for p in write_demo_exports(tmp_path))
    assert october.problems == [] and november.problems == []
    assert october.title_period == Period(2026, 10) and november.title_period == Period(2026, 11)
    assert [(r.unit, r.name, r.points) for r in october.records] == [
        (u, n, o) for u, n, o, _ in demo_people()
    ]
    assert [(r.unit, r.name, r.points) for r in november.records] == [
        (u, n, nov) for u, n, _, nov in demo_people()
    ]
