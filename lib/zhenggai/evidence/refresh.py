"""A consolidation that also brings the 佐证材料 sheet up to date.

The sheet links files to items partly by what the items' 佐证材料 says, and a
consolidation changes that: :func:`consolidate_and_index` runs
:func:`zhenggai.returns.consolidate.consolidate_folder` and adds to its
changes the 佐证材料 sheet as it will read once those values are written
(only when the sheet changes, so a consolidation with nothing new still
writes nothing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.ledger import Ledger
from ..core.text import cell_text
from ..returns.consolidate import ConsolidateResult, consolidate_folder
from .index import index_changes

__all__ = ["consolidate_and_index"]


def consolidate_and_index(
    ledger: Ledger, folder: Path | None = None, **options: Any
) -> ConsolidateResult:
    """:func:`~zhenggai.returns.consolidate.consolidate_folder`, plus the 佐证材料 sheet refreshed.

    *options* are passed on (``progress``, ``trust_legacy``, ``now``, ``jobs``).
    """
    result = consolidate_folder(ledger, folder, **options)
    texts = {c.id: cell_text(c.new) for f in result.files for c in f.changes if c.key == "evidence"}
    result.changes.extend(index_changes(ledger, evidence=texts).changes)
    return result
