"""Word output in the GB/T 9704-2012 layout (党政机关公文格式), with python-docx.

:func:`write_docx` writes any :class:`~zhenggai.documents.document.Document` (report,
bulletin) the way the standard lays out a document's body:

- A4 (Word stores 11906 × 16838 twips); margins top 37 mm, bottom 35 mm,
  left 28 mm, right 26 mm, leaving the 156 × 225 mm text block;
- body 3号 (16 pt) 仿宋_GB2312, 22 lines × 28 characters a page: fixed line
  spacing 28.95 pt and characters condensed 0.25 pt (see :func:`line_pitch`
  and :func:`char_spacing` for the arithmetic);
- title 2号 (22 pt) 方正小标宋简体, centred, then one blank line;
  主送机关 flush left; paragraphs indented two characters;
  一、 headings 黑体, （一） headings 楷体_GB2312, 1./（1） 仿宋;
- signature and date of a sealed document (7.3.5.1): 成文日期 right-indented
  four characters, the 发文机关署名 centred above it, two blank lines above
  the signature leaving room for the seal;
- page numbers "— 1 —" in 4号 (14 pt) 宋体, odd pages right and even pages
  left, one character in from the edge, as a PAGE field.

Font names go on every run's ``w:rFonts`` including ``w:eastAsia``: Word
picks the font for Chinese text from that attribute only. Machines without
these fonts (Linux, LibreOffice) substitute their own; the layout stays.
"""

from __future__ import annotations

import contextlib
import math
import os
import unicodedata
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Length, Mm, Pt, Twips
from docx.text.paragraph import Paragraph

from ..core.errors import ZhenggaiError
from ..io.lock import holder
from .document import Document, Para, ParaKind

__all__ = [
    "FONTS",
    "build_docx",
    "char_pitch",
    "char_spacing",
    "chars_wide",
    "line_pitch",
    "write_docx",
]

PAGE_WIDTH, PAGE_HEIGHT = Twips(11906), Twips(16838)  # A4 210 × 297 mm, as Word rounds it
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_PT, TITLE_PT, PAGE_NUMBER_PT = 16, 22, 14  # 3号, 2号, 4号
# The page number's dash sits 7 mm below the text block (35 mm above the page
# edge, so 28 mm); the footer line is 18 pt (6.35 mm) high, so its bottom is
# about 3.2 mm lower: Word measures the footer distance to that bottom edge.
FOOTER_LINE = Pt(18)
FOOTER_DISTANCE = Mm(35 - 7 - 3.2)
SEAL_LINES = 2  # blank lines above the signature, where the seal goes
GRID_TYPE = "lines"  # a line grid only: characters are spaced by char_spacing()

FONTS: dict[ParaKind | str, str] = {
    ParaKind.TITLE: "方正小标宋简体",
    ParaKind.RECIPIENT: "仿宋_GB2312",
    ParaKind.H1: "黑体",
    ParaKind.H2: "楷体_GB2312",
    ParaKind.H3: "仿宋_GB2312",
    ParaKind.BODY: "仿宋_GB2312",
    ParaKind.SIGNATURE: "仿宋_GB2312",
    ParaKind.DATE: "仿宋_GB2312",
    "page": "宋体",
}


def _twips(length: Length) -> int:
    return int(length.twips)


def line_pitch() -> Twips:
    """The fixed line spacing that puts exactly 22 lines in the 225 mm text block.

    The block is 16838 − 2098 − 1984 = 12756 twips (637.8 pt); 12756 // 22 =
    579 twips = 28.95 pt, and 22 × 579 = 12738 fits while 23 lines would not.
    It is also the line grid's pitch (``docGrid type="lines"``), so Word's
    页面设置 shows 每页 22 行.
    """
    height = _twips(PAGE_HEIGHT) - _twips(MARGIN_TOP) - _twips(MARGIN_BOTTOM)
    return Twips(height // LINES_PER_PAGE)


def char_pitch() -> float:
    """Points per character that put exactly 28 characters on the 156 mm line.

    Word stores the margins as 1587 and 1474 twips, so the line is
    11906 − 1587 − 1474 = 8845 twips = 442.25 pt, and 442.25 / 28 = 15.79 pt:
    a little less than the 16 pt glyph.
    """
    width = _twips(PAGE_WIDTH) - _twips(MARGIN_LEFT) - _twips(MARGIN_RIGHT)
    return width / 20 / CHARS_PER_LINE


def char_spacing() -> int:
    """Character spacing (``w:spacing``, in 1/20 pt) of 3号 text: condensed 0.25 pt (紧缩 0.25 磅).

    (15.79 − 16) pt = −4.1 twentieths, rounded down to −5: 28 × 15.75 pt =
    441 pt fits the 442.25 pt line and 29 × 15.75 = 456.75 pt does not, so a
    full line holds exactly 28 characters. Run spacing is used rather than a
    character grid (``docGrid linesAndChars``) because LibreOffice puts every
    16 pt character into two 15.79 pt grid cells, halving the line.
    """
    return math.floor((char_pitch() - BODY_PT) * 20)


def chars_wide(text: str) -> float:
    """Width of *text* in characters: full-width 1, half-width (digits, Latin) 0.5.

    Ambiguous characters (×, “”, ①) are full-width in Chinese fonts.
    """
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


# --- low-level XML -------------------------------------------------------------------


# w:rPr children must appear in this order (ECMA-376 CT_RPr), or Word calls the file corrupt.
_RPR_ORDER = (  # noqa: SIM905 - a word list reads better than 40 quoted items
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()

# the same for w:pPr (CT_PPrBase, then the paragraph-only children)
_PPR_ORDER = (  # noqa: SIM905 - a word list reads better than 40 quoted items
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()


def _put(rpr: BaseOxmlElement, tag: str, **attrs: str) -> None:
    """Set the single child ``w:<tag>`` of *rpr* with *attrs*, in schema order."""
    for old in rpr.findall(qn(f"w:{tag}")):
        rpr.remove(old)
    el = OxmlElement(f"w:{tag}")
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    later = _RPR_ORDER[_RPR_ORDER.index(tag) + 1 :]
    rpr.insert_element_before(el, *(f"w:{t}" for t in later))


def _set_fonts(
    rpr: BaseOxmlElement, font: str, size: float, *, lang: bool = False, condense: int = 0
) -> None:
    """Font and size of a run or style; the font goes on all four ``w:rFonts`` slots.

    ``eastAsia`` is the slot Word uses for Chinese characters; ``ascii``/``hAnsi``
    get the same font so digits and Latin match the text (使用中文字体).
    """
    _put(rpr, "rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font, hint="eastAsia")
    if condense:
        _put(rpr, "spacing", val=str(condense))
    _put(rpr, "sz", val=str(round(size * 2)))  # half-points
    _put(rpr, "szCs", val=str(round(size * 2)))
    if lang:
        _put(rpr, "lang", val="en-US", eastAsia="zh-CN")


def _indent(paragraph: Paragraph, *, first_line: float = 0, right: float = 0) -> None:
    """Indents in characters, written both as ``*Chars`` (Word) and as twips (other readers)."""
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    pitch_twips = char_pitch() * 20
    if first_line:
        ind.set(qn("w:firstLineChars"), str(round(first_line * 100)))
        ind.set(qn("w:firstLine"), str(round(first_line * pitch_twips)))
    if right:
        ind.set(qn("w:rightChars"), str(round(right * 100)))
        ind.set(qn("w:right"), str(round(right * pitch_twips)))


def _ppr_flag(ppr: BaseOxmlElement, tag: str, value: str) -> None:
    """Set the single child ``w:<tag w:val=value>`` of a paragraph's properties, in schema order."""
    for old in ppr.findall(qn(f"w:{tag}")):
        ppr.remove(old)
    el = OxmlElement(f"w:{tag}")
    el.set(qn("w:val"), value)
    later = _PPR_ORDER[_PPR_ORDER.index(tag) + 1 :]
    ppr.insert_element_before(el, *(f"w:{t}" for t in later))


def _add_run(paragraph: Paragraph, text: str, font: str, size: float) -> None:
    run = paragraph.add_run(text)
    condense = char_spacing() if size == BODY_PT else 0
    _set_fonts(run._r.get_or_add_rPr(), font, size, condense=condense)


def _add_page_field(paragraph: Paragraph, font: str, size: float) -> None:
    """A PAGE field: Word and LibreOffice fill in the number on every page."""
    parts: list[tuple[str, str]] = [
        ("fldChar", "begin"),
        ("instrText", " PAGE "),
        ("fldChar", "separate"),
        ("t", "1"),
        ("fldChar", "end"),
    ]
    for tag, value in parts:
        run = paragraph.add_run()
        _set_fonts(run._r.get_or_add_rPr(), font, size)
        el = OxmlElement(f"w:{tag}")
        if tag == "fldChar":
            el.set(qn("w:fldCharType"), value)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = value
        run._r.append(el)


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
    grid.set(qn("w:linePitch"), str(_twips(line_pitch())))
    sect.append(grid)


def _base_styles(document: DocxDocument) -> None:
    """Normal = body text: 仿宋 3号, exact line pitch, no widow control (keeps 22 lines a page)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_fonts(rpr, FONTS[ParaKind.BODY], BODY_PT, lang=True, condense=char_spacing())
        ppr_default = defaults.find(qn("w:pPrDefault"))
        if ppr_default is not None:
            defaults.remove(ppr_default)
    normal = document.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    _set_fonts(rpr, FONTS[ParaKind.BODY], BODY_PT, lang=True, condense=char_spacing())
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line_pitch()
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False
    # No automatic gap between Chinese and digits/Latin: "2026年11月28日" stays tight.
    ppr = normal.element.get_or_add_pPr()
    _ppr_flag(ppr, "autoSpaceDE", "0")
    _ppr_flag(ppr, "autoSpaceDN", "0")


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
        _add_run(paragraph, "— ", font, size)
        _add_page_field(paragraph, font, size)
        _add_run(paragraph, " —", font, size)


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


def _write_para(document: DocxDocument, para: Para, *, indents: tuple[float, float]) -> Paragraph:
    kind = para.kind
    size = TITLE_PT if kind is ParaKind.TITLE else BODY_PT
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    if kind is ParaKind.TITLE:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # a 22 pt line would otherwise take two grid lines in LibreOffice
        _ppr_flag(paragraph._p.get_or_add_pPr(), "snapToGrid", "0")
    elif kind is ParaKind.RECIPIENT:
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    elif kind in (ParaKind.SIGNATURE, ParaKind.DATE):
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent(paragraph, right=indents[0] if kind is ParaKind.SIGNATURE else indents[1])
    else:
        # Left, not justified: LibreOffice drops a comma hanging at the end of a
        # justified full line. Full-width text is flush on both sides anyway.
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _indent(paragraph, first_line=2)
    if kind in (ParaKind.H1, ParaKind.H2, ParaKind.H3, ParaKind.SIGNATURE):
        fmt.keep_with_next = True
    _add_run(paragraph, para.text, FONTS[kind], size)
    return paragraph


def _blank(document: DocxDocument, *, keep_with_next: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = keep_with_next


def build_docx(doc: Document) -> DocxDocument:
    """The python-docx document for *doc* (see the module docstring for the layout)."""
    document = docx.Document()
    section = document.sections[0]
    _page_setup(section)
    _base_styles(document)
    document.core_properties.title = doc.title
    document.core_properties.language = "zh-CN"
    indents = _closing_indents(doc.paras)
    if doc.title:
        _write_para(document, Para(ParaKind.TITLE, doc.title), indents=indents)
        _blank(document)  # 主送机关 (or the body) starts one blank line below the title
    previous: Paragraph | None = None
    for para in doc.paras:
        if para.kind is ParaKind.SIGNATURE or (
            para.kind is ParaKind.DATE and not any(p.kind is ParaKind.SIGNATURE for p in doc.paras)
        ):
            if previous is not None:  # the seal must not stand alone on a page
                previous.paragraph_format.keep_with_next = True
            for _ in range(SEAL_LINES):
                _blank(document, keep_with_next=True)
        previous = _write_para(document, para, indents=indents)
    _page_numbers(document, section)
    return document


def write_docx(doc: Document, path: Path) -> Path:
    """Write *doc* as a Word file in the GB/T 9704 layout; return the path written.

    The file is written to a temporary name and then moved into place, so an
    interrupted run never leaves half a document.

    Raises:
        ZhenggaiError: the file is open in Word/WPS, or the folder is not writable.
    """
    path = Path(path)
    who = holder(path) if path.exists() else None
    if who is not None:
        raise ZhenggaiError(f"“{path.name}”正被 {who} 打开，请先在 Word/WPS 中关闭它再生成。")
    document = build_docx(doc)
    tmp = path.with_name(f".~{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        document.save(str(tmp))
        os.replace(tmp, path)
    except OSError as exc:
        raise ZhenggaiError(
            f"无法写入“{path}”（{exc.strerror or exc}）。文件可能正在 Word/WPS 中打开，或文件夹没有写权限。"
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return path
