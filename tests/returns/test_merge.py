"""The three-way merge: the rule for one cell, and the same rule through a real return."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.memory_book import MemoryBook
from zhenggai.core.ledger import load_ledger
from zhenggai.core.text import canonical
from zhenggai.returns.checked import CheckedReturn
from zhenggai.returns.merge import MasterState, Outcome, merge_cell, merge_return
from zhenggai.template.meta import build_meta

VALUES = st.sampled_from(["", "未启动", "正在整改", "已完成", " 已完成", "长期坚持"])


def _result(base, ours, theirs):
    outcome = merge_cell(canonical(base), canonical(ours), canonical(theirs))
    return outcome, (theirs if outcome is Outcome.APPLY else ours)


@given(VALUES, VALUES, VALUES)
def test_merged_value_is_one_of_the_three_and_conflicts_apply_nothing(base, ours, theirs):
    outcome, value = _result(base, ours, theirs)
    assert canonical(value) in {canonical(base), canonical(ours), canonical(theirs)}
    if outcome is Outcome.CONFLICT:
        assert value == ours


@given(VALUES, VALUES, VALUES)
def test_conflict_exactly_when_all_three_differ(base, ours, theirs):
    b, o, t = canonical(base), canonical(ours), canonical(theirs)
    outcome, _ = _result(base, ours, theirs)
    assert (outcome is Outcome.CONFLICT) == (len({b, o, t}) == 3)
    assert (outcome is Outcome.APPLY) == (o == b != t)


def test_unknown_base_never_applies():
    assert merge_cell(None, "a", "b") is Outcome.CONFLICT
    assert merge_cell(None, "a", "a") is Outcome.SAME


def _ledger(master_status: str, key: str = "00" * 32):
    book = MemoryBook.demo_master()
    book.set_ledger_value("2", "status", master_status)
    return load_ledger(book, path=Path("台账.xlsx")), key


@settings(max_examples=60, deadline=None)
@given(VALUES.filter(bool), VALUES.filter(bool), VALUES.filter(bool))
def test_merge_return_applies_only_what_the_rule_says(base, ours, theirs):
    ledger, _ = _ledger(ours)
    meta = build_meta(
        ledger.meta.hmac_key,
        ledger_id=ledger.meta.ledger_id,
        unit="机关党委",
        batch="2026年11月",
        issued=datetime(2026, 11, 20),
        spec_version=ledger.spec.version,
        sheet="填报",
        header_row=8,
        columns=["id", "status"],
        headers=["编号", "整改状态"],
        editable=["status"],
        rows=[("2", {"id": "2", "status": base})],
    )
    checked = CheckedReturn("r.xlsx", Path("r.xlsx"), "0" * 64, datetime(2026, 11, 25), meta)
    checked.identified = True
    checked.rows = {"2": 9}
    checked.values = {"2": {"status": theirs}}
    checked.columns = {"id": 1, "status": 2}
    state = MasterState.read(ledger)
    result = merge_return(checked, state)
    outcome, value = _result(base, ours, theirs)
    assert [c.new for c in result.changes] == ([theirs] if outcome is Outcome.APPLY else [])
    assert len(result.conflicts) == (outcome is Outcome.CONFLICT)
    assert canonical(state.ours("2", "status")) == canonical(value)
    if result.conflicts:
        k = result.conflicts[0]
        assert (k.base, canonical(k.ours), k.theirs) == (canonical(base), canonical(ours), theirs)


def test_base_is_what_the_unit_last_sent_in_this_batch():
    book = MemoryBook.demo_master()
    book.append(
        "变更记录",
        [
            [
                datetime(2026, 11, 21),
                "汇总",
                "机关党委",
                "a.xlsx",
                "x",
                "2",
                "整改进展",
                "",
                "第一次报送",
                "2026年11月",
            ],
            [
                datetime(2026, 11, 22),
                "汇总",
                "机关党委",
                "b.xlsx",
                "y",
                "2",
                "整改进展",
                "",
                "第二次报送",
                "2026年11月",
            ],
            [
                datetime(2026, 11, 22),
                "汇总",
                "机关党委",
                "c.xlsx",
                "z",
                "2",
                "整改进展",
                "",
                "上月",
                "2026年10月",
            ],
            [
                datetime(2026, 11, 23),
                "回头看",
                "机关党委",
                "",
                "",
                "2",
                "整改进展",
                "",
                "复查",
                "2026年11月",
            ],
        ],
    )
    state = MasterState.read(load_ledger(book, path=Path("台账.xlsx")))
    assert state.sent[("机关党委", "2026年11月", "2", "progress")] == "第二次报送"
    assert state.sent[("机关党委", "2026年10月", "2", "progress")] == "上月"
