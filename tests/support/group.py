"""A corporate group's rectification ledgers, imported and sent round as offices do.

Each company keeps its own file with one sheet per inspection ("2024年审计发现问题",
"2025年巡察反馈问题"), 序号 starting at 1 on every sheet, a 是否整改完成 column
(是/否) and no 佐证材料 column. They are imported into one master through the
real ``zhenggai import`` core; templates are issued by the real command core;
returns are filled in, renamed the way units and mail clients rename
attachments, and (where asked) saved by LibreOffice.

Example:
    >>> world = group_world(tmp_path)                          # doctest: +SKIP
    >>> templates = world.issue(datetime(2026, 11, 20, 9))      # doctest: +SKIP
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl

from tests.conftest import set_settings
from tests.support.office import XLSX, convert
from tests.support.synthetic import fill_return, issue_templates
from zhenggai import create_master, read_ledger
from zhenggai.core.sheets import UNITS
from zhenggai.importing.run import plan_import, read_sources
from zhenggai.io.fill import set_saved
from zhenggai.io.master import update_master

COMPANIES = ("A公司", "B公司", "C公司")
SHEETS = ("2024年审计发现问题", "2025年巡察反馈问题")
HEADER = [
    "序号",
    "问题类别",
    "存在问题",
    "整改措施",
    "责任单位",
    "整改时限",
    "是否整改完成",
    "完成时间",
    "整改进展",
]
DEADLINE = "12月5日前"  # 设置 报送截止: for batch 2026年11月, 2026-12-05

# How a return's name reaches the office after a unit or its mail client had it.
RENAMES = (
    "回复：{name}",
    "Re_ {name}",
    "{stem}(1){suffix}",
    "{stem} (1){suffix}",
    "第二次-{name}",
    "转发：第二次-{name}",
)


def rename(name: str, pattern: str) -> str:
    """*name* as *pattern* (one of :data:`RENAMES`) renames it."""
    path = Path(name)
    return pattern.format(name=name, stem=path.stem, suffix=path.suffix)


def company_rows(company: str, sheet: int) -> list[list[Any]]:
    """Three rows of one sheet: done with a date, in progress, done with a month as text."""
    tag = ("审计", "巡察")[sheet]
    return [
        [
            1,
            "财务管理方面" if sheet == 0 else "作风建设方面",
            f"{company}{tag}问题一：预算执行不规范",
            f"{company}{tag}措施一：修订预算管理办法",
            company,
            date(2025, 3, 31),
            "是",
            date(2025, 3, 20),
            "已修订印发",
        ],
        [
            2,
            "财务管理方面" if sheet == 0 else "作风建设方面",
            f"{company}{tag}问题二：资产台账不完整",
            f"{company}{tag}措施二：开展资产清查",
            company,
            "2026年底前",
            "否",
            None,
            "清查已完成六成",
        ],
        [
            3,
            "制度建设方面",
            f"{company}{tag}问题三：制度执行不到位",
            f"{company}{tag}措施三：建立督办机制",
            company,
            "2025年6月底",
            "是",
            "2025年6月",  # a month typed as text: not one day
            "已建立",
        ],
    ]


def write_company_ledger(path: Path, company: str) -> Path:
    """One company's own ledger: a title row and one sheet per inspection."""
    wb = openpyxl.Workbook()
    for i, sheet in enumerate(SHEETS):
        ws = wb.active if i == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = sheet
        ws.append([f"{company}{sheet}整改台账"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
        ws.append(HEADER)
        for row in company_rows(company, i):
            ws.append(row)
    wb.save(path)
    return path


@dataclass
class GroupWorld:
    """The master and where the files go.

    Attributes:
        master: the imported master.
        returns: the returns folder (回收/ beside the master).
        profile: a LibreOffice profile folder for :meth:`libreoffice`.
    """

    master: Path
    returns: Path
    profile: Path
    templates: dict[str, dict[str, Path]] = field(default_factory=dict)

    def issue(self, when: datetime, *, batch: str | None = None) -> dict[str, Path]:
        """Issue every company's template at *when* (batch: its month); unit -> file."""
        made = issue_templates(self.master, now=when, batch=batch)
        self.templates[batch or f"{when.year}年{when.month}月"] = made
        return made

    def rid(self, company: str, measure: str) -> str:
        """The 编号 import gave the row whose 整改措施 starts with *measure* (e.g. "A公司审计措施一")."""
        ledger = read_ledger(self.master)
        [row] = [
            r
            for r in ledger.table
            if r.text("unit") == company and r.text("measure").startswith(measure)
        ]
        return row.text("id")

    def fill(
        self,
        template: Path,
        name: str,
        values: Mapping[tuple[str, str], Any] | None = None,
        *,
        saved: datetime,
        folder: Path | None = None,
    ) -> Path:
        """A return of *template* under *name*, with *values* typed in, saved at *saved*."""
        return fill_return(template, (folder or self.returns) / name, values, saved=saved)

    def libreoffice(self, path: Path, *, saved: datetime) -> Path:
        """*path* opened and saved again by LibreOffice Calc (as .xlsx), its save time *saved*."""
        out = path.parent / ".lo"
        out.mkdir(exist_ok=True)
        convert([path], XLSX, out, profile=self.profile)
        shutil.move(out / path.name, path)
        out.rmdir()
        set_saved(path, saved)
        return path


def group_world(folder: Path) -> GroupWorld:
    """Import the companies' ledgers into ``folder/台账.xlsx`` and set it up for mailing."""
    folder.mkdir(parents=True, exist_ok=True)
    sources_folder = folder / "各公司台账"
    sources_folder.mkdir()
    paths = [write_company_ledger(sources_folder / f"{c}整改台账.xlsx", c) for c in COMPANIES]
    master = folder / "台账.xlsx"
    create_master(master)
    sources, problems = read_sources(paths)
    update_master(
        master,
        op="导入",
        plan=lambda ledger: plan_import(
            ledger, sources, problems=problems, now=datetime(2026, 11, 1, 9)
        ),
    )
    _emails(master, {c: f"{c[0].lower()}@example.org" for c in COMPANIES})
    set_settings(master, {"报送截止": DEADLINE})
    return GroupWorld(master, folder / "回收", folder / "lo-profile")


def _emails(master: Path, addresses: Mapping[str, str]) -> None:
    wb = openpyxl.load_workbook(master)
    ws = wb[UNITS.name]
    header = [c.value for c in ws[1]]
    name_col, mail_col = header.index("单位名称") + 1, header.index("邮箱") + 1
    for r in range(2, ws.max_row + 1):
        unit = ws.cell(r, name_col).value
        if unit in addresses:
            ws.cell(r, mail_col, addresses[unit])
    wb.save(master)


def grids(master: Path, sheets: Sequence[str]) -> dict[str, list[list[Any]]]:
    """The named sheets of *master* as read (for comparing two masters)."""
    from zhenggai.io.calamine import open_book

    book = open_book(master)
    return {name: book.grid(name) for name in sheets}
