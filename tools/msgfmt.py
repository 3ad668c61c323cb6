"""Compile a gettext .po catalogue to .mo, in pure Python (what GNU msgfmt does).

Run by the build (setup.py) so that installing from source needs no gettext
tools, and by the tests to check the compiled catalogue is current.
Fuzzy entries and entries without a translation are left out, as msgfmt does.

>>> entries = parse_po('msgid ""\\nmsgstr "Language: zh_CN\\\\n"\\n\\nmsgid "Usage:"\\nmsgstr "用法："\\n')
>>> entries["Usage:"]
'用法：'
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

__all__ = ["compile_po", "mo_bytes", "parse_po"]

_MAGIC = 0x950412DE


def parse_po(text: str) -> dict[str, str]:
    """The translations of a .po text: msgid -> msgstr, in .mo key form.

    Plural entries are keyed ``singular\\0plural`` with the forms joined by
    ``\\0``; entries with a context are keyed ``context\\x04msgid``.
    """
    entries: dict[str, str] = {}
    fields: dict[str, str] = {}
    current: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal current, fuzzy
        if "msgid" in fields and not fuzzy:
            key, value = _entry(fields)
            if value.replace("\0", "") or key == "":
                entries[key] = value
        fields.clear()
        current, fuzzy = None, False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        translated = any(k.startswith("msgstr") for k in fields)
        if not line or line.startswith("#"):
            if translated:
                flush()
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"line {number}: text outside an entry")
            fields[current] += _string(line, number)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword not in ("msgctxt", "msgid", "msgid_plural") and not keyword.startswith("msgstr"):
            raise ValueError(f"line {number}: unknown keyword {keyword!r}")
        if keyword in ("msgctxt", "msgid") and translated:
            flush()
        current = keyword
        fields[keyword] = _string(rest.strip(), number)
    flush()
    return entries


def _entry(fields: dict[str, str]) -> tuple[str, str]:
    key = fields["msgid"]
    if "msgid_plural" in fields:
        key += "\0" + fields["msgid_plural"]
        forms = sorted(
            (int(k[len("msgstr[") : -1]), v) for k, v in fields.items() if k.startswith("msgstr[")
        )
        value = "\0".join(v for _, v in forms)
    else:
        value = fields.get("msgstr", "")
    if "msgctxt" in fields:
        key = fields["msgctxt"] + "\x04" + key
    return key, value


def _string(token: str, number: int) -> str:
    if not (len(token) >= 2 and token[0] == token[-1] == '"'):
        raise ValueError(f"line {number}: expected a quoted string, got {token!r}")
    value = ast.literal_eval(token)  # C escapes: \n \t \" \\ — the same rules as Python's
    if not isinstance(value, str):
        raise ValueError(f"line {number}: not a string")
    return value


def mo_bytes(entries: dict[str, str]) -> bytes:
    """The GNU .mo file of *entries* (little-endian, no hash table)."""
    keys = sorted(entries)
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    table_o: list[int] = []
    table_t: list[int] = []
    blob = b""
    for chunk, table in ((ids, table_o), (strs, table_t)):
        for item in chunk:
            table += [len(item), data_at + len(blob)]
            blob += item + b"\0"
    header = struct.pack("<7I", _MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    return header + struct.pack(f"<{4 * count}I", *table_o, *table_t) + blob


def compile_po(po: Path, mo: Path) -> Path:
    """Compile *po* into *mo* (folders made); return *mo*."""
    mo.parent.mkdir(parents=True, exist_ok=True)
    mo.write_bytes(mo_bytes(parse_po(po.read_text(encoding="utf-8"))))
    return mo


if __name__ == "__main__":  # pragma: no cover - python tools/msgfmt.py X.po X.mo
    print(compile_po(Path(sys.argv[1]), Path(sys.argv[2])))
