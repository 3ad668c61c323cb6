"""Helpers to issue templates and fill them in as a unit would, all in code.

The builders live in :mod:`tests.support.synthetic` (shared with the benchmarks);
these wrappers fix the test suite's clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl

from tests.support.synthetic import (
    Edit,
    fill_return,
    issue_templates,
    rewrite_zip,
    set_saved,
    template_cell,
    template_meta,
)
from zhenggai.template.meta import TemplateMeta

ISSUED = datetime(2026, 11, 20, 9, 0)
NOW = datetime(2026, 11, 28, 10, 0)
SAVED = datetime(2026, 11, 25, 15, 30)

__all__ = [
    "ISSUED",
    "NOW",
    "SAVED",
    "Edit",
    "cell",
    "fill",
    "issue",
    "ledger_value",
    "meta_of",
    "rewrite",
    "set_saved",
    "unprotect",
]

meta_of = template_meta
cell = template_cell
rewrite = rewrite_zip


def issue(
    master: Path, *, units: list[str] | None = None, now: datetime = ISSUED
) -> dict[str, Path]:
    """Issue templates through the real command core; unit -> template path."""
    return issue_templates(master, units=units, now=now)


def fill(
    template: Path,
    dest: Path,
    values: Mapping[tuple[str, str], Any] | None = None,
    *,
    edit: Edit | None = None,
    saved: datetime = SAVED,
) -> Path:
    """Copy *template* to *dest* with *values* ((编号, key) -> value) typed in and saved at *saved*."""
    return fill_return(template, dest, values, edit=edit, saved=saved)


def unprotect(wb: openpyxl.Workbook, meta: TemplateMeta) -> openpyxl.worksheet.worksheet.Worksheet:
    ws = wb[meta.sheet]
    ws.protection.sheet = False
    return ws


def ledger_value(master: Path, rid: str, key: str) -> Any:
    from zhenggai import read_ledger

    return read_ledger(master).table.by_id()[rid].values.get(key)
