"""Imported rows are laid out by the headers actually in the master's sheets."""

from __future__ import annotations

from datetime import datetime

import openpyxl

from zhenggai import read_ledger
from zhenggai.core.spec import Field, FieldType, Spec
from zhenggai.importing.place import ledger_changes
from zhenggai.importing.rows import LedgerRow

NOW = datetime(2026, 11, 28, 10, 0)


def test_rows_units_fields_and_log_follow_the_sheets_own_column_order(make_master):
    master = make_master()
    wb = openpyxl.load_workbook(master)
    for c, header in enumerate(["邮箱", "单位名称", "联系人", "单位编码", "电话"], start=1):
        wb["单位"].cell(1, c, header)  # the office moved 邮箱 to the front
    wb.save(master)
    ledger = read_ledger(master)
    extra = Field("问题金额", "x_1", FieldType.TEXT)
    spec = Spec((*ledger.spec.fields, extra))
    row = LedgerRow("a.xlsx", "S", 5, {"id": "1", "unit": "办公室", "x_1": 3.5}, "ff")
    changes = ledger_changes(ledger, spec, [extra], [row], ["办公室"], now=NOW)
    assert [(c.sheet, c.col, c.header) for c in changes.columns] == [("台账", 22, "问题金额")]
    appended = dict(changes.appends)
    assert appended["台账"][0][0] == "1" and appended["台账"][0][21] == 3.5
    assert appended["单位"] == [[None, "办公室"]]
    assert appended["字段"] == [["问题金额", "x_1", "文本", "否", "否", "", "", "", "是"]]
    assert appended["变更记录"] == [
        ["2026-11-28 10:00:00", "导入", None, None, None, None, "问题金额", None, "新增列"],
        ["2026-11-28 10:00:00", "导入", "办公室", "a.xlsx", "ff", "1", "（整行）"],
    ]


def test_nothing_to_write_changes_nothing(make_master):
    ledger = read_ledger(make_master())
    assert not ledger_changes(ledger, ledger.spec, [], [], [], now=NOW)
