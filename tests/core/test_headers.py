from __future__ import annotations

from zhenggai.core.grid import find_header
from zhenggai.core.headers import (
    fill_merged_down,
    label_text,
    single_row_cells,
    two_row_cells,
    two_row_evidence,
)
from zhenggai.core.spec import default_spec

# 序号 and 问题描述 merged down through rows 2-3; 整改情况 merged across C2:E2 over three headers.
GRID = [
    ["某局整改台账", None, None, None, None],
    ["序号", "问题描述", "整改情况", None, None],
    [None, None, "整改进展", "完成时间", "佐证材料"],
    [1, "问题甲", "进展", "2024-06-30", "材料"],
]
MERGED = [(1, 1, 1, 5), (2, 1, 3, 1), (2, 2, 3, 2), (2, 3, 2, 5)]


def test_two_row_labels_prefix_the_group_and_keep_cells_merged_down():
    cells = two_row_cells(GRID, 2, MERGED)
    assert [(c.col, c.label, c.words) for c in cells] == [
        (1, "序号", ("序号",)),
        (2, "问题描述", ("问题描述",)),
        (3, "整改情况-整改进展", ("整改进展", "整改情况-整改进展")),
        (4, "整改情况-完成时间", ("完成时间", "整改情况-完成时间")),
        (5, "整改情况-佐证材料", ("佐证材料", "整改情况-佐证材料")),
    ]


def test_a_group_label_alone_names_no_field():
    grid = [["序号", "整改情况", None], [None, "整改进展", None]]
    cells = two_row_cells(grid, 1, [(1, 1, 2, 1), (1, 2, 1, 3)])
    assert [(c.label, c.words) for c in cells] == [
        ("序号", ("序号",)),
        ("整改情况-整改进展", ("整改进展", "整改情况-整改进展")),
        ("整改情况", ()),
    ]


def test_evidence_needs_two_labels_and_a_merge_tying_the_rows():
    assert two_row_evidence(GRID, 2, MERGED)
    assert not two_row_evidence(GRID, 1, MERGED)  # the title: one label
    assert not two_row_evidence(GRID, 2, [])
    assert not two_row_evidence(GRID, 3, MERGED)


def test_single_row_cells_and_labels():
    assert [c.label for c in single_row_cells(GRID, 3)] == ["整改进展", "完成时间", "佐证材料"]
    assert label_text("整改\n措施") == "整改措施"
    assert label_text(2024.0) == "2024"
    assert label_text(None) == ""


def test_find_header_reads_a_merged_two_row_header_under_a_title():
    header = find_header(GRID, default_spec(), merged=MERGED, common=True)
    assert (header.row, header.height, header.last_row) == (2, 2, 3)
    assert header.columns == {"id": 1, "problem": 2, "progress": 3, "done_date": 4, "evidence": 5}
    assert header.cells[2].kind == "字段名"


def test_find_header_without_merges_takes_two_rows_only_when_they_name_more():
    header = find_header(GRID, default_spec(), common=True)
    assert (header.row, header.height) == (2, 2)
    assert header.columns == {"id": 1, "problem": 2, "progress": 3, "done_date": 4, "evidence": 5}


def test_a_title_row_or_the_first_data_row_is_never_half_of_the_header():
    grid = [
        ["某局整改台账", None, None],
        ["编号", "存在问题", "整改措施"],
        ["1", "整改进展", None],  # a data cell that happens to read like a header
    ]
    header = find_header(grid, default_spec(), merged=[(1, 1, 1, 3)])
    assert (header.row, header.height) == (2, 1)
    assert header.extra == {}


def test_fill_merged_down_repeats_values_below_the_header_only():
    grid = [["序号", "问题"], [1, "甲"], [None, None], [2, "乙"]]
    filled, n = fill_merged_down(grid, [(2, 1, 3, 1), (2, 2, 3, 2), (1, 1, 1, 2)], below=1)
    assert filled == [["序号", "问题"], [1, "甲"], [1, "甲"], [2, "乙"]]
    assert n == 2
    assert grid[2] == [None, None]  # the input is not changed
    across, n = fill_merged_down([["a", None]], [(1, 1, 1, 2)], below=0)
    assert (across, n) == ([["a", None]], 0)
