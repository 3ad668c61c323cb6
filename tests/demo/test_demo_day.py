"""`make demo` runs on one day, and what it writes agrees with itself and with 回收情况.

The same steps as the Makefile's demo target, through the real CLI, with
ZHENGGAI_TODAY set as the Makefile sets it (the machine's own clock is later).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document as Docx

from zhenggai import read_ledger
from zhenggai.cli import main
from zhenggai.core.logs import ReturnsLog
from zhenggai.core.sheets import BULLETIN, REPORT, RETURNS
from zhenggai.demo.returns import main as fill_returns
from zhenggai.facts.ledger_facts import derive
from zhenggai.facts.punctuality import return_due
from zhenggai.io.calamine import open_book

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日|(\d{4})-(\d{2})-(\d{2})")


def _demo_day() -> date:
    m = re.search(r"^DEMO_DAY \?= (\S+)$", MAKEFILE.read_text(encoding="utf-8"), re.M)
    assert m is not None, "Makefile 没有 DEMO_DAY"
    return date.fromisoformat(m.group(1))


def _dates(text: str) -> list[date]:
    return [
        date(int(m[1] or m[4]), int(m[2] or m[5]), int(m[3] or m[6])) for m in _DATE.finditer(text)
    ]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, date]:
    day = _demo_day()
    out = tmp_path_factory.mktemp("demo-out")
    master = out / "示例台账.xlsx"
    workbooks = MAKEFILE.parent / "workbooks"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZHENGGAI_TODAY", day.isoformat())
        steps = [
            (["init", str(master), "--demo"], (0,)),
            (["templates", str(master), "--batch", "2026年11月"], (0,)),
            (["mail", str(master)], (0,)),
            (None, (0,)),
            (["consolidate", str(master)], (0, 1)),
            (["overdue", str(master)], (0, 1)),
            (
                [
                    "study",
                    str(workbooks / "学习积分导出-2026年10月.xlsx"),
                    "--into",
                    str(master),
                    "--period",
                    "2026年10月",
                ],
                (0, 1),
            ),
            (
                [
                    "study",
                    str(workbooks / "学习积分导出-2026年11月.xlsx"),
                    "--into",
                    str(master),
                    "--period",
                    "2026年11月",
                ],
                (0, 1),
            ),
            (["bulletin", str(master), "--docx", str(out / "督查通报.docx")], (0, 1)),
            (["review", str(master)], (0, 1)),
            (["mail", str(master), "--reminder"], (0, 1)),
            (["report", str(master), "--docx", str(out / "整改情况报告.docx")], (0, 1)),
        ]
        for argv, ok in steps:
            if argv is None:
                code = fill_returns([str(out / "下发" / "2026年11月"), str(out / "回收")])
            else:
                code = main(argv)
            assert code in ok, argv
    return master, day


def _text(master: Path, sheet: str) -> str:
    return "\n".join(str(r[0]) for r in open_book(master).grid(sheet) if r and r[0])


def test_no_date_in_the_bulletin_or_report_is_later_than_the_demo_day(demo):
    master, day = demo
    ledger = read_ledger(master)
    log = ReturnsLog.from_grid(ledger.grid(RETURNS.name))
    due = return_due(ledger.settings.return_deadline, day, batch="2026年11月")
    assert due is not None and due >= day
    # the dates after the demo day a document may name: deadlines (the return's, the items')
    deadlines = {due} | {i.deadline.due for i in derive(ledger, today=day).items if i.deadline.due}
    for sheet, docx in ((BULLETIN.name, "督查通报.docx"), (REPORT.name, "整改情况报告.docx")):
        text = _text(master, sheet)
        words = "\n".join(p.text for p in Docx(master.parent / docx).paragraphs)
        for source in (text, words):
            later = {d for d in _dates(source) if d > day}
            assert later <= deadlines, (sheet, later - deadlines)
        if sheet == BULLETIN.name:  # the return deadline, read for the batch
            assert f"{due.year}年{due.month}月{due.day}日" in text
        assert f"{day.year}年{day.month}月{day.day}日" in text  # dated the demo day
    issued = {v["下发时间"].date() for k in log.entries() if (v := log.get(*k))}
    assert issued == {day}
    returned = {v["回收时间"].date() for k in log.entries() if (v := log.get(*k)).get("回收时间")}
    assert returned == {day}


def test_the_bulletin_agrees_with_returns_sheet(demo):
    master, day = demo
    log = ReturnsLog.from_grid(open_book(master).grid(RETURNS.name))
    back = [u for b, u in log.entries() if log.get(b, u).get("回收时间")]
    missing = [u for b, u in log.entries() if not log.get(b, u).get("回收时间")]
    text = _text(master, BULLETIN.name)
    assert f"于{day.year}年{day.month}月{day.day}日下发至{len(back) + len(missing)}个单位" in text
    assert f"已报送的有{len(back)}个单位：{'、'.join(back)}" in text
    assert f"尚未报送的有{len(missing)}个单位：{'、'.join(missing)}" in text
    assert "尚无单位报送" not in text and "逾期报送" not in text
    # reminders: the units without a return, and those with items overdue on the demo day
    emls = (master.parent / "下发" / "2026年11月" / "邮件").glob("*-催报-*.eml")
    overdue = derive(read_ledger(master), today=day).overdue_by_unit()
    assert {p.name.split("-")[0] for p in emls} == set(missing) | set(overdue)
