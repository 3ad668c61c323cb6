"""The shape of a returned template: merges."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from zhenggai.returns.checked import CheckedReturn
from zhenggai.returns.shape import merged_cells


def test_a_merge_reaching_xfd1048576_blocks_only_cells_that_exist():
    out = CheckedReturn("x.xlsx", Path("x.xlsx"), "", datetime(2026, 11, 25))
    blocked = merged_cells(out, [(9, 13, 1_048_576, 16_384), (1, 1, 1, 17)], 8, rows=11, cols=17)
    assert blocked == {(r, c) for r in range(9, 12) for c in range(13, 18)}
    assert [p.cell for p in out.problems] == ["M9:XFD1048576"]  # the title merge is left alone
