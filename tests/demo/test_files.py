"""``zhenggai init --demo`` writes the master and the study exports beside it, or nothing."""

from __future__ import annotations

import pytest

from zhenggai.core.errors import UsageError
from zhenggai.demo.files import create_demo
from zhenggai.demo.study import DEMO_EXPORTS
from zhenggai.study.export import read_export_file


def test_demo_writes_the_master_and_both_study_exports(tmp_path):
    files = create_demo(tmp_path / "示例台账.xlsx")
    assert [p.name for p in files.exports] == list(DEMO_EXPORTS)
    assert files.master.is_file()
    assert all(read_export_file(p).problems == [] for p in files.exports)


def test_an_existing_export_stops_the_demo_before_anything_is_written(tmp_path):
    mine = tmp_path / DEMO_EXPORTS[1]
    mine.write_bytes(b"the office's own file")
    with pytest.raises(UsageError, match=DEMO_EXPORTS[1]):
        create_demo(tmp_path / "示例台账.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == [DEMO_EXPORTS[1]]
    assert mine.read_bytes() == b"the office's own file"
    create_demo(tmp_path / "示例台账.xlsx", force=True)
    assert read_export_file(mine).problems == []
