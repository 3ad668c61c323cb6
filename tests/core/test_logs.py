"""回收情况: one row per batch and unit, updated in place."""

from __future__ import annotations

from zhenggai.core.logs import ReturnsLog


def test_new_sheet_rows_are_appended_in_standard_order():
    log = ReturnsLog.from_grid([])
    log.set("2026年11月", "办公室", {"下发文件": "a.xlsx"})
    log.set("2026年11月", "办公室", {"结论": "applied"})
    cs = log.changes()
    assert not cs.edits
    [(sheet, rows)] = cs.appends
    assert sheet == "回收情况" and len(rows) == 1
    assert rows[0][:4] == ["2026年11月", "办公室", None, "a.xlsx"]
    assert rows[0][7] == "applied"


def test_existing_rows_are_edited_by_header_and_missing_columns_added():
    grid = [
        ["单位名称", "批次", "下发文件"],  # reordered and old: lacks the newer columns
        ["办公室", "2026年10月", "old.xlsx"],
        ["办公室", "2026年11月", "a.xlsx"],
    ]
    log = ReturnsLog.from_grid(grid)
    assert log.get("2026年11月", "办公室")["下发文件"] == "a.xlsx"
    log.set("2026年11月", "办公室", {"下发文件": "b.xlsx", "结论": "rejected"})
    log.set("2026年11月", "人事科", {"下发文件": "c.xlsx"})
    cs = log.changes()
    edits = {(e.row, e.col): e.value for e in cs.edits}
    assert edits[(3, 3)] == "b.xlsx"
    verdict_col = log.header.index("结论") + 1
    assert edits[(1, verdict_col)] == "结论" and edits[(3, verdict_col)] == "rejected"
    [(_, rows)] = cs.appends
    assert rows[0][:3] == ["人事科", "2026年11月", "c.xlsx"]
    assert len(rows[0]) == len(log.header)
