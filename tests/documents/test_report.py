"""The report draft: the example's skeleton, honest progress, counts, settings, templates, CLI."""

from __future__ import annotations

import re
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenggai import EmptyLedgerError, TemplateError, draft_report, read_ledger
from zhenggai.cli import main
from zhenggai.core.ledger import load_ledger
from zhenggai.core.memory import MemoryMaster
from zhenggai.core.settings import settings_rows
from zhenggai.demo.ledger import demo_rows
from zhenggai.documents.document import ParaKind
from zhenggai.documents.wording import Wording
from zhenggai.io.calamine import open_book

EXAMPLE = Path(__file__).parents[1] / "data" / "example-report.txt"
TODAY = date(2026, 11, 28)
_CN = "一二三四五六七八九十"
_ORDINALS = [*_CN, "十一", "十二"]


def skeleton(paragraphs: list[str]) -> list[tuple[str, ...]]:
    """The structure of a report, without its prose.

    ("recipient",), ("opening",), ("h1", "一"), ("h2", heading),
    ("problems", "1", "2") or ("problems",) for a single unnumbered problem,
    ("measures", n) with the 一是/二是 ordinals checked to run 一, 二, … n,
    ("steps", n) for a 一是… paragraph outside the 整改情况 blocks.
    """
    out: list[tuple[str, ...]] = []
    for i, text in enumerate(paragraphs):
        if i == 0 and text.endswith("：") and len(text) < 30:
            out.append(("recipient",))
        elif text.endswith("现将整改情况报告如下："):
            out.append(("opening",))
        elif m := re.match(rf"^([{_CN}]+)、", text):
            out.append(("h1", m[1]))
        elif re.match(rf"^（[{_CN}]+）", text):
            out.append(("h2", text))
        elif text.startswith("存在问题："):
            out.append(("problems", *re.findall(r"（(\d+)）", text)))
        elif text.startswith(("整改情况：", "一是")):
            ordinals = re.findall(rf"(?:^|：|。)([{_CN}]+)是", text)
            assert ordinals == _ORDINALS[: len(ordinals)], text
            kind = "measures" if text.startswith("整改情况：") else "steps"
            out.append((kind, str(len(ordinals))))
    return out


def _measures_per_category() -> list[int]:
    """Distinct measures per category of the demo ledger, counted independently of the library."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for row in demo_rows():
        seen.setdefault(str(row["category"]), set()).add((str(row["problem"]), str(row["measure"])))
    return [len(v) for v in seen.values()]


@pytest.fixture
def demo_report(demo_master):
    return draft_report(read_ledger(demo_master), today=TODAY)


def test_demo_draft_has_the_skeleton_of_the_example(demo_report):
    example = skeleton(EXAMPLE.read_text(encoding="utf-8").splitlines())
    draft = skeleton([p.text for p in demo_report.document.paras])
    # same sections, category headings and numbered problems; the example bundles
    # several measures into one 一是, the draft writes one per measure
    assert [s for s in draft if s[0] != "measures"] == [s for s in example if s[0] != "measures"]
    assert [int(s[1]) for s in draft if s[0] == "measures"] == _measures_per_category()
    assert [s[1] for s in example if s[0] == "h1"] == ["一", "二", "三"]
    assert [s for s in example if s[0] == "problems"] == [
        ("problems", "1", "2"),
        ("problems", "1", "2", "3"),
        ("problems",),
    ]


def test_document_roles_and_closing(demo_report):
    doc = demo_report.document
    assert doc.title == "关于党委（党组）意识形态工作责任制落实情况督查问题整改情况的报告"
    kinds = [p.kind for p in doc.paras]
    assert kinds[0] is ParaKind.RECIPIENT and doc.paras[0].text == "网信办："
    assert kinds[-2:] == [ParaKind.SIGNATURE, ParaKind.DATE]
    assert doc.paras[-2].text == "中共××局党组"
    assert doc.paras[-1].text == "2026年11月28日"
    assert doc.headings(ParaKind.H2) == [
        "（一）意识形态工作责任落实不够到位方面",
        "（二）理论学习不够系统全面和及时有效方面",
        "（三）防范化解意识形态领域风险能力有待提高",
    ]


def test_statistics_sentence_matches_the_ledger(demo_report):
    s = demo_report.stats
    assert (s.findings, s.measures, s.items, s.done, s.in_progress, s.not_started) == (
        6, 14, 16, 3, 9, 1,
    )  # fmt: skip
    assert (s.partly_started, s.ongoing, s.overdue, s.basis) == (1, 2, 2, "按整改措施计")
    assert s.rate_text == "21.43%"  # 3 / 14
    text = demo_report.document.text()
    # the rule is stated once, and every figure after it counts measures (条)
    assert (
        "共梳理问题6个，制定整改措施14条（分解到各责任单位共16项，按整改措施统计，几个单位共同承担的措施计为1条），"
        "已完成3条，正在整改9条（其中尚未启动1条，1条尚有单位未启动），需长期坚持2条，整改完成率21.43%。"
    ) in text
    assert sum(len(c.measures) for c in demo_report.categories) == s.measures


def test_overdue_measures_are_named_with_their_deadline(demo_report):
    stats = next(p.text for p in demo_report.document.paras if "共梳理问题" in p.text)
    # 2 (2026年10月31日) and 5-2 (三季度末, read as 2026年9月30日) are past due on 2026-11-28
    assert "超过整改时限仍未完成的有2条：" in stats
    assert "（宣传教育科，整改时限2026年9月30日）" in stats
    assert "（机关党委，整改时限2026年10月31日）" in stats
    steps = next(p.text for p in demo_report.document.paras if p.text.startswith("一是坚持持续"))
    assert "对超过整改时限仍未完成的2条" in steps
    assert (
        "对其余正在整改的7条" in steps
    )  # 9 in progress, 2 of them overdue: never "确保按期" for those


def test_progress_is_reported_never_invented(demo_report):
    text = demo_report.document.text()
    for row in demo_rows():
        for part in re.split(r"[，。；]", str(row["progress"] or "")):
            if not part:
                continue
            if part in text:
                continue
            # a clause restating the measure keeps only its dated fact
            date_text = re.search(r"\d{4}年\d{1,2}月\d{1,2}日", part)
            assert date_text is not None and date_text[0] in text, part
            restated = part.replace(date_text[0], "").removeprefix("已于")
            assert any(
                SequenceMatcher(None, restated, clause).ratio() >= 0.8
                for clause in re.split(r"[，。；]", str(row["measure"]))
            ), part
    # 6-2 (未启动, no progress) and the 3-2 row (长期坚持, no progress) say so plainly
    assert "政治执行力。尚未启动，将抓紧推进。" in text
    assert "办公室作为长期坚持事项持续推进。" in text
    assert (
        "召开党组会议专题研究部署意识形态工作。已于2026年3月12日召开，并将意识形态工作纳入年度考核。"
        in text
    )


def test_rows_of_one_measure_read_as_grouped_outcomes(demo_report):
    text = demo_report.document.text()
    measure = "继续压实意识形态工作责任"
    assert text.count(measure) == 2  # once in 二、, once among the 长期坚持 items in 三、
    assert (
        "“一岗双责”。机关党委已印发党组意识形态工作责任清单，逐月调度落实情况；办公室作为长期坚持事项持续推进。"
        in text
    )
    assert "落实到位。网络安全科已完成2个基层单位实地督查指导；舆情信息科尚未启动。" in text
    assert "机关党委：" not in text and "网络安全科：" not in text  # no ledger list


def test_next_steps_use_what_the_ledger_and_settings_know(demo_report):
    steps = next(p.text for p in demo_report.document.paras if p.text.startswith("一是坚持持续"))
    assert (
        "对“继续压实意识形态工作责任”“常态化对基层开展意识形态专项督查”等2条需要长期坚持的整改措施"
        in steps
    )
    # done 2026-03-12 and 2026-06-18 are 90+ days before 2026-11-28; 2026-09-25 is not
    assert "对已完成的3条整改措施，完成满90天后逐项组织“回头看”（其中2条已满90天" in steps
    # evidence the ledger names, the electronic archives a measure mentions, the rules progress names
    assert "不定期抽查电子档案相结合" in steps
    assert "逐项核验党组会议纪要、年度考核方案、学习扩大会通知等佐证材料" in steps
    assert "认真落实党组意识形态工作责任清单、基层意识形态工作电子档案月报制度等制度规定" in steps


def test_report_sheet_is_written_one_paragraph_per_row(demo_master, capsys):
    assert main(["report", str(demo_master), "--today", "2026-11-28"]) == 0
    grid = open_book(demo_master).grid("报告草稿")
    report = draft_report(read_ledger(demo_master), today=TODAY)
    assert [r[0] for r in grid] == [report.document.title, *(p.text for p in report.document.paras)]
    ws = openpyxl.load_workbook(demo_master)["报告草稿"]
    assert ws.column_dimensions["A"].width >= 100
    assert ws["A3"].alignment.wrap_text
    assert "完成率 21.43%" in capsys.readouterr().out


def test_cli_text_and_docx(demo_master, tmp_path, capsys):
    docx = tmp_path / "输出" / "报告.docx"
    code = main(
        ["report", str(demo_master), "--today", "2026-11-28", "--text", "--docx", str(docx)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "二、聚焦问题、从严从实，切实落实督查整改任务" in printed
    assert f"Word 文件：{docx.resolve()}" in printed
    assert docx.is_file()


def _empty_master(make_master):
    return make_master(rows=[])


def test_empty_ledger_is_a_clear_message_not_a_division_error(make_master, capsys):
    path = _empty_master(make_master)
    with pytest.raises(EmptyLedgerError, match="还没有可写进报告的整改措施"):
        draft_report(read_ledger(path), today=TODAY)
    assert main(["report", str(path)]) == 2
    assert "还没有可写进报告的整改措施" in capsys.readouterr().err


def test_rows_without_required_text_are_named_and_still_counted(make_master):
    rows = demo_rows()[:3]
    rows[1] = {**rows[1], "measure": None}
    rows[2] = {**rows[2], "status": "基本完成"}
    result = draft_report(read_ledger(make_master(rows=rows)), today=TODAY)
    assert [p.as_tuple() for p in result.problems if p.sheet == "台账"] == [
        ("台账", "E3", "required-missing"),  # 整改措施 empty: not in 二、, but a ledger item
        ("台账", "L4", "status-invalid"),
    ]
    s = result.stats
    assert (s.total, s.done, s.in_progress, s.ongoing) == (3, 1, 2, 0)  # 基本完成 is not done
    assert s.rate_text == "33.33%"  # the 统计 sheet counts the same three rows


def _set_settings(path: Path, values: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["设置"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    wb.save(path)


def test_missing_settings_are_problems_with_cells(make_master, capsys):
    path = make_master(rows=demo_rows())  # a plain master: 主送机关, 通知名称, 落款 empty
    result = draft_report(read_ledger(path), today=TODAY)
    codes = [(p.sheet, p.code) for p in result.problems]
    assert codes == [("设置", "report-setting-missing")] * 3
    assert all(re.fullmatch(r"B\d+", p.cell) for p in result.problems)
    kinds = [p.kind for p in result.document.paras]
    assert ParaKind.RECIPIENT not in kinds and ParaKind.SIGNATURE not in kinds
    assert "针对督查反馈意见中提出的问题和要求" in result.document.text()
    assert main(["report", str(path)]) == 1  # drafted, but problems to fix
    assert "report-setting-missing" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("written", "shown", "codes"),
    [
        ("2026年01月05日", "2026年1月5日", []),
        ("2026-12-01", "2026年12月1日", []),
        (date(2026, 12, 1), "2026年12月1日", []),
        ("十二月一日", "十二月一日", ["setting-invalid"]),
    ],
)
def test_report_date_from_settings_without_zero_padding(demo_master, written, shown, codes):
    _set_settings(demo_master, {"成文日期": written})
    result = draft_report(read_ledger(demo_master), today=TODAY)
    assert result.document.paras[-1].text == shown
    found = [str(p.code) for p in result.problems if p.code != "setting-placeholder"]
    assert found == codes


CUSTOM = """\
{% for c in categories %}
{{ c.number|cn }}、{{ c.name }}：{{ c.measures|length }}条

{% endfor %}
完成率{{ stats.rate_text }}，成文{{ date }}。
"""


def test_custom_template_from_the_command_line(demo_master, tmp_path, capsys):
    template = tmp_path / "我的模板.j2"
    template.write_text(CUSTOM, encoding="gb18030")  # as Windows Notepad may save it
    assert main(["report", str(demo_master), "--template", str(template), "--text"]) == 0
    printed = capsys.readouterr().out
    assert "一、意识形态工作责任落实不够到位方面：4条" in printed
    assert "完成率21.43%，成文" in printed
    assert "高度重视、迅速行动" not in printed
    assert f"模板：{template}" in printed
    grid = open_book(demo_master).grid("报告草稿")
    assert grid[2][0] == "一、意识形态工作责任落实不够到位方面：4条"


def test_custom_template_from_settings_relative_to_the_master(demo_master):
    (demo_master.parent / "模板").mkdir()
    (demo_master.parent / "模板" / "报告.j2").write_text(CUSTOM, encoding="utf-8")
    _set_settings(demo_master, {"报告模板": "模板/报告.j2"})
    result = draft_report(read_ledger(demo_master), today=TODAY)
    assert result.template.endswith("报告.j2")
    assert (
        result.document.headings(ParaKind.H1)[2] == "三、防范化解意识形态领域风险能力有待提高：4条"
    )


def test_missing_template_names_where_it_came_from(demo_master, tmp_path, capsys):
    _set_settings(demo_master, {"报告模板": "没有这个.j2"})
    with pytest.raises(TemplateError, match="由设置“报告模板”指定"):
        draft_report(read_ledger(demo_master), today=TODAY)
    assert main(["report", str(demo_master), "--template", str(tmp_path / "无.j2")]) == 2
    assert "找不到模板文件" in capsys.readouterr().err


def test_template_errors_say_where(demo_master):
    ledger = read_ledger(demo_master)
    with pytest.raises(TemplateError, match="第2行有语法错误"):
        draft_report(ledger, wording=Wording("坏模板", "第一行\n{% for x in %}"))
    with pytest.raises(TemplateError, match="第1行用了不存在的属性“nope”"):
        draft_report(ledger, wording=Wording("坏模板", "{{ stats.nope }}"))
    with pytest.raises(TemplateError, match="第3行用了不存在的变量“nothing_here”。可用"):
        draft_report(ledger, wording=Wording("坏模板", "甲\n\n{{ nothing_here }}"))


def memory_ledger(rows: list[dict[str, object]]):
    """A ledger held in memory, as the add-in's open book is: no file involved."""
    master = MemoryMaster.new(rows)
    master.grids["设置"] = [list(r) for r in settings_rows()]
    return load_ledger(master)


_ROW = st.fixed_dictionaries(
    {
        "category": st.sampled_from(["甲方面", "乙方面", "丙方面"]),
        "problem": st.sampled_from(["问题一", "问题二"]),
        "measure": st.sampled_from(["措施一", "措施二", "措施三"]),
        "unit": st.sampled_from(["办公室", "人事科"]),
        "status": st.sampled_from(["未启动", "正在整改", "已完成", "长期坚持"]),
        "progress": st.sampled_from([None, "已召开会议。"]),
        "done_date": st.sampled_from([None, date(2026, 1, 5), date(2026, 11, 1)]),
    }
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=12))
def test_builtin_template_renders_any_ledger(rows):
    rows = [{"id": str(i), "deadline": "年底前", **r} for i, r in enumerate(rows, start=1)]
    result = draft_report(memory_ledger(rows), today=TODAY)
    paras = [p.text for p in result.document.paras]
    sk = skeleton(paras)
    assert [s[0] for s in sk if s[0] == "h1"] == ["h1"] * 3
    assert len(result.document.headings(ParaKind.H2)) == len(result.categories)
    assert [int(s[1]) for s in sk if s[0] == "measures"] == [
        len(c.measures) for c in result.categories
    ]
    assert f"整改完成率{result.stats.rate_text}" in result.document.text()
    assert all(p.strip() == p and p for p in paras)
