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
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..core.errors import TemplateError
from ..core.text import brief, clause, cn_date, cn_number, normalise_text
from .document import Para, ParaKind
from .phrases import short_name, unit_list

__all__ = [
    "Wording",
    "builtin_template",
    "load_template",
    "paragraph_kind",
    "render_paragraphs",
    "render_text",
    "split_paragraphs",
]

_H1 = re.compile(r"^[一二三四五六七八九十百]+、")
_H2 = re.compile(r"^（[一二三四五六七八九十百]+）")
_H3 = re.compile(r"^(?:\d+[.．](?!\d)|（\d+）)")


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


class _Sandbox(SandboxedEnvironment):
    """The sandbox, with the one check it makes on every attribute read made cheap for the
    documents' own data (a report on 10^5 measures reads ~10^6 attributes).

    For an instance of a dataclass, jinja2's :func:`~jinja2.sandbox.is_internal_attribute`
    only refuses dunder names (its other cases are functions, methods, types, code, frames and
    generators, which no dataclass instance is), so the rule is the same: no name starting
    with "_". Every other object gets jinja2's own check.
    """

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if hasattr(type(obj), "__dataclass_fields__") and not isinstance(obj, type):
            return not attr.startswith("_")
        return bool(super().is_safe_attribute(obj, attr, value))


def _environment() -> SandboxedEnvironment:
    env = _Sandbox(
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # plain text for Word and Excel, not HTML
        keep_trailing_newline=False,
    )
    env.filters.update(
        cn=lru_cache(maxsize=1 << 17)(cn_number),  # 一是…: a report counts to thousands
        cn_date=cn_date,
        clause=clause,
        brief=brief,
        short=short_name,
        units=unit_list,
        num2=_num2,
        num=_num,
    )
    return env


def _num2(value: float) -> str:
    """Two decimals, always: 157.5 -> "157.50" (one paragraph, one style)."""
    return f"{float(value):.2f}"


def _num(value: float) -> str:
    """A whole number without decimals (100.0 -> "100"), else two decimals."""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.2f}"


def render_text(wording: Wording, context: Mapping[str, Any]) -> str:
    """Render *wording* with *context*.

    Raises:
        TemplateError: the template has a syntax error, uses an unknown variable
            or fails while rendering; the message is Chinese and names the line.
    """
    env = _environment()
    try:
        template = env.from_string(wording.source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{wording.name} 第{exc.lineno}行有语法错误：{syntax_message(exc.message or '')}"
            "请对照内置模板修改。"
        ) from exc
    try:
        return template.render(**context)
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"{wording.name}{_at_line(exc)}{undefined_message(exc.message or '')}"
            "可用的变量见 README“报告模板”一节和内置模板开头的说明。"
        ) from exc
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(
            f"{wording.name}{_at_line(exc)}访问了模板不允许访问的内容。模板只能排版数据，不能执行程序。"
        ) from exc
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise TemplateError(
            f"{wording.name}{_at_line(exc)}无法生成（{_english(str(exc))}）。请检查这一行的写法。"
        ) from exc


def _at_line(exc: BaseException) -> str:
    """ " 第N行" for the template line an error was raised on (from the traceback), else " "."""
    line = 0
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return f" 第{line}行" if line else " "


def _english(text: str) -> str:
    """An English message quoted inside Chinese: no closing full stop (no ".。")."""
    return text.strip().rstrip(".。")


_TAG_NAMES = {"endfor": "{% endfor %}", "endif": "{% endif %}", "else": "{% else %}",
              "endmacro": "{% endmacro %}", "endset": "{% endset %}", "elif": "{% elif %}",
              "endblock": "{% endblock %}", "endfilter": "{% endfilter %}",
              "endcall": "{% endcall %}", "endwith": "{% endwith %}"}  # fmt: skip
_SYNTAX: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"Unexpected end of template\. Jinja was looking for the following tags: (.+?)\."
                   r"(?: The innermost block that needs to be closed is '(\w+)')?"),
        "模板到结尾还缺少 {tag1}（“{{% {block} %}}”没有结束）。",
    ),
    (
        re.compile(r"Encountered unknown tag '(\w+)'\. Jinja was looking for the following tags: "
                   r"(.+?)\.(?: The innermost block that needs to be closed is '(\w+)')?"),
        "不认识的标签“{first}”，这里应是 {tags}（“{{% {block} %}}”还没有结束）。",
    ),
    (re.compile(r"Encountered unknown tag '(\w+)'"), "不认识的标签“{first}”。"),
    (re.compile(r"unexpected '(.+?)'"), "多了“{first}”，或括号、引号没有配对。"),
    (re.compile(r"unexpected char '(.+?)'"), "不能在这里写“{first}”。"),
    (re.compile(r"expected token '(.+?)', got '(.+?)'"), "“{second}”前缺少分隔或结束符号（{{{{ }}}} 或 {{% %}} 没有配对）。"),
    (re.compile(r"Expected an expression, got '(.+?)'"), "这里缺少条件或变量。"),
    (re.compile(r"unexpected end of template"), "模板没写完：{{{{ }}}} 或 {{% %}} 没有配对。"),
    (re.compile(r"tag name expected"), "{{% %}} 里缺少标签名（如 if、for）。"),
    (re.compile(r"Block '(\w+)' defined twice"), "“{first}”定义了两次。"),
]  # fmt: skip


def syntax_message(message: str) -> str:
    """A Jinja2 syntax error in Chinese, ending with one full stop.

    >>> syntax_message("Encountered unknown tag 'endfro'.")
    '不认识的标签“endfro”。'
    """
    for pattern, text in _SYNTAX:
        m = pattern.search(message)
        if m is None:
            continue
        groups = [g or "" for g in m.groups()]
        wanted = re.search(r"following tags: (.+?)\.", message)
        tags = re.findall(r"'(\w+)'", wanted[1]) if wanted else []
        return text.format(
            first=groups[0] if groups else "",
            second=groups[1] if len(groups) > 1 else "",
            tags="或".join(_TAG_NAMES.get(t, t) for t in tags),
            tag1=_TAG_NAMES.get(tags[0], tags[0]) if tags else "结束标签",
            block=groups[-1] if groups else "",
        )
    return f"（{_english(message)}）。"


def undefined_message(message: str) -> str:
    """A Jinja2 undefined-name error in Chinese.

    >>> undefined_message("'nothing_here' is undefined")
    '用了不存在的变量“nothing_here”。'
    """
    if m := re.search(r"'(.+?)' is undefined", message):
        return f"用了不存在的变量“{m[1]}”。"
    if m := re.search(r"has no attribute '(.+?)'", message):
        return f"用了不存在的属性“{m[1]}”。"
    return f"用了不存在的内容（{_english(message)}）。"


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
