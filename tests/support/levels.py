"""Two levels of offices, each with its own real master: a province and one of its cities.

The province (省) inspects two cities and keeps a master of its items; 某市
keeps its own master and splits the province's items over two counties, 甲县
and 乙县. Each master has its own ledger id and signing key, as two offices'
masters do: nothing below the province can sign a province template.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl

from tests.conftest import append_rows, set_ledger_rows, set_settings
from tests.support.synthetic import issue_templates
from zhenggai import create_master
from zhenggai.core.spec import default_spec
from zhenggai.importing.run import plan_import, read_sources
from zhenggai.io.master import update_master

__all__ = [
    "BATCH",
    "CITY",
    "PROVINCE_ROWS",
    "city_master",
    "import_upper",
    "province_master",
    "province_template",
    "set_cells",
]

CITY = "某市"
BATCH = "2026年11月"
ISSUED = datetime(2026, 11, 20, 9, 0)

_CATEGORY = "一、落实全面从严治党主体责任方面"
PROVINCE_ROWS: list[dict[str, Any]] = [
    {
        "id": "1",
        "category": _CATEGORY,
        "source": "省委第三巡视组",
        "problem": "基层党组织“三会一课”记录不全，部分支部以会代课",
        "measure": "全面排查2024年以来各支部组织生活记录，逐一补齐并建立月度抽查制度",
        "kind": "限期整改",
        "leader": "王建国",
        "unit": CITY,
        "deadline": "2026年12月底前",
        "status": "未启动",
        "warning": "30天内到期",
    },
    {
        "id": "2",
        "category": _CATEGORY,
        "source": "省委第三巡视组",
        "problem": "违规发放津贴补贴问题整改不彻底",
        "measure": "清退违规发放的津贴补贴，追究相关人员责任",
        "kind": "限期整改",
        "leader": "王建国",
        "unit": CITY,
        "deadline": "2026年12月底前",
        "status": "未启动",
        "warning": "30天内到期",
    },
    {
        "id": "3",
        "category": "二、作风建设方面",
        "source": "省委第三巡视组",
        "problem": "文山会海问题仍然突出",
        "measure": "严格控制发文数量和会议规模，建立精文简会长效机制",
        "kind": "长期坚持",
        "leader": "李文华",
        "unit": CITY,
        "deadline": "长期坚持",
        "status": "未启动",
    },
    {
        "id": "4",
        "category": "二、作风建设方面",
        "source": "省委第三巡视组",
        "problem": "文山会海问题仍然突出",
        "measure": "严格控制发文数量和会议规模，建立精文简会长效机制",
        "kind": "长期坚持",
        "leader": "李文华",
        "unit": "另一市",
        "deadline": "长期坚持",
        "status": "未启动",
    },
]


def province_master(
    path: Path,
    rows: list[dict[str, Any]] | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
) -> Path:
    """The province's master: its items for 某市 and 另一市, both units in 单位."""
    create_master(path)
    set_ledger_rows(path, rows if rows is not None else PROVINCE_ROWS)
    append_rows(
        path,
        "单位",
        [
            ["S01", CITY, "张敏", "moushi@example.org", "0000-1111111"],
            ["S02", "另一市", "刘洋", "lingyishi@example.org", "0000-2222222"],
        ],
    )
    if settings:
        set_settings(path, settings)
    return path


def province_template(master: Path, *, now: datetime = ISSUED, batch: str = BATCH) -> Path:
    """The template the province issues to 某市 (through the real command core)."""
    return issue_templates(master, units=[CITY], now=now, batch=batch)[CITY]


def city_master(path: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    """某市's own master: a different ledger (its own id and key), units 甲县 and 乙县."""
    create_master(path)
    if rows is not None:
        set_ledger_rows(path, rows)
    append_rows(
        path,
        "单位",
        [
            ["C01", "甲县", "陈静", "jiaxian@example.org", "0000-3333333"],
            ["C02", "乙县", "周涛", "yixian@example.org", "0000-4444444"],
        ],
    )
    return path


def import_upper(master: Path, template: Path, *, split_by: str | None = None) -> Any:
    """``zhenggai import TEMPLATE --into MASTER [--split-by …]`` through the library."""
    sources, problems = read_sources([template])
    result, _ = update_master(
        master,
        op="导入",
        plan=lambda ledger: plan_import(ledger, sources, problems=problems, split_by=split_by),
    )
    return result


def set_cells(master: Path, values: Mapping[tuple[str, str], Any]) -> None:
    """Type values into 台账 as staff do in Excel: (编号, 字段名) -> value."""
    wb = openpyxl.load_workbook(master)
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    names = {f.key: f.name for f in default_spec()} | {"upper_id": "上级编号"}
    rows = {str(ws.cell(r, 1).value): r for r in range(2, ws.max_row + 1)}
    for (rid, key), value in values.items():
        ws.cell(rows[rid], header.index(names.get(key, key)) + 1).value = value
    wb.save(master)
