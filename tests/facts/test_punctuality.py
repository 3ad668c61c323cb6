"""Return deadlines read relative to the issue date, and who returned the latest batch when."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.conftest import append_rows
from zhenggai import read_ledger
from zhenggai.core.logs import ReturnsLog
from zhenggai.facts.punctuality import (
    UnitReturn,
    counted_batch,
    latest_batch,
    latest_batch_name,
    return_due,
)


@pytest.mark.parametrize(
    ("text", "issued", "due"),
    [
        ("12月5日前", date(2026, 11, 20), date(2026, 12, 5)),
        ("1月5日前", date(2026, 12, 20), date(2027, 1, 5)),  # year-less: the next one
        ("2026年1月5日前", date(2026, 12, 20), date(2026, 1, 5)),  # written year is kept
        ("每月25日前", date(2026, 11, 20), date(2026, 11, 25)),
        ("每月25日前", date(2026, 11, 28), date(2026, 12, 25)),
        ("每月25日前", date(2026, 12, 28), date(2027, 1, 25)),
        ("每月31日前", date(2026, 2, 1), date(2026, 2, 28)),
        ("下发后10日内", date(2026, 11, 20), date(2026, 11, 30)),
        ("10天内", date(2026, 11, 20), date(2026, 11, 30)),
        ("月底前", date(2026, 11, 20), None),
        ("按通知要求", date(2026, 11, 20), None),
        ("每月40日前", date(2026, 11, 20), None),
        ("立行立改", date(2026, 11, 20), None),
    ],
)
def test_return_due(text, issued, due):
    assert return_due(text, issued) == due


def test_latest_batch_by_issue_time(make_master):
    path = make_master()
    issued = datetime(2026, 11, 20, 9)
    append_rows(
        path,
        "回收情况",
        [
            ["2026年11月", "办公室", issued, "a.xlsx", datetime(2026, 12, 3, 10)],
            ["2026年11月", "机关党委", issued, "b.xlsx", datetime(2026, 12, 6, 10)],
            ["2026年11月", "人事科", issued, "c.xlsx", None],
            ["2026年10月", "人事科", datetime(2026, 10, 20), "c.xlsx", datetime(2026, 10, 22)],
            ["2026年11月", "宣传教育科", issued, "d.xlsx", "2026-12-05 18:00:00"],
        ],
    )
    batch = latest_batch(read_ledger(path), deadline_text="12月5日前")
    assert batch is not None
    assert (batch.batch, batch.issued, batch.due) == (
        "2026年11月",
        date(2026, 11, 20),
        date(2026, 12, 5),
    )
    assert batch.units == [
        UnitReturn("办公室", date(2026, 12, 3)),
        UnitReturn("机关党委", date(2026, 12, 6), 1),
        UnitReturn("人事科", None),
        UnitReturn("宣传教育科", date(2026, 12, 5)),  # the deadline day is in time
    ]
    assert [u.unit for u in batch.on_time] == ["办公室", "宣传教育科"]
    assert [u.unit for u in batch.late] == ["机关党委"]
    assert [u.unit for u in batch.missing] == ["人事科"]
    early = latest_batch(read_ledger(path), deadline_text="12月5日前", today=date(2026, 12, 3))
    assert early is not None and [u.unit for u in early.returned] == ["办公室"]
    unknown = latest_batch(read_ledger(path), deadline_text="按通知要求")
    assert unknown is not None and unknown.due is None
    assert unknown.on_time == [] and unknown.late == [] and len(unknown.returned) == 3


def test_no_batch_yet(make_master):
    assert latest_batch(read_ledger(make_master())) is None


@pytest.mark.parametrize(
    ("text", "issued", "batch", "due"),
    [
        # read for the batch, whenever it was issued: late issue makes no next-year deadline
        ("12月5日前", date(2026, 12, 6), "2026年11月", date(2026, 12, 5)),
        ("12月5日前", date(2026, 11, 20), "2026年11月", date(2026, 12, 5)),
        ("1月5日前", date(2026, 12, 20), "2026年12月", date(2027, 1, 5)),
        ("11月25日前", date(2026, 11, 28), "2026年11月", date(2026, 11, 25)),  # past at issue
        ("12月5日前", date(2026, 11, 20), "2026-11", date(2026, 12, 5)),
        ("12月5日前", date(2026, 11, 20), "第三批", date(2026, 12, 5)),  # no month: the issue day
        ("每月25日前", date(2026, 11, 28), "2026年11月", date(2026, 12, 25)),  # from the issue day
    ],
)
def test_return_due_is_read_for_the_batch(text, issued, batch, due):
    assert return_due(text, issued, batch=batch) == due


def test_a_return_counts_for_the_batch_issued_last_before_it_was_saved():
    log = ReturnsLog.from_grid([])
    log.set("2026年10月", "办公室", {"下发时间": datetime(2026, 10, 20, 9)})
    log.set("2026年11月", "办公室", {"下发时间": datetime(2026, 11, 20, 9)})
    log.set("2026年11月", "人事科", {"下发时间": datetime(2026, 11, 20, 9)})
    assert counted_batch(log, "办公室", "2026年10月", datetime(2026, 11, 24, 10)) == "2026年11月"
    assert counted_batch(log, "办公室", "2026年10月", datetime(2026, 11, 10, 10)) == "2026年10月"
    assert counted_batch(log, "办公室", "2026年11月", datetime(2026, 11, 24, 10)) == "2026年11月"
    assert latest_batch_name(log) == "2026年11月"
