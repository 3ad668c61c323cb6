"""Text normalisation and the canonical form of cell values.

Users paste text from Word, WeChat and web pages: full-width and no-break
spaces, zero-width characters, Windows line ends. Those never count as a
change of value. Anything else does, so normalisation is deliberately small.

:func:`canonical` is the single definition of "the same value" used by the
merge and by the HMAC over locked cells: change it and every issued template's
signature changes, so it is versioned by ``CANON_VERSION``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

__all__ = [
    "CANON_VERSION",
    "Value",
    "as_datetime",
    "brief",
    "canonical",
    "canonical_all",
    "cell_text",
    "clause",
    "cn_date",
    "cn_number",
    "flatten",
    "has_control_chars",
    "is_clean",
    "is_formula_like",
    "normalise_text",
    "split_list",
    "to_date",
]

CANON_VERSION = 1

Value = str | float | int | bool | date | datetime | None

_SPACES = dict.fromkeys(map(ord, "\u3000\u00a0\u2002\u2003\u2009\u202f"), " ")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Excel writes a lone surrogate as "_xD83D_"; calamine leaves that escape as text.
_ESCAPED_SURROGATE = re.compile(r"_x[dD][89abAB][0-9a-fA-F]{2}_")
# Characters no reader shows but that change what is shown: direction overrides and
# isolates (a name "abc‮txt.exe" displays as "abcexe.txt"), and the non-characters
# U+FFFE/U+FFFF, which XML cannot carry (a writer would silently make them U+FFFD).
_INVISIBLE = re.compile(r"[؜‎‏‪-‮⁦-⁩￾￿]")
_ESCAPED_INVISIBLE = re.compile(r"_x(?:061[cC]|200[eEfF]|202[a-eA-E]|206[6-9]|[fF]{3}[eEfF])_")
_TRAILING = re.compile(r"[ \t]+\n")
_LIST_SEP = re.compile(r"[、，,；;/／\n]+")
# What Excel (or a CSV reader) would run: formulas, DDE and their tab/CR tricks.
_FORMULA = re.compile(r"^[\s]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^\s*\|")


def normalise_text(text: str) -> str:
    r"""Remove differences nobody means: odd spaces, zero-width marks, CRLF.

    Control characters and unpaired surrogates (which no workbook can store)
    are dropped; :func:`has_control_chars` tells the caller to report them.

    >>> normalise_text("\u3000已完成 \r\n")
    '已完成'
    """
    return text if _is_clean(text) else _normalise_slow(text)


def _normalise_slow(text: str) -> str:
    text = text.translate(_SPACES).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))
    return _TRAILING.sub("\n", text).strip()


def _is_clean(text: str) -> bool:
    # Fast path (most cells): nothing for normalise_text to do. isprintable() is
    # False for every character the slow path rewrites (odd spaces, zero-width,
    # control, surrogates, CR, tab), so only line breaks need a closer look.
    return (
        (
            text.isprintable()
            or ("\n" in text and " \n" not in text and text.replace("\n", "").isprintable())
        )
        and text[:1] not in " \n"
        and text[-1:] not in " \n"
    )


is_clean = _is_clean
"""True when :func:`normalise_text` would return the text unchanged (and it is not empty)."""


def has_control_chars(text: str) -> bool:
    r"""True when *text* holds characters a workbook cannot keep or that disguise what is shown
    (control characters, lone surrogates, direction overrides, U+FFFE/U+FFFF, or their
    ``_xD800_`` escapes).

    >>> has_control_chars("张伟"), has_control_chars("张‮伟"), has_control_chars("a￾")
    (False, True, True)
    """
    return bool(
        _CONTROL.search(text)
        or _SURROGATE.search(text)
        or _INVISIBLE.search(text)
        or ("_x" in text and (_ESCAPED_SURROGATE.search(text) or _ESCAPED_INVISIBLE.search(text)))
    )


def is_formula_like(text: str) -> bool:
    """True when Excel would evaluate *text* if typed in a cell (``=``, ``+``, DDE)."""
    return bool(_FORMULA.match(text))


def split_list(text: str) -> list[str]:
    """Split "办公室、宣传科" or "A/B" into names, dropping blanks and repeats."""
    seen: dict[str, None] = {}
    for part in _LIST_SEP.split(text):
        part = normalise_text(part)
        if part:
            seen.setdefault(part, None)
    return list(seen)


def cell_text(value: Value) -> str:
    r"""A cell value as plain text: '' for empty, 3.0 -> '3', text normalised.

    >>> cell_text(3.0), cell_text(None), cell_text("\u3000办公室 ")
    ('3', '', '办公室')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise_text(str(value))


def to_date(value: Any) -> date | None:
    """A date from a date/datetime cell value; None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def canonical(value: Value) -> str:
    """The one text form used to compare and sign cell values.

    Empty and whitespace-only are the same; 3 and 3.0 are the same; a
    datetime at midnight equals its date; text is NFC-normalised and cleaned
    with :func:`normalise_text`.

    >>> canonical(3.0), canonical(None), canonical(datetime(2024, 6, 30))
    ('3', '', '2024-06-30')
    """
    if type(value) is str:  # the common case first: most cells are text
        text = value if _is_clean(value) else normalise_text(value)
    elif value is None:
        return ""
    elif isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    elif isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, date):
        return value.isoformat()
    elif isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    elif isinstance(value, int):
        return str(value)
    else:
        text = normalise_text(str(value))
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


_JOIN = "\x1f"  # not printable: a cell holding it fails the check below and goes the long way
_JOIN_EDGES = (_JOIN + " ", " " + _JOIN, _JOIN + "\n", "\n" + _JOIN)


def canonical_all(values: Sequence[Value]) -> list[str]:
    """``[canonical(v) for v in values]``, checked a row at a time when the row is plain text.

    Signing and verifying visit every locked cell of every return; one check
    of the joined row replaces a Python call per cell when nothing needs work.
    """
    if all(type(v) is str or v is None for v in values):
        texts = [v if type(v) is str else "" for v in values]
        joined = _JOIN.join(texts)
        flat = "".join(texts)  # not joined.replace(): a cell may itself hold the separator
        if (
            (flat.isprintable() or (" \n" not in flat and flat.replace("\n", "").isprintable()))
            and joined[:1] not in " \n"
            and joined[-1:] not in " \n"
            and not any(edge in joined for edge in _JOIN_EDGES)
            # the separators split normalisation into independent cells
            and (joined.isascii() or unicodedata.is_normalized("NFC", joined))
        ):
            return texts
    return [canonical(v) for v in values]


def cn_number(value: int) -> str:
    """3 -> "三", 12 -> "十二": Chinese numerals for ordinals (一、 （一） 一是)."""
    import cn2an  # type: ignore[import-untyped, unused-ignore]  # ~90 ms: only when drafting

    return str(cn2an.an2cn(int(value)))


def cn_date(value: date | str | None) -> str:
    """A date as 公文 write it: 2026年11月28日, without zero padding.

    Text already holding a year, month and day ("2026-01-05", "2026年01月05日")
    is rewritten the same way; other text is returned unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    m = re.fullmatch(r"\s*(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?\s*", value)
    if m is None:
        return value
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"


_END_PUNCT = "。；;，,、.：: \t"


_BRIEF_STOP = re.compile(r"[，,；;。：:]")


_BRIEF_MAX = 30


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


def as_datetime(value: Value) -> datetime | None:
    """A time read back from the master: calamine gives a date for a time at midnight."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    return None
