"""A return's unsigned save time counts only within what is possible.

The audit's instances: a file claiming 2099 blocked every later genuine
return; a time before the batch was issued was accepted. New instances here:
a file claiming a time two days ahead (not 2099) no longer outranks the
genuine return sent after it, and a claim hours before the issue never
becomes the unit's 回收时间. A file's time on disk stands in for an
impossible claim but bounds none (unpacking a zip can set it to 1980).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.returns_kit import ISSUED, NOW, fill, issue, ledger_value
from zhenggai import read_ledger
from zhenggai.core.problems import Code
from zhenggai.io.master import update_master
from zhenggai.io.savetime import TOLERANCE, trusted_save_time
from zhenggai.returns.consolidate import Verdict, consolidate_folder


def _local(when: datetime) -> datetime:
    return when.astimezone(UTC)


@pytest.mark.parametrize(
    ("claimed", "arrived", "issued", "saved", "problem"),
    [
        # possible: kept
        (NOW - timedelta(days=1), NOW, ISSUED, NOW - timedelta(days=1), None),
        # a clock a little fast: kept, never past the run's clock
        (NOW + TOLERANCE / 2, NOW, ISSUED, NOW, None),
        # the future: the arrival instead
        (datetime(2099, 1, 1), NOW - timedelta(hours=3), ISSUED, NOW - timedelta(hours=3), "晚于"),
        # after the file's time on disk (which copying and unpacking set freely): kept
        (NOW - timedelta(hours=1), NOW - timedelta(days=1), ISSUED, NOW - timedelta(hours=1), None),
        # two days ahead: the arrival instead
        (
            NOW + timedelta(days=2),
            NOW - timedelta(hours=2),
            ISSUED,
            NOW - timedelta(hours=2),
            "晚于",
        ),
        # before the batch was issued: the arrival, never before the issue
        (ISSUED - timedelta(days=2), ISSUED - timedelta(days=1), ISSUED, ISSUED, "下发时间"),
        (ISSUED - timedelta(hours=3), NOW, ISSUED, NOW, "下发时间"),
        # nothing claimed: the arrival, no problem
        (None, NOW - timedelta(hours=5), ISSUED, NOW - timedelta(hours=5), None),
    ],
)
def test_trusted_save_time(claimed, arrived, issued, saved, problem):
    got, found = trusted_save_time(
        _local(claimed) if claimed else None, _local(arrived), issued=issued, now=NOW, real_now=NOW
    )
    assert got == _local(saved)
    if problem is None:
        assert found is None
    else:
        assert (
            found is not None and found.code is Code.SAVE_TIME_INVALID and problem in found.message
        )


def _arrived(path, when: datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


def test_a_claim_two_days_ahead_does_not_outrank_the_return_sent_after_it(demo_master):
    """On the computer's own clock: the forged file's time on disk stands in for its claim."""
    now = datetime.now().replace(microsecond=0)
    templates = issue(demo_master, now=now - timedelta(days=3))
    returns = demo_master.parent / "回收"
    forged = fill(
        templates["机关党委"],
        returns / "先到.xlsx",
        {("2", "progress"): "先到的文件"},
        saved=now + timedelta(days=2),  # claims the day after tomorrow ...
    )
    _arrived(forged, now - timedelta(days=1))  # ... and reached the office yesterday
    genuine = fill(
        templates["机关党委"],
        returns / "后到.xlsx",
        {("2", "progress"): "后到的文件"},
        saved=now - timedelta(hours=1, minutes=5),
    )
    _arrived(genuine, now - timedelta(hours=1))
    result, _ = update_master(
        demo_master, op="汇总", plan=lambda ledger: consolidate_folder(ledger)
    )
    verdicts = {f.file: f.verdict for f in result.files}
    assert verdicts == {"后到.xlsx": Verdict.APPLIED, "先到.xlsx": Verdict.SUPERSEDED}
    assert ledger_value(demo_master, "2", "progress") == "后到的文件"


def test_a_claim_before_the_issue_never_becomes_the_return_time(demo_master):
    templates = issue(demo_master)
    returns = demo_master.parent / "回收"
    path = fill(
        templates["人事科"],
        returns / "a.xlsx",
        {("4", "remark"): "早报"},
        saved=ISSUED - timedelta(days=3),
    )
    _arrived(path, ISSUED - timedelta(days=2))  # even the copy's time is before the issue
    result, _ = update_master(
        demo_master, op="汇总", plan=lambda ledger: consolidate_folder(ledger, now=NOW)
    )
    [f] = result.files
    assert f.verdict is Verdict.APPLIED
    assert [p.code for p in f.problems] == [Code.SAVE_TIME_INVALID]
    log = read_ledger(demo_master).grid("回收情况")
    header = list(log[0])
    row = next(r for r in log[1:] if r[header.index("单位名称")] == "人事科")
    assert row[header.index("回收时间")] >= ISSUED
