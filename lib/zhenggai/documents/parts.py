"""The 公文 parts a document takes from 设置, and the checks made before writing it.

Each part is left out while its settings are blank: the 版头 needs a
发文机关标志, the 版记 an 抄送 or an 印发机关, the 附件说明 an attachment name.
Before a draft is written, every setting it uses is checked for placeholders
left from a model ("中共××局党组", "XX办公室"): those are warned about, with
the cell to fix, and written as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from ..core.ledger import Ledger
from ..core.problems import Code, Problem, cell_name
from ..core.settings import SETTINGS_SHEET, Settings
from ..core.text import cn_date, flatten, normalise_text
from .document import Document, Head, Para, ParaKind, Properties, Record

__all__ = [
    "Parts",
    "attach_parts",
    "attachment_names",
    "drafted_at",
    "has_placeholder",
    "placeholder_problems",
    "setting_cell",
]

_PLACEHOLDER = re.compile(r"[×xXＸｘ＊*○]{2,}|某某|＿{2,}|_{2,}")
_LIST = re.compile(r"[；;\n]+")
_SIGNERS = re.compile(r"[、，,；;\s]+")


def has_placeholder(text: str) -> bool:
    """True when *text* still holds a model's placeholder (××, XX, 某某, ＿＿).

    >>> has_placeholder("中共××局党组"), has_placeholder("二〇二六年"), has_placeholder("网信办")
    (True, False, False)
    """
    return bool(_PLACEHOLDER.search(text))


def setting_cell(ledger: Ledger, name: str) -> str:
    """The 值 cell of 设置 row *name* ("B5"), or '' when the row is missing."""
    for r, row in enumerate(ledger.grid(SETTINGS_SHEET), start=1):
        if row and row[0] is not None and normalise_text(str(row[0])) == name:
            return cell_name(r, 2)
    return ""


def placeholder_problems(ledger: Ledger, names: Iterable[str]) -> list[Problem]:
    """A notice for every setting among *names* (项目 names) that still holds a placeholder."""
    values = {
        f.metadata["name"]: getattr(ledger.settings, f.name)
        for f in Settings.__dataclass_fields__.values()
    }
    problems = []
    for name in names:
        value = values.get(name)
        if isinstance(value, str) and has_placeholder(value):
            problems.append(
                Problem(
                    Code.SETTING_PLACEHOLDER,
                    f"“设置”表的“{name}”还是占位写法（{flatten(value)}），已按原样写入。"
                    "请改成实际名称后重新生成。",
                    sheet=SETTINGS_SHEET,
                    cell=setting_cell(ledger, name),
                    value=value,
                )
            )
    return problems


def attachment_names(text: str) -> list[str]:
    """Attachment names from a setting: one per line or per "；", without closing punctuation.

    >>> attachment_names("整改台账；\\n2.问题清单。")
    ['整改台账', '问题清单']
    """
    names = []
    for part in _LIST.split(text):
        name = re.sub(r"^\s*(?:附件[：:])?\s*(?:\d+[.．、])?\s*", "", part.strip())
        name = name.strip().rstrip("。；;，,.")
        if name:
            names.append(name)
    return names


@dataclass(frozen=True)
class Parts:
    """The settings of one document's 公文 parts (report or bulletin)."""

    mark: str = ""
    number: str = ""
    signers: str = ""
    cc: str = ""
    printer: str = ""
    printed: str = ""
    attachments: str = ""
    author: str = ""
    subject: str = ""


def attach_parts(document: Document, parts: Parts, *, date_text: str, now: datetime) -> None:
    """Give *document* its 版头, 附件说明, 版记 and properties from *parts* (see the module).

    The 附件说明 paragraphs go after the body, before the signature; the 印发日期
    defaults to *date_text* (the 成文日期).
    """
    if parts.mark.strip():
        document.head = Head(
            flatten(parts.mark),
            flatten(parts.number),
            tuple(s for s in _SIGNERS.split(parts.signers.strip()) if s),
        )
    names = attachment_names(parts.attachments)
    if names:
        at = next(
            (
                i
                for i, p in enumerate(document.paras)
                if p.kind in (ParaKind.SIGNATURE, ParaKind.DATE)
            ),
            len(document.paras),
        )
        numbered = len(names) > 1
        lines = [f"{i}.{n}" if numbered else n for i, n in enumerate(names, start=1)]
        lines[0] = f"附件：{lines[0]}"
        for offset, line in enumerate(lines):
            document.paras.insert(at + offset, Para(ParaKind.ATTACHMENT, line))
    if parts.cc.strip() or parts.printer.strip():
        printed = cn_date(flatten(parts.printed)) if parts.printed.strip() else date_text
        cc = flatten(parts.cc).rstrip("。.；;，,")
        document.record = Record(cc, flatten(parts.printer), printed)
    document.properties = Properties(
        author=flatten(parts.author), created=now, subject=flatten(parts.subject)
    )


def drafted_at(now: datetime, today: date) -> datetime:
    """The drafting time stamped in the file: *today* (the document's day) at *now*'s time."""
    return datetime.combine(today, now.time())
