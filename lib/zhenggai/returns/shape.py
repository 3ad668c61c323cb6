"""The shape of a returned template: header, rows, merges and locked cells.

Each check compares the 填报 sheet with what ``_meta`` says was issued and
reports every difference at its cell. Rows are matched by 编号, never by
position, so a moved row is still the same item; a row with a changed
locked cell is not used at all (it may be another item in disguise).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.grid import Grid
from ..core.ledger import Ledger
from ..core.problems import Code, cell_name, show_value
from ..core.text import Value, canonical, canonical_all, normalise_text
from ..template.meta import TemplateMeta, changed_locked_cells
from .checked import CheckedReturn

__all__ = ["blank", "id_text", "locked_changes", "map_columns", "match_rows", "merged_cells"]

_SCAN_ROWS = 20  # how far below the issued header row a moved header is looked for


def _word(value: Value) -> str:
    text = value if isinstance(value, str) else canonical(value)
    return normalise_text(text).replace(" ", "").replace("\n", "")


def id_text(value: Value) -> str:
    if isinstance(value, str):
        return normalise_text(value)
    return canonical(value)


def blank(value: Value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def map_columns(out: CheckedReturn, meta: TemplateMeta, grid: Grid) -> tuple[int, dict[str, int]]:
    """The header row and field key -> column found, reporting every difference from the issue."""
    expected = [_word(h) for h in meta.headers]
    n = len(expected)

    def header_at(r: int) -> list[str]:
        return [_word(v) for v in grid[r - 1]] if 0 < r <= len(grid) else []

    hr = meta.header_row
    actual = header_at(hr)
    if actual[:n] == expected and not any(actual[n:]):
        return hr, {k: i for i, k in enumerate(meta.columns, start=1)}
    want = set(expected)
    scores = {
        r: len(want & set(header_at(r))) for r in range(1, min(len(grid), hr + _SCAN_ROWS) + 1)
    }
    best = max(scores, key=lambda r: (scores[r], r == hr), default=hr)
    if scores.get(best, 0) == 0:
        return hr, {}
    if best != hr:
        out.problem(
            Code.HEADER_MOVED,
            f"表头从第{hr}行移到了第{best}行（表头上方增删了行）。已按表头读取，今后请勿增删行。",
            cell=cell_name(best, 1),
        )
        hr, actual = best, header_at(best)
    row = grid[hr - 1]
    pos: dict[str, int] = {}
    for j, w in enumerate(actual, start=1):
        if w in want and w not in pos:
            pos[w] = j
    used = set(pos.values())
    columns: dict[str, int] = {}
    prev = 0
    for key, name, w in zip(meta.columns, meta.headers, expected, strict=True):
        if w in pos:
            columns[key] = prev = pos[w]
            continue
        j = prev + 1
        if j <= len(actual) and actual[j - 1] and j not in used:
            out.problem(
                Code.HEADER_RENAMED,
                f"表头“{name}”被改成了“{normalise_text(str(row[j - 1]))}”，这一列本次未读取。请改回原表头。",
                cell=cell_name(hr, j),
                value=row[j - 1],
            )
            used.add(j)
        else:
            out.problem(
                Code.COLUMN_DELETED,
                f"“{name}”列被删除了，这一列本次未读取。请用下发的原模板填报。",
                cell=cell_name(hr, j),
                value=name,
            )
        prev = j
    for j, w in enumerate(actual, start=1):
        if w and j not in used:
            out.problem(
                Code.COLUMN_INSERTED,
                f"插入了模板没有的列“{normalise_text(str(row[j - 1]))}”，这一列未读取。请勿增删列。",
                cell=cell_name(hr, j),
                value=row[j - 1],
            )
            used.add(j)
    return hr, columns


def match_rows(
    out: CheckedReturn, meta: TemplateMeta, grid: Grid, hr: int, columns: dict[str, int]
) -> dict[str, int]:
    """编号 -> return row, reporting rows added, deleted and repeated (neither copy is used)."""
    id_col = columns["id"]
    issued = set(meta.ids)
    rows: dict[str, int] = {}
    repeated: set[str] = set()
    mapped = set(columns.values())
    header = grid[hr - 1] if hr <= len(grid) else []
    width = max((len(row) for row in grid[hr:]), default=0)
    # columns with no header (calamine pads rows to the sheet's width); usually none
    headless = [
        c
        for c in range(1, width + 1)
        if c not in mapped and (c > len(header) or blank(header[c - 1]))
    ]
    stray: dict[int, int] = {}  # data under a column with no header: first row seen
    for r in range(hr + 1, len(grid) + 1):
        row = grid[r - 1]
        rid = id_text(row[id_col - 1]) if id_col <= len(row) else ""
        if not rid and all(blank(v) for v in row):
            continue
        for c in headless:
            if c <= len(row) and not blank(row[c - 1]):
                stray.setdefault(c, r)
        cell = cell_name(r, id_col)
        if not rid:
            out.problem(
                Code.ROW_ADDED,
                f"第{r}行没有编号，是新增的行，未汇总。模板中不能加行；新的事项请联系办公室。",
                cell=cell,
            )
        elif rid not in issued:
            out.problem(
                Code.ROW_ADDED,
                f"编号“{rid}”不是下发给本单位的事项（新增的行或改了编号），未汇总。请勿增行或改编号。",
                cell=cell,
                value=rid,
            )
        elif rid in rows or rid in repeated:
            out.problem(
                Code.ID_DUPLICATE,
                f"编号“{rid}”出现了不止一行（上一处在第{rows.get(rid, r)}行），这几行都未汇总。请删去复制出的行。",
                cell=cell,
                value=rid,
            )
            repeated.add(rid)
        else:
            rows[rid] = r
    for rid in repeated:
        rows.pop(rid, None)
    for i, rid in enumerate(meta.ids):
        if rid not in rows and rid not in repeated:
            r = meta.first_row + i
            out.problem(
                Code.ROW_DELETED,
                f"编号“{rid}”这一行被删除了（下发时在第{r}行），未汇总。请用下发的原模板填报，不要删行。",
                cell=f"{r}:{r}",
                value=rid,
            )
    for c, r in sorted(stray.items()):
        out.problem(
            Code.COLUMN_INSERTED,
            f"第{c}列没有表头却填了内容（插入了列？），这一列未读取。请勿增删列。",
            cell=cell_name(r, c),
            value=grid[r - 1][c - 1],
        )
    return rows


def merged_cells(
    out: CheckedReturn,
    ranges: Sequence[tuple[int, int, int, int]],
    hr: int,
    *,
    rows: int,
    cols: int,
) -> set[tuple[int, int]]:
    """Cells under merges in the table: the merge hides their values, so none is used.

    Only cells within *rows* x *cols* (the grid read) are listed: a merge may
    claim A1:XFD1048576, and cells past the values hold nothing to block.
    """
    blocked: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in ranges:
        if r2 < hr:
            continue  # the 填报说明 lines above the header are merged on purpose
        ref = f"{cell_name(r1, c1)}:{cell_name(r2, c2)}"
        out.problem(
            Code.MERGED_CELLS,
            f"单元格 {ref} 被合并了，合并区域内的内容本次未采用。请取消合并，每行分别填写。",
            cell=ref,
        )
        blocked.update(
            (r, c) for r in range(r1, min(r2, rows) + 1) for c in range(c1, min(c2, cols) + 1)
        )
    return blocked


def locked_changes(
    out: CheckedReturn,
    meta: TemplateMeta,
    grid: Grid,
    rows: dict[str, int],
    columns: dict[str, int],
    ledger: Ledger,
) -> set[str]:
    """Rows with a locked cell changed; such a row is not used at all (it may be another item)."""
    cols = [columns.get(k) for k in meta.locked]
    lost = None in cols  # a renamed or deleted column: its cells cannot be checked
    picked = [(rid, grid[r - 1]) for rid, r in rows.items()]
    # one canonical_all over every locked cell: its fast path checks the whole return at once
    canon = canonical_all(
        [row[c - 1] if c is not None and c <= len(row) else None for _, row in picked for c in cols]
    )
    n = len(cols)
    values: dict[str, Sequence[str | None]] = {}
    for i, (rid, _) in enumerate(picked):
        cells = canon[i * n : (i + 1) * n]
        values[rid] = (
            [None if c is None else v for c, v in zip(cols, cells, strict=True)] if lost else cells
        )
    changed = changed_locked_cells(ledger.meta.hmac_key, meta, values)
    if not changed:
        return set()
    master = ledger.table.by_id()
    spec = ledger.spec
    for rid, key in changed:
        r, c = rows[rid], columns[key]
        raw = grid[r - 1][c - 1] if c <= len(grid[r - 1]) else None
        name = spec.field(key).name if spec.has(key) else key
        now = master[rid].values.get(key) if rid in master else None
        out.problem(
            Code.LOCKED_CHANGED,
            f"“{name}”是台账内容（灰色列），不能修改（台账中为“{show_value(now)}”），"
            "这一行本次未汇总。请改回原内容后重新报送。",
            cell=cell_name(r, c),
            value=raw,
        )
    return {rid for rid, _ in changed}
