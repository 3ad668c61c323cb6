"""Study reminders through ``zhenggai mail --reminder``, end to end on a real SMTP server."""

from __future__ import annotations

import email
import json
from email import policy

import openpyxl

from tests.conftest import set_settings
from tests.support.mailtools import issue_batch, mail_server, smtp_settings
from tests.support.study_books import import_demo_study
from zhenggai import read_ledger
from zhenggai.cli import main
from zhenggai.core.ledger import records
from zhenggai.core.sheets import MAIL_LOG
from zhenggai.demo.ledger import DEMO_UNITS

ADDRESS = {u[1]: u[3] for u in DEMO_UNITS}
# November of the demo exports: who is flagged, per unit, in 单位 sheet order.
FLAGGED = {
    "机关党委": ["高峰：85分（积分偏低）"],
    "宣传教育科": ["郭涛：0分（未学习）"],
    "人事科": ["梁建华：72分（积分偏低）"],
    "网络安全科": ["谢东：0分（未学习）"],
    "舆情信息科": ["曹颖：98分（积分偏低）"],
}


def log(master):
    return records(read_ledger(master).grid(MAIL_LOG.name), MAIL_LOG)


def test_one_study_reminder_per_unit_sent_once(demo_master, tmp_path, capsys):
    import_demo_study(demo_master, tmp_path)
    with mail_server(tmp_path) as server:
        set_settings(demo_master, smtp_settings(server))
        capsys.readouterr()
        assert main(["mail", str(demo_master), "--reminder", "--send", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["batch"] == "2026年11月"  # no templates issued: the study period
        assert [(m["unit"], m["kind"], m["to"]) for m in data["messages"]] == [
            (unit, "学习提醒", [ADDRESS[unit]]) for unit in FLAGGED
        ]
        assert len(server.received) == len(FLAGGED)
        for received, (unit, lines) in zip(server.received, FLAGGED.items(), strict=True):
            msg = received.message
            assert received.rcpt_tos == [ADDRESS[unit]]
            assert msg["Subject"] == f"【学习提醒】2026年11月学习强国学习情况（{unit}）"
            body = msg.get_body().get_content().replace("\r\n", "\n")  # CRLF on the wire
            assert body.startswith(f"{unit}：\n\n2026年11月学习强国积分统计中，贵单位以下1名同志")
            assert all(line in body for line in lines)
            assert list(msg.iter_attachments()) == []
        # a second run resends nothing
        assert main(["mail", str(demo_master), "--reminder", "--send"]) == 0
        assert "学习提醒已于" in capsys.readouterr().out
        assert len(server.received) == len(FLAGGED)
    rows = log(demo_master)
    assert [(r["类型"], r["批次"], r["单位名称"], r["结果"]) for r in rows] == [
        ("学习提醒", "2026年11月", unit, "已发送") for unit in FLAGGED
    ]


def test_study_reminders_go_with_the_batch_reminders(demo_master, tmp_path, capsys):
    returned = ["办公室", "机关党委", "人事科", "网络安全科", "舆情信息科"]
    issue_batch(demo_master, "2026年11月", [u[1] for u in DEMO_UNITS], returned=returned)
    import_demo_study(demo_master, tmp_path)
    with mail_server(tmp_path, refuse=[ADDRESS["人事科"]]) as server:
        set_settings(demo_master, smtp_settings(server))
        capsys.readouterr()
        assert main(["mail", str(demo_master), "--reminder", "--send", "--json"]) == 1
        data = json.loads(capsys.readouterr().out)
        kinds = [(m["unit"], m["kind"]) for m in data["messages"]]
        assert kinds == [("宣传教育科", "催报")] + [(u, "学习提醒") for u in FLAGGED]
        assert [p["code"] for p in data["problems"]] == ["mail-refused"]
        subjects = [r.message["Subject"] for r in server.received]
        assert subjects[0] == "【催报】2026年11月整改进展（宣传教育科）"
        assert subjects[1:] == [
            f"【学习提醒】2026年11月学习强国学习情况（{u}）" for u in FLAGGED if u != "人事科"
        ]
        # the refused unit is tried again next time; the others are not resent
        assert main(["mail", str(demo_master), "--reminder", "--send", "--json"]) == 1
        again = json.loads(capsys.readouterr().out)
        assert [(m["unit"], m["kind"]) for m in again["messages"]] == [("人事科", "学习提醒")]


def test_study_reminders_as_eml_drafts_and_a_unit_without_address(demo_master, tmp_path, capsys):
    import_demo_study(demo_master, tmp_path)
    wb = openpyxl.load_workbook(demo_master)
    for row in wb["单位"].iter_rows(min_row=2):
        if row[1].value == "人事科":
            row[3].value = None
    wb.save(demo_master)
    capsys.readouterr()
    assert main(["mail", str(demo_master), "--reminder", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in data["problems"]] == ["mail-no-address"]
    names = sorted(p.rsplit("/", 1)[-1] for p in data["eml_files"])
    assert names == sorted(f"{u}-学习提醒-2026年11月.eml" for u in FLAGGED if u != "人事科")
    first = next(p for p in data["eml_files"] if "机关党委" in p)
    with open(first, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=policy.default)
    assert msg["Subject"] == "【学习提醒】2026年11月学习强国学习情况（机关党委）"
    assert "高峰：85分（积分偏低）" in msg.get_body().get_content()


def test_a_cleared_flag_is_not_mailed(demo_master, tmp_path, capsys):
    import_demo_study(demo_master, tmp_path)
    wb = openpyxl.load_workbook(demo_master)
    for row in wb["学习积分"].iter_rows(min_row=2):
        if row[0].value == "2026年11月" and row[2].value in ("高峰", "谢东"):
            row[6].value = None  # 请假: no reminder
    wb.save(demo_master)
    capsys.readouterr()
    assert main(["mail", str(demo_master), "--reminder", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [m["unit"] for m in data["messages"]] == ["宣传教育科", "人事科", "舆情信息科"]
