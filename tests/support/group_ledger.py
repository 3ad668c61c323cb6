"""A group's real-looking ledger (集团整改台账) of 250 rows, built in code and imported.

The way a group's office keeps it: 21 measures, each repeated on one row per
subsidiary that carries it (10 to 14 of 14 companies), a title row above the
header, one status and progress per row as the companies reported them:
mostly "目前正在推进", some real progress, progress restating the measure
("已于……召开专题会议研究部署整改工作"), done rows with dates and evidence,
长期坚持 rows, and deadlines already past on the day of the tests.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from zhenggai import create_master, read_ledger
from zhenggai.core.ledger import Ledger
from zhenggai.importing.run import plan_import, read_sources
from zhenggai.io.master import update_master

__all__ = ["COMPANIES", "GROUP_TODAY", "group_ledger", "import_group_ledger", "write_group_ledger"]

GROUP_TODAY = date(2026, 11, 28)
COMPANIES = [
    "华兴建设公司",
    "东方能源公司",
    "城投置业公司",
    "水务集团",
    "交通投资公司",
    "文旅发展公司",
    "农业开发公司",
    "数字科技公司",
    "物流集团",
    "金融控股公司",
    "医药公司",
    "环保产业公司",
    "商贸公司",
    "资产运营公司",
]
_CATEGORIES = [
    ("一、党的领导弱化方面", "党委会议研究落实上级决策部署不及时，“第一议题”制度执行不到位。"),
    ("二、全面从严治党不力方面", "落实“一岗双责”不到位，廉洁风险排查流于形式。"),
    ("三、选人用人不规范方面", "干部选拔任用程序不严格，档案审核把关不严。"),
    ("四、国有资产管理不严方面", "资产底数不清，闲置资产长期未盘活。"),
    ("五、意识形态工作薄弱方面", "意识形态阵地管理不规范，网站和公众号审核把关不严。"),
    ("六、制度执行不严格方面", "制度建设滞后，已有制度执行走样。"),
    ("七、作风建设不扎实方面", "文山会海问题仍然存在，调查研究不够深入。"),
]
_MEASURES = [
    ["召开专题会议研究部署整改工作，制定整改方案，明确责任分工。",
     "1.严格执行“第一议题”制度；2.每月通报学习情况。",
     "建立上级决策部署落实台账，逐项跟踪督办。"],
    ["开展廉洁风险再排查，建立廉洁风险防控清单。",
     "落实党委书记与班子成员谈心谈话制度，每半年至少开展一次。",
     "一是开展警示教育；二是组织签订党风廉政建设责任书。"],
    ["对2024年以来选拔任用的干部开展专项检查。",
     "规范干部人事档案审核，建立档案专审工作台账。",
     "修订《干部选拔任用工作实施办法》，严格履行动议、考察、讨论决定程序。"],
    ["全面清查资产，建立资产管理台账，摸清资产底数。",
     "制定闲置资产盘活方案，分类推进处置。",
     "完善资产管理信息系统，实现资产动态监管。"],
    ["修订网站和新媒体平台信息发布审核办法，落实“三审三校”制度。",
     "每季度开展意识形态阵地专项检查，形成检查报告。",
     "建立意识形态工作电子档案，每月报送工作开展情况。"],
    ["开展制度“废改立”，梳理现行制度并形成清单。",
     "建立制度执行监督检查机制，每半年开展一次制度执行情况检查。",
     "将制度执行情况纳入年度考核。"],
    ["精简会议文件，严格控制会议数量和规模。",
     "班子成员每年开展调查研究不少于2次，形成调研报告。",
     "建立基层联系点制度，定期到联系点调研指导。"],
]  # fmt: skip
_DEADLINES = [date(2026, 9, 30), "2026年10月31日", "2026年12月31日", "长期坚持", "2027年6月底"]
_EVIDENCE = ["会议纪要", "整改方案", "检查报告", "制度文件", "工作台账"]


def _status(m: int, u: int) -> tuple[str, str, date | None, str]:
    """(状态, 进展, 完成时间, 佐证材料) of company *u* on measure *m*, as companies report."""
    slot = (m * 5 + u * 3) % 10
    if slot in (0, 1):
        done = date(2026, 4 + (m + u) % 7, 1 + (u * 3) % 27)
        return "已完成", "已完成", done, _EVIDENCE[(m + u) % len(_EVIDENCE)]
    if slot == 2:
        return "未启动", "", None, ""
    if slot == 3 and m == 0:  # restates the measure, with the date it happened
        return (
            "正在整改",
            "已于2026年5月10日召开专题会议研究部署整改工作，正在制定整改方案。",
            None,
            "",
        )
    if slot == 3:
        return "正在整改", f"已完成{(m + u) % 5 + 1}个下属单位的自查，正在汇总问题清单。", None, ""
    return "正在整改", "目前正在推进", None, ""


def _rows() -> list[list[object]]:
    rows: list[list[object]] = []
    n = 0
    for c, (category, finding) in enumerate(_CATEGORIES):
        for k, measure in enumerate(_MEASURES[c]):
            m = c * 3 + k
            share = 10 + m % 5  # 10 to 14 companies, a different set for each measure
            units = [COMPANIES[(m + i) % len(COMPANIES)] for i in range(share)]
            deadline = _DEADLINES[m % len(_DEADLINES)]
            for u, unit in enumerate(units):
                n += 1
                status, progress, done, evidence = _status(m, u)
                if deadline == "长期坚持" and status == "正在整改":
                    status = "长期坚持"
                rows.append([n, category, finding, measure, unit, deadline, status, progress or None,
                             done, evidence or None])  # fmt: skip
    return rows


HEADER = ["序号", "问题类别", "存在问题", "整改措施", "责任单位", "整改时限", "整改状态", "整改进展",
          "完成时间", "佐证材料"]  # fmt: skip


def write_group_ledger(path: Path) -> Path:
    """The group's own workbook: a title row, the header, one row per measure per company."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "整改台账"
    ws.append(["××集团党委巡察反馈问题整改台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for row in _rows():
        ws.append(row)
    wb.save(path)
    return path


def import_group_ledger(folder: Path) -> Path:
    """A master holding the group ledger, imported by ``zhenggai import``'s core."""
    source = write_group_ledger(folder / "集团整改台账.xlsx")
    master = folder / "台账.xlsx"
    create_master(master)
    sources, problems = read_sources([source])
    update_master(
        master, op="导入", plan=lambda ledger: plan_import(ledger, sources, problems=problems)
    )
    return master


def group_ledger(folder: Path) -> Ledger:
    """The imported group ledger, read back."""
    return read_ledger(import_group_ledger(folder))
