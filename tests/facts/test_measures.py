"""Grouping ledger rows into categories, findings and measures; the counts of the report."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenggai.core.grid import read_table
from zhenggai.core.spec import default_spec
from zhenggai.demo.ledger import demo_rows
from zhenggai.facts.measures import group_ledger, measure_key, merge_status

SPEC = default_spec()
KEYS = [f.key for f in SPEC]


def table(rows):
    """A 台账 table read from a grid built in code (no workbook needed)."""
    grid = [SPEC.headers, *([row.get(k) for k in KEYS] for row in rows)]
    return read_table(grid, SPEC, sheet="台账")


def row(i, category="甲方面", problem="问题一", measure="措施一", unit="办公室", status="正在整改"):
    return {
        "id": str(i),
        "category": category,
        "problem": problem,
        "measure": measure,
        "unit": unit,
        "deadline": "年底前",
        "status": status,
    }


def test_demo_ledger_groups_like_the_example():
    categories, problems = group_ledger(table(demo_rows()))
    assert problems == []
    assert [c.number for c in categories] == [1, 2, 3]
    assert [len(c.findings) for c in categories] == [2, 3, 1]
    assert [len(c.measures) for c in categories] == [4, 6, 4]
    merged = [m for c in categories for m in c.measures if m.merged]
    assert [(m.ids, m.units, m.status) for m in merged] == [
        (("3-1", "3-2"), ("机关党委", "办公室"), "长期坚持"),
        (("9-2", "9-3"), ("网络安全科", "舆情信息科"), "正在整改"),
    ]


def test_same_id_base_with_different_texts_are_two_measures():
    rows = [
        row("5-1", problem="问题一", measure="召开学习扩大会"),
        row("5-2", problem="问题二", measure="传达会议精神"),
        row("6", problem="问题二", measure="传达会议精神。"),  # same text, closing mark aside
    ]
    (category,) = group_ledger(table(rows))[0]
    assert category.findings == ("问题一", "问题二")
    assert [m.ids for m in category.measures] == [("5-1",), ("5-2", "6")]


def test_leading_ordinals_and_spaces_do_not_split_groups():
    rows = [
        row(1, category="一、理论学习方面", problem="（1）未专题学习"),
        row(2, category="理论学习方面", problem="未专题学习 ", measure="措施二"),
    ]
    (category,) = group_ledger(table(rows))[0]
    assert category.name == "理论学习方面"
    assert category.findings == ("未专题学习",)
    assert len(category.measures) == 2


@pytest.mark.parametrize(
    ("statuses", "merged"),
    [
        (["已完成", "已完成"], "已完成"),
        (["已完成", "长期坚持"], "长期坚持"),
        (["长期坚持", "长期坚持"], "长期坚持"),
        (["未启动", "未启动"], "未启动"),
        (["未启动", "已完成"], "正在整改"),
        (["正在整改", "长期坚持"], "正在整改"),
        (["基本完成"], "正在整改"),
        ([""], "正在整改"),
    ],
)
def test_merge_status(statuses, merged):
    assert merge_status(statuses) == merged


_STATUSES = st.sampled_from(["未启动", "正在整改", "已完成", "长期坚持", "基本完成", None])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["甲方面", "乙方面"]),
            st.sampled_from(["问题一", "问题二", "问题三"]),
            st.sampled_from(["措施一", "措施二"]),
            st.sampled_from(["办公室", "人事科"]),
            _STATUSES,
        ),
        max_size=25,
    )
)
def test_grouping_keeps_every_row_and_keys_agree(rows):
    grid_rows = [
        row(i, category=c, problem=p, measure=m, unit=u, status=s)
        for i, (c, p, m, u, s) in enumerate(rows, start=1)
    ]
    t = table(grid_rows)
    categories, problems = group_ledger(t)
    measures = [m for c in categories for m in c.measures]
    assert len(measures) == len({(c, p, m) for c, p, m, _, _ in rows})
    assert sum(len(c.findings) for c in categories) == len({(c, p) for c, p, _, _, _ in rows})
    assert len(problems) == sum(
        1 for *_, s in rows if s not in ("未启动", "正在整改", "已完成", "长期坚持")
    )
    assert sum(len(m.rows) for m in measures) == len(rows)
    # the counting key groups rows exactly as the report does
    assert len({measure_key(r) for r in t.rows}) == len(measures)


# --- the cached grouping equals the plain one, row by row ---------------------------


def _reference(t):
    """group_ledger as it was written before its texts were cached: every text worked out
    from the row with the plain functions (flatten, text_key, the ordinal rule)."""
    from zhenggai.core.text import flatten
    from zhenggai.facts import measures as m

    problems, order = [], {}
    for r in t.rows:
        missing = [k for k in ("category", "problem", "measure") if not flatten(r.text(k))]
        if missing:
            problems += [(k, r.number) for k in missing]
            continue
        category = m._strip_ordinal(flatten(r.text("category")))
        finding = m._strip_ordinal(flatten(r.text("problem")))
        measure = flatten(r.text("measure"))
        status = flatten(r.text("status"))
        if status not in m.STATUSES:
            problems.append(("status", r.number))
        _, findings, measures = order.setdefault(m._key(category), (category, {}, {}))
        findings.setdefault(m._key(finding), finding)
        measures.setdefault((m._key(finding), m._key(measure)), []).append(r)
    out = []
    for name, findings, measures in order.values():
        groups = []
        for (fkey, _), rows in measures.items():
            units = tuple(
                (
                    x.text("id"),
                    flatten(x.text("unit")),
                    flatten(x.text("status")),
                    flatten(x.text("progress")),
                    flatten(x.text("evidence")),
                    x.number,
                )
                for x in rows
            )
            kinds = dict.fromkeys(flatten(x.text("kind")) for x in rows)
            deadlines = dict.fromkeys(m._deadline_text(x) for x in rows)
            groups.append(
                (
                    findings[fkey],
                    flatten(rows[0].text("measure")),
                    "、".join(k for k in kinds if k),
                    "、".join(d for d in deadlines if d),
                    units,
                )
            )
        out.append((name, tuple(findings.values()), groups))
    return out, problems


_MESSY = st.sampled_from(
    [
        "甲方面",
        "一、甲方面",
        " 甲方面。",
        "甲\n方面",
        "一、",
        "（1）问题一",
        "问题一；\n整改",
        "",
        None,
        "措施 一",
        "措施一。",
        "\u3000措施一",
        "1.5项措施",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            _MESSY,
            _MESSY,
            _MESSY,
            st.sampled_from(["办公室", " 人事科", None]),
            _STATUSES,
            st.sampled_from(["年底前", "2026年6月30日", None, "立行立改\n长期坚持"]),
        ),
        max_size=20,
    )
)
def test_the_cached_grouping_equals_the_plain_row_by_row_one(rows):
    grid_rows = []
    for i, (c, p, m, u, s, d) in enumerate(rows, start=1):
        grid_rows.append(
            row(i, category=c, problem=p, measure=m, unit=u, status=s) | {"deadline": d}
        )
    t = table(grid_rows)
    categories, problems = group_ledger(t)
    got = [
        (
            c.name,
            c.findings,
            [
                (
                    x.finding,
                    x.text,
                    x.kind,
                    x.deadline,
                    tuple((u.id, u.unit, u.status, u.progress, u.evidence, u.row) for u in x.rows),
                )
                for x in c.measures
            ],
        )
        for c in categories
    ]
    want, want_problems = _reference(t)
    assert got == want
    by_number = {r.number: r for r in t.rows}
    assert [p.cell for p in problems] == [by_number[n].cell(k) for k, n in want_problems]
    from zhenggai.facts.measures import grouped

    assert grouped(t).keys == {r.number: measure_key(r) for r in t.rows}
