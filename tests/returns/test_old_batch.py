"""A return on an older batch's template: decided once, read alike by consolidate, bulletin, mail."""

from __future__ import annotations

from datetime import datetime

from tests.support.group import group_world
from zhenggai import read_ledger
from zhenggai.core.lifecycle import RESOLVED
from zhenggai.core.logs import ReturnsLog
from zhenggai.core.sheets import PROBLEMS, RETURNS
from zhenggai.documents.bulletin import draft_bulletin
from zhenggai.io.calamine import open_book
from zhenggai.io.master import update_master
from zhenggai.mail.compose import plan_mail
from zhenggai.mail.result import MailKind
from zhenggai.returns.consolidate import Verdict, consolidate
from zhenggai.returns.rounds import COUNTED_NOTE

OCTOBER, NOVEMBER = datetime(2026, 10, 20, 9), datetime(2026, 11, 20, 9)
NOW = datetime(2026, 11, 28, 10)


def test_an_old_template_saved_after_the_new_batch_counts_for_it(tmp_path):
    world = group_world(tmp_path / "集团")
    october = world.issue(OCTOBER)
    world.issue(NOVEMBER)
    # C公司 fills last month's template after this month's was issued: current values
    rid = world.rid("C公司", "C公司审计措施二")
    c = world.fill(
        october["C公司"],
        "回复：" + october["C公司"].name,
        {(rid, "progress"): "清查完毕"},
        saved=datetime(2026, 11, 24, 15),
    )
    # B公司's October return, saved before November's template went out, arrives only now
    b = world.fill(october["B公司"], october["B公司"].name, saved=datetime(2026, 11, 10, 15))
    result, _ = update_master(
        world.master,
        op="汇总",
        plan=lambda ledger: consolidate(ledger, [b, c], root=world.returns, now=NOW),
    )
    files = {f.unit: f for f in result.files}
    assert files["C公司"].verdict is Verdict.APPLIED and files["C公司"].counted == "2026年11月"
    assert files["B公司"].counted == "2026年10月"
    notices = {u: [p.message for p in f.problems] for u, f in files.items()}
    assert "计为2026年11月的报送" in notices["C公司"][0]
    assert "只计为2026年10月的报送，2026年11月仍需报送" in notices["B公司"][0]
    assert (result.batch, result.not_returned) == ("2026年11月", ["A公司", "B公司"])

    log = ReturnsLog.from_grid(open_book(world.master).grid(RETURNS.name))
    c_nov = log.get("2026年11月", "C公司")
    assert (c_nov["回收时间"], c_nov["说明"]) == (datetime(2026, 11, 24, 15), COUNTED_NOTE)
    assert log.get("2026年10月", "C公司")["回收文件"] == c.name
    assert log.get("2026年11月", "B公司").get("回收时间") is None
    assert log.get("2026年10月", "B公司")["回收时间"] == datetime(2026, 11, 10, 15)
    # notices need nothing done: recorded as settled
    grid = open_book(world.master).grid(PROBLEMS.name)
    rows = [dict(zip(grid[0], r, strict=False)) for r in grid[1:]]
    outdated = [r for r in rows if r["代码"] == "batch-outdated"]
    assert {(r["单位"], r["批次"], r["状态"]) for r in outdated} == {
        ("B公司", "2026年10月", RESOLVED),
        ("C公司", "2026年10月", RESOLVED),
    }

    ledger = read_ledger(world.master)
    bulletin = draft_bulletin(ledger, today=NOW.date())
    assert [u.unit for u in bulletin.batch.returned] == ["C公司"]
    text = "\n".join(p.text for p in bulletin.document.paras)
    assert "已报送的有1个单位：C公司；尚未报送的有2个单位：A公司、B公司" in text
    reminders = plan_mail(ledger, reminder=True, today=NOW.date())
    assert [(o.unit, o.kind) for o in reminders.outgoing] == [
        ("A公司", MailKind.REMINDER),
        ("B公司", MailKind.REMINDER),
    ]
