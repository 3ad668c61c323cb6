"""The ribbon buttons of the add-in, in one place.

The ribbon XML (:mod:`xl_addin.build.ribbon`) is generated from :data:`BUTTONS`, and
the Python dispatcher (``xl_addin.buttons``) maps the same tags to handlers.
A button is listed here only once its handler exists (a test checks both ways).
Every button calls the VBA ``ZhenggaiRibbon.OnButton``, which runs
``xl_addin.buttons.run(<tag>)`` through xlwings' RunPython.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["BUTTONS", "DISPATCHER", "Button"]

#: The one VBA callback every button calls (module.sub).
DISPATCHER = "ZhenggaiRibbon.OnButton"

_TAG = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Button:
    """One ribbon button.

    Attributes:
        tag: ASCII handler name, passed to Python as ``control.Tag``.
        label: Chinese caption shown on the ribbon.
        image_mso: name of a built-in Office icon.
        screentip: one-line Chinese tooltip.
    """

    tag: str
    label: str
    image_mso: str
    screentip: str

    def __post_init__(self) -> None:
        # The tag travels inside a VBA string literal and a cmd.exe command line.
        if not _TAG.fullmatch(self.tag):
            raise ValueError(f"button tag must be lower-case ASCII: {self.tag!r}")


BUTTONS: tuple[Button, ...] = (
    Button("make_templates", "生成模板", "FileNew", "为每个责任单位生成只含本单位事项的填报模板"),
    Button("consolidate", "一键汇总", "Consolidate", "把回收文件夹中的填报表汇总进台账"),
    Button("flag_overdue", "逾期预警", "HighImportance", "按整改时限标出已逾期和即将到期的事项"),
    Button("bulletin", "生成通报", "FileSendAsAttachment", "起草督查通报：逾期、未报送和进展情况"),
    Button("draft_report", "生成报告", "CreateReport", "按台账起草整改情况报告"),
    Button("review", "回头看", "ReviewAcceptChange", "列出完成或销号已满规定天数、尚未复查的事项"),
)
