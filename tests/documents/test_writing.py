"""What a 办公室 writer checks in a draft, checked on the demo ledger and on a group's imported one.

Properties, each computed here independently of the wording code:

- no clause says twice what another clause of the same paragraph says;
- no date later than the drafting day, unless it is a deadline;
- every count after the statistics sentence uses its one rule (条 for measures,
  项 for items), and the figures equal a count made here from the ledger rows;
- the 统计 sheet's 合计 is the documents' total;
- 一是、二是 run in order; "尚未启动" appears only when the statistics admit it.
"""

from __future__ import annotations

import re
from datetime import date
from difflib import SequenceMatcher

import pytest

from tests.support.group_ledger import COMPANIES, GROUP_TODAY, group_ledger
from zhenggai import draft_bulletin, draft_report, read_ledger
from zhenggai.core.text import flatten
from zhenggai.documents.document import Document
from zhenggai.facts.ledger_facts import derive
from zhenggai.facts.tiers import Tier
from zhenggai.overdue.run import flag_overdue

DEMO_DAY = date(2026, 11, 28)
_CN = "一二三四五六七八九十"
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_NOISE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|[“”‘’《》（）()、\s]")
_LEAD = re.compile(rf"^(?:[{_CN}]+是|整改情况|存在问题|已于|已经|已|于|并|目前)+")


def _clauses(paragraph: str) -> list[str]:
    out = []
    for part in re.split(r"[，。；：！？]", paragraph):
        core = _LEAD.sub("", _NOISE.sub("", part))
        if len(re.findall(r"[\u4e00-\u9fff]", core)) >= 6:  # words, not a figure like 33.33%
            out.append(core)
    return out


def repeated_clauses(paragraph: str) -> list[tuple[str, str]]:
    """Pairs of clauses of *paragraph* that say the same (difflib ratio ≥ 0.85, same figures)."""
    parts = _clauses(paragraph)
    return [
        (a, b)
        for i, a in enumerate(parts)
        for b in parts[i + 1 :]
        if SequenceMatcher(None, a, b).ratio() >= 0.85
        and re.findall(r"\d+", a) == re.findall(r"\d+", b)
    ]


def later_dates(text: str, today: date) -> list[str]:
    """Dates after *today* that are not written as a deadline (时限/截止/…前/到期)."""
    found = []
    for m in _DATE.finditer(text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        before, after = text[max(0, m.start() - 6) : m.start()], text[m.end() : m.end() + 2]
        deadline = any(w in before for w in ("时限", "截止", "要求于")) or after.startswith(
            ("前", "到期")
        )
        if day > today and not deadline:
            found.append(text[max(0, m.start() - 10) : m.end() + 4])
    return found


def _entries(ledger, *, by_measure: bool) -> list[list]:
    """The ledger rows grouped as the rule counts them, computed here: by measure text or per row."""
    groups: dict[object, list] = {}
    for row in ledger.table:
        key = (
            (flatten(row.text("category")), flatten(row.text("problem")), flatten(row.text("measure")).rstrip("。"))
            if by_measure
            else row.number
        )  # fmt: skip
        groups.setdefault(key, []).append(row)
    return list(groups.values())


def expected(ledger, today: date, *, by_measure: bool) -> dict[str, int]:
    overdue_rows = {i.row for i in derive(ledger, today=today).items if i.tier is Tier.OVERDUE}
    entries = _entries(ledger, by_measure=by_measure)
    statuses = [[r.text("status") for r in rows] for rows in entries]
    return {
        "total": len(entries),
        "done": sum(all(s == "已完成" for s in st) for st in statuses),
        "overdue": sum(any(r.number in overdue_rows for r in rows) for rows in entries),
    }


def _without_statement(text: str) -> str:
    """The paragraph without the one place the rule is stated (its parenthesis) and quoted names."""
    text = re.sub(r"制定整改措施\d+条，分解到各责任单位共\d+项（按台账事项统计）", "", text)
    text = re.sub(r"（[^（）]*统计[^（）]*）", "", text, count=1)
    return re.sub(r"“[^“”]*”", "", text)


def check_counts(doc: Document, word: str) -> None:
    for p in doc.paras:
        for number, unit in re.findall(r"(\d+)(条|项)", _without_statement(p.text)):
            assert unit == word, (number + unit, p.text[:80])


def check_ordinals(doc: Document) -> None:
    for p in doc.paras:
        if p.text.startswith(("整改情况：", "一是")):
            found = re.findall(rf"(?:^|：|。)([{_CN}]+)是", p.text)
            assert found == [*_CN][: len(found)], p.text[:80]


def check_prose(doc: Document, today: date) -> None:
    for p in doc.paras:
        assert not repeated_clauses(p.text), (repeated_clauses(p.text), p.text[:60])
        assert ".。" not in p.text and "。。" not in p.text and "，。" not in p.text
    assert later_dates(doc.text(), today) == []
    check_ordinals(doc)


@pytest.fixture(scope="module")
def group(tmp_path_factory) -> object:
    return group_ledger(tmp_path_factory.mktemp("group"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> object:
    from zhenggai.demo.ledger import create_demo_master

    return read_ledger(create_demo_master(tmp_path_factory.mktemp("demo") / "台账.xlsx"))


def _check_ledger(ledger, today: date) -> None:
    report = draft_report(ledger, today=today)
    bulletin = draft_bulletin(ledger, today=today)
    stats = report.stats
    want = expected(ledger, today, by_measure=stats.by_measure)
    word = "条" if stats.by_measure else "项"
    assert stats.word == word and bulletin.stats == stats
    for doc in (report.document, bulletin.document):
        check_prose(doc, today)
        check_counts(doc, word)
        text = doc.text()
        assert f"已完成{want['done']}{word}" in text
        assert text.count("统计，") + text.count("统计）") <= 1  # the rule is stated once
    assert (stats.total, stats.done, stats.overdue) == (
        want["total"],
        want["done"],
        want["overdue"],
    )
    rtext, btext = report.document.text(), bulletin.document.text()
    if want["overdue"]:
        assert f"超过整改时限仍未完成的有{want['overdue']}{word}" in rtext
        assert f"共有{want['overdue']}{word}{stats.noun}超过整改时限仍未完成" in btext
    # the 统计 sheet's 合计 is the documents' total and rate
    table = next(t for t in flag_overdue(ledger, today=today).changes.tables if t.name == "统计")
    total = next(r for r in table.rows if r[1] == "合计")
    assert (total[2], total[3], total[7]) == (want["total"], want["done"], want["overdue"])
    assert f"{total[8] * 100:.2f}%" == stats.rate_text
    assert stats.basis in table.title
    # "尚未启动" in a measure's sentence only when the statistics say some are not started
    described = [
        s for p in report.document.paras if p.text.startswith("整改情况：")
        for s in re.split(rf"[{_CN}]+是", p.text) if "尚未启动" in s
    ]  # fmt: skip
    assert len(described) <= stats.not_started + stats.partly_started


def test_demo_report_and_bulletin_read_right(demo):
    _check_ledger(demo, DEMO_DAY)


def test_demo_on_a_later_day_reads_right(demo):
    _check_ledger(demo, date(2026, 12, 20))


def test_group_ledger_of_250_rows_reads_right(group):
    assert len(group.table) >= 200
    assert {u.name for u in group.units} == set(COMPANIES)
    _check_ledger(group, GROUP_TODAY)


def test_group_ledger_shared_measures_never_list_a_unit_twice(group):
    report = draft_report(group, today=GROUP_TODAY)
    for p in report.document.paras:
        if not p.text.startswith("整改情况："):
            continue
        for sentence in re.split(rf"[{_CN}]+是", p.text)[1:]:
            named = [u for u in COMPANIES for _ in range(sentence.count(u))]
            assert len(named) == len(set(named)), sentence[:80]
            assert "目前正在推进；" not in sentence and "：目前正在推进" not in sentence
    text = report.document.text()
    assert "公司：" not in text  # no "单位：进展" ledger lists
    # the progress that restates its measure keeps only its dated fact
    assert "东方能源公司已于2026年5月10日召开，正在制定；" in text


def test_group_ledger_counted_by_items_when_the_office_says_so(group, tmp_path):
    from tests.conftest import set_settings
    from tests.support.group_ledger import import_group_ledger

    master = import_group_ledger(tmp_path)
    set_settings(master, {"统计口径": "按台账事项计"})
    ledger = read_ledger(master)
    report = draft_report(ledger, today=GROUP_TODAY)
    assert report.stats.word == "项" and report.stats.total == len(ledger.table)
    _check_ledger(ledger, GROUP_TODAY)


@pytest.mark.parametrize(
    ("paragraph", "repeats"),
    [
        ("召开党组会议专题研究部署意识形态工作。已于2026年3月12日召开党组会议专题研究部署意识形态工作。", True),
        ("一是召开理论中心组学习扩大会。2026年6月18日召开理论学习中心组学习扩大会。", True),
        ("召开党组会议专题研究部署意识形态工作。已于2026年3月12日召开，并纳入年度考核。", False),
    ],
)  # fmt: skip
def test_the_repeat_check_catches_the_issues_examples(paragraph, repeats):
    assert bool(repeated_clauses(paragraph)) is repeats


def test_the_date_check_allows_deadlines_only():
    today = date(2026, 11, 28)
    assert later_dates("整改时限2026年12月31日；要求于2026年12月5日前报送", today) == []
    assert later_dates("已于2026年12月3日召开会议", today) != []


def test_report_file_paths_are_not_in_the_text(demo):
    # the draft names no files or cells: what the reader reads is prose
    text = draft_report(demo, today=DEMO_DAY).document.text()
    assert not re.search(r"[A-Z]{1,2}\d+|\.xlsx|\bNone\b", text)


def test_the_cli_summary_breaks_down_in_progress_as_the_documents_do(tmp_path, capsys):
    """The report command's one-line summary must not contradict the report's own sentence."""
    from zhenggai.cli import main
    from zhenggai.demo.ledger import create_demo_master
    from zhenggai.io.calamine import open_book

    master = create_demo_master(tmp_path / "台账.xlsx")
    assert main(["report", str(master), "--today", "2026-11-28"]) in (0, 1)
    summary = capsys.readouterr().out.replace(" ", "")
    report = "".join(str(r[0]) for r in open_book(master).grid("报告草稿") if r and r[0])
    among = "（其中尚未启动1条，1条尚有单位未启动）"
    assert among in summary and among in report
