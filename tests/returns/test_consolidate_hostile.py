"""Consolidation rules found by the hostile corpus (tests/hostile): each with its own small test."""

from __future__ import annotations

from datetime import datetime

from tests.support.returns_kit import NOW, SAVED, fill
from tests.support.synthetic import issue_templates, synthetic_master, unit_names
from zhenggai import read_ledger
from zhenggai.returns.consolidate import Verdict, consolidate

UNIT = unit_names(1)[0]


def test_clearing_date_and_evidence_of_a_done_item_is_not_applied(tmp_path):
    master = synthetic_master(tmp_path / "台账.xlsx", units=1, rows=5)  # 1-4 is 已完成, dated
    before = read_ledger(master).table.by_id()["1-4"].values
    assert before["status"] == "已完成" and before["done_date"] and before["evidence"]
    template = issue_templates(master, now=datetime(2026, 11, 20))[UNIT]
    path = fill(
        template,
        tmp_path / "回收" / template.name,
        {("1-4", "done_date"): None, ("1-4", "evidence"): None},
    )
    [f] = consolidate(read_ledger(master), [path], root=tmp_path / "回收", now=NOW).files
    assert [p.as_tuple() for p in f.problems] == [
        ("填报", "N12", "done-needs-date"),
        ("填报", "O12", "done-needs-evidence"),
    ]
    assert f.changes == [] and f.verdict is Verdict.PARTLY


def test_a_template_of_an_older_batch_is_merged_with_a_notice(tmp_path):
    master = synthetic_master(tmp_path / "台账.xlsx", units=1, rows=2)
    old = issue_templates(master, batch="2026年10月", now=datetime(2026, 10, 20))[UNIT]
    new = issue_templates(master, now=datetime(2026, 11, 20))[UNIT]
    returns = tmp_path / "回收"
    late = fill(old, returns / old.name, {("1-1", "progress"): "用了上月的模板"})
    current = fill(new, returns / new.name, {("1-2", "progress"): "本月的模板"}, saved=SAVED)
    result = consolidate(read_ledger(master), [late, current], root=returns, now=NOW)
    by_file = {f.path: f for f in result.files}
    assert [p.as_tuple() for p in by_file[late].problems] == [("", "", "batch-outdated")]
    assert by_file[late].verdict is Verdict.APPLIED
    assert [(c.id, c.new) for c in by_file[late].changes] == [("1-1", "用了上月的模板")]
    assert by_file[current].problems == [] and len(by_file[current].changes) == 1
