"""Names of what a batch of templates produces: the batch, the folder, the files.

Unit names become file names here, so every rule about what a file name
may hold lives in one place.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from ..core.ledger import Ledger

__all__ = ["TEMPLATE_SHEET", "default_batch", "issue_folder", "safe_name", "template_name"]


TEMPLATE_SHEET = "填报"


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def default_batch(now: datetime) -> str:
    """The batch of *now*: "2026年11月"."""
    return f"{now.year}年{now.month}月"


def issue_folder(ledger: Ledger, batch: str) -> Path:
    """``<master folder>/<设置 下发文件夹>/<batch>/``."""
    return ledger.folder / ledger.settings.issue_folder / safe_name(batch)


def safe_name(text: str) -> str:
    """*text* usable as a file name on Windows too."""
    return _UNSAFE.sub("_", text).strip(" .") or "_"


def template_name(unit: str, batch: str) -> str:
    """``<单位名称>-整改进展填报-<批次>.xlsx``."""
    return safe_name(f"{unit}-整改进展填报-{batch}") + ".xlsx"
