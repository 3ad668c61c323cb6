"""Ledgers as offices make them, built in code: the inputs of ``zhenggai import`` tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

# The 33-column audit ledger: (group over the columns, header) left to right;
# a header with no group is merged down through both header rows.
AUDIT_COLUMNS: list[tuple[str | None, str]] = [
    (None, "序号"),
    (None, "审计项目名称"),
    (None, "审计类型"),
    (None, "问题类别"),
    (None, "问题简述"),
    (None, "问题定性依据"),
    ("涉及金额（万元）", "问题金额"),
    ("涉及金额（万元）", "已整改金额"),
    ("涉及金额（万元）", "未整改金额"),
    ("整改责任", "所属责任公司"),
    ("整改责任", "整改责任领导"),
    ("整改责任", "责任人"),
    ("整改计划", "整改计划及措施"),
    ("整改计划", "目标设定完成时间"),
    ("整改计划", "整改类型"),
    ("整改完成情况", "是否整改完成"),
    ("整改完成情况", "完成时间"),
    ("整改完成情况", "整改进展情况"),
    ("整改完成情况", "佐证材料"),
    (None, "审计发现时间"),
    (None, "问题等级"),
    (None, "是否屡查屡犯"),
    (None, "追责问责情况"),
    (None, "处理人数"),
    (None, "挽回损失（万元）"),
    (None, "制度建设数"),
    (None, "新建制度名称"),
    (None, "整改成效"),
    (None, "未完成原因"),
    (None, "下一步计划"),
    (None, "审计机关"),
    (None, "联系电话"),
    (None, "备注"),
]
AUDIT_TITLE = "2024年度经济责任审计发现问题整改台账"
AUDIT_HEADER_ROWS = (3, 4)


def _audit_row(n: int, **values: Any) -> list[Any]:
    """One data row of the audit ledger; keyword names are the headers."""
    base: dict[str, Any] = {
        "序号": n,
        "审计项目名称": "2024年度经济责任审计",
        "审计类型": "经济责任审计",
        "问题类别": "财务管理方面",
        "问题简述": f"问题{n}",
        "问题定性依据": "《会计法》第十条",
        "问题金额": 10.5 * n,
        "已整改金额": 5.25 * n,
        "未整改金额": "/",
        "所属责任公司": "A公司",
        "整改责任领导": "张三",
        "责任人": "李四",
        "整改计划及措施": f"措施{n}",
        "目标设定完成时间": date(2024, 6, 30),
        "整改类型": "限期整改",
        "是否整改完成": "否",
        "完成时间": "—",
        "整改进展情况": f"进展{n}",
        "佐证材料": "无",
        "审计发现时间": datetime(2024, 3, 1, 0, 0),
        "问题等级": "一般",
        "是否屡查屡犯": "否",
        "追责问责情况": "\\",
        "处理人数": 0,
        "挽回损失（万元）": 0.0,
        "制度建设数": 1,
        "新建制度名称": "《资金管理办法》",
        "整改成效": "初见成效",
        "未完成原因": " /",
        "下一步计划": "持续推进",
        "审计机关": "市审计局",
        "联系电话": "0571-88888888",
        "备注": "暂无",
    }
    base.update(values)
    return [base[h] for _, h in AUDIT_COLUMNS]


def audit_rows() -> list[list[Any]]:
    """Eight data rows: mixed date cells and text dates, 是/否, a multi-unit cell."""
    return [
        _audit_row(1, 是否整改完成="是", 完成时间=date(2024, 5, 20), 佐证材料="整改报告"),
        _audit_row(2, 目标设定完成时间="2024年12月31日"),
        _audit_row(3, 目标设定完成时间="2024.9.30", 所属责任公司="A公司、B公司"),
        _audit_row(4, 目标设定完成时间="长期坚持", 整改类型="长期坚持"),
        _audit_row(5, 目标设定完成时间=datetime(2025, 3, 31, 0, 0), 问题金额=1234.56),
        _audit_row(6, 目标设定完成时间="2025年底前", 所属责任公司="B公司"),
        # rows 7 and 8 are two measures of one problem: 序号 and 问题简述 merged down
        _audit_row(7, 问题简述="问题7（两条措施）", 整改计划及措施="措施7甲"),
        _audit_row(7, 问题简述=None, 整改计划及措施="措施7乙", 目标设定完成时间="6月底"),
    ]


AUDIT_FIRST_DATA_ROW = 5


def write_audit_ledger(path: Path, *, sheet: str = "审计整改台账") -> Path:
    """The 33-column audit ledger: title, a 填报单位 line, a two-row merged header,
    eight rows, a 合计 row and a note under the table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    width = len(AUDIT_COLUMNS)
    last = get_column_letter(width)
    ws.append([AUDIT_TITLE])
    ws.merge_cells(f"A1:{last}1")
    ws.append(["填报单位：A公司（盖章）", None, None, None, None, "填报日期：2024年12月"])
    top, bottom = AUDIT_HEADER_ROWS
    c = 1
    while c <= width:
        group, header = AUDIT_COLUMNS[c - 1]
        col = get_column_letter(c)
        if group is None:
            ws.cell(top, c, header)
            ws.merge_cells(f"{col}{top}:{col}{bottom}")
            c += 1
            continue
        span = [h for g, h in AUDIT_COLUMNS if g == group]
        ws.cell(top, c, group)
        ws.merge_cells(f"{col}{top}:{get_column_letter(c + len(span) - 1)}{top}")
        for i, h in enumerate(span):
            ws.cell(bottom, c + i, h)
        c += len(span)
    rows = audit_rows()
    for r, row in enumerate(rows, start=AUDIT_FIRST_DATA_ROW):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    # the last two rows: 序号 and 问题简述 merged down, as offices do for one problem's measures
    last_two = AUDIT_FIRST_DATA_ROW + len(rows) - 2
    for c in (1, 5):
        col = get_column_letter(c)
        ws.cell(last_two + 1, c).value = None
        ws.merge_cells(f"{col}{last_two}:{col}{last_two + 1}")
    total = AUDIT_FIRST_DATA_ROW + len(rows)
    ws.cell(total, 1, "合计")
    ws.cell(total, 7, sum(r[6] for r in rows))
    ws.cell(total + 1, 1, "注：金额单位为万元；“/”表示不涉及。")
    wb.create_sheet("Sheet2")
    wb.save(path)
    return path


UNIT_HEADER = [
    "问题编号",
    "问题描述",
    "整改举措",
    "责任部门",
    "整改期限",
    "完成情况",
    "整改进展",
    "备注",
]


def unit_rows(prefix: str, unit: str, n: int) -> list[list[Any]]:
    """*n* rows of a unit's own ledger, ids "<prefix>-<i>"."""
    return [
        [
            f"{prefix}-{i}",
            f"{unit}问题{i}",
            f"{unit}措施{i}",
            unit,
            "2024年底前" if i % 2 else date(2024, 10, 31),
            "是" if i == 1 else "否",
            "/" if i == 2 else f"{unit}进展{i}",
            "无",
        ]
        for i in range(1, n + 1)
    ]


def write_unit_ledger(
    path: Path, sheet: str, rows: Sequence[Sequence[Any]], *, title: str | None = None
) -> Path:
    """A unit's own ledger: an optional title row, one header row, the rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(UNIT_HEADER))
    ws.append(UNIT_HEADER)
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path
