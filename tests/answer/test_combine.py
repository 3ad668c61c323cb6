"""Combining the rows of an item split over units into the one row the upper office gets."""

from __future__ import annotations

from datetime import date

import pytest

from zhenggai.answer.combine import combine_rows
from zhenggai.core.ledger import load_ledger
from zhenggai.core.memory import MemoryMaster
from zhenggai.facts.measures import merge_status


def _rows(*rows):
    ids = [{"id": f"3-{i}", **row} for i, row in enumerate(rows, start=1)]
    return load_ledger(MemoryMaster.new(ids)).table.rows


def _done(unit, day, evidence="整改报告", **more):
    return {
        "unit": unit,
        "status": "已完成",
        "done_date": day,
        "evidence": evidence,
        **more,
    }


@pytest.mark.parametrize(
    ("statuses", "combined"),
    [
        (["已完成", "已完成"], "已完成"),
        (["已完成", "正在整改"], "正在整改"),
        (["已完成", "未启动"], "正在整改"),
        (["正在整改", "未启动"], "正在整改"),
        (["长期坚持", "正在整改"], "正在整改"),
        (["长期坚持", "长期坚持"], "长期坚持"),
        (["已完成", "长期坚持"], "长期坚持"),
        # no unit has started: reporting 正在整改 upward would be untrue
        (["未启动", "未启动"], "未启动"),
    ],
)
def test_status_follows_the_report_s_rule(statuses, combined):
    dated = {"done_date": date(2026, 11, 1), "evidence": "报告"}
    rows = _rows(
        *(
            {"unit": u, "status": s, **dated}
            for u, s in zip(["甲县", "乙县"], statuses, strict=True)
        )
    )
    got = combine_rows(rows)
    assert got.values["status"] == combined == merge_status(statuses)
    assert got.held == []


def test_done_everywhere_gives_the_latest_date_and_the_union_of_evidence():
    rows = _rows(
        _done("甲县", date(2026, 11, 24), "工作台账、会议纪要", progress="已补齐台账"),
        _done("乙县", date(2026, 11, 26), "会议纪要；整改报告。", progress="已补齐台账。"),
    )
    got = combine_rows(rows)
    assert got.values == {
        "status": "已完成",
        "done_date": date(2026, 11, 26),
        "evidence": "工作台账、会议纪要、整改报告",
        # the same words from two units: one sentence naming both
        "progress": "甲县、乙县：已补齐台账。",
    }


def test_progress_is_one_sentence_per_unit_in_ledger_order():
    rows = _rows(
        {"unit": "乙县", "status": "正在整改", "progress": "已排查12个支部\n正在补录"},
        {"unit": "甲县", "status": "正在整改", "progress": "已清退资金12万元。"},
        {"unit": "乙县", "status": "正在整改", "progress": "已约谈3人"},
        {"unit": "甲县", "status": "正在整改", "progress": "已清退资金12万元"},
        {"unit": "丙县", "status": "未启动"},
    )
    got = combine_rows(rows)
    assert got.values["progress"] == (
        "乙县：已排查12个支部；正在补录；已约谈3人。甲县：已清退资金12万元。"
    )
    assert got.values["status"] == "正在整改"


def test_one_row_keeps_its_own_words():
    rows = _rows(
        {
            "unit": "甲县",
            "status": "正在整改",
            "progress": "一是排查；\n二是补录",
            "evidence": "清单",
        }
    )
    assert combine_rows(rows).values == {
        "status": "正在整改",
        "progress": "一是排查；\n二是补录",
        "evidence": "清单",
    }


def test_an_unknown_or_empty_status_is_never_guessed():
    rows = _rows(
        _done("甲县", date(2026, 11, 24), progress="已完成"),
        {"unit": "乙县", "status": "基本完成", "progress": "基本完成"},
        {"unit": "丙县", "progress": "未报送"},
    )
    got = combine_rows(rows)
    # status, date and evidence hang together; progress is still reported
    assert set(got.values) == {"progress"}
    (held,) = got.held
    assert (held.keys, str(held.code), held.cells) == (
        ("status", "done_date", "evidence"),
        "answer-status-undecided",
        ("L3", "L4"),
    )
    assert "第3行（3-2，乙县）的整改状态为“基本完成”" in held.reason
    assert "第4行（3-3，丙县）的整改状态为空" in held.reason


@pytest.mark.parametrize(
    ("missing", "code", "cell"),
    [("done_date", "done-needs-date", "N3"), ("evidence", "done-needs-evidence", "O3")],
)
def test_done_needs_every_unit_s_date_and_evidence(missing, code, cell):
    second = _done("乙县", date(2026, 11, 26))
    second[missing] = None
    got = combine_rows(_rows(_done("甲县", date(2026, 11, 24)), second))
    assert "status" not in got.values and "done_date" not in got.values
    assert "evidence" not in got.values
    (held,) = got.held
    assert (str(held.code), held.cells) == (code, (cell,))
    assert "第3行（3-2，乙县）" in held.reason


def test_only_the_fields_the_upper_template_lets_this_level_fill():
    rows = _rows(_done("甲县", date(2026, 11, 24), progress="已完成"))
    got = combine_rows(rows, keys=("progress",))
    assert got.values == {"progress": "已完成"}
