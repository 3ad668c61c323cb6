"""Wording templates: filters, paragraph rules, errors, the sandbox, file encodings."""

from __future__ import annotations

import re
from datetime import date

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenggai import TemplateError
from zhenggai.core.text import brief, clause, cn_date, cn_number, flatten
from zhenggai.documents.document import ParaKind
from zhenggai.documents.wording import (
    Wording,
    builtin_template,
    load_template,
    paragraph_kind,
    render_paragraphs,
    split_paragraphs,
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (date(2026, 1, 5), "2026年1月5日"),
        ("2026年01月05日", "2026年1月5日"),
        ("2026-11-28", "2026年11月28日"),
        ("2026.1.5", "2026年1月5日"),
        ("年底前", "年底前"),
        (None, ""),
    ],
)
def test_cn_date_has_no_zero_padding(value, shown):
    assert cn_date(value) == shown


def test_numbers_and_clauses():
    assert [cn_number(n) for n in (1, 3, 10, 12)] == ["一", "三", "十", "十二"]
    assert clause("已完成整改。") == "已完成整改"
    assert clause("  已完成整改；\n") == "已完成整改"
    assert (
        brief("继续压实意识形态工作责任，党组书记落实好第一责任人责任")
        == "继续压实意识形态工作责任"
    )
    assert len(brief("很" * 50)) == 30
    assert (
        flatten("11月：已召开会议\n12月：已印发方案。\n\n")
        == "11月：已召开会议；12月：已印发方案。"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("一、高度重视", ParaKind.H1),
        ("十二、其他", ParaKind.H1),
        ("（三）防范化解风险", ParaKind.H2),
        ("1.存在问题", ParaKind.H3),
        ("（2）整改情况", ParaKind.H3),
        ("一是迅速安排部署", ParaKind.BODY),
        ("2026.11.28 召开会议", ParaKind.BODY),
        ("存在问题：（1）……", ParaKind.BODY),
    ],
)
def test_paragraph_kind_from_the_leading_ordinal(text, kind):
    assert paragraph_kind(text) is kind


def test_blank_lines_separate_paragraphs_and_lines_join():
    text = "第一段\n  接着写\n\n\n（一）标题\n\n第三段。\n"
    assert split_paragraphs(text) == ["第一段接着写", "（一）标题", "第三段。"]


@given(st.text(alphabet="一二、（）是。\n \u3000ab", max_size=200))
def test_paragraphs_are_never_empty_and_never_span_lines(text):
    for paragraph in split_paragraphs(text):
        assert paragraph and paragraph == paragraph.strip()
        assert "\n" not in paragraph


def test_render_with_filters_and_loops():
    wording = Wording(
        "测试",
        "{% for n in items %}\n{{ loop.index|cn }}是{{ n|clause }}。\n{% endfor %}\n\n二、完\n",
    )
    paras = render_paragraphs(wording, {"items": ["甲；", "乙。"]})
    assert [(p.kind, p.text) for p in paras] == [
        (ParaKind.BODY, "一是甲。二是乙。"),
        (ParaKind.H1, "二、完"),
    ]


def test_templates_cannot_reach_python():
    wording = Wording("恶意模板", "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError):
        render_paragraphs(wording, {})


def test_template_files_in_utf8_bom_and_gbk(tmp_path):
    for encoding in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"{encoding}.j2"
        path.write_text("整改情况报告", encoding=encoding)
        assert load_template(path, origin="测试").source == "整改情况报告"
    binary = tmp_path / "坏.j2"
    binary.write_bytes(b"\xff\xfe\x00\x81\x00" * 10)
    with pytest.raises(TemplateError, match="不是文本文件"):
        load_template(binary, origin="测试")


def test_builtin_report_template_ships_with_the_package():
    wording = builtin_template("report.j2")
    assert wording.name == "内置模板 report.j2"
    assert "现将整改情况报告如下：" in wording.source


BROKEN = [
    ("第一行\n{% for x in items %}\n{{ x }}\n", 3, "缺少 {% endfor %}"),
    ("甲\n{% for x in items %}{{ x }}{% endfro %}", 2, "不认识的标签“endfro”"),
    ("{% if %}有{% endif %}", 1, "缺少条件或变量"),
    ("{{ x }", 1, "没有配对"),
    ("{{ a b }}", 1, "没有配对"),
]


@pytest.mark.parametrize(("source", "line", "words"), BROKEN)
def test_syntax_errors_are_chinese_with_the_templates_line(source, line, words):
    with pytest.raises(TemplateError) as caught:
        render_paragraphs(Wording("我的模板.j2", source), {"items": [1]})
    message = str(caught.value)
    assert message.startswith(f"我的模板.j2 第{line}行有语法错误：") and words in message
    prose = re.sub(r"\{%.*?%\}|“\w+”|\.j2", "", message)  # tags and names are the template's own
    assert not re.search(r"[A-Za-z]{3,}", prose), prose
    assert ".。" not in message and "。。" not in message


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("甲\n\n{{ nothing_here }}", 3, "用了不存在的变量“nothing_here”"),
        ("甲\n{% for x in items %}\n{{ x.nope }}\n{% endfor %}", 3, "用了不存在的属性“nope”"),
        ("{{ 3|cn_date|cn }}", 1, "无法生成"),
    ],
)
def test_undefined_names_give_the_templates_line(source, line, words):
    with pytest.raises(TemplateError) as caught:
        render_paragraphs(Wording("我的模板.j2", source), {"items": [{"a": 1}]})
    message = str(caught.value)
    assert f"第{line}行" in message and words in message
    assert ".。" not in message


def test_an_unknown_english_message_is_quoted_without_doubling_the_full_stop():
    from zhenggai.documents.wording import syntax_message

    assert syntax_message("something odd happened.") == "（something odd happened）。"


@pytest.mark.parametrize(
    "expression",
    [
        "m.__class__",
        "m.__dataclass_fields__",
        "m._hidden",
        "m.units.__class__",
        "m.method.__func__",
        "m.method.__globals__",
    ],
)
def test_the_documents_data_keeps_its_internals_from_templates(expression):
    """The fast check for dataclass instances refuses what jinja2's sandbox refuses."""
    from dataclasses import dataclass

    from jinja2.sandbox import SandboxedEnvironment

    @dataclass(frozen=True)
    class M:
        text: str
        units: tuple[str, ...]
        _hidden: str = "秘密"

        def method(self) -> str:
            return self.text

    m = M("措施", ("甲", "乙"))
    with pytest.raises(TemplateError):
        render_paragraphs(Wording("恶意模板", "{{ " + expression + " }}"), {"m": m})
    with pytest.raises(jinja2.exceptions.TemplateRuntimeError):  # jinja2's own sandbox agrees
        SandboxedEnvironment(undefined=jinja2.StrictUndefined).from_string(
            "{{ " + expression + " }}"
        ).render(m=m)


def test_the_documents_data_reads_as_before_in_templates():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class M:
        text: str
        units: tuple[str, ...]

        @property
        def first(self) -> str:
            return self.units[0]

    m = M("措施", ("甲", "乙"))
    paras = render_paragraphs(
        Wording("模板", "{{ m.text }}{{ m.first }}{{ m.units|length }}"), {"m": m}
    )
    assert [p.text for p in paras] == ["措施甲2"]
