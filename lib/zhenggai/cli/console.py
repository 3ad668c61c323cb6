"""What reaches the terminal: user data shown as data, JSON as UTF-8 bytes.

File names, sheet names, cell values and unit names come from other people's
files. Printed through rich they could be read as markup (``[/]`` crashes,
``[red]`` restyles) or carry terminal escape sequences (``ESC[2J`` clears the
screen, OSC 8 forges a hyperlink, OSC 52 writes the clipboard). So:

- the consoles never parse markup or emoji codes: every string is literal, and
  styling is given explicitly (``style=`` or :func:`styled`);
- every string rich renders passes through :func:`show`, which replaces control
  characters with visible stand-ins of the same length (ESC -> U+241B "␛"), so
  no escape sequence from the data reaches the terminal;
- JSON goes to stdout as UTF-8 bytes whatever the console's code page, with the
  characters a terminal could act on written as ``\\uXXXX`` escapes.

>>> show("a\\x1b[31mred\\x07")
'a␛[31mred␇'
>>> show("办公室[/]\\n第二行")
'办公室[/]\\n第二行'
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console, JustifyMethod, OverflowMethod
from rich.progress import BarColumn, MofNCompleteColumn, Progress, Task, TextColumn
from rich.style import Style
from rich.text import Text

__all__ = [
    "SafeConsole",
    "echo_json",
    "err",
    "json_text",
    "out",
    "progress_bar",
    "show",
    "styled",
    "tolerant_streams",
]


def _table() -> dict[int, str]:
    table = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}  # C0 -> ␀…␟
    table[0x7F] = "\u2421"  # DEL -> ␡
    # C1 controls (0x9b is a one-byte CSI for some terminals) and the bidi
    # embeddings, overrides and isolates that make text display in another order.
    for c in [*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        table[c] = "\ufffd"
    return table


_VISIBLE = _table()
# JSON escapes C0 itself; these it would write raw with ensure_ascii=False.
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in _VISIBLE if c >= 0x7F}


def show(text: str) -> str:
    """*text* with every control character replaced by a visible one of the same length.

    Tabs and newlines stay; ESC, BEL, CR, DEL, C1 controls and bidi overrides do
    not. Same length, so styles spanning the text keep their place.
    """
    return text.translate(_VISIBLE)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of literal text, parts given as ``"text"`` or ``("text", "style")``.

    >>> styled(("错误：", "red"), "[/] 不是标记").plain
    '错误：[/] 不是标记'
    """
    return Text.assemble(*((show(p[0]), p[1]) if isinstance(p, tuple) else show(p) for p in parts))


class SafeConsole(Console):
    """A rich Console that shows every string literally and without control characters.

    Markup and emoji codes are off whatever a caller passes: a ``[/]`` in a file
    name stays a ``[/]``. Strings (printed, table cells, titles) go through
    :meth:`render_str`; :class:`~rich.text.Text` printed directly is cleaned in
    :meth:`print`.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, soft_wrap=True, **kwargs)

    def render_str(
        self,
        text: str,
        *,
        style: str | Style = "",
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        emoji: bool | None = None,
        markup: bool | None = None,
        highlight: bool | None = None,
        highlighter: Any = None,
    ) -> Text:
        """A literal :class:`Text` of *text*, control characters made visible."""
        return super().render_str(
            show(text),
            style=style,
            justify=justify,
            overflow=overflow,
            emoji=False,
            markup=False,
            highlight=highlight,
            highlighter=highlighter,
        )

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print as rich does, with markup and emoji off and Text cleaned like strings."""
        kwargs["markup"] = False
        kwargs["emoji"] = False
        super().print(*(_clean(o) for o in objects), **kwargs)

    def status(self, status: Any, **kwargs: Any) -> Any:
        """A spinner whose text is literal (rich would read a plain string as markup)."""
        return super().status(styled(status) if isinstance(status, str) else status, **kwargs)


def _clean(obj: Any) -> Any:
    if isinstance(obj, Text):
        copy = obj.copy()
        copy.plain = show(copy.plain)  # same length: the spans stay where they were
        return copy
    return obj


out = SafeConsole()
err = SafeConsole(stderr=True)


def tolerant_streams() -> None:
    """Let text output survive a console code page that lacks a character.

    A Chinese Windows console redirected to a file writes GBK, a western one
    cp1252; a character they cannot encode would stop the command with
    UnicodeEncodeError after the work was done. It becomes "?" instead (the
    files the command wrote hold the real text; ``--json`` is always UTF-8).
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").replace("-", "").lower()
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None:
            reconfigure(errors="replace")


def json_text(data: Any) -> str:
    """*data* as indented JSON, Chinese unescaped, terminal controls escaped.

    >>> json_text({"文件": "a\\x1bb\\u202e"})
    '{\\n  "文件": "a\\\\u001bb\\\\u202e"\\n}'
    """
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)
    # These characters can only stand inside JSON strings, so escaping them keeps
    # the JSON valid and the values exact.
    return text.translate(_JSON_ESCAPES)


def echo_json(data: Any) -> None:
    """Print *data* as JSON on stdout, encoded UTF-8 whatever the console's code page."""
    payload = (json_text(data) + "\n").encode("utf-8")
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a stream without bytes underneath (some IDE consoles)
        sys.stdout.write(payload.decode("utf-8"))
        return
    buffer.write(payload)
    buffer.flush()


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


class SafeTextColumn(TextColumn):
    """A progress column showing the task's description literally (it names files)."""

    def __init__(self, text_format: str) -> None:
        super().__init__(text_format, markup=False)

    def render(self, task: Task) -> Text:
        """The column's text with control characters made visible."""
        text = Text(show(self.text_format.format(task=task)), style=self.style)
        text.justify = self.justify
        return text


def new_progress(*, disable: bool = False) -> Progress:
    """A transient progress display on stderr: label, bar, count, current item."""
    return Progress(
        SafeTextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=disable,
    )


@contextmanager
def progress_bar(label: str, first: str = "") -> Iterator[Callable[[int, int, str], None]]:
    """A transient progress bar on stderr; yields ``update(done, total, name)``.

    The library's long functions take such a callback as ``progress=``.
    """
    with Progress(
        SafeTextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        SafeTextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(first, total=None)

        def update(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total or None, description=name)

        yield update
