"""Word output in the GB/T 9704-2012 layout (党政机关公文格式), with python-docx.

:func:`write_docx` writes any :class:`~zhenggai.documents.document.Document` (report,
bulletin) the way the standard lays out a document's body:

- A4 (Word stores 11906 × 16838 twips); margins top 37 mm, bottom 35 mm,
  left 28 mm, right 26 mm, leaving the 156 × 225 mm text block;
- body 3号 (16 pt) 仿宋_GB2312, 22 lines × 28 characters a page: fixed line
  spacing 28.95 pt and characters condensed 0.25 pt (see :func:`line_pitch`
  and :func:`char_spacing` for the arithmetic);
- title 2号 (22 pt) 方正小标宋简体, centred, broken between words into a
  trapezoid or diamond (:mod:`.titles`), then one blank line;
  主送机关 flush left; paragraphs indented two characters and justified;
  一、 headings 黑体, （一） headings 楷体_GB2312, 1./（1） 仿宋;
- signature and date of a sealed document (7.3.5.1): 成文日期 right-indented
  four characters, the 发文机关署名 centred above it, two blank lines above
  the signature leaving room for the seal;
- page numbers "— 1 —" in 4号 (14 pt) 宋体, odd pages right and even pages
  left, one character in from the edge, as a PAGE field;
- the optional parts, each written only when the draft has it: 版头 above
  the title, 附件说明 under the body ("附件：1.……", names aligned), 版记 at
  the foot of the last page (:mod:`.gongwen_parts`); document properties
  from the draft, never the library's defaults.

Font names go on every run's ``w:rFonts`` including ``w:eastAsia``: Word
picks the font for Chinese text from that attribute only. Machines without
these fonts (Linux, LibreOffice) substitute their own; the layout stays.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from ..io.output import writing
from .document import Document, Para, ParaKind
from .gongwen_parts import set_properties, write_head, write_record, write_title
from .gongwen_xml import (
    BODY_PT,
    FONTS,
    FOOTER_DISTANCE,
    FOOTER_LINE,
    GRID_TYPE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_NUMBER_PT,
    PAGE_WIDTH,
    SEAL_LINES,
    TITLE_PT,
    add_page_field,
    add_run,
    char_pitch,
    char_spacing,
    chars_wide,
    indent,
    line_pitch,
    ppr_flag,
    set_fonts,
)

__all__ = [
    "FONTS",
    "build_docx",
    "char_pitch",
    "char_spacing",
    "chars_wide",
    "line_pitch",
    "write_docx",
]

# --- page and styles -------------------------------------------------------------------


def _page_setup(section: Section) -> None:
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.footer_distance = FOOTER_DISTANCE
    section.gutter = Mm(0)
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), GRID_TYPE)
    grid.set(qn("w:linePitch"), str(int(line_pitch().twips)))
    sect.append(grid)


def _base_styles(document: DocxDocument) -> None:
    """Normal = body text: 仿宋 3号, exact line pitch, no widow control (keeps 22 lines a page)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            set_fonts(rpr, FONTS[ParaKind.BODY], BODY_PT, lang=True, condense=char_spacing())
        ppr_default = defaults.find(qn("w:pPrDefault"))
        if ppr_default is not None:
            defaults.remove(ppr_default)
    normal = document.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    set_fonts(rpr, FONTS[ParaKind.BODY], BODY_PT, lang=True, condense=char_spacing())
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line_pitch()
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False
    # No automatic gap between Chinese and digits/Latin: "2026年11月28日" stays tight.
    ppr = normal.element.get_or_add_pPr()
    ppr_flag(ppr, "autoSpaceDE", "0")
    ppr_flag(ppr, "autoSpaceDN", "0")


def _page_numbers(document: DocxDocument, section: Section) -> None:
    """ "— 1 —": odd pages right, even pages left, one character in (GB/T 9704 7.5)."""
    document.settings.odd_and_even_pages_header_footer = True
    font, size = FONTS["page"], PAGE_NUMBER_PT
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = FOOTER_LINE
        fmt.first_line_indent = Pt(0)
        if align is WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(size)
        else:
            fmt.left_indent = Pt(size)
        add_run(paragraph, "— ", font, size)
        add_page_field(paragraph, font, size)
        add_run(paragraph, " —", font, size)


# --- paragraphs -------------------------------------------------------------------------


def _closing_indents(paras: list[Para]) -> tuple[float, float]:
    """Right indents (in characters) of the signature and the date.

    The date is right-indented four characters; the signature is centred on
    the date. A signature longer than the date keeps two characters from the
    edge, and the date moves left to stay centred under it.
    """
    date = next((p.text for p in paras if p.kind is ParaKind.DATE), "")
    signature = next((p.text for p in paras if p.kind is ParaKind.SIGNATURE), "")
    date_right = 4.0
    if not date or not signature:
        return date_right, date_right
    sig_right = date_right + (chars_wide(date) - chars_wide(signature)) / 2
    if sig_right < 2:
        date_right += 2 - sig_right
        sig_right = 2
    return sig_right, date_right


def _attachment_indent(paragraph: Paragraph, text: str, number_width: float) -> None:
    """附件说明: "附件：" two characters in; the numbers, and wrapped names, aligned under the first."""
    label = 3.0  # 附件：
    left = 2 + label + number_width
    hanging = label + number_width if text.startswith("附件：") else number_width
    indent(paragraph, left=left, first_line=-hanging)


def _number_width(paras: list[Para]) -> float:
    """Width of the widest "N." among the 附件说明 lines (0 for a single, unnumbered one)."""
    widths = [0.0]
    for p in paras:
        if p.kind is ParaKind.ATTACHMENT:
            text = p.text.removeprefix("附件：")
            head = text.split(".", 1)[0]
            if head.isdigit() and "." in text:
                widths.append(chars_wide(head + "."))
    return max(widths)


def _write_para(
    document: DocxDocument, para: Para, *, indents: tuple[float, float], number_width: float
) -> Paragraph:
    kind = para.kind
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    if kind is ParaKind.RECIPIENT:
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    elif kind in (ParaKind.SIGNATURE, ParaKind.DATE):
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        indent(paragraph, right=indents[0] if kind is ParaKind.SIGNATURE else indents[1])
    elif kind is ParaKind.ATTACHMENT:
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _attachment_indent(paragraph, para.text, number_width)
    else:
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # both edges straight (两端对齐)
        indent(paragraph, first_line=2)
    if kind in (ParaKind.H1, ParaKind.H2, ParaKind.H3, ParaKind.SIGNATURE):
        fmt.keep_with_next = True
    add_run(paragraph, para.text, FONTS[kind], BODY_PT)
    return paragraph


def _blank(document: DocxDocument, *, keep_with_next: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = keep_with_next


def _closing_gap(doc: Document, para: Para) -> int:
    """Blank lines before *para*: one above the 附件说明, two above the seal (signature)."""
    kinds = [p.kind for p in doc.paras]
    at = doc.paras.index(para)
    previous = kinds[at - 1] if at else None
    if para.kind is ParaKind.ATTACHMENT and previous is not ParaKind.ATTACHMENT:
        return 1
    if para.kind is ParaKind.SIGNATURE or (
        para.kind is ParaKind.DATE and ParaKind.SIGNATURE not in kinds
    ):
        return SEAL_LINES
    return 0


def build_docx(doc: Document) -> DocxDocument:
    """The python-docx document for *doc* (see the module docstring for the layout)."""
    document = docx.Document()
    body = document.element.body
    for old in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(old)
    section = document.sections[0]
    _page_setup(section)
    _base_styles(document)
    set_properties(document, doc.title, doc.properties)
    indents = _closing_indents(doc.paras)
    number_width = _number_width(doc.paras)
    if doc.head is not None:
        write_head(document, doc.head)
    if doc.title:
        write_title(document, doc.title, TITLE_PT)
        _blank(document)  # 主送机关 (or the body) starts one blank line below the title
    previous: Paragraph | None = None
    for para in doc.paras:
        gap = _closing_gap(doc, para)
        if gap == SEAL_LINES and previous is not None:  # the seal must not stand alone
            previous.paragraph_format.keep_with_next = True
        for _ in range(gap):
            _blank(document, keep_with_next=gap == SEAL_LINES)
        previous = _write_para(document, para, indents=indents, number_width=number_width)
    if doc.record is not None:
        write_record(document, doc.record)
    _page_numbers(document, section)
    return document


def write_docx(doc: Document, path: Path) -> Path:
    """Write *doc* as a Word file in the GB/T 9704 layout; return the path written.

    The file is written to a temporary name and then moved into place, so an
    interrupted run never leaves half a document.

    Raises:
        OutputError: the file is open in Word/WPS, the folder is not writable, the disk full.
    """
    path = Path(path)
    document = build_docx(doc)
    tmp = path.with_name(f".~{path.stem}.{os.getpid()}.tmp{path.suffix}")
    with writing(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            document.save(str(tmp))
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return path
