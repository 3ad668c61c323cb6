"""The GB/T 9704 Word writer: page, fonts (eastAsia), spacing, closing, page numbers, LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from tests.support.office import convert
from zhenggai import ZhenggaiError, write_docx
from zhenggai.documents.document import Document, ParaKind
from zhenggai.documents.gongwen import char_spacing, chars_wide, line_pitch

BODY = "仿宋_GB2312"
LONG = "整改工作坚持问题导向，逐项对账销号，确保各项措施落地见效，" * 6


def sample() -> Document:
    """A document with every paragraph kind, as a bulletin or report would have."""
    doc = Document("关于督查反馈问题整改情况的报告")
    doc.add(ParaKind.RECIPIENT, "网信办：")
    doc.add(ParaKind.BODY, "现将整改情况报告如下：")
    doc.add(ParaKind.H1, "一、高度重视、迅速行动，切实增强督查整改实效")
    doc.add(ParaKind.BODY, LONG)
    doc.add(ParaKind.H2, "（一）意识形态工作责任落实不够到位方面")
    doc.add(ParaKind.H3, "1.存在问题")
    for _ in range(6):
        doc.add(ParaKind.BODY, LONG)
    doc.add(ParaKind.SIGNATURE, "××市网信办")
    doc.add(ParaKind.DATE, "2026年11月28日")
    return doc


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    return write_docx(sample(), tmp_path_factory.mktemp("docx") / "报告.docx")


def _rfonts(run) -> dict[str, str]:
    fonts = run._r.rPr.find(qn("w:rFonts"))
    return {k: fonts.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "eastAsia")}


def _by_text(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def test_line_and_character_arithmetic():
    pitch = line_pitch().twips  # 28.95 pt
    block = 16838 - Mm(37).twips - Mm(35).twips
    assert pitch == 579
    assert 22 * pitch <= block < 23 * pitch
    advance = 16 + char_spacing() / 20  # 3号 condensed
    line = (11906 - Mm(28).twips - Mm(26).twips) / 20
    assert char_spacing() == -5
    assert 28 * advance <= line < 29 * advance


def test_page_size_and_margins(written):
    section = docx.Document(str(written)).sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # A4
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in margins] == [37.0, 35.0, 28.0, 26.0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"


def test_fonts_are_set_on_east_asia_for_every_kind(written):
    document = docx.Document(str(written))
    expect = {
        "关于督查反馈问题整改情况的报告": ("方正小标宋简体", 22),
        "网信办：": (BODY, 16),
        "一、高度重视、迅速行动，切实增强督查整改实效": ("黑体", 16),
        "（一）意识形态工作责任落实不够到位方面": ("楷体_GB2312", 16),
        "1.存在问题": (BODY, 16),
        LONG: (BODY, 16),
        "××市网信办": (BODY, 16),
        "2026年11月28日": (BODY, 16),
    }
    for text, (font, size) in expect.items():
        run = _by_text(document, text).runs[0]
        assert _rfonts(run) == {"ascii": font, "hAnsi": font, "eastAsia": font}, text
        assert run.font.size.pt == size, text
    normal = document.styles["Normal"]
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == BODY
    assert normal.font.size.pt == 16


def test_fixed_line_spacing_and_indents(written):
    document = docx.Document(str(written))
    fmt = document.styles["Normal"].paragraph_format
    assert fmt.line_spacing.pt == pytest.approx(28.95)
    assert fmt.line_spacing_rule == docx.enum.text.WD_LINE_SPACING.EXACTLY
    body = _by_text(document, LONG)
    ind = body._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"  # two characters
    assert body.runs[0]._r.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"
    recipient = _by_text(document, "网信办：")
    assert recipient.paragraph_format.first_line_indent is None  # flush left
    title = _by_text(document, "关于督查反馈问题整改情况的报告")
    assert title.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    texts = [p.text for p in document.paragraphs]
    assert texts[1] == ""  # one blank line under the title


def test_signature_is_centred_over_the_date(written):
    document = docx.Document(str(written))
    texts = [p.text for p in document.paragraphs]
    at = texts.index("××市网信办")
    assert texts[at - 2 : at] == ["", ""]  # room for the seal
    right = {
        t: int(_by_text(document, t)._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")))
        for t in ("××市网信办", "2026年11月28日")
    }
    assert right["2026年11月28日"] == 400  # four characters from the right
    # date 7 characters wide, signature 6: centred means half a character further in
    assert right["××市网信办"] == 450


def test_long_signature_keeps_two_characters_and_moves_the_date(tmp_path):
    doc = Document("")
    doc.add(ParaKind.BODY, "特此报告。")
    doc.add(ParaKind.SIGNATURE, "中共××市××区××局党组××委员会")  # 18 characters
    doc.add(ParaKind.DATE, "2026年1月5日")  # 6 characters
    document = docx.Document(str(write_docx(doc, tmp_path / "长落款.docx")))
    right = [
        int(_by_text(document, p.text)._p.pPr.find(qn("w:ind")).get(qn("w:rightChars"))) / 100
        for p in doc.paras[1:]
    ]
    assert right == [2, 2 + (18 - 6) / 2]  # still centred on each other
    assert document.paragraphs[0].text == "特此报告。"  # no title: no blank line either


def test_chars_wide_counts_digits_as_half():
    assert chars_wide("2026年11月28日") == 7
    assert chars_wide("网信办") == 3
    assert chars_wide("中共××局") == 5


def test_page_numbers_odd_right_even_left(written):
    document = docx.Document(str(written))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, align in (
        (section.footer, docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == align
        xml = paragraph._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert _rfonts(paragraph.runs[0])["eastAsia"] == "宋体"
        assert paragraph.runs[0].font.size.pt == 14  # 4号


HOLD = "import fcntl, sys, time; fh = open(sys.argv[1], 'r+b'); fcntl.lockf(fh.fileno(), fcntl.LOCK_EX); print('locked', flush=True); time.sleep(30)"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")
def test_refuses_a_file_open_in_word(tmp_path):
    path = write_docx(sample(), tmp_path / "报告.docx")
    before = path.read_bytes()
    (tmp_path / ".~lock.报告.docx#").write_text("张三,zhangsan,pc,28.11.2026 10:00,file:///;")
    # LibreOffice holds a POSIX lock on files it has open (another process, as in real life)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == b"locked"
        with pytest.raises(
            ZhenggaiError, match="正被 张三（电脑 pc 上的 LibreOffice） 在 Excel/WPS/Word 中打开"
        ):
            write_docx(sample(), path)
    finally:
        proc.kill()
        proc.wait()
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".~报告*"))  # no temp file left behind


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} 未安装（.ci/run 会安装 LibreOffice 和 poppler-utils）")
    return found


@pytest.mark.libreoffice
def test_libreoffice_renders_the_layout(written, tmp_path):
    pdftotext = _tool("pdftotext")
    convert([written], "pdf", tmp_path, profile=tmp_path / "lo-profile")
    pdf = tmp_path / "报告.pdf"
    text = subprocess.run(
        [pdftotext, str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for heading in (
        "关于督查反馈问题整改情况的报告",
        "一、高度重视、迅速行动，切实增强督查整改实效",
        "（一）意识形态工作责任落实不够到位方面",
        "××市网信办",
        "—1—",
        "—2—",
    ):
        assert heading in flat
    pages = [p for p in text.split("\f") if p.strip()]
    lines = [line for line in pages[1].splitlines() if line.strip()]
    assert re.fullmatch(r"—\s*2\s*—", lines[-1].strip())
    assert len(lines) - 1 == 22  # a full page holds 22 lines
    widths = Counter(len(line.strip()) for line in lines[:-1])
    assert widths.most_common(1)[0][0] in (28, 29)  # 28 characters (+ a hanging comma)
    assert max(widths) <= 29


def test_cli_report_says_the_draft_is_in_the_ledger_when_the_word_file_fails(demo_master, capsys):
    from tests.support.blocked import unwritable
    from zhenggai.cli import main
    from zhenggai.io.calamine import open_book

    folder = demo_master.parent / "只读"
    with unwritable(folder):
        code = main(["report", str(demo_master), "--docx", str(folder / "报告.docx")])
    assert code == 2
    # stderr may warn first (placeholders in 设置); the error is the last thing said
    message = " ".join(capsys.readouterr().err.split())
    message = message[message.index("错误：") :]
    assert message.startswith(
        f"错误：报告草稿已写入台账（{demo_master}）；但“{folder / '报告.docx'}”未能写出"
    )
    assert "没有写入权限" in message
    assert open_book(demo_master).grid("报告草稿")  # the draft is there
