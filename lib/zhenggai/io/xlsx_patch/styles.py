"""Cell XML and the cell formats of ``xl/styles.xml`` that a patched cell needs."""

from __future__ import annotations

import re
from datetime import date, datetime
from xml.sax.saxutils import escape

from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_REVERSE, is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from ...core.changes import CellEdit, Fill
from ...core.sheets import DATE_FORMAT, DATETIME_FORMAT
from ...core.text import Value, is_formula_like
from ..style import storable

__all__ = [
    "ATTR",
    "GENERAL",
    "Styles",
    "Unsupported",
    "cell_xml",
    "edited_cell",
    "set_attr",
]


class Unsupported(Exception):
    """The change needs openpyxl: the reason says why (for the log and the tests)."""


def _styled(base: int, value: Value, colour: Fill | None, styles: Styles) -> int:
    """The cell format after writing *value* (and *colour*) into a cell of format *base*.

    What :func:`zhenggai.io.style.write_value` does: a date format for dates, the
    quote prefix for text Excel would run, General for a number in a date cell;
    nothing is ever taken away (a quote prefix stays), as in openpyxl.
    """
    fmt: str | None = None
    quote = False
    if isinstance(value, str):
        quote = is_formula_like(storable(value))
    elif isinstance(value, datetime):
        fmt = DATETIME_FORMAT
    elif isinstance(value, date):
        fmt = DATE_FORMAT
    elif isinstance(value, int | float) and not isinstance(value, bool) and styles.is_date(base):
        fmt = GENERAL  # a number in a date-formatted cell would read back as a date
    return styles.xf(base, fill=colour, fmt=fmt, quote=quote)


def edited_cell(row: int, col: int, base: int, edits: list[CellEdit], styles: Styles) -> bytes:
    """The cell after *edits* in order: the last value, every edit's format changes."""
    for e in edits[:-1]:
        base = _styled(base, e.value, e.fill, styles)
    return cell_xml(row, col, base, edits[-1].value, edits[-1].fill, styles)


def cell_xml(
    row: int, col: int, base: int, value: Value, colour: Fill | None, styles: Styles
) -> bytes:
    """One ``<c>``: *value* in the style *base* with what write_value would add."""
    ref = f"{get_column_letter(col)}{row}".encode()
    style = _styled(base, value, colour, styles)
    if isinstance(value, str):
        value = storable(value)
    s = b' s="%d"' % style if style else b""
    if value is None or value == "":
        return b'<c r="%s"%s/>' % (ref, s)
    if isinstance(value, bool):
        return b'<c r="%s"%s t="b"><v>%d</v></c>' % (ref, s, value)
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise Unsupported("非数值")
        return b'<c r="%s"%s><v>%s</v></c>' % (ref, s, repr(value).encode())
    if isinstance(value, date):
        serial = to_excel(value)  # type: ignore[no-untyped-call]
        return b'<c r="%s"%s><v>%s</v></c>' % (ref, s, repr(serial).encode())
    text = escape(_ESCAPE_LIKE.sub(r"_x005F_\1", value), {"\r": "&#13;"}).encode()
    return b'<c r="%s"%s t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (ref, s, text)


_XF = re.compile(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.S)


_FILL = re.compile(rb"<fill\b[^>]*?(?:/>|>.*?</fill>)", re.S)


_FONT = re.compile(rb"<font\b[^>]*?(?:/>|>.*?</font>)", re.S)


_BORDER = re.compile(rb"<border\b[^>]*?(?:/>|>.*?</border>)", re.S)


_NUMFMT = re.compile(rb"<numFmt\b[^>]*/>")


ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


_ALIGNMENT = re.compile(rb"<alignment\b[^>]*/>")


_NUMFMT_ID = re.compile(rb'\bnumFmtId="(\d+)"')


# Built-in formats that are dates in East Asian locales (not in openpyxl's table).
_CJK_DATE_IDS = {*range(27, 37), *range(50, 59)}


GENERAL = "General"


def _block(xml: bytes, tag: bytes) -> re.Match[bytes] | None:
    return re.search(rb"<%s\b[^>]*?(?:/>|>(.*?)</%s>)" % (tag, tag), xml, re.S)


def set_attr(tag: bytes, name: bytes, value: bytes) -> bytes:
    """*tag* (an element's start, up to and including its ``>``) with ``name="value"``."""
    pattern = re.compile(rb'(\s)%s="[^"]*"' % name)
    if pattern.search(tag):
        return pattern.sub(lambda m: m.group(1) + name + b'="' + value + b'"', tag, count=1)
    end = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:end] + b" " + name + b'="' + value + b'"' + tag[end:]


class Styles:
    """``xl/styles.xml`` with cell formats appended as cells need them."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        xfs = _block(xml, b"cellXfs")
        fills = _block(xml, b"fills")
        if xfs is None or fills is None:
            raise Unsupported("styles.xml 缺少 cellXfs 或 fills")
        self.xfs = _XF.findall(xfs.group(1) or b"")
        if not self.xfs:
            raise Unsupported("styles.xml 没有单元格格式")
        self.nfills = len(_FILL.findall(fills.group(1) or b""))
        fonts = _block(xml, b"fonts")
        if fonts is None:
            raise Unsupported("styles.xml 缺少 fonts")
        self.nfonts = len(_FONT.findall(fonts.group(1) or b""))
        self.new_fonts: list[bytes] = []
        self._title: int | None = None
        self._header: int | None = None
        self.new_borders: list[bytes] = []
        self._link: int | None = None
        declared = _block(xml, b"numFmts")  # (dxfs hold numFmts of their own: not these)
        self.formats: dict[str, int] = {}
        for element in _NUMFMT.findall(declared.group(0) if declared else b""):
            found = dict(ATTR.findall(element))
            if b"numFmtId" in found and b"formatCode" in found:
                self.formats[_unescape(found[b"formatCode"].decode())] = int(found[b"numFmtId"])
        # ids in use, even where we could not read the code: a new id must not collide
        self.format_ids = {int(i) for i in re.findall(rb'numFmtId="(\d+)"', xml)}
        self.new_xfs: list[bytes] = []
        self.new_fills: list[bytes] = []
        self.new_formats: list[bytes] = []
        self._xf_cache: dict[tuple[int, Fill | None, str | None, bool, bool], int] = {}
        self._fill_cache: dict[str, int] = {}

    def fill_id(self, colour: Fill) -> int:
        if not colour.value:
            return 0  # the "none" fill every styles.xml starts with
        if colour.value not in self._fill_cache:
            self.new_fills.append(
                b'<fill><patternFill patternType="solid"><fgColor rgb="00%s"/>'
                b'<bgColor indexed="64"/></patternFill></fill>' % colour.value.encode()
            )
            self._fill_cache[colour.value] = self.nfills + len(self.new_fills) - 1
        return self._fill_cache[colour.value]

    def title(self) -> int:
        """The cell format of a sheet's title line: 微软雅黑, bold, 14 pt (as style.write_table)."""
        if self._title is None:
            font = b'<font><b val="1"/><sz val="14"/><name val="%s"/></font>' % "微软雅黑".encode()
            self.new_fonts.append(font)
            tag, body = _open_xf(self.xfs[0])
            font_id = b"%d" % (self.nfonts + len(self.new_fonts) - 1)
            self.new_xfs.append(
                set_attr(set_attr(tag, b"fontId", font_id), b"applyFont", b"1") + body
            )
            self._title = len(self.xfs) + len(self.new_xfs) - 1
        return self._title

    def header(self) -> int:
        """The cell format of a header cell where the sheet has none yet (as style.style_header):
        微软雅黑 bold, the header fill, thin grey borders, centred and wrapped."""
        if self._header is None:
            borders = _block(self.xml, b"borders")
            if borders is None:
                raise Unsupported("styles.xml 缺少 borders")
            side = b'<%s style="thin"><color rgb="00BFBFBF"/></%s>'
            self.new_borders.append(
                b"<border>%s<diagonal/></border>"
                % b"".join(side % (s, s) for s in (b"left", b"right", b"top", b"bottom"))
            )
            self.new_fonts.append(
                b'<font><b val="1"/><name val="%s"/></font>' % "微软雅黑".encode()
            )
            border_id = len(_BORDER.findall(borders.group(1) or b"")) + len(self.new_borders) - 1
            tag, _ = _open_xf(self.xfs[0])
            for name, value in (
                (b"fontId", b"%d" % (self.nfonts + len(self.new_fonts) - 1)),
                (b"fillId", b"%d" % self.fill_id(Fill.HEADER)),
                (b"borderId", b"%d" % border_id),
                (b"applyFont", b"1"),
                (b"applyFill", b"1"),
                (b"applyBorder", b"1"),
                (b"applyAlignment", b"1"),
            ):
                tag = set_attr(tag, name, value)
            body = b'<alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
            self.new_xfs.append(tag + body)
            self._header = len(self.xfs) + len(self.new_xfs) - 1
        return self._header

    def link(self) -> int:
        """The cell format of a hyperlink: blue, underlined (as style.LINK_FONT)."""
        if self._link is None:
            fonts = _block(self.xml, b"fonts")
            first = _FONT.search(fonts.group(1) or b"") if fonts else None
            size = re.search(rb'<sz val="([^"]*)"', first.group(0)) if first else None
            name = re.search(rb'<name val="([^"]*)"', first.group(0)) if first else None
            self.new_fonts.append(
                b'<font><u val="single"/><sz val="%s"/><color rgb="FF0563C1"/><name val="%s"/></font>'
                % (size.group(1) if size else b"11", name.group(1) if name else b"Calibri")
            )
            tag, body = _open_xf(self.xfs[0])
            font_id = b"%d" % (self.nfonts + len(self.new_fonts) - 1)
            self.new_xfs.append(
                set_attr(set_attr(tag, b"fontId", font_id), b"applyFont", b"1") + body
            )
            self._link = len(self.xfs) + len(self.new_xfs) - 1
        return self._link

    def is_date(self, index: int) -> bool:
        """True when cell format *index* shows numbers as dates."""
        known = self.xfs + self.new_xfs
        m = (
            _NUMFMT_ID.search(known[index][: known[index].find(b">")])
            if index < len(known)
            else None
        )
        number = int(m.group(1)) if m else 0
        if number in _CJK_DATE_IDS:
            return True
        code = BUILTIN_FORMATS.get(number) or next(
            (c for c, i in self.formats.items() if i == number), "General"
        )
        return bool(is_date_format(code))

    def format_id(self, code: str) -> int:
        if code in BUILTIN_FORMATS_REVERSE:
            return int(BUILTIN_FORMATS_REVERSE[code])
        if code not in self.formats:
            self.formats[code] = max([163, *self.format_ids, *self.formats.values()]) + 1
            self.new_formats.append(
                b'<numFmt numFmtId="%d" formatCode="%s"/>'
                % (self.formats[code], escape(code, {'"': "&quot;"}).encode())
            )
        return self.formats[code]

    def xf(
        self,
        base: int,
        *,
        fill: Fill | None = None,
        fmt: str | None = None,
        quote: bool = False,
        wrap: bool = False,
    ) -> int:
        """Index of the cell format *base* changed as asked (*base* itself when nothing is)."""
        if fill is None and fmt is None and not quote and not wrap:
            return base
        key = (base, fill, fmt, quote, wrap)
        if key in self._xf_cache:
            return self._xf_cache[key]
        known = self.xfs + self.new_xfs
        tag, body = _open_xf(known[base] if base < len(known) else self.xfs[0])
        if fill is not None:
            tag = set_attr(set_attr(tag, b"fillId", b"%d" % self.fill_id(fill)), b"applyFill", b"1")
        if fmt is not None:
            tag = set_attr(tag, b"numFmtId", b"%d" % self.format_id(fmt))
            tag = set_attr(tag, b"applyNumberFormat", b"1")
        if quote:
            tag = set_attr(tag, b"quotePrefix", b"1")
        if wrap:
            tag = set_attr(tag, b"applyAlignment", b"1")
            old = _ALIGNMENT.search(body)
            if old:
                new = set_attr(set_attr(old.group(0), b"wrapText", b"1"), b"vertical", b"top")
                body = body[: old.start()] + new + body[old.end() :]
            else:
                body = b'<alignment vertical="top" wrapText="1"/>' + body
        self.new_xfs.append(tag + body)
        self._xf_cache[key] = len(self.xfs) + len(self.new_xfs) - 1
        return self._xf_cache[key]

    def render(self) -> bytes:
        xml = self.xml
        if self.new_formats:
            fmts = _block(xml, b"numFmts")
            if fmts is None:
                at = xml.find(b">", xml.find(b"<styleSheet")) + 1
                xml = (
                    xml[:at] + b"<numFmts>" + b"".join(self.new_formats) + b"</numFmts>" + xml[at:]
                )
            else:
                xml = _append(xml, fmts, b"numFmts", self.new_formats)
        for tag, new in (
            (b"fonts", self.new_fonts),
            (b"fills", self.new_fills),
            (b"borders", self.new_borders),
            (b"cellXfs", self.new_xfs),
        ):
            if new:
                xml = _append(xml, _block(xml, tag), tag, new)  # type: ignore[arg-type]
        fmts = _block(xml, b"numFmts")
        if fmts is not None:  # also when we inserted the block: it has no count yet
            whole = _counted(fmts.group(0), len(_NUMFMT.findall(fmts.group(0))))
            xml = xml[: fmts.start()] + whole + xml[fmts.end() :]
        return xml


def _open_xf(xf: bytes) -> tuple[bytes, bytes]:
    """An ``<xf>`` as (start tag ending in ``>``, the rest up to ``</xf>``), even when it was ``<xf/>``."""
    end = xf.find(b">") + 1
    tag, body = xf[:end], xf[end:]
    return (tag[:-2] + b">", b"</xf>") if tag.endswith(b"/>") else (tag, body)


def _append(xml: bytes, block: re.Match[bytes], tag: bytes, new: list[bytes]) -> bytes:
    """*xml* with *new* elements added at the end of *block* and its count updated."""
    whole = block.group(0)
    if whole.endswith(b"/>"):
        whole = whole[:-2] + b">" + b"</" + tag + b">"
    at = whole.rfind(b"</")
    whole = whole[:at] + b"".join(new) + whole[at:]
    pattern = {b"cellXfs": _XF, b"fills": _FILL, b"fonts": _FONT, b"borders": _BORDER}.get(
        tag, _NUMFMT
    )
    return xml[: block.start()] + _counted(whole, len(pattern.findall(whole))) + xml[block.end() :]


def _counted(block: bytes, count: int) -> bytes:
    """*block* (a whole element) with its ``count`` attribute set to *count*."""
    start = block[: block.find(b">") + 1]
    return set_attr(start, b"count", b"%d" % count) + block[len(start) :]


def _unescape(text: str) -> str:
    return (
        text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )


_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
