"""Checking a saved master before it replaces the old one.

A file written by the xml patch (:mod:`zhenggai.io.xlsx_patch`) is checked by
:func:`verify_patched`, which reads back only what the patch rewrote,
streaming: the members whose CRC or size differ from the master's (the
changed sheets, ``styles.xml``, ``workbook.xml`` …) and any sheet holding an
expected cell are decompressed 1 MB at a time and fed to a handler-less expat
parser (well-formed, at C speed; zipfile checks each CRC at the end), while
the rows holding expected cells are cut out by their bytes (``<row r="N"``)
and only those fragments are parsed. Each expected cell is compared by type
with what was meant: a date is the right Excel serial number in a date
format, a number the number in a format that is not a date, a bool
``t="b"``, text the inline (or shared) string equal to
:func:`~zhenggai.io.style.storable` of the value, empty an absent or empty
cell. Memory stays at a few MB whatever the size of the sheet.

A file written by openpyxl (the rare fallback) is read back with calamine
by :func:`verify_read_back`, every sheet holding an expected cell.

Any difference raises :class:`~zhenggai.core.errors.WorkbookError`
"保存校验失败：…，台账未改动。".
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any
from xml.parsers import expat

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import to_excel

from ..core.changes import ChangeSet
from ..core.errors import WorkbookError
from ..core.text import Value, canonical
from .calamine import open_book
from .parts import mark_counters
from .style import storable
from .xlsx_patch import without_blank_tail
from .xlsx_patch.styles import Styles, Unsupported
from .xmlparts import new_parser, sheet_parts

__all__ = ["Cell", "expected_cells", "verify_patched", "verify_read_back"]

CHUNK = 1 << 20

Key = tuple[str, int, int]
_XML = re.compile(r"\.(xml|rels)$", re.I)
_R = re.compile(rb'\sr="(\d+)"')
_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _failed(what: str) -> WorkbookError:
    return WorkbookError(f"保存校验失败：{what}，台账未改动。")


def expected_cells(changes: ChangeSet, appended: Mapping[str, int]) -> dict[Key, Value]:
    """The cells a saved file must hold: new column headers, every edit (the last
    write of a cell wins) and every value of the rows appended to a sheet, which
    start at row *appended[sheet]*.

    Text is given as the workbook holds it (:func:`~zhenggai.io.style.storable`).
    """
    expected = {(c.sheet, c.row, c.col): _stored(c.header) for c in changes.columns}
    expected |= {(e.sheet, e.row, e.col): _stored(e.value) for e in changes.edits}
    rows_by_sheet: dict[str, list[list[Value]]] = {}
    for name, rows in changes.appends:
        rows_by_sheet.setdefault(name, []).extend(without_blank_tail(rows))
    for name, rows in rows_by_sheet.items():
        for r, values in enumerate(rows, start=appended.get(name, 0)):
            if name in appended:
                expected |= {(name, r, c): _stored(v) for c, v in enumerate(values, start=1)}
    return expected


def _stored(value: Value) -> Value:
    return storable(value) if isinstance(value, str) else value


def _mismatch(sheet: str, row: int, col: int) -> WorkbookError:
    return _failed(f"{sheet} 第{row}行第{col}列读回的值与写入的不同")


def verify_read_back(tmp: Path, sheet_names: list[str], expected: Mapping[Key, Value]) -> None:
    """Re-read *tmp* with calamine: the sheets in order, and every *expected* cell."""
    book = open_book(tmp, accept=("xlsx", "xlsm"), trusted=True)
    if book.sheet_names != sheet_names:
        raise _failed("工作表与预期不一致")
    for (sheet, row, col), want in expected.items():
        grid = book.grid(sheet)
        got: Any = (
            grid[row - 1][col - 1] if row <= len(grid) and col <= len(grid[row - 1]) else None
        )
        if canonical(got) != canonical(want):
            raise _mismatch(sheet, row, col)


def verify_patched(
    tmp: Path, base: Path, sheet_names: list[str], expected: Mapping[Key, Value]
) -> dict[str, dict[str, int]]:
    """Check *tmp*, written by the xml patch from *base*, reading only what changed.

    Returns:
        The marks of :mod:`zhenggai.io.parts` counted in every member streamed
        (member -> label -> count), so the parts check need not read them again.

    Raises:
        WorkbookError: a sheet added, removed or moved; a rewritten part not
            well-formed or failing its CRC; an expected cell not holding its value.
    """
    try:
        with zipfile.ZipFile(base) as zb:
            before = {i.filename: (i.CRC, i.file_size) for i in zb.infolist()}
        with zipfile.ZipFile(tmp) as zf:
            parts = sheet_parts(zf)
            if list(parts) != sheet_names:
                raise _failed("工作表与预期不一致")
            wanted: dict[str, dict[int, dict[int, Value]]] = {}
            for (sheet, row, col), value in expected.items():
                if sheet not in parts:
                    raise _failed(f"缺少工作表“{sheet}”")
                wanted.setdefault(parts[sheet], {}).setdefault(row, {})[col] = value
            styles = _Styles(zf)
            counted: dict[str, dict[str, int]] = {}
            names = {p: s for s, p in parts.items()}
            for info in zf.infolist():
                name = info.filename
                changed = before.get(name) != (info.CRC, info.file_size)
                if name in wanted or (changed and _XML.search(name)):
                    rows = _Rows(names.get(name, name), wanted.get(name, {}), styles, zf)
                    counted[name] = _stream(zf, info, rows)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError) as exc:
        raise _failed(f"新文件无法读回（{type(exc).__name__}）") from exc
    return counted


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, rows: _Rows) -> dict[str, int]:
    """Decompress member *info* 1 MB at a time through expat, the mark counters and *rows*."""
    parser = new_parser(info.filename)
    counters = mark_counters(info.filename)
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            _parse(parser, chunk, info.filename)
            for counter in counters.values():
                counter.feed(chunk)
            rows.feed(chunk)
    _parse(parser, b"", info.filename, final=True)
    rows.close()
    return {label: c.count for label, c in counters.items()}


def _parse(parser: expat.XMLParserType, chunk: bytes, part: str, *, final: bool = False) -> None:
    try:
        parser.Parse(chunk, final)
    except expat.ExpatError as exc:
        raise _failed(
            f"{part} 不是完整的 XML（第{exc.lineno}行：{expat.ErrorString(exc.code)}）"
        ) from exc
    except WorkbookError as exc:  # a DOCTYPE or another encoding, from new_parser
        raise _failed(f"{part} 无法读回（{exc}）") from exc


class _Styles:
    """Which cell formats show dates, read from ``xl/styles.xml`` when first asked."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self._styles: Styles | None = None

    def is_date(self, index: int) -> bool:
        if self._styles is None:
            try:
                self._styles = Styles(self.zf.read("xl/styles.xml"))
            except (KeyError, Unsupported) as exc:
                raise _failed("新文件的单元格格式无法读回") from exc
        return self._styles.is_date(index)


class _Rows:
    """Cuts the wanted ``<row>`` elements out of a sheet's bytes fed in order.

    Only rows holding expected cells are parsed; the rest is skipped by byte
    searches. A region ends before the last ``<row`` seen, so every row it
    holds is whole; what follows is carried to the next chunk (at most one row).
    """

    def __init__(
        self, sheet: str, wanted: dict[int, dict[int, Value]], styles: _Styles, zf: zipfile.ZipFile
    ) -> None:
        self.sheet, self.wanted, self.styles, self.zf = sheet, wanted, styles, zf
        self.pending = sorted(wanted, reverse=True)  # popped from the end: ascending
        self.carry = b""
        self.last = 0  # number of the last row seen
        self._strings: dict[int, str] | None = None

    def feed(self, chunk: bytes) -> None:
        if not self.pending:
            return
        buf = self.carry + chunk
        cut = buf.rfind(b"<row")
        if cut < 0:
            self.carry = buf[-3:]
            return
        self.carry = buf[cut:]
        self._region(buf[:cut])

    def close(self) -> None:
        """The end of the sheet: the carried row, then every wanted row not found is absent."""
        if self.pending:
            self._region(self.carry)
        while self.pending:
            self._check(self.pending.pop(), None)

    def _region(self, region: bytes) -> None:
        at = region.rfind(b"<row")
        if at < 0:
            return
        end = region.find(b">", at)
        m = _R.search(region, at, end) if end >= 0 else None
        if m is not None:
            last = int(m.group(1))
            if self.pending[-1] > last:  # the common case: no wanted row here
                self.last = last
                return
            if self._quick(region, last):
                return
        self._walk(region)

    def _quick(self, region: bytes, last: int) -> bool:
        """Find each wanted row up to *last* by ``<row r="N"``; False when one is not there."""
        pos = 0
        found: list[tuple[int, bytes]] = []
        for n in reversed(self.pending):
            if n > last:
                break
            at = region.find(b'<row r="%d"' % n, pos)
            if at < 0:
                return False
            fragment = _fragment(region, at)
            found.append((n, fragment))
            pos = at + len(fragment)
        for _, fragment in found:
            self._check(self.pending.pop(), fragment)
        self.last = last
        return True

    def _walk(self, region: bytes) -> None:
        """Every row of *region* in turn (rows may lack ``r``: they follow the one before)."""
        pos = region.find(b"<row")
        while pos >= 0 and self.pending:
            end = region.find(b">", pos)
            if region[pos + 4 : pos + 5] not in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
                pos = region.find(b"<row", pos + 4)
                continue
            m = _R.search(region, pos, end)
            number = int(m.group(1)) if m else self.last + 1
            self.last = number
            fragment = _fragment(region, pos)
            while self.pending and self.pending[-1] < number:
                self._check(self.pending.pop(), None)  # no such row
            if self.pending and self.pending[-1] == number:
                self._check(self.pending.pop(), fragment)
            pos = region.find(b"<row", pos + len(fragment))

    def _check(self, number: int, fragment: bytes | None) -> None:
        wanted = self.wanted[number]
        cells = _picked(fragment, self.sheet, number, wanted) if fragment is not None else {}
        for col, want in wanted.items():
            if not self._holds(cells.get(col), want):
                raise _mismatch(self.sheet, number, col)

    def _holds(self, cell: Cell | None, want: Value) -> bool:
        if want is None or want == "":
            return cell is None or self._text(cell) == ""
        if cell is None:
            return False
        if isinstance(want, bool):
            return cell.t == "b" and cell.v.strip() == ("1" if want else "0")
        if isinstance(want, str):
            return cell.t in ("inlineStr", "s") and self._text(cell) == want
        if cell.t not in ("", "n"):
            return False
        try:
            number = float(cell.v)
        except ValueError:
            return False
        if isinstance(want, date):  # datetime too: an Excel serial number in a date format
            serial = float(to_excel(want))  # type: ignore[no-untyped-call]
            return math.isclose(number, serial, rel_tol=0, abs_tol=1e-9) and self.styles.is_date(
                cell.s
            )
        if isinstance(want, int) and cell.v.strip().lstrip("-").isdigit():
            number = int(cell.v)  # exact beyond 2**53, where floats are not
        return number == want and not self.styles.is_date(cell.s)

    def _text(self, cell: Cell) -> str:
        if cell.t == "s":
            text = self._shared(cell.v)
        elif cell.t == "inlineStr":
            text = cell.text
        else:
            text = cell.v
        return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)

    def _shared(self, index: str) -> str:
        if self._strings is None:
            self._strings = _shared_strings(self.zf)
        try:
            return self._strings[int(index)]
        except (ValueError, KeyError) as exc:
            raise _failed(f"{self.sheet} 的共享字符串无法读回") from exc


def _picked(
    fragment: bytes, sheet: str, number: int, wanted: Mapping[int, Value]
) -> dict[int, Cell]:
    """The *wanted* cells of one ``<row>`` element, by 1-based column.

    Each is found by its reference as the patch writes it (``<c r="L7"``) and
    only that ``<c>`` is parsed: overdue writes into every row of a 100,000-row
    sheet, and parsing whole rows cost ~60 Python callbacks a row. When one is
    not found so (absent, or written with another attribute order), the whole
    row is parsed.
    """
    cells: dict[int, Cell] = {}
    for col in wanted:
        at = fragment.find(b'<c r="%s%d"' % (get_column_letter(col).encode(), number))
        if at < 0:
            return _cells(fragment, sheet, number)
        gt = fragment.find(b">", at)
        close = gt + 1 if fragment[gt - 1 : gt] == b"/" else fragment.find(b"</c>", gt) + 4
        if gt < 0 or close < 4:
            raise _failed(f"{sheet} 第{number}行无法读回")
        cells |= _cells(fragment[at:close], sheet, number)
    return cells


def _fragment(region: bytes, at: int) -> bytes:
    """The whole ``<row>`` element starting at *at* (whole: the region ends before the next)."""
    gt = region.find(b">", at)
    if gt < 0:
        raise _failed("工作表的行不完整")
    if region[gt - 1 : gt] == b"/":
        return region[at : gt + 1]
    end = region.find(b"</row>", gt)
    if end < 0:
        raise _failed("工作表的行不完整")
    return region[at : end + 6]


class Cell:
    """One ``<c>`` read back: its type, style, ``<v>`` text and inline string text."""

    __slots__ = ("s", "t", "text", "v")

    def __init__(self, t: str, s: int) -> None:
        self.t, self.s, self.v, self.text = t, s, "", ""


def _cells(fragment: bytes, sheet: str, number: int) -> dict[int, Cell]:
    """The cells of one ``<row>`` element, by 1-based column."""
    cells: dict[int, Cell] = {}
    path: list[str] = []
    current: list[Cell] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        path.append(name)
        if name == "c":
            m = _REF.fullmatch(attrs.get("r", ""))
            if m is None or int(m.group(2)) != number:
                raise _failed(f"{sheet} 第{number}行有不在本行的单元格")
            cell = Cell(attrs.get("t", ""), int(attrs.get("s", "0") or 0))
            cells[column_index_from_string(m.group(1))] = cell
            current[:] = [cell]

    def end(name: str) -> None:
        path.pop()
        if name == "c":
            current.clear()

    def data(text: str) -> None:
        if not current or not path:
            return
        if path[-1] == "v":
            current[0].v += text
        elif path[-1] == "t" and "is" in path and "rPh" not in path:
            current[0].text += text

    p = expat.ParserCreate()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, data
    try:
        p.Parse(fragment, True)
    except (expat.ExpatError, ValueError) as exc:
        raise _failed(f"{sheet} 第{number}行无法读回") from exc
    return cells


def _shared_strings(zf: zipfile.ZipFile) -> dict[int, str]:
    """Every shared string by index (only asked for when an expected cell holds one)."""
    strings: dict[int, str] = {}
    path: list[str] = []
    text: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        path.append(name.rpartition(":")[2])
        if path[-1] == "si":
            text.clear()

    def end(name: str) -> None:
        if path.pop() == "si":
            strings[len(strings)] = "".join(text)

    def data(piece: str) -> None:
        if path and path[-1] == "t" and "rPh" not in path:
            text.append(piece)

    p = new_parser("xl/sharedStrings.xml")
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, data
    try:
        with zf.open("xl/sharedStrings.xml") as fh:
            p.ParseFile(fh)
    except (KeyError, expat.ExpatError) as exc:
        raise _failed("新文件的共享字符串无法读回") from exc
    return strings
