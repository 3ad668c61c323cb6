"""The 督查通报 draft: returns, ranking, overdue items, demands, and the optional study part."""

from __future__ import annotations

from datetime import date, datetime

import docx
import openpyxl
import pytest

from tests.conftest import append_rows, set_settings
from zhenggai import TemplateError, draft_bulletin, read_ledger
from zhenggai.cli import main
from zhenggai.documents.document import ParaKind
from zhenggai.io.calamine import open_book

DAY = date(2026, 12, 8)


@pytest.fixture
def returned(demo_master):
    issued = datetime(2026, 11, 20, 9)
    append_rows(
        demo_master,
        "回收情况",
        [
            ["2026年11月", "办公室", issued, "a.xlsx", datetime(2026, 12, 3, 10)],
            ["2026年11月", "机关党委", issued, "b.xlsx", datetime(2026, 12, 7, 10)],
            ["2026年11月", "人事科", issued, "c.xlsx", None],
            ["2026年11月", "宣传教育科", issued, "d.xlsx", datetime(2026, 12, 5, 18)],
        ],
    )
    return demo_master


def test_bulletin_content(returned):
    doc = draft_bulletin(read_ledger(returned), today=DAY).document
    assert doc.title == "关于督查反馈问题整改进展情况的通报"
    assert doc.headings(ParaKind.RECIPIENT) == ["各责任单位："]
    assert doc.headings(ParaKind.H1) == [
        "一、进展报送情况",
        "二、整改完成情况",
        "三、逾期未完成事项",
        "四、有关要求",
    ]
    assert doc.headings(ParaKind.SIGNATURE) == ["中共××局党组"]
    assert doc.headings(ParaKind.DATE) == ["2026年12月8日"]
    text = doc.text()
    # one date style: the return deadline "12月5日前" read as the day it falls on
    assert "于2026年11月20日下发至4个单位，要求于2026年12月5日前报送。" in text
    assert "按时报送的有2个单位：办公室、宣传教育科。" in text
    assert "逾期报送的有1个单位：机关党委（逾期2天）。" in text
    assert "仍未报送的有1个单位：人事科。" in text
    assert (
        "台账共梳理问题6个，制定整改措施14条（分解到各责任单位共16项，按整改措施统计，"
        "几个单位共同承担的措施计为1条），已完成3条，正在整改9条（其中尚未启动1条，1条尚有单位未启动），"
        "需长期坚持2条，整改完成率21.43%" in text
    )
    assert (
        "1. 网络安全科（1/2，50.00%）；2. 办公室（1/3，33.33%）；2. 机关党委（1/3，33.33%）" in text
    )
    # counted in measures like every figure above: never "67 of 21"
    assert "共有5条整改措施超过整改时限仍未完成，涉及4个单位" in text
    overdue = [p for p in doc.headings(ParaKind.BODY) if "已逾期" in p]
    assert overdue[0].startswith("“传达学习全国、全区、全市宣传部长会议精神")  # most overdue first
    assert "整改时限2026年9月30日，宣传教育科未完成，已逾期69天" in overdue[0]  # 三季度末
    assert "办公室“对活跃度不高、学习不深入的人员及时提醒通报”（整改时限2026年12月15日）" in text
    assert "人事科要尽快补报2026年11月整改进展填报表" in text
    assert "学习强国" not in text
    assert "…" not in text  # names are cut at clause boundaries, never mid-word


def test_study_block_is_rendered_only_when_given(returned):
    doc = draft_bulletin(
        read_ledger(returned), today=DAY, study=["本月人均学习积分320分。", "请各单位督促提醒。"]
    ).document
    heads = doc.headings(ParaKind.H1)
    assert heads[3:] == ["四、学习强国学习情况", "五、有关要求"]
    bodies = doc.headings(ParaKind.BODY)
    assert bodies.index("本月人均学习积分320分。") + 1 == bodies.index("请各单位督促提醒。")


def test_an_unreadable_return_deadline_is_said_not_guessed(returned):
    set_settings(returned, {"报送截止": "按通知要求"})
    text = draft_bulletin(read_ledger(returned), today=DAY).document.text()
    assert "报送截止“按通知要求”无法识别为具体日期" in text
    assert "已报送的有3个单位：办公室、机关党委、宣传教育科；未报送的有1个单位：人事科。" in text
    assert "按时报送的有" not in text and "逾期报送的有" not in text


def test_no_batch_and_no_overdue(make_master):
    path = make_master(
        [
            {
                "id": "1",
                "category": "类别",
                "problem": "问题",
                "measure": "措施",
                "unit": "甲科",
                "deadline": "2027年底前",
                "status": "正在整改",
            }
        ]
    )
    text = draft_bulletin(read_ledger(path), today=DAY).document.text()
    assert "本期尚未下发整改进展填报表。" in text
    assert "没有超过整改时限仍未完成的整改事项" in text  # one measure on one row: items


def test_custom_template_from_settings(returned):
    (returned.parent / "我的通报.j2").write_text(
        "一、{{ batch.batch }}情况\n\n逾期{{ overdue_count }}条。\n", encoding="utf-8"
    )
    set_settings(returned, {"通报模板": "我的通报.j2"})
    doc = draft_bulletin(read_ledger(returned), today=DAY).document
    assert [(p.kind, p.text) for p in doc.paras] == [
        (ParaKind.RECIPIENT, "各责任单位："),
        (ParaKind.H1, "一、2026年11月情况"),
        (ParaKind.BODY, "逾期5条。"),
        (ParaKind.SIGNATURE, "中共××局党组"),
        (ParaKind.DATE, "2026年12月8日"),
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [("{{ nothing_here }}", "不存在的变量"), ("{% if %}", "语法错误"), (None, "找不到模板文件")],
)
def test_broken_template_is_a_template_error(returned, source, message):
    if source is not None:
        (returned.parent / "坏.j2").write_text(source, encoding="utf-8")
    set_settings(returned, {"通报模板": "坏.j2"})
    with pytest.raises(TemplateError, match=message):
        draft_bulletin(read_ledger(returned), today=DAY)
    assert main(["bulletin", str(returned)]) == 2


def test_cli_writes_the_draft_sheet_and_the_word_file(returned, tmp_path, capsys):
    out_docx = tmp_path / "通报" / "督查通报.docx"
    argv = ["bulletin", str(returned), "--today", "2026-12-08", "--docx", str(out_docx)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "“通报草稿”表" in out and "Word 文件" in out and "四、有关要求" in out
    grid = open_book(returned).grid("通报草稿")
    assert grid[0] == ["关于督查反馈问题整改进展情况的通报"]  # 设置 通报标题
    assert grid[1] == ["各责任单位："]
    assert grid[-1] == ["2026年12月8日"]
    ws = openpyxl.load_workbook(returned)["通报草稿"]
    assert ws.column_dimensions["A"].width == 110
    assert ws["A3"].alignment.wrap_text
    # the Word file holds the same paragraphs, in the 公文 layout of gongwen.py
    doc = draft_bulletin(read_ledger(returned), today=DAY).document
    texts = [p.text for p in docx.Document(str(out_docx)).paragraphs if p.text.strip()]
    assert texts[:2] == ["督查通报", "第3期"]  # the 版头 of the demo's 设置
    assert texts[2] == doc.title
    assert [t for t in texts if t.startswith(("一、", "二、", "三、", "四、"))] == doc.headings(
        ParaKind.H1
    )
    assert "机关党委（逾期2天）" in "".join(texts)


def test_before_the_return_deadline_nobody_is_called_late(returned):
    text = draft_bulletin(read_ledger(returned), today=date(2026, 12, 4)).document.text()
    # returns recorded after the bulletin's day do not count yet
    assert "报送截止时间未到。截至2026年12月4日，已报送的有1个单位：办公室；" in text
    assert "尚未报送的有3个单位：机关党委、人事科、宣传教育科。" in text
    assert "逾期报送" not in text and "补报" not in text


def test_bulletin_and_report_give_the_same_numbers(demo_master):
    from zhenggai import draft_report

    ledger = read_ledger(demo_master)
    stats = draft_report(ledger, today=date(2026, 11, 28)).stats
    text = draft_bulletin(ledger, today=date(2026, 11, 28)).document.text()
    assert f"制定整改措施{stats.measures}条" in text
    assert f"已完成{stats.done}条" in text
    assert f"整改完成率{stats.rate_text}" in text


def test_bulletin_template_option_and_placeholder_warning(returned, tmp_path, capsys):
    template = tmp_path / "通报.j2"
    template.write_text("一、情况\n\n共{{ stats.total }}{{ stats.word }}。\n", encoding="utf-8")
    out_docx = tmp_path / "通报.docx"
    argv = ["bulletin", str(returned), "--today", "2026-12-08", "--template", str(template)]
    assert main([*argv, "--docx", str(out_docx)]) == 0  # placeholders warn, they do not fail
    captured = capsys.readouterr()
    assert "共14条。" in captured.out
    assert "注意：“设置”表的“落款”还是占位写法（中共××局党组）" in captured.err
    assert out_docx.is_file()


def test_a_bulletin_dated_before_the_batch_was_issued_does_not_report_it(returned):
    text = draft_bulletin(read_ledger(returned), today=date(2026, 11, 15)).document.text()
    assert "本期尚未下发整改进展填报表。" in text
    assert "2026年11月20日" not in text  # a day after the bulletin's own
