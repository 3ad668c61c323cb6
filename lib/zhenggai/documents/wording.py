"""Wording templates (Jinja2) that turn plain data into a drafted document.

The phrasing of a report or bulletin lives in a ``.j2`` template the office
can edit; the package ships defaults in ``wording/``. A template renders
plain text with these rules, so staff can edit it like a letter:

- paragraphs are separated by blank lines; the lines of one paragraph are
  joined without a separator (Chinese needs none), so loops and long
  sentences may span lines;
- a paragraph starting with ``一、`` is a first-level heading (黑体),
  ``（一）`` a second-level heading (楷体), ``1.`` or ``（1）`` a third-level one;
  every other paragraph is body text.

Templates run in Jinja2's sandbox: a template from a shared folder can format
data but cannot reach into Python.

Example:
    >>> wording = builtin_template("report.j2")                       # doctest: +SKIP
    >>> paras = render_paragraphs(wording, {"stats": stats, ...})     # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..core.errors import TemplateError
from ..core.text import cn_date, cn_number, normalise_text
from .document import Para, ParaKind

__all__ = [
    "Wording",
    "brief",
    "builtin_template",
    "clause",
    "flatten",
    "load_template",
    "paragraph_kind",
    "render_paragraphs",
    "render_text",
    "split_paragraphs",
]

_H1 = re.compile(r"^[一二三四五六七八九十百]+、")
_H2 = re.compile(r"^（[一二三四五六七八九十百]+）")
_H3 = re.compile(r"^(?:\d+[.．](?!\d)|（\d+）)")
_END_PUNCT = "。；;，,、.：: \t"
_BRIEF_STOP = re.compile(r"[，,；;。：:]")
_BRIEF_MAX = 30


@dataclass(frozen=True)
class Wording:
    """A loaded template.

    Attributes:
        name: how messages name it: a file path, or "内置模板 report.j2".
        source: the template text.
    """

    name: str
    source: str


def builtin_template(name: str) -> Wording:
    """The template *name* shipped in the package's ``wording/`` folder."""
    source = files("zhenggai.documents").joinpath("wording", name).read_text(encoding="utf-8")
    return Wording(f"内置模板 {name}", source)


def configured_template(folder: Path, setting: str, *, builtin: str, origin: str) -> Wording:
    """The template a 设置 entry names (relative to the master's *folder*), or the built-in
    *builtin* when the entry is empty.

    Raises:
        TemplateError: the entry names a file that does not exist.
    """
    setting = setting.strip()
    if not setting:
        return builtin_template(builtin)
    return load_template(folder / setting, origin=origin)  # an absolute path replaces the folder


def load_template(path: Path, *, origin: str) -> Wording:
    """Read the office's own template file.

    Windows Notepad may save as UTF-8 with a BOM or as GBK; both are read.

    Args:
        path: the .j2 file.
        origin: where the path came from, for the message ("--template" or "设置“报告模板”").

    Raises:
        TemplateError: the file does not exist or is not text.
    """
    if not path.is_file():
        raise TemplateError(f"找不到模板文件：{path}（由{origin}指定）。")
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return Wording(str(path), data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise TemplateError(f"模板文件不是文本文件：{path}（由{origin}指定）。请用 UTF-8 编码保存。")


def clause(text: str) -> str:
    """*text* without its closing punctuation, so the template decides how a sentence ends."""
    return flatten(text).rstrip(_END_PUNCT)


def brief(text: str) -> str:
    """The first clause of *text* (up to the first comma), at most 30 characters."""
    head = _BRIEF_STOP.split(flatten(text), maxsplit=1)[0]
    return head if len(head) <= _BRIEF_MAX else head[: _BRIEF_MAX - 1] + "…"


def flatten(text: str | None) -> str:
    """Cell text on one line: line breaks become "；" unless a line already ends a sentence."""
    if not text:
        return ""
    lines = [line.strip() for line in normalise_text(str(text)).split("\n")]
    out = ""
    for line in filter(None, lines):
        if out and out[-1] not in _END_PUNCT:
            out += "；"
        out += line
    return out


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # plain text for Word and Excel, not HTML
        keep_trailing_newline=False,
    )
    env.filters.update(cn=cn_number, cn_date=cn_date, clause=clause, brief=brief)
    return env


def render_text(wording: Wording, context: Mapping[str, Any]) -> str:
    """Render *wording* with *context*.

    Raises:
        TemplateError: the template has a syntax error or uses an unknown variable.
    """
    env = _environment()
    try:
        template = env.from_string(wording.source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{wording.name} 第{exc.lineno}行有语法错误：{exc.message}。请对照内置模板修改。"
        ) from exc
    try:
        return template.render(**context)
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"{wording.name} 用了不存在的变量（{exc.message}）。可用的变量见 README“报告模板”一节。"
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{wording.name} 无法生成：{exc}") from exc


def split_paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks of *text*, each block's lines joined into one paragraph."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*normalise_text(text).split("\n"), ""]:
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            paragraphs.append("".join(current))
            current = []
    return paragraphs


def paragraph_kind(text: str) -> ParaKind:
    """The heading level a paragraph's leading ordinal gives it (see the module docstring)."""
    if _H1.match(text):
        return ParaKind.H1
    if _H2.match(text):
        return ParaKind.H2
    if _H3.match(text):
        return ParaKind.H3
    return ParaKind.BODY


def render_paragraphs(wording: Wording, context: Mapping[str, Any]) -> list[Para]:
    """Render *wording* and split the result into typed paragraphs."""
    return [Para(paragraph_kind(p), p) for p in split_paragraphs(render_text(wording, context))]
