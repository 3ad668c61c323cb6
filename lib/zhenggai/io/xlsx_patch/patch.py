"""Save the master by rewriting only the sheet XML a command changes.

openpyxl loads every cell of every sheet and writes them all back: on a
50,000-row master that is ~40 s and ~400 MB for a few thousand changed
cells, and it drops what it does not understand (pictures, shapes, x14
extensions, cached formula values). :func:`patch` instead copies every part
of the workbook unchanged except

* the sheets a :class:`~zhenggai.core.changes.ChangeSet` touches, streamed row by
  row: the ``<c>`` of each edited cell is replaced (keeping its style, with a
  fill, date format or quote prefix added as :func:`zhenggai.io.style.write_value`
  would), appended rows are written after the last row holding a value, and a
  sheet rewritten whole (:class:`~zhenggai.core.changes.SheetTable`) keeps its head,
  its header row's styles and what follows its rows;
* ``xl/styles.xml``, to which the cell formats those cells need are appended;
* ``xl/workbook.xml`` (recalculate on open) and ``docProps/core.xml`` (time saved).

Charts of a sheet rewritten whole are drawn by openpyxl's own chart
serialisers into the drawing and chart parts the sheet already has, or the
first time into new ones (:mod:`.charts`).

Whatever it cannot do simply and surely raises :class:`Unsupported` before the
master is touched, and the caller saves through openpyxl instead: new sheets,
new columns, a drawing holding anything besides the charts drawn again, 1904 dates, cells without their ``r`` reference, rows
out of order, shared or array formulas in an edited cell, merged cells,
links or rules over the rows of a sheet rewritten whole, or a header that
moved.

Example:
    >>> patch(Path("台账.xlsx"), Path("tmp.xlsx"), changes)   # doctest: +SKIP
    {'变更记录': 1207}
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, NamedTuple

from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from ...core.changes import CellEdit, ChangeSet, Fill, SheetTable
from ...core.text import Value
from ..style import column_widths
from ..xmlparts import sheet_parts
from .charts import add_content_types, place_drawing, redraw
from .copy import copy_member
from .docparts import first_header, recalc_on_load, stamp_modified
from .links import hyperlinks_xml, place_hyperlinks, relinked
from .rows import row_cells, spliced
from .styles import Styles, Unsupported, cell_xml, edited_cell

__all__ = ["Patched", "Unsupported", "patch", "stamp_modified", "without_blank_tail"]

CHUNK = 1 << 20

_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ROW_REF = re.compile(rb'\br="(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_SPANS = re.compile(rb'\s+spans="[^"]*"')
_HAS_VALUE = re.compile(rb"<v>[^<]|<t(?:\s[^>]*)?>[^<]")
_DIMENSION = re.compile(rb'<dimension\s+ref="([^"]*)"\s*/>')
_COLS = re.compile(rb"<cols>.*?</cols>|<cols/>", re.S)
_AUTOFILTER = re.compile(rb'(<autoFilter\b[^>]*?\bref=")([^"]*)(")')
_AFTER_SHEETDATA = re.compile(
    rb"(?:\s*<(sheetCalcPr|sheetProtection|protectedRanges|scenarios)\b[^>]*?(?:/>|>.*?</\1>))*",
    re.S,
)
# What a sheet rewritten whole cannot keep: it points at rows that are gone.
_ROW_BOUND = re.compile(
    rb"<(?:mergeCell|hyperlink|conditionalFormatting|dataValidation|legacyDrawing)\b"
)
_DRAWING = re.compile(rb"<drawing\b")


@dataclass
class _SheetWork:
    """Everything one sheet gets, grouped from the ChangeSet."""

    part: str
    edits: dict[int, dict[int, list[CellEdit]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    appended: list[list[Value]] = field(default_factory=list)
    table: SheetTable | None = None
    first_appended: int = 0  # set by the pre-scan
    link_ids: list[str] = field(default_factory=list)  # relationship id of each table link
    drawing: bytes = b""  # the <drawing> element of a sheet's first charts


@dataclass(frozen=True)
class Patched:
    """What :func:`patch` wrote, for the caller's check.

    Attributes:
        sheets: the workbook's sheet names, in order (the patch never adds or removes one).
        appended: sheet name -> 1-based row of its first appended row.
    """

    sheets: list[str]
    appended: dict[str, int]


def patch(src: Path, dst: Path, changes: ChangeSet, *, now: datetime | None = None) -> Patched:
    """Write *src* with *changes* applied to *dst* (a new file).

    Raises:
        Unsupported: the change needs openpyxl; *dst* may be half written and must be discarded.
    """
    if changes.columns:
        raise Unsupported("新增列")
    for table in changes.tables:
        first = _first_data_row(table)
        if any(not first <= r < first + len(table.rows) for r, _ in table.fills):
            raise Unsupported(f"{table.name}: 表头或表外的底色")
    with zipfile.ZipFile(src) as zf:
        workbook_xml = zf.read("xl/workbook.xml")
        if re.search(rb'date1904="(?:1|true)"', workbook_xml):
            raise Unsupported("1904 日期系统")
        parts = sheet_parts(zf)
        work: dict[str, _SheetWork] = {}

        def sheet(name: str) -> _SheetWork:
            if name not in parts:
                raise Unsupported(f"工作表“{name}”不存在")
            return work.setdefault(name, _SheetWork(parts[name]))

        for e in changes.edits:
            sheet(e.sheet).edits[e.row][e.col].append(e)
        for name, rows in changes.appends:
            sheet(name).appended += without_blank_tail(rows)
        for table in changes.tables:
            if sheet(table.name).table is not None:
                raise Unsupported(f"{table.name}: 一次改写两遍")
            work[table.name].table = table
        for name, w in work.items():
            if w.table is not None and (w.edits or w.appended):
                raise Unsupported(f"{name}: 整表改写又逐格修改")
            if w.appended:
                w.first_appended = _last_value_row(zf, w.part) + 1
                if any(r >= w.first_appended for r in w.edits):
                    raise Unsupported(f"{name}: 修改的行在追加的行之后")
        styles = Styles(zf.read("xl/styles.xml"))
        by_part = {w.part: w for w in work.values()}
        redrawn: dict[str, bytes] = {}
        content_types: dict[str, str] = {}
        for table in changes.tables:
            w = work[table.name]
            drawn = redraw(zf, w.part, table) if table.charts else None
            if drawn is not None:
                redrawn |= drawn.parts
                content_types |= drawn.content_types
                w.drawing = drawn.element
            extra = drawn.relationship if drawn is not None else b""
            rels, w.link_ids = relinked(zf, w.part, table, extra=extra)
            redrawn |= rels
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            for info in zf.infolist():
                name = info.filename
                if name == "xl/workbook.xml":
                    out.writestr(info, recalc_on_load(workbook_xml))
                elif name == "docProps/core.xml":
                    out.writestr(info, stamp_modified(zf.read(info), now or datetime.now(UTC)))
                elif name in redrawn:
                    out.writestr(info, redrawn[name])
                elif name == "[Content_Types].xml" and content_types:
                    out.writestr(info, add_content_types(zf.read(info), content_types))
                elif name != "xl/styles.xml" and name not in by_part:
                    copy_member(zf, info, out)  # as compressed: the 台账 is 100 MB of XML
                elif name != "xl/styles.xml":
                    # streamed: the patched 台账 of a big master is 100 MB of XML
                    target = zipfile.ZipInfo(name, info.date_time)
                    target.compress_type = zipfile.ZIP_DEFLATED
                    target.external_attr = info.external_attr
                    with zf.open(info) as fh, out.open(target, "w", force_zip64=True) as sink:
                        for piece in _patch_sheet(fh, by_part[name], styles):
                            sink.write(piece)
            for name in redrawn.keys() - set(zf.namelist()):  # a sheet's first links, charts
                out.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), redrawn[name])
            # styles.xml last: the sheets above added the formats they need
            out.writestr(zf.getinfo("xl/styles.xml"), styles.render())
    appended = {name: w.first_appended for name, w in work.items() if w.appended}
    return Patched(list(parts), appended)


def without_blank_tail(rows: list[list[Value]]) -> list[list[Value]]:
    """*rows* without the blank rows at their end.

    A batch of appended rows starts below the last row holding a value, so a
    batch's blank last rows are where the next batch goes (as with openpyxl).
    """
    end = len(rows)
    while end and all(v is None or v == "" for v in rows[end - 1]):
        end -= 1
    return rows[:end]


# --- streaming a sheet ------------------------------------------------------------


HEAD, ROW, TAIL = 0, 1, 2


def _pieces(fh: IO[bytes]) -> Iterator[tuple[int, bytes, _Row | None]]:
    """The sheet as (HEAD, bytes up to ``<sheetData>``), (ROW, b"", row) per row, then
    (TAIL, bytes from ``</sheetData>``), reading 1 MB at a time."""
    buf = b""
    while True:
        start = buf.find(b"<sheetData")
        end = buf.find(b">", start) if start >= 0 else -1
        if end >= 0:
            break
        chunk = fh.read(CHUNK)
        if not chunk:
            raise Unsupported("工作表没有 sheetData")
        buf += chunk
    head, buf = buf[: end + 1], buf[end + 1 :]
    if head.endswith(b"/>"):  # <sheetData/>: no rows
        yield HEAD, head[:-2] + b">", None
        yield TAIL, b"</sheetData>" + buf + fh.read(), None
        return
    yield HEAD, head, None
    pos = 0
    while True:
        while pos < len(buf) and buf[pos] in b" \t\r\n":
            pos += 1
        row = _row_at(buf, pos)
        if row is not None:
            yield ROW, b"", row
            pos += len(row.raw)
            continue
        if buf.startswith(b"</sheetData>", pos):
            yield TAIL, buf[pos:] + fh.read(), None
            return
        if len(buf) - pos > 64 and not buf.startswith(b"<row", pos):
            raise Unsupported("工作表的行不是标准写法")
        chunk = fh.read(CHUNK)
        if not chunk:
            raise Unsupported("工作表不完整")
        buf = buf[pos:] + chunk
        pos = 0


class _Row(NamedTuple):
    attrs: bytes  # the start tag's attributes
    inner: bytes | None  # the cells; None for <row .../>
    raw: bytes  # the whole element


def _row_at(buf: bytes, pos: int) -> _Row | None:
    """The ``<row>`` element starting at *pos*, or None when it is not (wholly) there."""
    if not buf.startswith(b"<row", pos) or buf[pos + 4 : pos + 5] not in (b" ", b">", b"/"):
        return None
    gt = buf.find(b">", pos)
    if gt < 0:
        return None
    if buf[gt - 1 : gt] == b"/":
        return _Row(buf[pos + 4 : gt - 1], None, buf[pos : gt + 1])
    end = buf.find(b"</row>", gt)
    if end < 0:
        return None
    return _Row(buf[pos + 4 : gt], buf[gt + 1 : end], buf[pos : end + 6])


def _row_number(attrs: bytes, previous: int) -> int:
    m = _ROW_REF.search(attrs)
    number = int(m.group(1)) if m else previous + 1
    if number <= previous:
        raise Unsupported("工作表的行顺序不对")
    return number


def _last_value_row(zf: zipfile.ZipFile, part: str) -> int:
    """The last row holding a value (formatted empty rows below do not count)."""
    last = number = 0
    with zf.open(part) as fh:
        for _, _, m in _pieces(fh):
            if m is not None:
                number = _row_number(m.attrs, number)
                if m.inner and _HAS_VALUE.search(m.inner):
                    last = number
    return last


def _patch_sheet(fh: IO[bytes], w: _SheetWork, styles: Styles) -> Iterator[bytes]:
    if w.table is not None:
        yield from _rewrite_table(fh, w, styles)
        return
    pending = dict(w.edits)
    order = sorted(pending, reverse=True)  # popped from the end: ascending
    unwritten = w.appended  # emptied once written
    appended_at = w.first_appended
    appended_end = appended_at + len(w.appended) - 1 if w.appended else 0
    number = 0
    for kind, data, m in _pieces(fh):
        if kind == HEAD:
            yield _widen_dimension(data, w, appended_end)
        elif kind == TAIL:
            yield from _new_rows(pending, order, styles, upto=None)
            yield from _appended_rows(unwritten, appended_at, styles)
            yield data
        else:
            assert m is not None
            number = _row_number(m.attrs, number)
            yield from _new_rows(pending, order, styles, upto=number)
            if unwritten and number >= appended_at:
                yield from _appended_rows(unwritten, appended_at, styles)
                unwritten = []
            if appended_at <= number <= appended_end:
                continue  # an empty formatted row where an appended row now is
            edits = pending.pop(number, None)
            yield _edit_row(m, number, edits, styles) if edits else m.raw


def _new_rows(
    pending: dict[int, dict[int, list[CellEdit]]],
    order: list[int],
    styles: Styles,
    *,
    upto: int | None,
) -> Iterator[bytes]:
    """Rows that had no ``<row>`` element yet, for edits above row *upto* (all when None).

    *order* is the pending row numbers, descending; rows are taken from its end.
    """
    while order and (upto is None or order[-1] < upto):
        number = order.pop()
        edits = pending.pop(number, None)
        if edits:
            cells = b"".join(
                edited_cell(number, col, 0, e, styles) for col, e in sorted(edits.items())
            )
            yield b'<row r="%d">%s</row>' % (number, cells)


def _edit_row(m: _Row, number: int, edits: dict[int, list[CellEdit]], styles: Styles) -> bytes:
    inner = spliced(m.inner or b"", number, edits, styles)
    if inner is not None:
        return b"<row%s>%s</row>" % (_SPANS.sub(b"", m.attrs), inner)
    cells = row_cells(m.inner or b"", number)
    for col, e in edits.items():
        old = cells.get(col, b"")
        if (b't="shared"' in old and b"ref=" in old) or b't="array"' in old:
            raise Unsupported(f"第{number}行第{col}列是共享或数组公式")
        style = _STYLE.search(old[: old.find(b">")]) if old else None
        cells[col] = edited_cell(number, col, int(style.group(1)) if style else 0, e, styles)
    attrs = _SPANS.sub(b"", m.attrs)
    return b"<row%s>%s</row>" % (attrs, b"".join(cells[c] for c in sorted(cells)))


def _appended_rows(rows: list[list[Value]], start: int, styles: Styles) -> Iterator[bytes]:
    for number, values in enumerate(rows, start=start):
        cells = b"".join(
            cell_xml(number, col, 0, v, None, styles)
            for col, v in enumerate(values, start=1)
            if v is not None
        )
        yield b'<row r="%d">%s</row>' % (number, cells)


def _widen_dimension(head: bytes, w: _SheetWork, appended_end: int) -> bytes:
    m = _DIMENSION.search(head)
    if m is None:
        return head
    ref = m.group(1).decode()
    try:
        min_col, min_row, max_col, max_row = (b or 1 for b in range_boundaries(ref))
    except ValueError:
        return head
    rows = [max_row, appended_end, *w.edits]
    cols = [max_col, *(len(r) for r in w.appended)]
    cols += [c for edits in w.edits.values() for c in edits]
    new = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max(cols))}{max(rows)}"
    return head[: m.start(1)] + new.encode() + head[m.end(1) :]


def _rewrite_table(fh: IO[bytes], w: _SheetWork, styles: Styles) -> Iterator[bytes]:
    """A sheet rewritten whole: keep its head and tail, replace every row and every link."""
    assert w.table is not None
    table = w.table
    header_styles: dict[int, int] = {}
    head = b""
    number = 0
    for kind, data, m in _pieces(fh):
        if kind == HEAD:
            head = data
        elif kind == ROW:
            assert m is not None
            number = _row_number(m.attrs, number)
            if number == table.header_row and table.header:
                for c in _CELL.finditer(m.inner or b""):
                    ref = _CELL_REF.search(c.group(1))
                    style = _STYLE.search(c.group(1))
                    if ref and style:
                        header_styles[column_index_from_string(ref.group(1).decode())] = int(
                            style.group(1)
                        )
        else:
            data = place_hyperlinks(data, b"")  # the old rows' links go with them
            if _ROW_BOUND.search(data) or (
                (not table.charts or w.drawing) and _DRAWING.search(data)
            ):
                raise Unsupported(f"{table.name}: 含合并单元格、链接、条件格式、数据验证或图形")
            if table.header and not header_styles and b"<pane" not in head:
                head = first_header(head, table.header_row)  # a sheet's first table
                header_styles = {1: styles.header()}
            if table.header and not header_styles:
                raise Unsupported(f"{table.name}: 原表头没有格式")
            if table.header and not re.search(
                rb'<pane\b[^>]*\bySplit="%d"' % table.header_row, head
            ):
                raise Unsupported(f"{table.name}: 表头位置变了")
            ncols = max([len(table.header), *(len(r) for r in table.rows)], default=1)
            last = _first_data_row(table) + len(table.rows) - 1
            yield _table_head(head, table, ncols, last)
            yield from _table_rows(table, header_styles, styles)
            links = hyperlinks_xml(sorted(table.links), w.link_ids)
            yield place_drawing(place_hyperlinks(_table_tail(data, table, last), links), w.drawing)


def _first_data_row(table: SheetTable) -> int:
    """1-based row of the table's first data row: below the title line and the header."""
    return 1 + (1 if table.title else 0) + (1 if table.header else 0)


def _table_tail(tail: bytes, table: SheetTable, last: int) -> bytes:
    """What follows the rows, with the filter over the new rows."""
    if not (table.header and table.rows):
        return tail
    ref = f"A{table.header_row}:{get_column_letter(len(table.header))}{last}".encode()
    if _AUTOFILTER.search(tail):
        return _AUTOFILTER.sub(lambda a: a.group(1) + ref + a.group(3), tail, count=1)
    after = _AFTER_SHEETDATA.match(tail, len(b"</sheetData>"))
    at = after.end() if after else len(b"</sheetData>")
    return tail[:at] + b'<autoFilter ref="' + ref + b'"/>' + tail[at:]


def _table_head(head: bytes, table: SheetTable, ncols: int, last: int) -> bytes:
    ref = f"A1:{get_column_letter(ncols)}{max(last, 1)}".encode()
    head = _DIMENSION.sub(b'<dimension ref="' + ref + b'"/>', head, count=1)
    sample: list[Sequence[Value]] = [table.header, *table.rows] if table.header else [*table.rows]
    widths = column_widths(sample) | table.widths
    cols = b"".join(
        b'<col min="%d" max="%d" width="%s" customWidth="1"/>' % (c, c, repr(float(w)).encode())
        for c, w in sorted(widths.items())
    )
    cols = b"<cols>" + cols + b"</cols>" if cols else b""
    if _COLS.search(head):
        return _COLS.sub(lambda _: cols, head, count=1)
    at = head.rfind(b"<sheetData")
    return head[:at] + cols + head[at:]


def _table_rows(
    table: SheetTable, header_styles: dict[int, int], styles: Styles
) -> Iterator[bytes]:
    if table.title:
        yield b'<row r="1">%s</row>' % cell_xml(1, 1, styles.title(), table.title, None, styles)
    number = _first_data_row(table) - 1
    if table.header:
        fallback = header_styles[max(header_styles)]
        cells = b"".join(
            cell_xml(number, c, header_styles.get(c, fallback), h, None, styles)
            for c, h in enumerate(table.header, start=1)
        )
        yield b'<row r="%d">%s</row>' % (number, cells)
    fills: dict[int, dict[int, Fill]] = defaultdict(dict)
    for (r, c), fill in table.fills.items():
        fills[r][c] = fill
    for values in table.rows:
        number += 1
        row_fills = fills.pop(number, {})
        width = max(len(values), max(row_fills, default=0))
        out = []
        for c in range(1, width + 1):
            value = values[c - 1] if c <= len(values) else None
            colour = row_fills.get(c)
            if value is None and colour is None and (c not in table.wrap or c > len(values)):
                continue
            plain = styles.link() if (number, c) in table.links else 0
            base = styles.xf(plain, wrap=c in table.wrap, fmt=table.number_formats.get(c))
            out.append(cell_xml(number, c, base, value, colour, styles))
        yield b'<row r="%d">%s</row>' % (number, b"".join(out))
