"""The bulletin's 学习强国 section, from ``zhenggai study`` to ``zhenggai bulletin``."""

from __future__ import annotations

from datetime import date

import openpyxl
from docx import Document as Docx

from tests.support.study_books import import_demo_study
from zhenggai import read_ledger
from zhenggai.cli import main
from zhenggai.documents.bulletin import draft_bulletin

HEADING = "、学习强国学习情况"


def bulletin_rows(master):
    return [
        row[0] for row in openpyxl.load_workbook(master)["通报草稿"].iter_rows(values_only=True)
    ]


def test_no_study_imported_no_section(demo_master, capsys):
    assert main(["bulletin", str(demo_master), "--today", "2026-11-28"]) == 0
    assert not any(HEADING in (text or "") for text in bulletin_rows(demo_master))


def test_the_latest_period_becomes_a_section_of_the_bulletin(demo_master, tmp_path, capsys):
    import_demo_study(demo_master, tmp_path)
    docx = tmp_path / "通报.docx"
    assert main(["bulletin", str(demo_master), "--today", "2026-11-28", "--docx", str(docx)]) == 0
    rows = [text or "" for text in bulletin_rows(demo_master)]
    (at,) = [i for i, text in enumerate(rows) if text.endswith(HEADING)]
    paragraph = rows[at + 1]
    assert paragraph.startswith(
        "2026年11月，学习强国平台共统计学员22人，人均积分202.27分，较2026年10月上升5.68分。"
    )
    assert "本期未参加学习的2人（宣传教育科：郭涛；网络安全科：谢东）" in paragraph
    assert "对上述活跃度不高、学习不深入的人员予以提醒通报" in paragraph
    assert rows[at + 2].endswith("、有关要求")  # the section sits before the demands
    assert paragraph in [p.text for p in Docx(str(docx)).paragraphs]


def test_a_bulletin_dated_earlier_reports_the_period_it_knew(demo_master, tmp_path):
    import_demo_study(demo_master, tmp_path)
    result = draft_bulletin(read_ledger(demo_master), today=date(2026, 10, 31))
    text = result.document.text()
    assert "2026年10月，学习强国平台共统计学员22人" in text and "2026年11月，学习强国" not in text


def test_an_explicit_empty_study_leaves_the_section_out(demo_master, tmp_path):
    import_demo_study(demo_master, tmp_path)
    result = draft_bulletin(read_ledger(demo_master), study=())
    assert HEADING not in result.document.text()
