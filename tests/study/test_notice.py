"""Reminders per unit and the bulletin's 学习强国 section, read back from 学习积分."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import openpyxl

from tests.support.study_books import layout_a, layout_b
from zhenggai import read_ledger
from zhenggai.documents.bulletin import draft_bulletin
from zhenggai.io.master import update_master
from zhenggai.study.export import read_export_file
from zhenggai.study.history import Period
from zhenggai.study.notice import study_reminders
from zhenggai.study.run import plan_study

OCT = [("办公室", "张三", 300), ("人事科", "王五", 50), ("人事科", "赵六", 150)]
NOV = [
    ("人事科", "王五", 0),
    ("人事科", "赵六", 90),
    ("人事科", "吴十", 80),
    ("办公室", "张三", 320),
    ("办公室", "李四", 0),
    ("宣传科", "孙八", 200),
]


def _import(master, path, period):
    exports = [read_export_file(path)]
    update_master(
        master,
        op="学习积分",
        plan=lambda ledger: plan_study(ledger, exports, period=period, now=datetime(2026, 11, 28)),
    )


def study_paragraph(ledger) -> str | None:
    """The 学习强国 section of the bulletin drafted on 2026-12-06 (None when it has none)."""
    paras = [p.text for p in draft_bulletin(ledger, today=date(2026, 12, 6)).document.paras]
    heading = next((i for i, t in enumerate(paras) if t.endswith("学习强国学习情况")), None)
    return None if heading is None else paras[heading + 1]


def _two_periods(make_master, tmp_path):
    master = make_master(demo=True)
    _import(master, layout_a(tmp_path / "10.xlsx", OCT, month="2026年10月"), Period(2026, 10))
    _import(master, layout_b(tmp_path / "11.xlsx", NOV), Period(2026, 11))
    return master


def test_nothing_imported_means_no_reminders_and_no_paragraph(make_master):
    ledger = read_ledger(make_master())
    assert study_reminders(ledger) == []
    assert study_paragraph(ledger) is None


def test_one_reminder_per_unit_in_units_sheet_order(make_master, tmp_path):
    reminders = study_reminders(read_ledger(_two_periods(make_master, tmp_path)))
    # 办公室 comes before 人事科 in the demo 单位 sheet; 宣传科 has nobody flagged.
    assert [(r.unit, str(r.period), r.people) for r in reminders] == [
        ("办公室", "2026年11月", [("李四", 0, "inactive")]),
        (
            "人事科",
            "2026年11月",
            [("王五", 0, "inactive"), ("吴十", 80, "low"), ("赵六", 90, "low")],
        ),
    ]
    assert reminders[1].threshold == 100
    assert reminders[1].lines() == [
        "王五：0分（未学习）",
        "吴十：80分（积分偏低）",
        "赵六：90分（积分偏低）",
    ]
    assert reminders[1].text().startswith("2026年11月学习强国积分统计中，贵单位以下3名同志")


def test_a_reminder_message_from_the_settings_texts(make_master, tmp_path):
    ledger = read_ledger(_two_periods(make_master, tmp_path))
    reminder = study_reminders(ledger)[0]
    subject, body = reminder.message(ledger.settings)
    assert subject == "【学习提醒】2026年11月学习强国学习情况（办公室）"
    assert body.startswith(
        "办公室：\n\n2026年11月学习强国积分统计中，贵单位以下1名同志学习活跃度不高（低分线100分）：\n李四：0分（未学习）\n\n请督促"
    )
    custom = replace(
        ledger.settings,
        study_mail_subject="{单位}{期间}，{未知}",
        study_mail_body="低分线{低分线}分",
    )
    assert reminder.message(custom) == ("办公室2026年11月，{未知}", "低分线100分")


def test_a_flag_cleared_by_staff_is_not_reminded(make_master, tmp_path):
    master = _two_periods(make_master, tmp_path)
    wb = openpyxl.load_workbook(master)
    ws = wb["学习积分"]
    for row in ws.iter_rows(min_row=2):
        if row[2].value == "李四":
            row[6].value = None  # 请假
    wb.save(master)
    assert [r.unit for r in study_reminders(read_ledger(master))] == ["人事科"]


def test_the_bulletin_paragraph(make_master, tmp_path):
    text = study_paragraph(read_ledger(_two_periods(make_master, tmp_path)))
    assert text == (
        "2026年11月，学习强国平台共统计学员6人，人均积分115.00分，较2026年10月下降51.67分。"
        "各单位平均积分依次为：宣传科（200.00分）、办公室（160.00分）、人事科（56.67分）。"
        "本期未参加学习的2人（办公室：李四；人事科：王五），"
        "积分低于100分的2人（人事科：赵六、吴十）。"
        "对上述活跃度不高、学习不深入的人员予以提醒通报，请所在单位督促其按要求参加学习，"
        "切实提升学习平台活跃度和平均积分，确保学习平台各项指标有监督、有落实、有解决。"
    )


def test_the_paragraph_when_everyone_studied(make_master, tmp_path):
    master = make_master()
    _import(master, layout_b(tmp_path / "x.xlsx", [("办公室", "张三", 300)]), Period(2026, 11))
    assert study_paragraph(read_ledger(master)) == (
        "2026年11月，学习强国平台共统计学员1人，人均积分300.00分。本期所有人员积分均不低于100分，请各单位继续保持。"
    )


def test_a_long_list_is_counted_per_unit(make_master, tmp_path):
    master = make_master()
    many = [("办公室", f"甲{i}", 0) for i in range(15)] + [
        ("人事科", f"乙{i}", 0) for i in range(10)
    ]
    _import(master, layout_b(tmp_path / "x.xlsx", many), Period(2026, 11))
    text = study_paragraph(read_ledger(master))
    assert "未参加学习的25人（办公室15人、人事科10人）" in text
    assert "按单位平均积分排名" not in text
