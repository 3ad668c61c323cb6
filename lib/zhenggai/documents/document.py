"""A drafted official document (report, bulletin) as plain paragraphs.

The report and the bulletin are built as a :class:`Document`; writers turn it
into the 报告草稿/通报草稿 sheet (one paragraph per row) or a GB/T 9704 Word
file (``gongwen.py``). Keeping the structure explicit lets tests compare a
draft's skeleton without parsing prose.

Besides the paragraphs, a document may carry the other parts of GB/T 9704,
each optional: a :class:`Head` (版头: 发文机关标志, 发文字号, 签发人), a
:class:`Record` (版记: 抄送, 印发机关, 印发日期) and file :class:`Properties`.
The 附件说明 is paragraphs of kind ``ATTACHMENT`` between the body and the
signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = ["Document", "Head", "Para", "ParaKind", "Properties", "Record"]


class ParaKind(StrEnum):
    """The role of a paragraph, which decides its font and layout in 公文 format."""

    TITLE = "title"  # 2号 方正小标宋, centred
    RECIPIENT = "recipient"  # 主送机关, flush left, ends with a full-width colon
    H1 = "h1"  # 一、 黑体
    H2 = "h2"  # （一） 楷体
    H3 = "h3"  # 1. / （1） 仿宋, bold lead
    BODY = "body"  # 仿宋, first-line indent of two characters
    ATTACHMENT = "attachment"  # 附件说明: "附件：1.……", numbers aligned
    SIGNATURE = "signature"  # 落款, right-aligned
    DATE = "date"  # 成文日期, right-indented four characters


@dataclass(frozen=True)
class Para:
    """One paragraph: its role and its text."""

    kind: ParaKind
    text: str


@dataclass(frozen=True)
class Head:
    """版头 (GB/T 9704 7.2): the red 发文机关标志, the 发文字号 and, for a report
    upward (上行文), the 签发人, above a red separator.

    Attributes:
        mark: 发文机关标志, "中共××局党组文件".
        number: 发文字号, "××党组〔2026〕12号" ("" for none).
        signers: 签发人 names (empty for a document going down).
    """

    mark: str
    number: str = ""
    signers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Record:
    """版记 (GB/T 9704 7.4): 抄送, 印发机关 and 印发日期 between rules, at the foot of the last page.

    Attributes:
        cc: 抄送机关, "" for none.
        printer: 印发机关, "" for none.
        printed: 印发日期, "2026年11月28日".
    """

    cc: str = ""
    printer: str = ""
    printed: str = ""


@dataclass(frozen=True)
class Properties:
    """The Word file's document properties.

    Attributes:
        author: creator and last editor.
        created: when the document was drafted (the run's clock).
        subject: what it is about (the notice's name).
    """

    author: str = ""
    created: datetime | None = None
    subject: str = ""


@dataclass
class Document:
    """An official document draft: a title, paragraphs in order, and optional 公文 parts."""

    title: str
    paras: list[Para] = field(default_factory=list)
    head: Head | None = None
    record: Record | None = None
    properties: Properties = field(default_factory=Properties)

    def add(self, kind: ParaKind, text: str) -> None:
        self.paras.append(Para(kind, text))

    def headings(self, kind: ParaKind) -> list[str]:
        """Texts of the paragraphs of *kind*, in order (for skeleton checks)."""
        return [p.text for p in self.paras if p.kind is kind]

    def text(self) -> str:
        """The whole draft as plain text, one paragraph per line, title first."""
        return "\n".join([self.title, *(p.text for p in self.paras)])
