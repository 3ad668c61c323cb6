"""The master workbook's sheets: names, headers and column widths.

One table of every sheet the master holds, so ``init`` creates them, the
adapters recreate a missing output sheet the same way, and readers look
columns up by header instead of by position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .spec import Field, FieldType
from .text import Value

__all__ = [
    "BULLETIN",
    "CHANGES",
    "CONFLICTS",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "EVIDENCE",
    "HOLIDAYS",
    "LEDGER",
    "MAIL_IN",
    "MAIL_LOG",
    "META",
    "PROBLEMS",
    "REPORT",
    "RETURNS",
    "REVIEW",
    "SHEETS",
    "STATS",
    "STUDY_POINTS",
    "STUDY_STATS",
    "UNITS",
    "SheetDef",
    "field_width",
    "sheet_def",
    "text_width",
]


@dataclass(frozen=True)
class SheetDef:
    """A sheet of the master.

    Attributes:
        name: the sheet name users see.
        headers: header row (empty for free-form output sheets).
        widths: column widths in Excel character units, one per header.
        note: what the sheet holds, for the README and the 说明 of ``init``.
    """

    name: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    note: str

    def column(self, header: str) -> int:
        """1-based column of *header*."""
        return self.headers.index(header) + 1


LEDGER = "台账"
META = "_meta"

UNITS = SheetDef(
    "单位",
    ("单位编码", "单位名称", "联系人", "邮箱", "电话"),
    (10, 24, 10, 28, 16),
    "各责任单位及其联系人、邮箱",
)
HOLIDAYS = SheetDef(
    "节假日",
    ("日期", "类型", "说明"),
    (14, 10, 30),
    "法定节假日补充：类型填“休息日”或“工作日”（调休上班）",
)
RETURNS = SheetDef(
    "回收情况",
    (
        "批次",
        "单位名称",
        "下发时间",
        "下发文件",
        "回收时间",
        "回收文件",
        "文件保存时间",
        "结论",
        "修改数",
        "问题数",
        "冲突数",
        "文件SHA256",
        "说明",
    ),
    (12, 24, 18, 40, 18, 40, 18, 12, 8, 8, 8, 18, 30),
    "每批次每个单位的下发与回收情况：回收时间是第一次报送的文件的保存时间（按时与否按它算），"
    "回收文件、文件保存时间、结论是最近一次报送的文件的；问题数、冲突数是该单位本批次待处理的",
)
MAIL_LOG = SheetDef(
    "发送记录",
    ("时间", "批次", "类型", "单位名称", "邮箱", "附件", "结果", "说明", "邮件编号"),
    (18, 12, 8, 20, 28, 40, 8, 40, 40),
    "每封下发、催报邮件的每个收件地址的发送结果（zhenggai mail --send）",
)
MAIL_IN = SheetDef(
    "收件记录",
    (
        "收取时间",
        "邮件时间",
        "发件人",
        "单位名称",
        "批次",
        "主题",
        "邮件编号",
        "附件",
        "保存位置",
        "SHA256",
        "结果",
        "说明",
    ),
    (18, 18, 28, 20, 12, 36, 36, 36, 48, 18, 10, 48),
    "zhenggai collect 从邮箱收取的每封邮件的每个附件：存到了哪里、结果；按邮件编号，同一封邮件不会收取两次",
)
EVIDENCE = SheetDef(
    "佐证材料",
    (
        "批次",
        "单位名称",
        "编号",
        "文件",
        "位置",
        "大小（KB）",
        "收到时间",
        "来源",
        "关联依据",
        "SHA256",
    ),
    (12, 20, 12, 36, 60, 10, 18, 36, 24, 18),
    "电子档案文件夹中每个佐证材料文件（点文件名打开）和它属于的单位、批次、事项；每次收取邮件、汇总后更新",
)
CHANGES = SheetDef(
    "变更记录",
    ("时间", "操作", "单位", "文件", "文件SHA256", "编号", "字段", "原值", "新值", "批次"),
    (18, 8, 20, 36, 18, 10, 12, 40, 40, 12),
    "每次汇总、撤销、回头看对台账的每一处修改",
)
PROBLEMS = SheetDef(
    "校验问题",
    (
        "文件",
        "单位",
        "工作表",
        "单元格",
        "代码",
        "问题及处理办法",
        "原值",
        "批次",
        "首次发现",
        "状态",
    ),
    (36, 20, 10, 10, 18, 60, 30, 12, 12, 10),
    "汇总和销号检查发现的问题：待处理的一直保留，单位再报送时改正了（或台账已改正）就记为已解决；"
    "核实后不需处理的，把“状态”改为“已忽略”，以后不会再改动它",
)
CONFLICTS = SheetDef(
    "冲突",
    (
        "文件",
        "单位",
        "编号",
        "字段",
        "单元格",
        "下发时的值",
        "台账现值",
        "单位报送值",
        "说明",
        "批次",
        "首次发现",
        "状态",
    ),
    (36, 20, 10, 12, 10, 30, 30, 30, 40, 12, 12, 10),
    "台账与单位报送都改过、未自动合并的单元格：在台账中改定后记为已解决；"
    "核实后保留台账现值的，把“状态”改为“已忽略”",
)
STATS = SheetDef("统计", (), (), "“逾期预警”生成的分单位统计和图表")
BULLETIN = SheetDef("通报草稿", (), (), "“生成通报”生成的督查通报草稿")
REPORT = SheetDef("报告草稿", (), (), "“生成报告”生成的整改情况报告草稿")
REVIEW = SheetDef("回头看", (), (), "“回头看”列出的待复查事项")
STUDY_POINTS = SheetDef(
    "学习积分",
    (
        "期间",
        "单位",
        "姓名",
        "本期积分",
        "单位内排名",
        "总排名",
        "标记",
        "低分线",
        "总积分",
        "日均积分",
        "最近登录",
        "来源文件",
        "导入时间",
    ),
    (12, 20, 10, 10, 10, 8, 10, 8, 10, 10, 18, 36, 18),
    "“学习积分”导入的各期学习强国积分，每期一组；重新导入同一期会整组替换。"
    "某人请假等不需提醒的，清空其“标记”即可",
)
STUDY_STATS = SheetDef("学习统计", (), (), "“学习积分”生成的本期分单位统计、提醒名单和图表")

SHEETS: tuple[SheetDef, ...] = (
    UNITS,
    HOLIDAYS,
    RETURNS,
    MAIL_LOG,
    MAIL_IN,
    EVIDENCE,
    CHANGES,
    PROBLEMS,
    CONFLICTS,
    STATS,
    BULLETIN,
    REPORT,
    REVIEW,
    STUDY_POINTS,
    STUDY_STATS,
)


def sheet_def(name: str) -> SheetDef:
    """The definition of sheet *name*; KeyError for sheets this module does not define."""
    for d in SHEETS:
        if d.name == name:
            return d
    raise KeyError(name)


DATE_FORMAT = "yyyy-mm-dd"


DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def text_width(value: Value) -> float:
    """Display width in Excel character units: CJK characters count double."""
    if value is None:
        return 0
    if isinstance(value, datetime | date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    # a character past U+2E7F counts double; counted by the regex engine (a report's
    # draft sheet sizes 100,000 cells: a Python loop per character took ~0.7 s)
    return len(longest) + len(_WIDE_CHAR.findall(longest))


_WIDE_CHAR = re.compile("[^\x00-\u2e7f]")


_WIDE = {"problem": 40, "measure": 48, "progress": 44, "evidence": 28, "remark": 20}


def field_width(f: Field) -> float:
    """Column width for a ledger field: wide for prose, narrow for codes and dates."""
    if f.key in _WIDE:
        return _WIDE[f.key]
    if f.type in (FieldType.DATE, FieldType.DEADLINE):
        return 16
    if f.type in (FieldType.KEY, FieldType.CHOICE, FieldType.STATUS):
        return 11
    return max(10.0, len(f.name) * 2 + 4)
