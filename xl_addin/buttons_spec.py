"""The ribbon buttons of the add-in, in one place.

The ribbon XML (:mod:`xl_addin.build.ribbon`) is generated from :data:`BUTTONS`, and
the Python dispatcher (``xl_addin.buttons``) maps the same tags to handlers: the
function named like the tag in ``xl_addin.handlers.<module>``, imported only when
its button is clicked. A button is listed here only once its handler exists (a
test checks both ways).

Every button calls one VBA callback of ``ZhenggaiRibbon``, which runs
``xl_addin.buttons.run(<tag>)`` through xlwings' RunPython:

- ``OnButton`` for most;
- ``OnPickFile`` for a button that needs a file (:attr:`Button.picks`): Excel's
  own file dialog first, the path handed to Python with the tag;
- ``OnSelfTest`` for 自检, which checks each link of that chain itself before
  it runs Python (see ``vba/ZhenggaiRibbon.bas``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["BUTTONS", "DISPATCHER", "GROUPS", "Button"]

#: The VBA module holding the ribbon callbacks.
VBA_MODULE = "ZhenggaiRibbon"
#: The VBA callback of a plain button (module.sub).
DISPATCHER = f"{VBA_MODULE}.OnButton"
PICK_FILE = f"{VBA_MODULE}.OnPickFile"
SELF_TEST = f"{VBA_MODULE}.OnSelfTest"

#: Ribbon groups in the order of the monthly work (the tab shows them left to right).
GROUPS: tuple[str, ...] = ("下发", "汇总", "预警与通报", "报告", "学习", "帮助")

_TAG = re.compile(r"[a-z][a-z0-9_]*")
_MODULE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Button:
    """One ribbon button.

    Attributes:
        tag: ASCII handler name, passed to Python as ``control.Tag``.
        label: Chinese caption shown on the ribbon.
        image_mso: name of a built-in Office icon.
        screentip: one-line Chinese tooltip.
        group: the ribbon group (one of :data:`GROUPS`).
        module: the handler's module under ``xl_addin.handlers``.
        picks: what file the button asks for first ("return", "study"), or "".
    """

    tag: str
    label: str
    image_mso: str
    screentip: str
    group: str
    module: str
    picks: str = ""

    def __post_init__(self) -> None:
        # The tag travels inside a VBA string literal and a cmd.exe command line.
        if not _TAG.fullmatch(self.tag):
            raise ValueError(f"button tag must be lower-case ASCII: {self.tag!r}")
        if not _MODULE.fullmatch(self.module):
            raise ValueError(f"handler module must be lower-case ASCII: {self.module!r}")
        if self.group not in GROUPS:
            raise ValueError(f"unknown ribbon group: {self.group!r}")

    @property
    def on_action(self) -> str:
        """The VBA callback the button calls (module.sub)."""
        if self.tag == "selftest":
            return SELF_TEST
        return PICK_FILE if self.picks else DISPATCHER


BUTTONS: tuple[Button, ...] = (
    # 下发
    Button(
        "make_templates",
        "生成模板",
        "FileNew",
        "为每个责任单位生成只含本单位事项的填报模板",
        "下发",
        "issue",
    ),
    Button(
        "mail_drafts",
        "生成邮件",
        "EnvelopesAndLabelsDialog",
        "给每个单位生成一封带填报模板附件的邮件（.eml），用 Outlook 等打开后发送",
        "下发",
        "issue",
    ),
    Button(
        "remind",
        "催报",
        "FileSendAsAttachment",
        "给尚未报送和有逾期事项的单位生成催报邮件（.eml）",
        "下发",
        "issue",
    ),
    # 汇总
    Button(
        "collect_mail",
        "收取邮件",
        "GetExternalDataFromWeb",
        "从收件邮箱收取各单位的回复：填报表存进回收文件夹，佐证材料存进电子档案文件夹，登记在“收件记录”表",
        "汇总",
        "collect",
    ),
    Button(
        "consolidate",
        "一键汇总",
        "Consolidate",
        "把回收文件夹中的填报表汇总进台账",
        "汇总",
        "returns",
    ),
    Button(
        "check_return",
        "检查单个文件",
        "FindDialog",
        "选一个报回的填报表，检查它并预览汇总结果，不改动任何文件",
        "汇总",
        "returns",
        picks="return",
    ),
    Button(
        "undo_consolidate",
        "撤销上次汇总",
        "Undo",
        "把加载项最近一次一键汇总写进台账的内容改回汇总前",
        "汇总",
        "undo",
    ),
    # 预警与通报
    Button(
        "flag_overdue",
        "逾期预警",
        "HighImportance",
        "按整改时限标出已逾期和即将到期的事项",
        "预警与通报",
        "overdue",
    ),
    Button(
        "bulletin",
        "生成通报",
        "FilePrint",
        "起草督查通报：逾期、未报送和进展情况",
        "预警与通报",
        "documents",
    ),
    Button(
        "review",
        "回头看",
        "ReviewAcceptChange",
        "列出完成或销号已满规定天数、尚未复查的事项",
        "预警与通报",
        "overdue",
    ),
    # 报告
    Button(
        "draft_report",
        "生成报告",
        "CreateReport",
        "按台账起草整改情况报告",
        "报告",
        "documents",
    ),
    # 学习
    Button(
        "import_study",
        "导入学习积分",
        "ImportExcel",
        "选学习平台导出的积分表，统计各单位排名，列出未学习和积分偏低的人员",
        "学习",
        "study",
        picks="study",
    ),
    # 帮助
    Button(
        "selftest",
        "自检",
        "TraceError",
        "检查本机能否运行加载项：宏、Python、程序包、与 Excel 的连接，并指出哪一步出了问题",
        "帮助",
        "selftest",
    ),
)
