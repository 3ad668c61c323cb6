"""A drafted official document (report, bulletin) as plain paragraphs.

The report and the bulletin are built as a :class:`Document`; writers turn it
into the 报告草稿/通报草稿 sheet (one paragraph per row) or a GB/T 9704 Word
file (``gongwen.py``). Keeping the structure explicit lets tests compare a
draft's skeleton without parsing prose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Document", "Para", "ParaKind"]


class ParaKind(StrEnum):
    """The role of a paragraph, which decides its font and layout in 公文 format."""

    TITLE = "title"  # 2号 方正小标宋, centred
    RECIPIENT = "recipient"  # 主送机关, flush left, ends with a full-width colon
    H1 = "h1"  # 一、 黑体
    H2 = "h2"  # （一） 楷体
    H3 = "h3"  # 1. / （1） 仿宋, bold lead
    BODY = "body"  # 仿宋, first-line indent of two characters
    SIGNATURE = "signature"  # 落款, right-aligned
    DATE = "date"  # 成文日期, right-indented four characters


@dataclass(frozen=True)
class Para:
    """One paragraph: its role and its text."""

    kind: ParaKind
    text: str


@dataclass
class Document:
    """An official document draft: a title and paragraphs in order."""

    title: str
    paras: list[Para] = field(default_factory=list)

    def add(self, kind: ParaKind, text: str) -> None:
        self.paras.append(Para(kind, text))

    def headings(self, kind: ParaKind) -> list[str]:
        """Texts of the paragraphs of *kind*, in order (for skeleton checks)."""
        return [p.text for p in self.paras if p.kind is kind]

    def text(self) -> str:
        """The whole draft as plain text, one paragraph per line, title first."""
        return "\n".join([self.title, *(p.text for p in self.paras)])
