"""``_meta`` is parsed and signed from one split of its rows: every row used is signed.

The audit's instance: a row whose first cell is "signature" was left out of
the signed text but parsed as data (an 编号 "signature" with base values of
one's choosing). The property: add any row anywhere in a template's
``_meta``; either it no longer parses, or the signature fails, or nothing
the parser returns has changed.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.errors import WorkbookError
from zhenggai.template.meta import build_meta, meta_grid, meta_signature_ok, parse_meta

KEY = "ab" * 32


def _meta():
    return build_meta(
        KEY,
        ledger_id="L1",
        unit="办公室",
        batch="2026年11月",
        issued=datetime(2026, 11, 20, 9),
        spec_version="1",
        sheet="填报",
        header_row=6,
        columns=["id", "measure", "progress"],
        headers=["编号", "整改措施", "整改进展"],
        editable=["progress"],
        rows=[
            ("1", {"measure": "学习", "progress": "未开始"}),
            ("2", {"measure": "整改", "progress": ""}),
        ],
    )


def _data(meta):
    return (
        meta.unit,
        meta.batch,
        meta.issued,
        meta.ids,
        meta.base,
        meta.tags,
        meta.columns,
        meta.locked_mac,
    )


CELL = st.one_of(
    st.sampled_from(["signature", "[rows]", "unit", "kind", "1", "2", "base:progress", ""]),
    st.text(max_size=6),
)


@given(at=st.integers(0, 30), row=st.lists(CELL, min_size=1, max_size=4))
def test_no_row_can_be_added_unsigned(at, row):
    original = _meta()
    grid = meta_grid(original)
    grid.insert(min(at, len(grid)), row)
    try:
        parsed = parse_meta(grid)
    except WorkbookError:
        return
    if meta_signature_ok(KEY, parsed):
        assert _data(parsed) == _data(original)


def test_a_table_row_called_signature_is_signed_like_any_other():
    grid = meta_grid(_meta())
    grid.append(["signature", "已完成"])  # as an 编号 with a base value of one's choosing
    parsed = parse_meta(grid)
    assert "signature" in parsed.ids and not meta_signature_ok(KEY, parsed)


def test_a_second_signature_row_is_refused():
    grid = meta_grid(_meta())
    grid.insert(1, ["signature", "0" * 64])
    with pytest.raises(WorkbookError, match="签名行"):
        parse_meta(grid)
