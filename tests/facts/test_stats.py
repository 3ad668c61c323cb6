"""One counting rule (统计口径): the counts add up, the rule is applied to every figure."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenggai.core.ledger import load_ledger
from zhenggai.core.memory import MemoryMaster
from zhenggai.core.settings import SETTINGS_HEADER
from zhenggai.facts.ledger_facts import derive
from zhenggai.facts.stats import Basis, choose_basis, rate_of
from zhenggai.overdue.sheet import stats_table

TODAY = date(2026, 11, 28)
STATUSES = ("未启动", "正在整改", "已完成", "长期坚持")


def ledger_of(rows, *, basis=""):
    master = MemoryMaster.new(rows)
    if basis:
        master.grids["设置"] = [list(SETTINGS_HEADER), ["统计口径", basis, ""]]
    return load_ledger(master)


def item(i, measure, unit, status, deadline):
    return {
        "id": str(i),
        "category": "作风方面",
        "problem": "问题一" if measure < "措施3" else "问题二",
        "measure": measure,
        "unit": unit,
        "status": status,
        "deadline": deadline,
    }


@pytest.mark.parametrize(
    ("done", "total", "text"),
    [(3, 14, 21.43), (1, 800, 0.13), (2, 3, 66.67), (5, 5, 100.0), (0, 7, 0.0), (1, 8, 12.5)],
)
def test_completion_rate_two_decimals_half_up(done, total, text):
    assert rate_of(done, total) == text


def test_the_automatic_rule_counts_measures_only_when_units_share_one():
    assert choose_basis("自动", shared=True) is Basis.MEASURE
    assert choose_basis("自动", shared=False) is Basis.ITEM
    assert choose_basis("按台账事项计", shared=True) is Basis.ITEM
    assert choose_basis("按整改措施计", shared=False) is Basis.MEASURE


def test_a_shared_measure_counts_once_in_the_total_and_once_in_each_unit():
    rows = [
        item(1, "措施1", "甲", "已完成", "2026年10月31日"),
        item(2, "措施1", "乙", "正在整改", "2026年10月31日"),  # overdue 28 days
        item(3, "措施1", "丙", "未启动", "2026年10月31日"),  # overdue too
        item(4, "措施2", "甲", "已完成", "2026年12月31日"),
    ]
    facts = derive(ledger_of(rows), today=TODAY)
    c = facts.counts
    assert (c.basis, c.measures, c.items) == (Basis.MEASURE, 2, 4)
    t = c.total
    assert (t.total, t.done, t.in_progress, t.not_started, t.partly_started, t.overdue) == (
        2, 1, 1, 0, 1, 1,
    )  # fmt: skip
    assert t.rate_text == "50.00%"
    assert [(e.text, e.units, e.days) for e in c.late] == [("措施1", ("乙", "丙"), 28)]
    units = {u.unit: (u.total, u.done, u.overdue) for u in c.units}
    assert units == {"甲": (2, 2, 0), "乙": (1, 0, 1), "丙": (1, 0, 1)}
    by_items = derive(ledger_of(rows, basis="按台账事项计"), today=TODAY).counts
    assert (by_items.total.total, by_items.total.done, by_items.total.overdue) == (4, 2, 2)
    assert len(by_items.late) == 2


def test_the_stats_sheet_total_is_the_documents_total():
    rows = [item(i, "措施1", u, "已完成" if i == 1 else "正在整改", "年底前") for i, u in
            enumerate(["甲", "乙", "丙", "丁"], start=1)] + [item(5, "措施2", "甲", "已完成", "年底前")]  # fmt: skip
    facts = derive(ledger_of(rows), today=TODAY)
    table = stats_table(facts.counts, today=TODAY)
    total = next(r for r in table.rows if r[1] == "合计")
    assert total[2:8] == [2, 1, 1, 0, 0, 0]
    assert total[8] == pytest.approx(0.5)  # 1 of 2 measures: the bulletin's 50.00%, not 2 of 5
    assert "按整改措施计" in table.title and "合计只计1条" in table.title


_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["措施1", "措施2", "措施3", "措施4"]),
        st.sampled_from(["甲", "乙", "丙"]),
        st.sampled_from([*STATUSES, "基本完成", None]),
        st.sampled_from(["2026年10月31日", "2026年12月31日", "长期坚持", "立行立改"]),
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=60, deadline=None)
@given(_ROWS, st.sampled_from(["自动", "按整改措施计", "按台账事项计"]))
def test_every_figure_obeys_the_one_rule(rows, basis):
    ledger = ledger_of([item(i, *r) for i, r in enumerate(rows, start=1)], basis=basis)
    c = derive(ledger, today=TODAY).counts
    t = c.total
    assert t.done + t.in_progress + t.not_started + t.ongoing == t.total
    assert t.overdue <= t.unfinished and t.partly_started <= t.in_progress
    assert len(c.late) == t.overdue
    keys = {(m, "问题一" if m < "措施3" else "问题二") for m, *_ in rows}
    assert c.measures == len(keys) and c.items == len(rows)
    assert t.total == (c.measures if c.basis is Basis.MEASURE else c.items)
    unit_total = sum(u.total for u in c.units)
    if c.basis is Basis.ITEM:
        assert unit_total == t.total and sum(u.done for u in c.units) == t.done
    else:
        assert unit_total >= t.total
    if basis == "自动":
        assert c.basis is (Basis.MEASURE if c.measures < c.items else Basis.ITEM)
    assert 0 <= t.rate <= 100


# --- the one-row shortcut of the tally counts as merge_status does ----------------


def _plain_tally(groups):
    from zhenggai.facts.measures import DONE, IN_PROGRESS, NOT_STARTED, ONGOING, merge_status
    from zhenggai.facts.tiers import Tier

    counts = {s: 0 for s in (DONE, IN_PROGRESS, NOT_STARTED, ONGOING)}
    overdue = partly = 0
    for rows in groups:
        statuses = [r.status.strip() for r in rows]
        status = merge_status(statuses)
        counts[status] += 1
        overdue += any(r.tier is Tier.OVERDUE for r in rows)
        partly += status == IN_PROGRESS and NOT_STARTED in statuses
    return counts, overdue, partly


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from(
                    ["已完成", "正在整改", "未启动", "长期坚持", " 已完成", "基本完成", ""]
                ),
                st.booleans(),
            ),
            min_size=1,
            max_size=3,
        ),
        max_size=12,
    )
)
def test_the_tally_counts_every_entry_as_merge_status_does(groups):
    from zhenggai.core.deadline import parse_deadline
    from zhenggai.facts.stats import _tally
    from zhenggai.facts.tiers import ItemTier, Tier

    deadline = parse_deadline("2026年6月30日", base_year=2026)
    rows = [
        [
            ItemTier(
                f"{g}-{i}",
                "办公室",
                2,
                status,
                "措施",
                deadline,
                Tier.OVERDUE if late else Tier.NORMAL,
                -3 if late else 40,
                None,
            )
            for i, (status, late) in enumerate(group)
        ]
        for g, group in enumerate(groups)
    ]
    got = _tally("办公室", rows)
    counts, overdue, partly = _plain_tally(rows)
    assert (got.total, got.done, got.in_progress, got.not_started, got.ongoing) == (
        len(rows),
        counts["已完成"],
        counts["正在整改"],
        counts["未启动"],
        counts["长期坚持"],
    )
    assert (got.overdue, got.partly_started) == (overdue, partly)
