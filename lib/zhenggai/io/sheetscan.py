"""A sheet's XML read once, with expat, before calamine reads it.

calamine builds a dense grid from A1 to the farthest value and *aborts the
process* when the allocation fails; it also reads a shared-string index it
cannot parse (``-1``) as the first string, and reports a formula's cached
value and an error cell as ''. :func:`scan_sheet` finds all of that:

* the :class:`Extent` — how far the values reach, placed exactly as calamine
  places them (a ``<row>`` or ``<c>`` without ``r`` follows the previous one;
  a cell's ``r`` does not move the row), so :func:`check_extent` can refuse a
  far value before calamine allocates for it;
* formula cells, error cells, and cells calamine would read as something
  they do not hold (a shared-string index that is not a plain number in range).

The usual sheet is checked without a Python call per element: a
well-formedness pass at C speed (:func:`zhenggai.io.xmlparts.parse_xml`) and
a few byte patterns that can only match if every cell is plain — on a
well-formed sheet with no DTD they over-match (comments, text), never
under-match, so any doubt falls through to the full scan.

Example:
    >>> xml = b'<worksheet><sheetData><row r="2"><c r="B2" t="s"><v>0</v></c></row></sheetData></worksheet>'
    >>> scan_sheet(xml, part="sheet1.xml", strings=1).unreadable
    {}
    >>> scan_sheet(xml.replace(b"<v>0<", b"<v>-1<"), part="s", strings=1).unreadable
    {(2, 2): '-1'}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.errors import WorkbookError
from ..core.problems import Code, cell_name, column_letter
from .xmlparts import local, new_parser, parse_xml

__all__ = [
    "AREA_PER_VALUE",
    "MAX_AREA",
    "MIN_AREA",
    "Extent",
    "SheetScan",
    "check_extent",
    "scan_sheet",
]

# A sheet may span this many cells whatever it holds (about 40 MB to read) ...
MIN_AREA = 1_000_000
# ... beyond that, at most this many cells per value it holds ...
AREA_PER_VALUE = 20
# ... and never more than this (about 1 GB to read).
MAX_AREA = 30_000_000

Pos = tuple[int, int]

# Every cell "<c r="A1"…" .. "Z999", none prefixed: within A1:Z999 whatever it holds and
# wherever its row says it is (a cell's own reference places it). On a well-formed sheet
# (no attribute twice, no DTD: checked by expat) these can only over-match.
_ODD_CELL = re.compile(rb'<c(?:[\t\n\r/>]| (?!r="[A-Z]\d{1,3}"))')
_PREFIXED = re.compile(rb":c[\s/>]")
# Any shared-string type however it is quoted or spaced (an attribute merely ending in
# "t" matches too: more matches only send the sheet to the full scan) ...
_ANY_TYPE_S = re.compile(rb"t\s*=\s*[\"']s[\"']")
# Error cells as writers spell them: a stranger spelling can only make an error cell
# read as empty, which a unit could do anyway by clearing it.
_TYPE_E = (b't="e"', b"t='e'")
# ... and a shared-string cell as Excel, WPS, LibreOffice and openpyxl write it.
_PLAIN_S = re.compile(rb'<c r="[A-Z]{1,3}\d{1,7}"(?: s="\d{1,6}")? t="s"><v>(\d{1,9})</v></c>')
_INDEX = re.compile(rb"<(?:[\w.-]+:)?v>(\d{1,9})$")
_REF = re.compile(r"([A-Za-z]*)(\d+)")


@dataclass(frozen=True)
class Extent:
    """The cells a sheet's values span from A1, and how many values it holds.

    Attributes:
        rows, cols: the farthest row and column holding a value (1-based).
        values: cells holding something (an upper bound).
        far: the cell that reaches farthest, e.g. "XFD1048576".
    """

    rows: int
    cols: int
    values: int
    far: str

    @property
    def area(self) -> int:
        return self.rows * self.cols


SMALL = Extent(999, 26, 0, "")
"""The reach of a sheet whose every cell and row reference is within A1:Z999."""


@dataclass
class SheetScan:
    """What one reading of a sheet's XML found (positions 1-based (row, col)).

    Attributes:
        extent: how far its values reach.
        formulas: formula cells -> the formula with "=" ("" for a shared formula's follower).
        errors: error cells (#N/A …).
        unreadable: cells calamine would read as something else -> the raw text.
        numbers: with ``numbers=True``, number cells -> their text.
    """

    extent: Extent = SMALL
    formulas: dict[Pos, str] = field(default_factory=dict)
    errors: set[Pos] = field(default_factory=set)
    unreadable: dict[Pos, str] = field(default_factory=dict)
    numbers: dict[Pos, str] = field(default_factory=dict)


def scan_sheet(xml: bytes, *, part: str, strings: int | None, numbers: bool = False) -> SheetScan:
    """Read sheet XML *xml* (package member *part*); *strings*: shared strings in the book.

    Raises:
        WorkbookError: not well-formed, a DTD, a reference calamine cannot read.
    """
    if not numbers and _plain(xml, strings):
        parse_xml(xml, part=part)  # well-formed: the patterns above saw the real markup
        return SheetScan()
    return _Scanner(xml, part, strings, numbers).run()


def _plain(xml: bytes, strings: int | None) -> bool:
    """True when byte patterns alone show the sheet is small, formula-free and readable as is."""
    if _ODD_CELL.search(xml) or _PREFIXED.search(xml):
        return False
    if (
        b"f>" in xml
    ):  # a formula with text ("</f>", "</x:f>"): a shared one's followers come with one
        return False
    if any(t in xml for t in _TYPE_E):
        return False
    if strings is None:
        return True  # no shared strings: calamine fails on any index, it cannot misread one
    typed = _ANY_TYPE_S.findall(xml)
    if not typed:
        return True
    plain = _PLAIN_S.findall(xml)
    return strings is not None and len(plain) == len(typed) and max(int(i) for i in plain) < strings


def _number(ref: str, *, cell: bool, part: str) -> Pos:
    """(row, col) of reference *ref* as calamine reads it (1-based; col 0 when absent)."""
    m = _REF.fullmatch(ref)
    if m is None or int(m.group(2)) == 0 or (cell and not m.group(1)):
        raise WorkbookError(
            f"{part[:80]} 中的单元格位置“{ref[:20]}”无法识别，文件可能已损坏，无法读取，请重新报送。",
            code=Code.FILE_CORRUPT,
        )
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


class _Scanner:
    """calamine's walk through ``<sheetData>``, one expat event at a time."""

    def __init__(self, xml: bytes, part: str, strings: int | None, numbers: bool) -> None:
        self.xml, self.part, self.strings, self.want_numbers = xml, part, strings, numbers
        self.p = new_parser(part)
        self.out = SheetScan()
        self.depth = 0
        self.state = 0  # 0 before <sheetData>, 1 inside, 2 after
        self.row = self.col = 0  # calamine's next position, 0-based
        self.cell = 0  # depth of the open <c>, 0 outside one
        self.pos: Pos = (0, 0)
        self.type: str | None = None
        self.valued = False
        self.child = ""
        self.child_at = 0
        self.text: list[str] = []
        self.rows = self.cols = self.values = 0
        self.far_row: Pos = (0, 0)
        self.far_col: Pos = (0, 0)

    def run(self) -> SheetScan:
        parse_xml(self.xml, part=self.part, start=self.start, end=self.end, parser=self.p)
        r, c = self.far_col if self.cols > 702 else self.far_row
        far = cell_name(max(r, 1), max(c, 1)) if self.values else ""
        self.out.extent = Extent(self.rows, self.cols, self.values, far)
        return self.out

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.state != 1:
            if self.state == 0 and local(name) == "sheetData":
                self.state = 1
            return
        if self.cell:
            if self.depth == self.cell + 1:
                self._child(local(name))
            return
        tag = local(name)
        if tag == "row":
            r = attrs.get("r")
            if r is not None:
                self.row = _number(r, cell=False, part=self.part)[0] - 1
        elif tag == "c":
            r = attrs.get("r")
            if r is None:
                self.pos = (self.row + 1, self.col + 1)
            else:
                self.pos = _number(r, cell=True, part=self.part)
                self.col = self.pos[1] - 1
            self.cell, self.type, self.valued = self.depth, attrs.get("t"), False

    def _child(self, tag: str) -> None:
        self.child = tag
        if tag in ("v", "is"):
            self.valued = True
        if tag == "f" or (tag == "v" and (self.type == "s" or self.want_numbers)):
            self.text = []
            self.child_at = self.p.CurrentByteIndex
            self.p.CharacterDataHandler = self.text.append

    def end(self, name: str) -> None:
        if self.state == 1:
            if self.cell:
                if self.depth == self.cell + 1:
                    self._child_done()
                elif self.depth == self.cell:
                    self._cell_done()
            elif local(name) == "row":
                self.row, self.col = self.row + 1, 0
            elif local(name) == "sheetData":
                self.state = 2
        self.depth -= 1

    def _child_done(self) -> None:
        self.p.CharacterDataHandler = None
        text = "".join(self.text)
        self.text = []
        if self.child == "f":
            self.out.formulas[self.pos] = "=" + text if text else ""
        elif self.child == "v" and self.type == "s":
            raw = self.xml[self.child_at : self.p.CurrentByteIndex]
            m = _INDEX.match(raw)
            if m is None or self.strings is None or int(m.group(1)) >= self.strings:
                self.out.unreadable[self.pos] = text[:40]
        elif self.child == "v" and self.type in (None, "n") and text.strip():
            self.out.numbers[self.pos] = text.strip()[:40]
        self.child = ""

    def _cell_done(self) -> None:
        if self.type == "e":
            self.out.errors.add(self.pos)
        if self.valued:
            r, c = self.pos
            self.values += 1
            if r > self.rows:
                self.rows, self.far_row = r, self.pos
            if c > self.cols:
                self.cols, self.far_col = c, self.pos
        self.cell = 0
        self.col += 1


def check_extent(scan: Extent, *, sheet: str) -> Extent:
    """Refuse a sheet whose values span far more cells than it holds.

    A stray value in XFD1048576 makes calamine allocate ~550 GB for the
    grid; a value at P1048576 of a 100-row return still costs ~800 MB.

    Raises:
        WorkbookError: code ``file-too-large``, naming the far cell.
    """
    allowed = min(max(MIN_AREA, AREA_PER_VALUE * scan.values), MAX_AREA)
    if scan.area <= allowed:
        return scan
    raise WorkbookError(
        f"工作表“{sheet}”的 {scan.far} 单元格有内容，使表格范围达到 {scan.rows} 行 × "
        f"{scan.cols} 列（到 {column_letter(scan.cols)} 列），远超实际内容，读取会耗尽内存，已拒绝读取。"
        "请删除这个单元格的内容（可按 Ctrl+End 找到它）后重新报送。",
        code=Code.FILE_TOO_LARGE,
        sheet=sheet,
        cell=scan.far,
    )
