"""Drafts from Jinja2 templates the office can edit: tagged lines become paragraphs.

A template renders plain text; each non-blank line is one paragraph, and a
leading tag says its role (untagged lines are body text)::

    [标题] [主送] [一级] [二级] [三级] [正文] [落款] [日期]

Templates run in Jinja2's sandbox, since an office may point 设置 at its own
file. Filters: ``cn`` (3 -> 三), ``cndate`` (2024年12月1日), ``pct``
(33.333 -> 33.33%), ``brief`` (long text cut to a length with …).
"""

from __future__ import annotations

import re
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import cn2an  # type: ignore[import-untyped]
import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .document import Document, ParaKind
from .errors import SettingsError
from .text import cn_date

__all__ = ["TAGS", "load_template", "render_document"]

TAGS: dict[str, ParaKind] = {
    "标题": ParaKind.TITLE,
    "主送": ParaKind.RECIPIENT,
    "一级": ParaKind.H1,
    "二级": ParaKind.H2,
    "三级": ParaKind.H3,
    "正文": ParaKind.BODY,
    "落款": ParaKind.SIGNATURE,
    "日期": ParaKind.DATE,
}
_TAG = re.compile(r"^\[(" + "|".join(TAGS) + r")\]\s*")
# A tag starts a paragraph even mid-line (Jinja's trim_blocks may join lines after a block tag).
_SPLIT = re.compile(r"\n|(?=\[(?:" + "|".join(TAGS) + r")\])")


def _cn(number: int) -> str:
    return str(cn2an.an2cn(int(number)))


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def _brief(text: str, length: int = 30) -> str:
    text = str(text).replace("\n", "").rstrip("，。；、")
    return text if len(text) <= length else text[:length].rstrip("，。；、") + "……"


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # plain text for cells and Word; cells guard formulas themselves
    )
    env.filters.update(cn=_cn, cndate=_cndate, pct=_pct, brief=_brief)
    return env


def _cndate(day: date | None) -> str:
    return cn_date(day) if day is not None else ""


def load_template(name: str, *, custom: str = "", folder: Path | None = None) -> jinja2.Template:
    """The built-in template *name* (``templates/<name>``), or the office's *custom* file.

    Args:
        name: file name of the built-in template, e.g. "bulletin.j2".
        custom: a path from 设置 (relative to *folder*); "" for the built-in one.
        folder: the master's folder.

    Raises:
        SettingsError: the custom file is missing or not a valid template.
    """
    if custom:
        path = Path(custom)
        if not path.is_absolute() and folder is not None:
            path = folder / path
        try:
            source = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise SettingsError(
                f"找不到“设置”中指定的模板文件：{path}（{exc.strerror}）。"
            ) from exc
        where = str(path)
    else:
        source = files("zhenggai").joinpath("templates", name).read_text(encoding="utf-8")
        where = name
    try:
        return _environment().from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise SettingsError(f"模板“{where}”第{exc.lineno}行有语法错误：{exc.message}") from exc


def render_document(template: jinja2.Template, context: dict[str, Any]) -> Document:
    """Render *template* and split it into a :class:`Document`.

    Raises:
        SettingsError: the template uses a name the context lacks, or fails otherwise.
    """
    try:
        text = template.render(**context)
    except jinja2.TemplateError as exc:
        raise SettingsError(f"模板无法生成文字：{exc}。请检查模板中的变量名。") from exc
    doc = Document("")
    for line in _SPLIT.split(text):
        line = line.strip()
        if not line:
            continue
        m = _TAG.match(line)
        kind = TAGS[m.group(1)] if m else ParaKind.BODY
        body = line[m.end() :] if m else line
        if kind is ParaKind.TITLE and not doc.title:
            doc.title = body
        elif body:
            doc.add(kind, body)
    return doc
