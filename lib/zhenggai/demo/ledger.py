"""The demo ledger, rebuilt from the example report (reference/example-report.txt).

Its 3 categories and 6 problems are the report's, in order; its measures come
from each 整改情况 paragraph, one row per measure per unit. Deadlines are
written the many ways staff write them and placed around 2026-11-28, so the
warning tiers all show: overdue, due within 7 and 30 days, ongoing, 立行立改.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..core.ledger import Seed
from ..core.text import Value
from ..io.create import create_master

__all__ = [
    "DEMO_SETTINGS",
    "DEMO_TODAY",
    "DEMO_UNITS",
    "create_demo_master",
    "demo_rows",
    "demo_seed",
]

DEMO_TODAY = date(2026, 11, 28)

NOTICE = "《党委（党组）意识形态工作责任制落实情况督查问题整改通知书》"

DEMO_SETTINGS: dict[str, Value] = {
    "报告标题": "关于党委（党组）意识形态工作责任制落实情况督查问题整改情况的报告",
    "主送机关": "网信办",
    "通知名称": NOTICE,
    "落款": "中共××局党组",
    "基准年份": 2026,
    "报送截止": "12月5日前",
    # the 公文 parts of the Word files (each left out while blank)
    "发文机关标志": "中共××局党组文件",
    "发文字号": "××党组〔2026〕12号",
    "签发人": "王建国",
    "抄送": "市委宣传部，市委网信办",
    "印发机关": "中共××局党组办公室",
    "报告附件": "意识形态工作责任制落实情况督查问题整改台账",
    "通报发文机关标志": "督查通报",
    "通报发文字号": "第3期",
    "联系人": "陈静",
    "联系电话": "0471-6600000",
}

# 单位编码, 单位名称, 联系人, 邮箱, 电话
DEMO_UNITS: list[tuple[str, str, str, str, str]] = [
    ("01", "办公室", "刘洋", "bangongshi@example.org", "0471-6600001"),
    ("02", "机关党委", "周红", "jiguandangwei@example.org", "0471-6600002"),
    ("03", "宣传教育科", "孙磊", "xuanjiao@example.org", "0471-6600003"),
    ("04", "人事科", "吴芳", "renshi@example.org", "0471-6600004"),
    ("05", "网络安全科", "郑凯", "wangan@example.org", "0471-6600005"),
    ("06", "舆情信息科", "马丽", "yuqing@example.org", "0471-6600006"),
]

_C1 = "意识形态工作责任落实不够到位方面"
_C2 = "理论学习不够系统全面和及时有效方面"
_C3 = "防范化解意识形态领域风险能力有待提高"

_P1 = (
    "专题研究意识形态工作制度不够到位，党组会议未专题研究部署意识形态工作，"
    "对意识形态工作极端重要性认识不够到位。"
)
_P2 = "领导班子及领导班子成员民主生活会剖析材料、述职报告中存在未纳入意识形态工作责任制落实情况。"
_P3 = "理论学习中心组未专题学习意识形态内容。"
_P4 = "未传达学习全国全区全市宣传部长会议精神。"
_P5 = (
    "学习强国平台运用效果不理想，学员活跃度和平均积分不高，在推动学习强国平台建设和使用上，"
    "缺乏行之有效的措施。"
)
_P6 = "未在本行业系统内开展意识形态专项督查，对本系统意识形态领域风险底数不清。"

_LEAD1 = "王建国（党组书记）"
_LEAD2 = "李明（党组成员、副局长）"
_LEAD3 = "张卫东（党组成员、副局长）"
_SRC = "意识形态工作责任制落实情况督查"

# id, category, problem, measure, kind, leader, unit, co_units, deadline,
# person, status, progress, done_date, evidence
_ROWS: list[tuple[Value, ...]] = [
    (
        "1",
        _C1,
        _P1,
        "把意识形态工作纳入党组会重要议事日程，纳入考核范围，与业务工作同部署、同落实、同检查、同考核，"
        "召开党组会议专题研究部署意识形态工作。",
        "立行立改",
        _LEAD1,
        "办公室",
        "机关党委",
        "立行立改",
        "刘洋",
        "已完成",
        "已于2026年3月12日召开党组会议专题研究部署意识形态工作，并将意识形态工作纳入年度考核。",
        date(2026, 3, 12),
        "党组会议纪要、年度考核方案",
    ),
    (
        "2",
        _C1,
        _P1,
        "召开下半年意识形态联席会议，明确工作重点，分析研判意识形态领域情况，确保牢牢掌握意识形态主动权。",
        "限期整改",
        _LEAD1,
        "机关党委",
        "",
        "2026年10月31日",
        "周红",
        "正在整改",
        "已拟定联席会议方案，待主要领导审定后召开。",
        None,
        None,
    ),
    (
        "3-1",
        _C1,
        _P2,
        "继续压实意识形态工作责任，党组书记落实好第一责任人责任，分管领导落实好直接责任，"
        "班子其他成员落实好“一岗双责”。",
        "长期坚持",
        _LEAD1,
        "机关党委",
        "",
        "长期坚持",
        "周红",
        "长期坚持",
        "已印发党组意识形态工作责任清单，逐月调度落实情况。",
        None,
        None,
    ),
    (
        "3-2",
        _C1,
        _P2,
        "继续压实意识形态工作责任，党组书记落实好第一责任人责任，分管领导落实好直接责任，"
        "班子其他成员落实好“一岗双责”。",
        "长期坚持",
        _LEAD1,
        "办公室",
        "",
        "长期坚持",
        "刘洋",
        "长期坚持",
        None,
        None,
        None,
    ),
    (
        "4",
        _C1,
        _P2,
        "把意识形态工作开展情况纳入年度民主生活会和述职报告重要内容。",
        "限期整改",
        _LEAD2,
        "人事科",
        "机关党委",
        "2026.11.30",
        "吴芳",
        "正在整改",
        "已通知班子成员在述职报告中单列意识形态工作落实情况。",
        None,
        None,
    ),
    (
        "5-1",
        _C2,
        _P3,
        "召开理论中心组学习扩大会，专题学习意识形态有关内容，及时传达学习习近平新时代中国特色社会主义思想。",
        "限期整改",
        _LEAD2,
        "机关党委",
        "",
        "2026年6月",
        "周红",
        "已完成",
        "2026年6月18日召开理论学习中心组学习扩大会，专题学习意识形态有关内容。",
        date(2026, 6, 18),
        "学习扩大会通知、签到表、会议记录",
    ),
    (
        "5-2",
        _C2,
        _P4,
        "传达学习全国、全区、全市宣传部长会议精神以及上级对意识形态工作的工作要求。",
        "限期整改",
        _LEAD2,
        "宣传教育科",
        "",
        "三季度末",
        "孙磊",
        "正在整改",
        "已传达全国宣传部长会议精神，全区、全市会议精神待传达。",
        None,
        None,
    ),
    (
        "6-1",
        _C2,
        _P3,
        "把意识形态、铸牢中华民族共同体意识等内容列入党支部和干部培训的学习计划，组织参加上级意识形态内容培训班。",
        "限期整改",
        _LEAD2,
        "人事科",
        "",
        date(2026, 12, 5),
        "吴芳",
        "正在整改",
        "已将意识形态内容列入2027年度干部培训计划（征求意见稿）。",
        None,
        None,
    ),
    (
        "6-2",
        _C2,
        _P3,
        "依托网络学院等开展意识形态线上培训，切实提升人员政治判断力、政治领悟力、政治执行力。",
        "限期整改",
        _LEAD2,
        "宣传教育科",
        "人事科",
        "12月20日前",
        "孙磊",
        "未启动",
        None,
        None,
        None,
    ),
    (
        "7-1",
        _C2,
        _P5,
        "加强对“学习强国”学习管理制度的落实，安排专人负责监督和提醒，定期统计人员学习情况、积分排名等信息。",
        "长期坚持",
        _LEAD2,
        "宣传教育科",
        "",
        "2026年底前，并长期坚持",
        "孙磊",
        "正在整改",
        "已明确专人负责，每月统计积分排名。",
        None,
        None,
    ),
    (
        "7-2",
        _C2,
        _P5,
        "对活跃度不高、学习不深入的人员及时提醒通报，确保学习平台各项指标有监督、有落实、有解决。",
        "限期整改",
        _LEAD2,
        "办公室",
        "宣传教育科",
        "二〇二六年十二月十五日",
        "刘洋",
        "正在整改",
        "已对10月积分排名后10名人员进行提醒。",
        None,
        None,
    ),
    (
        "8",
        _C3,
        _P6,
        "将意识形态纳入对基层开展政治督查内容，重点围绕责任制落实、“两微一端”管理、网络意识形态工作责任制、"
        "工作机制建设四个方面开展为期一周的政治督查。",
        "限期整改",
        _LEAD3,
        "网络安全科",
        "办公室",
        "2026-09-30",
        "郑凯",
        "已完成",
        "已对3个基层单位开展为期一周的政治督查，发现的问题已通报其党组并要求整改。",
        date(2026, 9, 25),
        "政治督查方案、督查通报",
    ),
    (
        "9-1",
        _C3,
        _P6,
        "常态化对基层开展意识形态专项督查，要求各基层及时报送工作开展情况电子档案，每月进行督查通报。",
        "长期坚持",
        _LEAD3,
        "舆情信息科",
        "",
        "长期坚持",
        "马丽",
        "长期坚持",
        "已建立基层意识形态工作电子档案月报制度。",
        None,
        None,
    ),
    (
        "9-2",
        _C3,
        _P6,
        "对基层工作情况进行抽查，开展意识形态实地督查指导，督促其党组将意识形态工作落实到位。",
        "限期整改",
        _LEAD3,
        "网络安全科",
        "舆情信息科",
        "年底前",
        "郑凯",
        "正在整改",
        "已完成2个基层单位实地督查指导。",
        None,
        None,
    ),
    (
        "9-3",
        _C3,
        _P6,
        "对基层工作情况进行抽查，开展意识形态实地督查指导，督促其党组将意识形态工作落实到位。",
        "限期整改",
        _LEAD3,
        "舆情信息科",
        "网络安全科",
        "2027年上半年",
        "马丽",
        "未启动",
        None,
        None,
        None,
    ),
    (
        "10",
        _C3,
        _P6,
        "开展意识形态领域风险隐患排查，建立本系统意识形态风险台账，摸清风险底数。",
        "限期整改",
        _LEAD3,
        "舆情信息科",
        "",
        "2026年12月2日",
        "马丽",
        "正在整改",
        "已完成两个科室的风险排查。",
        None,
        None,
    ),
]


def demo_rows() -> list[dict[str, Value]]:
    """The demo ledger rows keyed by field key (默认字段)."""
    keys = (
        "id",
        "category",
        "problem",
        "measure",
        "kind",
        "leader",
        "unit",
        "co_units",
        "deadline",
        "person",
        "status",
        "progress",
        "done_date",
        "evidence",
    )
    rows = []
    for values in _ROWS:
        row = dict(zip(keys, values, strict=True))
        row["source"] = _SRC
        row["closed"] = "否"
        rows.append(row)
    return rows


def demo_seed() -> Seed:
    """The demo ledger's rows, units and settings, for :func:`zhenggai.io.create.create_master`."""
    return Seed(demo_rows(), DEMO_UNITS, DEMO_SETTINGS)


def create_demo_master(path: str | Path, *, force: bool = False) -> Path:
    """A new master at *path* holding the demo ledger (``zhenggai init --demo``)."""
    return create_master(path, seed=demo_seed(), force=force)
