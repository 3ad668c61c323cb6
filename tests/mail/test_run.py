"""Who gets which mail: batches, attachments, addresses, reminders, .eml drafts."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import set_settings, write_book
from tests.support.mailtools import issue_batch, set_warnings
from zhenggai import UsageError, read_ledger
from zhenggai.core.changes import ChangeSet
from zhenggai.demo.ledger import DEMO_UNITS
from zhenggai.io.master import update_master
from zhenggai.mail.compose import plan_mail
from zhenggai.mail.plan import latest_batch
from zhenggai.mail.result import MailKind
from zhenggai.mail.run import run_mail
from zhenggai.template.names import template_name

UNITS = [u[1] for u in DEMO_UNITS]
BATCH = "2026年11月"
TODAY = dt.date(2026, 11, 28)


def set_email(master: Path, unit: str, address: str | None) -> None:
    wb = openpyxl.load_workbook(master)
    ws = wb["单位"]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 2).value == unit:
            ws.cell(r, 4).value = address
    wb.save(master)


class _Plan:
    def __init__(self, changes: ChangeSet) -> None:
        self.changes = changes


def test_default_batch_is_the_latest_issued(demo_master):
    issue_batch(demo_master, "2026年10月", UNITS[:2], when=dt.datetime(2026, 10, 28))
    issue_batch(demo_master, BATCH, UNITS[:3], when=dt.datetime(2026, 11, 28))
    issue_batch(demo_master, "2026年9月", UNITS[:1], when=dt.datetime(2026, 9, 28))
    ledger = read_ledger(demo_master)
    assert latest_batch(ledger) == BATCH
    result = plan_mail(ledger)
    assert result.batch == BATCH
    assert [o.unit for o in result.outgoing] == UNITS[:3]


def test_issue_plan_fills_the_texts_and_attaches_the_template(demo_master):
    files = issue_batch(demo_master, BATCH, UNITS)
    result = plan_mail(read_ledger(demo_master))
    assert result.kind is MailKind.ISSUE
    assert result.problems == []
    office = result.outgoing[0]
    assert office.unit == "办公室"
    assert office.addresses == ("bangongshi@example.org",)
    assert office.subject == "【请填报】2026年11月整改进展（办公室）"
    assert office.body.startswith(
        "办公室：\n\n附件是贵单位2026年11月整改进展填报表，请在12月5日前填好"
    )
    assert office.attachment == files["办公室"]


def test_no_batch_issued_is_a_usage_error(demo_master):
    with pytest.raises(UsageError, match="zhenggai templates"):
        plan_mail(read_ledger(demo_master))
    with pytest.raises(UsageError, match="2026年12月"):
        plan_mail(read_ledger(demo_master), batch="2026年12月")
    with pytest.raises(UsageError, match="无从催报"):  # and nothing is overdue on that day
        plan_mail(
            read_ledger(demo_master),
            batch="2026年12月",
            reminder=True,
            today=dt.date(2026, 9, 1),
        )


def test_attachment_found_by_name_when_returns_sheet_lacks_it(demo_master):
    # templates on disk before 回收情况 knew about them (e.g. made by hand)
    files = issue_batch(demo_master, BATCH, ["办公室", "人事科"], record=False)
    result = plan_mail(read_ledger(demo_master), batch=BATCH)
    assert [(o.unit, o.attachment) for o in result.outgoing] == [
        ("办公室", files["办公室"]),
        ("人事科", files["人事科"]),
    ]


def test_attachment_from_returns_sheet_file_name(demo_master):
    folder = demo_master.parent / "下发" / BATCH
    folder.mkdir(parents=True)
    odd = write_book(folder / "办公室（修订）.xlsx", {"填报": [["编号"], ["1"]]})
    changes = ChangeSet()
    changes.append("回收情况", [[BATCH, "办公室", dt.datetime(2026, 11, 28), odd.name]])
    update_master(demo_master, op="测试", plan=lambda ledger: _Plan(changes))
    (office,) = plan_mail(read_ledger(demo_master)).outgoing
    assert office.attachment == odd


def test_missing_template_and_addresses_are_problems_the_rest_proceed(demo_master):
    files = issue_batch(demo_master, BATCH, UNITS)
    files["人事科"].unlink()
    set_email(demo_master, "机关党委", None)
    set_email(demo_master, "宣传教育科", "xuanjiao＠example.org")
    changes = ChangeSet()
    changes.append("回收情况", [[BATCH, "外单位", dt.datetime(2026, 11, 28), "外单位.xlsx"]])
    update_master(demo_master, op="测试", plan=lambda ledger: _Plan(changes))
    result = plan_mail(read_ledger(demo_master))
    assert [p.as_tuple() for p in result.problems] == [
        ("单位", "D3", "mail-no-address"),
        ("单位", "D4", "mail-bad-address"),
        ("回收情况", "D5", "mail-no-attachment"),
        ("单位", "", "unit-unknown"),
    ]
    assert "机关党委" in result.problems[0].message
    assert result.problems[1].value == "xuanjiao＠example.org"
    assert "外单位" in result.problems[3].message
    assert [o.unit for o in result.outgoing] == ["办公室", "网络安全科", "舆情信息科"]


def test_several_addresses_in_one_cell(demo_master):
    issue_batch(demo_master, BATCH, ["办公室"])
    set_email(demo_master, "办公室", "a@example.org；b@example.org")
    (office,) = plan_mail(read_ledger(demo_master)).outgoing
    assert office.addresses == ("a@example.org", "b@example.org")


def test_reminder_goes_to_units_not_returned_and_units_with_overdue_items(demo_master):
    files = issue_batch(demo_master, BATCH, UNITS, returned=["办公室", "机关党委", "人事科"])
    # on 2026-11-28 the demo's 2 (due 2026-10-31) and 5-2 (三季度末) are overdue; 4 is not yet
    result = plan_mail(read_ledger(demo_master), reminder=True, today=TODAY)
    assert result.kind is MailKind.REMINDER
    by_unit = {o.unit: o for o in result.outgoing}
    # not returned: 宣传教育科 (also overdue), 网络安全科, 舆情信息科; returned but overdue: 机关党委
    assert list(by_unit) == ["机关党委", "宣传教育科", "网络安全科", "舆情信息科"]
    assert by_unit["网络安全科"].attachment == files["网络安全科"]
    assert by_unit["网络安全科"].subject == "【催报】2026年11月整改进展（网络安全科）"
    assert "尚未报送" in by_unit["网络安全科"].body
    assert by_unit["网络安全科"].overdue == ()
    # returned, overdue: the overdue text, no attachment
    party = by_unit["机关党委"]
    assert party.attachment is None
    assert [i.id for i in party.overdue] == ["2"]
    assert "尚未报送" not in party.body
    assert "（1）编号 2：" in party.body
    assert "整改时限：2026年10月31日，已逾期28天" in party.body
    # not returned and overdue: reminder text, template, and the list appended
    xj = by_unit["宣传教育科"]
    assert xj.attachment == files["宣传教育科"]
    assert "尚未报送" in xj.body
    assert "另外，截至2026年11月28日，贵单位以下整改事项已超过整改时限" in xj.body
    assert "（1）编号 5-2：" in xj.body and "已逾期59天" in xj.body


def test_reminder_body_placeholder_for_the_overdue_list(demo_master):
    issue_batch(demo_master, BATCH, ["人事科"])
    set_settings(
        demo_master,
        {"催报邮件正文": "{单位}：截至{截至}逾期事项如下\n{逾期事项}\n请于{截止}报送。"},
    )
    outgoing = plan_mail(read_ledger(demo_master), reminder=True, today=dt.date(2026, 12, 1))
    (hr,) = [o for o in outgoing.outgoing if o.unit == "人事科"]
    assert hr.body.startswith("人事科：截至2026年12月1日逾期事项如下\n（1）编号 4：")
    assert "整改时限：2026年11月30日，已逾期1天" in hr.body
    assert hr.body.endswith("请于12月5日前报送。")
    assert "另外" not in hr.body


def test_reminder_with_everything_returned_and_nothing_overdue_sends_nothing(demo_master):
    issue_batch(demo_master, BATCH, UNITS, returned=UNITS)
    result = plan_mail(read_ledger(demo_master), reminder=True, today=dt.date(2026, 9, 1))
    assert result.outgoing == [] and result.problems == []


def test_eml_drafts_parse_back_with_the_same_content(demo_master):
    files = issue_batch(demo_master, BATCH, UNITS)
    ledger = read_ledger(demo_master)
    result = run_mail(ledger, now=lambda: dt.datetime(2026, 11, 28, 10, 0))
    folder = demo_master.parent / "下发" / BATCH / "邮件"
    assert result.eml_files == [folder / f"{u}-整改进展填报-{BATCH}.eml" for u in UNITS]
    assert not result.changes  # drafts do not touch the master
    for outgoing, path in zip(result.outgoing, result.eml_files, strict=True):
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert msg["X-Unsent"] == "1"
        assert msg["Subject"] == outgoing.subject
        assert [a.addr_spec for a in msg["To"].addresses] == list(outgoing.addresses)
        assert msg["To"].addresses[0].display_name == outgoing.unit
        body = msg.get_body().get_content().replace("\r\n", "\n")
        assert body == outgoing.body + "\n"
        (att,) = msg.iter_attachments()
        assert att.get_filename() == template_name(outgoing.unit, BATCH)
        assert att.get_content() == files[outgoing.unit].read_bytes()
    # no sender configured: a draft without From, the mail program fills it in
    assert msg["From"] is None


def test_eml_from_settings_and_own_folder(demo_master, tmp_path):
    issue_batch(demo_master, BATCH, ["办公室"])
    set_settings(demo_master, {"发件人地址": "office@example.org", "发件人名称": "××局办公室"})
    result = run_mail(read_ledger(demo_master), eml_folder=tmp_path / "out")
    (path,) = result.eml_files
    assert path.parent == tmp_path / "out"
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert str(msg["From"]) == "××局办公室 <office@example.org>"


def test_reminder_eml_names(demo_master):
    issue_batch(demo_master, BATCH, ["办公室"])
    result = run_mail(
        read_ledger(demo_master), reminder=True, now=lambda: dt.datetime(2026, 9, 1, 9, 0)
    )
    assert [p.name for p in result.eml_files] == [f"办公室-催报-{BATCH}.eml"]


def test_reminders_judge_overdue_on_the_day_they_are_written_not_from_an_old_warning(demo_master):
    """预警 is what the last ``zhenggai overdue`` wrote: stale by the time reminders go out."""
    issue_batch(demo_master, BATCH, UNITS, returned=UNITS)
    # an old run flagged 8 (done since) and left 4 as 正常; on 2026-12-06 4 is 6 days late
    set_warnings(demo_master, {"8": "已逾期25天", "4": "正常"})
    result = plan_mail(read_ledger(demo_master), reminder=True, today=dt.date(2026, 12, 6))
    listed = {o.unit: [i.id for i in o.overdue] for o in result.outgoing}
    assert all("8" not in ids for ids in listed.values())
    assert listed["人事科"] == ["4", "6-1"]
    (hr,) = [o for o in result.outgoing if o.unit == "人事科"]
    assert "截至2026年12月6日" in hr.body and "已逾期6天" in hr.body and "已逾期1天" in hr.body


def test_a_draft_that_cannot_be_written_says_how_many_were(demo_master, tmp_path):
    """The second draft is open in another program: the first stays written and is counted."""
    from tests.support.blocked import held_open
    from zhenggai.core.errors import PartlyDoneError
    from zhenggai.mail.run import eml_name

    issue_batch(demo_master, BATCH, ["办公室", "人事科"])
    ledger = read_ledger(demo_master)
    planned = plan_mail(ledger)
    second = tmp_path / "out" / eml_name(planned.outgoing[1])
    second.parent.mkdir()
    second.write_bytes(b"old draft")
    with held_open(second, "王芳"), pytest.raises(PartlyDoneError) as info:
        run_mail(ledger, eml_folder=tmp_path / "out")
    first = tmp_path / "out" / eml_name(planned.outgoing[0])
    assert str(info.value).startswith(
        f"已生成 1 封邮件（在 {tmp_path / 'out'}）；但“{second}”未能写出"
    )
    assert "正被 王芳" in str(info.value)
    assert first.is_file() and second.read_bytes() == b"old draft"
