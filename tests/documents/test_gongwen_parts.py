"""The optional GB/T 9704 parts, read back from the .docx XML; titles; properties; the render."""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from tests.conftest import set_settings
from tests.support.office import convert
from zhenggai import draft_bulletin, draft_report, read_ledger, write_docx
from zhenggai.core import clock
from zhenggai.documents.document import Document, Head, ParaKind, Properties, Record
from zhenggai.documents.gongwen_xml import chars_wide
from zhenggai.documents.parts import Parts, attach_parts
from zhenggai.documents.phrases import words
from zhenggai.documents.titles import MAX_TITLE_CHARS, break_title, is_trapezoid_or_diamond

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TITLES = [
    "关于党委（党组）意识形态工作责任制落实情况督查问题整改情况的报告",
    "关于督查反馈问题整改进展情况的通报",
    "中共××市委关于2026年度巡察反馈意见整改落实情况的报告",
    "关于进一步加强和改进新时代基层党组织建设工作推动全面从严治党向纵深发展的实施意见",
    "关于《党委（党组）意识形态工作责任制实施细则》贯彻落实情况的报告",
    "关于2026年度经济责任审计发现问题整改情况的报告",
    "××集团党委关于省委第三巡视组反馈意见整改进展情况的报告",
]


def _boundaries(title: str) -> set[int]:
    cuts, at = set(), 0
    for word in words(title):
        at += len(word)
        cuts.add(at)
    return cuts


@pytest.mark.parametrize("title", TITLES)
def test_titles_break_between_words_into_a_trapezoid_or_diamond(title):
    lines = break_title(title)
    assert "".join(lines) == title
    widths = [chars_wide(line) for line in lines]
    assert max(widths) <= MAX_TITLE_CHARS
    least = -(-chars_wide(title) // MAX_TITLE_CHARS)
    assert least <= len(lines) <= least + 1  # as few as word boundaries allow
    if len(lines) == 2:
        assert widths[0] <= widths[1]  # never an inverted trapezoid
    assert is_trapezoid_or_diamond(widths)
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert at in _boundaries(title), line  # never inside a word ("落实情 / 况")
        assert not lines[lines.index(line) + 1].startswith(("的", "）", "》", "、"))
    for line in lines:  # brackets and 《》 are closed on the line they open, when they fit
        if chars_wide(title) < 40 and "《" not in title:
            assert line.count("（") == line.count("）")


def test_shape_rules():
    assert is_trapezoid_or_diamond([14, 18]) and is_trapezoid_or_diamond([12, 18, 14])
    assert not is_trapezoid_or_diamond([18, 14]) and not is_trapezoid_or_diamond([18, 16, 12])


def _full(doc_title: str = "关于党委（党组）意识形态工作责任制落实情况督查问题整改情况的报告"):
    doc = Document(doc_title)
    doc.add(ParaKind.RECIPIENT, "网信办：")
    doc.add(ParaKind.BODY, "现将整改情况报告如下：" * 3)
    doc.add(ParaKind.SIGNATURE, "中共示例局党组")
    doc.add(ParaKind.DATE, "2026年11月28日")
    return doc


def _parts(**values: str) -> Parts:
    base = {
        "mark": "中共示例局党组文件",
        "number": "示党组〔2026〕12号",
        "signers": "王建国",
        "cc": "市委宣传部，市委网信办",
        "printer": "中共示例局党组办公室",
        "attachments": "整改台账；问题清单",
        "author": "中共示例局党组",
        "subject": "督查整改",
    }
    return Parts(**(base | values))


def _xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("word/document.xml").decode()


def _write(tmp_path: Path, parts: Parts | None, name: str = "a.docx") -> Path:
    doc = _full()
    if parts is not None:
        attach_parts(doc, parts, date_text="2026年11月28日", now=datetime(2026, 11, 28, 9, 30))
    return write_docx(doc, tmp_path / name)


def test_every_part_is_written_when_set(tmp_path):
    path = _write(tmp_path, _parts())
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    xml = _xml(path)
    # 版头: the red mark first, the 发文字号 and 签发人 on one line, a red rule, then the title
    assert texts[0] == "中共示例局党组文件"
    mark = document.paragraphs[0].runs[0]
    assert mark.font.color.rgb is not None and str(mark.font.color.rgb) == "FF0000"
    line = next(p for p in document.paragraphs if p.text.startswith("示党组〔2026〕12号"))
    assert line.text == "示党组〔2026〕12号\t签发人：王建国"
    assert line.runs[-1]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"
    assert re.search(r'<w:bottom w:val="single" w:sz="\d+" w:space="0" w:color="FF0000"/>', xml)
    title = next(p for p in document.paragraphs if "意识形态工作" in p.text and "\n" in p.text)
    assert title.text.split("\n") == break_title(_full().title)
    # 附件说明 under the body: "附件：1.…", the next number under the first
    paras = document.paragraphs
    at = next(i for i, p in enumerate(paras) if p.text.startswith("附件："))
    first, second = paras[at], paras[at + 1]
    assert (first.text, second.text) == ("附件：1.整改台账", "2.问题清单")
    ind1, ind2 = (p._p.pPr.find(qn("w:ind")) for p in (first, second))
    assert ind1.get(qn("w:leftChars")) == ind2.get(qn("w:leftChars")) == "600"  # 2 + 附件： + "1."
    assert (ind1.get(qn("w:hangingChars")), ind2.get(qn("w:hangingChars"))) == ("400", "100")
    # 版记: a table anchored to the foot of the text block, rules above and below
    assert "<w:tblpPr" in xml and 'w:vertAnchor="margin"' in xml
    assert "抄送：市委宣传部，市委网信办。" in xml and "2026年11月28日印发" in xml
    assert "中共示例局党组办公室" in xml


def test_no_part_is_written_when_its_settings_are_blank(tmp_path):
    path = _write(tmp_path, Parts())
    document = docx.Document(str(path))
    xml = _xml(path)
    assert document.paragraphs[0].text.startswith("关于党委")  # the title comes first
    assert "签发人" not in xml and "FF0000" not in xml
    assert "<w:tbl>" not in xml and "附件：" not in xml and "印发<" not in xml


@pytest.mark.parametrize(
    ("values", "present", "absent"),
    [
        ({"signers": ""}, ["示党组〔2026〕12号"], ["签发人"]),  # a document going down
        ({"cc": ""}, ["印发"], ["抄送："]),
        ({"cc": "", "printer": ""}, [], ["<w:tbl>"]),
        ({"attachments": "整改台账"}, ["附件：整改台账"], ["1.整改台账"]),
        ({"mark": ""}, [], ["FF0000", "签发人"]),
    ],
)
def test_each_part_follows_its_own_setting(tmp_path, values, present, absent):
    xml = _xml(_write(tmp_path, _parts(**values)))
    for text in present:
        assert text in xml
    for text in absent:
        assert text not in xml


def test_body_is_justified_and_properties_come_from_the_draft(tmp_path):
    path = _write(tmp_path, _parts())
    document = docx.Document(str(path))
    body = next(p for p in document.paragraphs if p.text.startswith("现将整改情况"))
    assert body._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "both"
    core = document.core_properties
    assert (core.author, core.last_modified_by, core.title) == (
        "中共示例局党组", "中共示例局党组", _full().title,
    )  # fmt: skip
    assert core.created.date() in (date(2026, 11, 28), date(2026, 11, 27))  # stored in UTC
    assert core.created == core.modified and core.revision == 1
    with zipfile.ZipFile(path) as zf:
        props = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("docProps/"))
        assert not any("thumbnail" in n for n in zf.namelist())
    assert "python-docx" not in props and "2013" not in props and "Macintosh" not in props


def test_the_demo_report_carries_the_upward_parts(demo_master, tmp_path):
    with clock.fixed(datetime(2026, 11, 28, 10, 0)):
        result = draft_report(read_ledger(demo_master), today=date(2026, 11, 28))
    doc = result.document
    assert doc.head == Head("中共××局党组文件", "××党组〔2026〕12号", ("王建国",))
    assert doc.record == Record("市委宣传部，市委网信办", "中共××局党组办公室", "2026年11月28日")
    assert doc.properties == Properties(
        "中共××局党组", datetime(2026, 11, 28, 10, 0), doc.properties.subject
    )
    # placeholders left from the model are warned about, with the cell to fix
    warned = {p.cell: p.value for p in result.problems if p.code == "setting-placeholder"}
    assert "中共××局党组" in warned.values() and all(re.fullmatch(r"B\d+", c) for c in warned)


def test_a_bulletin_has_its_own_title_recipient_and_signature(demo_master):
    set_settings(
        demo_master,
        {"通报标题": "关于2026年11月整改进展的通报", "通报主送": "各党支部、各科室", "通报落款": "局督查室",
         "通报发文机关标志": "", "印发机关": "", "抄送": ""},
    )  # fmt: skip
    doc = draft_bulletin(read_ledger(demo_master), today=date(2026, 11, 28)).document
    assert doc.title == "关于2026年11月整改进展的通报"
    assert doc.headings(ParaKind.RECIPIENT) == ["各党支部、各科室："]
    assert doc.headings(ParaKind.SIGNATURE) == ["局督查室"]
    assert doc.head is None and doc.record is None


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_renders_the_head_title_and_record(demo_master, tmp_path):
    with clock.fixed(datetime(2026, 11, 28, 10, 0)):
        result = draft_report(read_ledger(demo_master), today=date(2026, 11, 28))
    path = write_docx(result.document, tmp_path / "报告.docx")
    convert([path], "pdf", tmp_path, profile=tmp_path / "lo-profile")
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "报告.pdf"), "-"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    pages = [re.sub(r"\s+", "", p) for p in text.split("\f") if p.strip()]
    first = pages[0]
    assert first.startswith("中共××局党组文件")
    assert "××党组〔2026〕12号签发人：王建国" in first
    lines = break_title(result.document.title)
    assert first.index(lines[0]) < first.index(lines[1]) < first.index("网信办：")
    last = pages[-1]
    assert "附件：意识形态工作责任制落实情况督查问题整改台账" in last
    assert last.index("2026年11月28日") < last.index("抄送：市委宣传部，市委网信办。")
    assert "中共××局党组办公室2026年11月28日印发" in last
