"""The 版头, 版记, title lines and file properties of a GB/T 9704 Word file.

- 版头 (7.2): the 发文机关标志 centred in red 方正小标宋, its top edge 35 mm
  below the text block's; two lines below it the 发文字号, centred, or for a
  report upward flush left one character in, on one line with "签发人：" and
  the names (楷体) one character from the right; 4 mm below, a red rule the
  width of the text block. The title follows two lines below the rule.
- 版记 (7.4): 4号 仿宋 between a thick first and last rule (0.35 mm) with
  thin rules between its lines (0.25 mm): "抄送：……。" (wrapped lines aligned
  after the colon), then the 印发机关 one character from the left and
  "2026年11月28日印发" one character from the right. It is a table anchored
  to the bottom of the text block of the last page, so its last rule lies on
  the block's lower edge.
- the title's lines (:mod:`.titles`) are joined by line breaks in one centred paragraph.
- document properties: title, subject, author and last editor from 设置,
  created and modified at the drafting time, no template leftovers.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .document import Head, Properties, Record
from .gongwen_xml import (
    BODY_PT,
    FONTS,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_NUMBER_PT,
    add_run,
    char_pitch,
    chars_wide,
    indent,
    line_pitch,
    ppr_flag,
    ppr_insert,
)
from .titles import break_title

__all__ = [
    "MARK_COLOR",
    "RECORD_PT",
    "mark_size",
    "set_properties",
    "write_head",
    "write_record",
    "write_title",
]

MARK_COLOR = "FF0000"  # 发文机关标志 and the 版头 rule are red
MARK_MAX_PT = 36  # 小初: the usual size of a 发文机关标志
MARK_TOP = Mm(35)  # from the top of the text block to the mark's upper edge
RECORD_PT = PAGE_NUMBER_PT  # 4号
_RULE_HEAD = 12  # eighths of a point: 1.5 pt red rule under the 发文字号
_RULE_THICK = 8  # 1 pt ≈ 0.35 mm
_RULE_THIN = 6  # 0.75 pt ≈ 0.25 mm
_TEXT_WIDTH_PT = 442.25  # 156 mm as Word stores the margins
KAI = "楷体_GB2312"


def mark_size(mark: str) -> float:
    """The 发文机关标志's size in points: 小初, smaller when a long name must fit the line."""
    fit = _TEXT_WIDTH_PT * 0.95 / max(chars_wide(mark), 1)
    return min(MARK_MAX_PT, max(16, int(fit * 2) / 2))


def _border(paragraph: Paragraph, side: str, *, size: int, color: str = "000000") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr_insert(ppr, bdr)
    edge = OxmlElement(f"w:{side}")
    for name, value in (("val", "single"), ("sz", str(size)), ("space", "0"), ("color", color)):
        edge.set(qn(f"w:{name}"), value)
    bdr.append(edge)


def _exact(paragraph: Paragraph, height: Twips | Pt | Mm) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = height
    ppr_flag(paragraph._p.get_or_add_pPr(), "snapToGrid", "0")


def write_head(document: DocxDocument, head: Head) -> None:
    """The 版头 (see the module docstring), ending with the red rule."""
    size = mark_size(head.mark)
    mark = document.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark.paragraph_format.space_before = MARK_TOP
    _exact(mark, Pt(size * 1.15))
    add_run(mark, head.mark, FONTS["title"], size, color=MARK_COLOR)
    for _ in range(2):  # the 发文字号 two lines below
        document.add_paragraph()
    number = document.add_paragraph()
    if head.signers:
        indent(number, left=1)
        right_tab = Twips(round((_TEXT_WIDTH_PT - char_pitch()) * 20))
        number.paragraph_format.tab_stops.add_tab_stop(right_tab, WD_TAB_ALIGNMENT.RIGHT)
        add_run(number, head.number, FONTS["body"], BODY_PT)
        add_run(number, "\t签发人：", FONTS["body"], BODY_PT)
        add_run(number, "　".join(head.signers), KAI, BODY_PT)
    else:
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(number, head.number, FONTS["body"], BODY_PT)
    rule = document.add_paragraph()  # 4 mm high, its lower border the red rule
    _exact(rule, Mm(4))
    _border(rule, "bottom", size=_RULE_HEAD, color=MARK_COLOR)
    for _ in range(2):  # the title two lines below the rule
        document.add_paragraph()


def write_title(document: DocxDocument, title: str, size: float) -> Paragraph:
    """The title, broken into a trapezoid or diamond of whole words, centred."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # a 22 pt line would otherwise take two grid lines in LibreOffice
    ppr_flag(paragraph._p.get_or_add_pPr(), "snapToGrid", "0")
    for i, line in enumerate(break_title(title)):
        if i:
            paragraph.add_run().add_break()
        add_run(paragraph, line, FONTS["title"], size)
    return paragraph


def _float_to_bottom(table: Table, height: int) -> None:
    """Anchor *table* (*height* twips high) to the bottom of the text block.

    Its position is a distance from the block's top (``tblpY``), which Word
    and WPS honour. LibreOffice 7.4 keeps a floating table as wide as the
    block in the text flow (it floats only tables some 5 mm narrower), so
    there the 版记 follows the date instead of sitting at the foot.
    """
    tblpr = table._tbl.tblPr
    block = int(PAGE_HEIGHT.twips - MARGIN_TOP.twips - MARGIN_BOTTOM.twips)
    pos = OxmlElement("w:tblpPr")
    for name, value in (
        ("leftFromText", "0"),
        ("rightFromText", "0"),
        ("vertAnchor", "margin"),
        ("horzAnchor", "margin"),
        ("tblpX", "0"),
        ("tblpY", str(max(block - height, 0))),
    ):
        pos.set(qn(f"w:{name}"), value)
    tblpr.insert(0, pos)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    tblpr.insert(1, overlap)
    width = tblpr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tblpr.append(width)
    width.set(qn("w:w"), str(_RECORD_WIDTH))
    width.set(qn("w:type"), "dxa")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    for col in table._tbl.tblGrid.findall(qn("w:gridCol")):
        col.set(qn("w:w"), str(_RECORD_WIDTH // 2))
    look = tblpr.find(qn("w:tblLook"))  # CT_TblPr: tblCellMar comes before tblLook
    if look is not None:
        look.addprevious(margins)
    else:
        tblpr.append(margins)


_RECORD_WIDTH = round(_TEXT_WIDTH_PT * 20)


def _cell_borders(cell: _Cell, *, top: int, bottom: int) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side, size in (("top", top), ("left", 0), ("bottom", bottom), ("right", 0)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single" if size else "nil")
        if size:
            edge.set(qn("w:sz"), str(size))
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)
    tcpr.append(borders)


def _cell_paragraph(cell: _Cell) -> Paragraph:
    paragraph: Paragraph = cell.paragraphs[0]
    _exact(paragraph, line_pitch())
    return paragraph


def _record_lines(text: str) -> int:
    """Lines the 抄送 text takes between the 版记's side indents (one character each)."""
    per_line = int(_TEXT_WIDTH_PT / RECORD_PT) - 2
    return max(1, math.ceil((chars_wide(text) - 3) / (per_line - 3)))


def write_record(document: DocxDocument, record: Record) -> None:
    """The 版记 at the foot of the last page (see the module docstring).

    A table of two columns: the 抄送 row across both, then the 印发机关 (one
    character in) and the 印发日期 (one character from the edge); a thick rule
    above and below, a thin one between.
    """
    cc = f"抄送：{record.cc}。" if record.cc else ""
    printed = f"{record.printed}印发" if record.printed else ""
    rows = [r for r in ("cc" if cc else "", "print" if record.printer or printed else "") if r]
    table = document.add_table(rows=len(rows), cols=2)
    lines = sum(_record_lines(cc) if r == "cc" else 1 for r in rows)
    _float_to_bottom(table, lines * int(line_pitch().twips) + 40)
    for i, kind in enumerate(rows):
        cells = table.rows[i].cells
        for cell in cells:
            cell.width = Twips(_RECORD_WIDTH // 2)
            top = _RULE_THICK if i == 0 else _RULE_THIN
            _cell_borders(cell, top=top, bottom=_RULE_THICK if i == len(rows) - 1 else 0)
        if kind == "cc":
            paragraph = _cell_paragraph(cells[0].merge(cells[1]))
            # wrapped lines start under the first name, after "抄送："
            indent(paragraph, left=1 + 3, right=1, first_line=-3, pitch=RECORD_PT)
            add_run(paragraph, cc, FONTS["body"], RECORD_PT)
            continue
        left, right = _cell_paragraph(cells[0]), _cell_paragraph(cells[1])
        indent(left, left=1, pitch=RECORD_PT)
        add_run(left, record.printer, FONTS["body"], RECORD_PT)
        right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        indent(right, right=1, pitch=RECORD_PT)
        add_run(right, printed, FONTS["body"], RECORD_PT)
    # a floating table is anchored to the paragraph after it: a hairline one adds no page
    _exact(document.add_paragraph(), Pt(1))


def set_properties(document: DocxDocument, title: str, properties: Properties) -> None:
    """Title, subject, author and dates from the draft; no python-docx or 2013 leftovers."""
    core = document.core_properties
    core.title = title
    core.subject = properties.subject
    core.author = properties.author
    core.last_modified_by = properties.author
    core.comments = ""
    core.keywords = ""
    core.category = ""
    core.language = "zh-CN"
    core.revision = 1
    when = properties.created or datetime.now()
    # docProps store UTC (…Z): convert the local drafting time
    stamp = when.astimezone(UTC).replace(tzinfo=None)
    core.created = stamp
    core.modified = stamp
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # python-docx's template ships an empty page's picture
            del package.rels[rid]
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = _app_xml(properties.author)


def _app_xml(company: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>zhenggai</Application><DocSecurity>0</DocSecurity>"
        f"<Company>{escape(company)}</Company></Properties>"
    ).encode()
