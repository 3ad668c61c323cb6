"""read_table types every cell as the plain cell-by-cell reading does, on ragged grids too."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from zhenggai.core.grid import find_header, read_table, typed_value
from zhenggai.core.spec import default_spec

SPEC = default_spec()

_CELL = st.one_of(
    st.none(),
    st.sampled_from(["已完成", " 正在整改\u3000", "", "00123", "a\r\nb", "=1+1", "\u200b"]),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
)


def _plain(grid):
    """The rows as a cell-by-cell reading gives them: (row, values, raw) of every non-empty row."""
    header = find_header(grid, SPEC)
    assert header is not None
    out = []
    for r in range(header.last_row, len(grid)):
        cells = grid[r]
        raw = {k: cells[c - 1] if c - 1 < len(cells) else None for k, c in header.columns.items()}
        values = {k: typed_value(SPEC.field(k), v) for k, v in raw.items()}
        if any(v is not None for v in values.values()):
            out.append((r + 1, values, raw))
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.permutations(SPEC.headers[:8]),
    st.lists(st.lists(_CELL, max_size=10), max_size=8),
)
def test_read_table_equals_the_cell_by_cell_reading(headers, body):
    grid = [list(headers), *body]
    table = read_table(grid, SPEC, sheet="台账")
    got = [(row.number, row.values, row.raw) for row in table.rows]
    assert got == _plain(grid)
    for row in table.rows:  # the same key order as the header's columns
        assert list(row.values) == list(row.raw) == list(table.columns)
