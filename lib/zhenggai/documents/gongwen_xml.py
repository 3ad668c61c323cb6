"""Geometry and low-level XML of the GB/T 9704 Word layout (shared by ``gongwen*``).

The page arithmetic (22 lines × 28 characters of 3号 text in the 156 × 225 mm
block) and the helpers that write run and paragraph properties in the order
the schema demands (Word calls a file corrupt otherwise).
"""

from __future__ import annotations

import math
import unicodedata

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt, Twips
from docx.text.paragraph import Paragraph

from .document import ParaKind

__all__ = [
    "BODY_PT",
    "CHARS_PER_LINE",
    "FONTS",
    "LINES_PER_PAGE",
    "PAGE_NUMBER_PT",
    "TITLE_PT",
    "add_run",
    "char_pitch",
    "char_spacing",
    "chars_wide",
    "indent",
    "line_pitch",
    "ppr_flag",
    "ppr_insert",
    "put",
    "set_fonts",
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
    ParaKind.ATTACHMENT: "仿宋_GB2312",
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


def put(rpr: BaseOxmlElement, tag: str, **attrs: str) -> None:
    """Set the single child ``w:<tag>`` of *rpr* with *attrs*, in schema order."""
    for old in rpr.findall(qn(f"w:{tag}")):
        rpr.remove(old)
    el = OxmlElement(f"w:{tag}")
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    later = _RPR_ORDER[_RPR_ORDER.index(tag) + 1 :]
    rpr.insert_element_before(el, *(f"w:{t}" for t in later))


def set_fonts(
    rpr: BaseOxmlElement, font: str, size: float, *, lang: bool = False, condense: int = 0
) -> None:
    """Font and size of a run or style; the font goes on all four ``w:rFonts`` slots.

    ``eastAsia`` is the slot Word uses for Chinese characters; ``ascii``/``hAnsi``
    get the same font so digits and Latin match the text (使用中文字体).
    """
    put(rpr, "rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font, hint="eastAsia")
    if condense:
        put(rpr, "spacing", val=str(condense))
    put(rpr, "sz", val=str(round(size * 2)))  # half-points
    put(rpr, "szCs", val=str(round(size * 2)))
    if lang:
        put(rpr, "lang", val="en-US", eastAsia="zh-CN")


def indent(
    paragraph: Paragraph,
    *,
    first_line: float = 0,
    right: float = 0,
    left: float = 0,
    pitch: float | None = None,
) -> None:
    """Indents in characters, written both as ``*Chars`` (Word) and as twips (other readers).

    A negative *first_line* is a hanging indent (``w:hanging``). *pitch* is
    the points per character (default: 3号 body text).
    """
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    pitch_twips = (char_pitch() if pitch is None else pitch) * 20
    if first_line > 0:
        ind.set(qn("w:firstLineChars"), str(round(first_line * 100)))
        ind.set(qn("w:firstLine"), str(round(first_line * pitch_twips)))
    elif first_line < 0:
        ind.set(qn("w:hangingChars"), str(round(-first_line * 100)))
        ind.set(qn("w:hanging"), str(round(-first_line * pitch_twips)))
    if left:
        ind.set(qn("w:leftChars"), str(round(left * 100)))
        ind.set(qn("w:left"), str(round(left * pitch_twips)))
    if right:
        ind.set(qn("w:rightChars"), str(round(right * 100)))
        ind.set(qn("w:right"), str(round(right * pitch_twips)))


def ppr_insert(ppr: BaseOxmlElement, el: BaseOxmlElement) -> None:
    """Insert the paragraph property *el* into *ppr* in schema order (CT_PPr)."""
    tag = el.tag.split("}")[-1]
    later = _PPR_ORDER[_PPR_ORDER.index(tag) + 1 :]
    ppr.insert_element_before(el, *(f"w:{t}" for t in later))


def ppr_flag(ppr: BaseOxmlElement, tag: str, value: str) -> None:
    """Set the single child ``w:<tag w:val=value>`` of a paragraph's properties, in schema order."""
    for old in ppr.findall(qn(f"w:{tag}")):
        ppr.remove(old)
    el = OxmlElement(f"w:{tag}")
    el.set(qn("w:val"), value)
    later = _PPR_ORDER[_PPR_ORDER.index(tag) + 1 :]
    ppr.insert_element_before(el, *(f"w:{t}" for t in later))


_BREAKS = frozenset("\t\r\n")


def add_run(paragraph: Paragraph, text: str, font: str, size: float, *, color: str = "") -> None:
    """A run of *text* in *font* and *size* (3号 text condensed to the 28-character line)."""
    if text and _BREAKS.isdisjoint(text):
        # One <w:t>, as python-docx writes text without tabs or line breaks, without its
        # character-by-character loop (a province's report has ~10^7 characters).
        run = paragraph.add_run()
        run._r.add_t(text)
    else:
        run = paragraph.add_run(text)
    condense = char_spacing() if size == BODY_PT else 0
    rpr = run._r.get_or_add_rPr()
    set_fonts(rpr, font, size, condense=condense)
    if color:
        put(rpr, "color", val=color)


def add_page_field(paragraph: Paragraph, font: str, size: float) -> None:
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
        set_fonts(run._r.get_or_add_rPr(), font, size)
        el = OxmlElement(f"w:{tag}")
        if tag == "fldChar":
            el.set(qn("w:fldCharType"), value)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = value
        run._r.append(el)
