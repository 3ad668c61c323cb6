"""Names of what a batch of templates produces: the batch, the folder, the files.

Unit names become file names here, so every rule about what a file name
may hold lives in one place. A file name must be valid on Windows too (no
``\\ / : * ? " < > |``, no control or direction characters, no trailing dot
or space), short enough for every file system (a 120-character unit name is
360 bytes, past the 255 most allow), and never shared by two units: "A:B",
"A?B" and "A_B" are three units and get three files. So a name that had to be
changed to fit carries a short code of the real name.

Example:
    >>> template_name("办公室", "2026年11月")
    '办公室-整改进展填报-2026年11月.xlsx'
    >>> label("A:B") != label("A?B") != label("A_B") == "A_B"
    True
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from ..core.ledger import Ledger

__all__ = [
    "MAX_LABEL",
    "TEMPLATE_SHEET",
    "default_batch",
    "issue_folder",
    "label",
    "label_forms",
    "safe_name",
    "template_name",
    "template_names",
]


TEMPLATE_SHEET = "填报"
MAX_LABEL = 40
"""Characters of a unit or batch name kept in a file name (Chinese: 120 bytes of UTF-8)."""

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]')
_MARK = "～"  # between a changed name and its code: a character units do not use in names


def default_batch(now: datetime) -> str:
    """The batch of *now*: "2026年11月"."""
    return f"{now.year}年{now.month}月"


def issue_folder(ledger: Ledger, batch: str) -> Path:
    """``<master folder>/<设置 下发文件夹>/<batch>/``."""
    return ledger.folder / ledger.settings.issue_folder / label(batch)


def safe_name(text: str) -> str:
    """*text* usable as a file name on Windows too (unsafe characters as "_"); may collide:
    names standing for a unit or batch use :func:`label`."""
    return _UNSAFE.sub("_", text).strip(" .") or "_"


def _code(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:6]


def label(name: str, *, distinct: bool = False) -> str:
    """*name* (a unit or batch) as it stands in a file name: distinct for distinct names.

    Kept as is when it is safe and at most :data:`MAX_LABEL` characters;
    otherwise made safe, shortened, and followed by a code of the real name
    ("A_B～3f9a2c"). *distinct* adds the code anyway (two names that differ
    only in letter case would share a file on Windows).
    """
    safe = safe_name(name)
    short = safe[:MAX_LABEL].rstrip(" .") or "_"
    if short == name and not distinct:
        return name
    return f"{short}{_MARK}{_code(name)}"


def label_forms(name: str) -> tuple[str, str]:
    """The labels *name* may carry in a file name (plain, and with its code)."""
    return label(name), label(name, distinct=True)


def template_name(unit: str, batch: str, *, distinct: bool = False) -> str:
    """``<单位名称>-整改进展填报-<批次>.xlsx`` (names as :func:`label` writes them)."""
    return f"{label(unit, distinct=distinct)}-整改进展填报-{label(batch)}.xlsx"


def template_names(units: Iterable[str], batch: str) -> dict[str, str]:
    """Unit -> template file name for one batch, no two alike even ignoring letter case."""
    units = list(dict.fromkeys(units))
    plain = {u: template_name(u, batch) for u in units}
    seen: dict[str, int] = {}
    for name in plain.values():
        seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
    return {
        u: template_name(u, batch, distinct=True) if seen[name.casefold()] > 1 else name
        for u, name in plain.items()
    }
