"""The shipped workbooks under workbooks/ match what the code makes today."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhenggai import create_master
from zhenggai.demo.ledger import create_demo_master
from zhenggai.io.calamine import open_book

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
# _meta holds the random identity of each master: compared by keys only.
IDENTITY = "_meta"


def _content(path: Path) -> dict[str, object]:
    book = open_book(path)
    content: dict[str, object] = {"sheets": book.sheet_names}
    for name in book.sheet_names:
        grid = book.grid(name)
        content[name] = [row[0] for row in grid] if name == IDENTITY else grid
    content["visibility"] = [book.visibility(n) for n in book.sheet_names]
    return content


@pytest.mark.parametrize(("name", "demo"), [("整改台账模板.xlsx", False), ("示例台账.xlsx", True)])
def test_shipped_master_is_up_to_date(tmp_path, name, demo):
    shipped = WORKBOOKS / name
    assert shipped.is_file(), "run `make workbooks`"
    fresh = (create_demo_master if demo else create_master)(tmp_path / name)
    got, want = _content(shipped), _content(fresh)
    for key in want:
        if key == IDENTITY:
            assert got[key][:3] == want[key][:3]
        else:
            assert got[key] == want[key], f"workbooks/{name} 的“{key}”已过时：运行 make workbooks"
