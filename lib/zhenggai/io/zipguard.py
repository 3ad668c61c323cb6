"""Refusing hostile workbook packages before any XML is parsed.

A returned file comes from outside. It may be a zip bomb, hold path-like
member names, declare XML entities, or carry one stray value so far down or
right that reading the sheet would need gigabytes: calamine builds a dense
grid from A1 to the farthest value and *aborts the process* when the
allocation fails, so one such cell would stop a whole consolidation. The
checks here look only at the zip directory and at raw bytes:

* :func:`check_entry_count` — the number of members, read from the zip's end
  record before the directory itself is parsed (a "many entries" bomb);
* :func:`check_members` — declared size per member and in total, compression
  ratio and path-like names. Declared sizes are binding: Python's zipfile and
  calamine both fail a member that inflates past its declared size;
* :func:`check_extent` — the cells a sheet's values would span, from its XML;
* :func:`unsafe_xml` — an entity declaration (``<!DOCTYPE``, ``<!ENTITY``).
  calamine never expands entities (it fails on them), so this is only asked
  once calamine has refused a file, to say what is wrong with it.

Every refusal is a :class:`~zhenggai.core.errors.WorkbookError` with a code and a
Chinese message.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from ..core.errors import WorkbookError
from ..core.problems import Code, cell_name, column_letter
from .failures import PACKAGE_ERRORS

__all__ = [
    "HEAD",
    "MAX_ENTRIES",
    "MAX_ENTRY",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "TAIL",
    "Extent",
    "check_area",
    "check_entry_count",
    "check_extent",
    "check_members",
    "dimension_area",
    "entry_count",
    "measure_extent",
    "sheet_parts",
    "trusted_head_ok",
    "unsafe_xml",
    "xml_unescape",
]

# An xlsx holds a few dozen parts; thousands of pictures would still fit.
MAX_ENTRIES = 10_000
# A 100,000-row master's sheet is ~170 MB of XML; nothing legitimate is bigger.
MAX_ENTRY = 256 * 1024 * 1024
MAX_UNCOMPRESSED = 400 * 1024 * 1024
# XML compresses 10-50 times; a bomb compresses 1,000 times.
MAX_RATIO = 200
RATIO_FLOOR = 2 * 1024 * 1024  # small parts compress well and are harmless
# A sheet may span this many cells whatever it holds (about 40 MB to read) ...
MIN_AREA = 1_000_000
# ... beyond that, at most this many cells per value it holds ...
AREA_PER_VALUE = 20
# ... and never more than this (about 1 GB to read).
MAX_AREA = 30_000_000
HEAD = 64 * 1024  # the first bytes of a part: where a sheet's <dimension> and a DTD are

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
TAIL = 22 + 0xFFFF + 20  # the end record, the longest comment, the zip64 locator

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ENTITY_REF = re.compile(r"&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# Excel, WPS, LibreOffice and openpyxl write every cell and row as <c r="…"> / <row r="…">.
# A sheet whose every cell is <c r="A1"> … <c r="Z999"> and every row <row r="1"> …
# <row r="999"> cannot reach far: one pass each finds any cell or row that is not so.
_ODD_CELL = re.compile(rb'<c(?:[\t\n\r/>]| (?!r="[A-Z]\d{1,3}"))')
_ODD_ROW = re.compile(rb'<row(?:[\t\n\r/>]| (?!r="\d{1,3}"))')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(\s[^>]*?)?(/?)>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)(\d*)["']""")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


def _refuse(message: str, code: Code = Code.FILE_TOO_LARGE, **where: str) -> WorkbookError:
    return WorkbookError(message, code=code, **where)


# --- the zip directory ----------------------------------------------------------


def entry_count(tail: bytes) -> int | None:
    """Members the zip says it holds, from its last bytes (None when no end record is found)."""
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 22:
        return None
    (count,) = struct.unpack_from("<H", tail, at + 10)
    if count == 0xFFFF:  # zip64: the real count is in the zip64 end record
        loc = tail.rfind(_EOCD64_LOCATOR, 0, at)
        rec = tail.rfind(_EOCD64, 0, loc) if loc >= 0 else -1
        if rec < 0 or len(tail) < rec + 40:
            return int(count)
        (count,) = struct.unpack_from("<Q", tail, rec + 32)
    return int(count)


def check_entry_count(tail: bytes) -> None:
    """Refuse a zip claiming more than :data:`MAX_ENTRIES` members (before reading its directory)."""
    count = entry_count(tail)
    if count is not None and count > MAX_ENTRIES:
        raise _refuse(
            f"文件内含 {count} 个部件（正常的 Excel 文件只有几十个），疑似异常文件，已拒绝读取。"
            "请用办公室下发的原模板重新填报。"
        )


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        name.startswith(("/", "\\"))
        or ".." in parts
        or bool(re.match(r"^[A-Za-z]:", name))
        or "\x00" in name
    )


def check_members(zf: zipfile.ZipFile) -> None:
    """Refuse zip bombs (declared sizes, ratio) and path-like member names."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refuse(f"文件内含 {len(infos)} 个部件，疑似异常文件，已拒绝读取。")
    total = 0
    for info in infos:
        if _unsafe_name(info.filename):
            raise _refuse(
                f"文件内部含有路径形式的部件名“{info.filename[:80]}”，Excel 不会这样保存，"
                "疑似恶意文件，已拒绝读取。请用办公室下发的原模板重新填报。",
                Code.FILE_UNSAFE,
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_ENTRY or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise _refuse(
                f"文件解压后过大（其中 {info.filename[:80]} 解压后 {_mb(info.file_size)}，"
                f"压缩比 {ratio:.0f} 倍），疑似异常文件，已拒绝读取。请用办公室下发的原模板重新填报。"
            )
        if total > MAX_UNCOMPRESSED:
            raise _refuse(
                f"文件解压后共超过 {_mb(MAX_UNCOMPRESSED)}（{len(infos)} 个部件），疑似异常文件，"
                "已拒绝读取。请用办公室下发的原模板重新填报。"
            )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def unsafe_xml(zf: zipfile.ZipFile) -> str | None:
    """The first XML part that declares a DTD or entities (Excel never writes one), or None."""
    for info in zf.infolist():
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with zf.open(info) as fh:
                head = fh.read(HEAD)
        except PACKAGE_ERRORS:
            continue
        if _ENTITY.search(head):
            return info.filename
    return None


# --- where a sheet is -------------------------------------------------------------


def _attrs(blob: bytes) -> dict[str, str]:
    return {k.decode(): xml_unescape(v.decode("utf-8", "replace")) for k, v in _ATTR.findall(blob)}


def _reference(m: re.Match[str]) -> str:
    if m.group(3):
        return _NAMED[m.group(3)]
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"


def xml_unescape(text: str) -> str:
    """XML text as written -> the text: the five named entities and numeric references
    (openpyxl writes "详见" in a formula as "&#35814;&#35265;")."""
    return _ENTITY_REF.sub(_reference, text) if "&" in text else text


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member holding it, from the workbook and its relationships."""
    try:
        workbook = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for m in _REL.finditer(rels):
        attrs = _attrs(m.group(1))
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[attrs.get("Id", "")] = posixpath.normpath(path)
    parts: dict[str, str] = {}
    for m in _SHEET.finditer(workbook):
        attrs = _attrs(m.group(1))
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        if "name" in attrs and rid in targets:
            parts.setdefault(attrs["name"], targets[rid])
    return parts


# --- how far a sheet reaches --------------------------------------------------------


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


def _column(letters: bytes) -> int:
    col = 0
    for ch in letters.upper():
        col = col * 26 + ch - 64
    return col


def dimension_area(head: bytes) -> int | None:
    """Cells the sheet's ``<dimension>`` claims (from A1), or None when it has none."""
    m = _DIMENSION.search(head)
    if m is None or m.group(2) is None:
        return None
    last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
    return _column(last_col or b"A") * int(last_row)


def _scan_extent(xml: bytes) -> Extent:
    """Every cell and row: those without references follow the previous one, as calamine reads them."""
    rows = cols = values = 0
    far_row = far_col = (0, 0)
    row = col = 0
    for tag, attrs, closed in _iter_tags(xml):
        ref = _R_ATTR.search(attrs) if attrs else None
        if tag == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
            continue
        if ref and ref.group(1):
            col = _column(ref.group(1))
            if ref.group(2):
                row = max(int(ref.group(2)), 1)
        else:
            col += 1
        if closed:
            continue
        values += 1
        if row > rows:
            rows, far_row = row, (row, col)
        if col > cols:
            cols, far_col = col, (row, col)
    return _extent(rows, cols, values, far_row, far_col)


def _iter_tags(xml: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    for m in _TAG.finditer(xml):
        yield m.group(1), m.group(2) or b"", m.group(3)


def _extent(
    rows: int, cols: int, values: int, far_row: tuple[int, int], far_col: tuple[int, int]
) -> Extent:
    # Name the cell that makes the sheet large: a column past ZZ is a stray value; else the far row.
    r, c = far_col if cols > 702 else far_row
    far = cell_name(max(r, 1), max(c, 1)) if values else ""
    return Extent(rows, cols, values, far)


def measure_extent(xml: bytes) -> Extent:
    """The :class:`Extent` of a sheet from its XML (three quick passes for the usual small sheet)."""
    if _ODD_CELL.search(xml) or _ODD_ROW.search(xml) or _PREFIXED.search(xml):
        return _scan_extent(xml)
    return Extent(999, 26, 0, "")  # within A1:Z999, whatever it holds


def check_extent(xml: bytes, *, sheet: str) -> Extent:
    """Refuse a sheet whose values span far more cells than it holds.

    A stray value in XFD1048576 makes calamine allocate ~550 GB for the
    grid; a value at P1048576 of a 100-row return still costs ~800 MB.

    Raises:
        WorkbookError: code ``file-too-large``, naming the far cell.
    """
    return check_area(measure_extent(xml), sheet=sheet)


def check_area(extent: Extent, *, sheet: str) -> Extent:
    """:func:`check_extent` on an extent measured elsewhere (an .ods's ``content.xml``).

    Raises:
        WorkbookError: code ``file-too-large``, naming the far cell.
    """
    allowed = min(max(MIN_AREA, AREA_PER_VALUE * extent.values), MAX_AREA)
    if extent.area <= allowed:
        return extent
    raise _refuse(
        f"工作表“{sheet}”的 {extent.far} 单元格有内容，使表格范围达到 {extent.rows} 行 × "
        f"{extent.cols} 列（到 {column_letter(extent.cols)} 列），远超实际内容，读取会耗尽内存，已拒绝读取。"
        "请删除这个单元格的内容（可按 Ctrl+End 找到它）后重新报送。",
        sheet=sheet,
        cell=extent.far,
    )


def trusted_head_ok(head: bytes) -> bool:
    """Whether a trusted sheet's ``<dimension>`` alone shows it is small enough to read."""
    area = dimension_area(head)
    return area is not None and area <= MAX_AREA // 3
