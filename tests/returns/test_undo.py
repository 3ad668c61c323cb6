"""Undo restores the master as it was before the last consolidation, and logs it."""

from __future__ import annotations

import pytest

from tests.support.returns_kit import NOW, fill, issue
from zhenggai import UsageError
from zhenggai.cli import main
from zhenggai.io.calamine import open_book
from zhenggai.io.master import update_master
from zhenggai.returns.consolidate import consolidate_folder
from zhenggai.returns.undo import backups, undo_last


def _consolidated(master):
    templates = issue(master)
    fill(templates["人事科"], master.parent / "回收" / "a.xlsx", {("4", "remark"): "甲"})
    fill(templates["办公室"], master.parent / "回收" / "b.xlsx", {("1", "remark"): "乙"})
    before = open_book(master)
    update_master(master, op="汇总", plan=lambda ledger: consolidate_folder(ledger, now=NOW))
    return before


def test_undo_restores_the_ledger_and_logs_itself(demo_master, capsys):
    before = _consolidated(demo_master)
    assert open_book(demo_master).grid("台账") != before.grid("台账")
    assert main(["undo", str(demo_master)]) == 0
    text = capsys.readouterr().out
    assert "撤销了 2 条变更记录" in text and "人事科 1 处" in text and "办公室 1 处" in text
    after = open_book(demo_master)
    for sheet in ("台账", "回收情况", "校验问题", "冲突"):
        assert after.grid(sheet) == before.grid(sheet), sheet
    log = after.grid("变更记录")
    assert log[:-1] == before.grid("变更记录")
    assert log[-1][1] == "撤销" and "撤销 2 处修改" in log[-1][8]
    ops = [b.op for b in backups(demo_master, demo_master.parent / "备份")]
    assert ops == ["下发", "汇总", "撤销"]


def test_second_undo_is_refused(demo_master, capsys):
    _consolidated(demo_master)
    undo_last(demo_master)
    assert main(["undo", str(demo_master)]) == 2
    assert "已经撤销过了" in capsys.readouterr().err


def test_later_changes_need_force(demo_master):
    _consolidated(demo_master)
    issue(demo_master, units=["人事科"])  # another save after the consolidation
    with pytest.raises(UsageError, match="--force"):
        undo_last(demo_master)
    result = undo_last(demo_master, force=True)
    assert [b.op for b in result.later] == ["下发"]


def test_nothing_to_undo(demo_master):
    with pytest.raises(UsageError, match="没有找到汇总前的备份"):
        undo_last(demo_master)


def test_forced_undo_also_undoes_charts_added_after_the_consolidation(demo_master):
    from datetime import date

    from zhenggai.io.master import inventory
    from zhenggai.overdue.run import flag_overdue

    before = _consolidated(demo_master)
    update_master(
        demo_master,
        op="逾期预警",
        plan=lambda ledger: flag_overdue(ledger, today=date(2026, 11, 28)),
    )
    assert inventory(demo_master)["图表"] > 0
    result = undo_last(demo_master, force=True)
    assert result.save is not None and result.save.replaced, result.save
    assert open_book(demo_master).grid("台账") == before.grid("台账")
    assert inventory(demo_master)["图表"] == 0
