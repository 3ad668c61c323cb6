"""Ranks, flags and unit figures of one period."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.support.study_books import NOV
from zhenggai.study.stats import competition_rank, flag_for, study_stats


def test_competition_ranking_shares_ties_and_skips():
    assert competition_rank([300, 200, 200, 100]) == [1, 2, 2, 4]
    assert competition_rank([5, 5, 5]) == [1, 1, 1]
    assert competition_rank([]) == []


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=40))
def test_rank_is_one_plus_the_number_of_people_above(points):
    ranks = competition_rank(points)
    assert ranks == [1 + sum(q > p for q in points) for p in points]


def test_flags():
    assert [flag_for(p, 100) for p in (0, 0.5, 99.9, 100, 300)] == [
        "inactive",
        "low",
        "low",
        None,
        None,
    ]
    assert flag_for(0, 0) == "inactive" and flag_for(5, 0) is None


def test_people_and_units_with_ties_and_a_unit_where_nobody_studied():
    people, units = study_stats(
        [(n, u, p) for u, n, p in NOV], threshold=100, previous={"办公室": 200, "人事科": 100}
    )
    assert [(p.name, p.unit, p.points, p.rank, p.unit_rank, p.flag) for p in people] == [
        ("张三", "办公室", 320, 1, 1, None),
        ("李四", "办公室", 200, 2, 2, None),
        ("钱七", "办公室", 200, 2, 2, None),
        ("李四", "人事科", 200, 2, 1, None),
        ("赵六", "人事科", 90, 5, 2, "low"),
        ("王五", "人事科", 0, 6, 3, "inactive"),
        ("孙八", "宣传科", 0, 6, 1, "inactive"),
        ("周九", "宣传科", 0, 6, 1, "inactive"),
    ]
    assert [
        (u.unit, u.count, u.avg, u.median, u.below, u.inactive, u.low_share, u.rank, u.trend)
        for u in units
    ] == [
        ("办公室", 3, 240, 200, 0, 0, 0.0, 1, 40),
        ("人事科", 3, 96.67, 90, 2, 1, 0.6667, 2, -3.33),
        ("宣传科", 2, 0, 0, 2, 2, 1.0, 3, None),
    ]


def test_units_with_equal_averages_share_a_rank():
    _, units = study_stats([("a", "甲", 10), ("b", "乙", 10), ("c", "丙", 5)], threshold=1)
    assert [(u.unit, u.rank) for u in units] == [("甲", 1), ("乙", 1), ("丙", 3)]


def test_averages_round_half_up():
    _, units = study_stats([("a", "甲", 2.345), ("b", "甲", 2.345)], threshold=1)
    assert units[0].avg == 2.35


_ENTRIES = st.lists(
    st.tuples(
        st.sampled_from("甲乙丙丁"),
        st.sampled_from("ABC"),
        st.one_of(st.integers(0, 400), st.floats(0, 400, allow_nan=False)),
    ),
    max_size=30,
)


@given(_ENTRIES, st.integers(0, 300))
def test_figures_hold_for_any_period(entries, threshold):
    people, units = study_stats(entries, threshold=threshold)
    assert len(people) == len(entries) == sum(u.count for u in units)
    assert [p.rank for p in people] == sorted(p.rank for p in people)
    for u in units:
        members = [p for p in people if p.unit == u.unit]
        assert u.below == sum(p.flag is not None for p in members)
        assert u.inactive == sum(p.flag == "inactive" for p in members)
        assert 0 <= u.low_share <= 1 and 1 <= u.rank <= len(units)
        assert (
            min(p.points for p in members) - 0.01 <= u.avg <= max(p.points for p in members) + 0.01
        )
        assert {p.unit_rank for p in members} <= set(range(1, u.count + 1))
        assert u.trend is None
