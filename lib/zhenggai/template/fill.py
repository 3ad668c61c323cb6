"""Filling a template's editable cells by 编号 and field, as the unit (or a lower office) would."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from ..core.problems import cell_name
from ..core.sheets import META
from ..core.text import Value
from ..io.calamine import open_book
from ..io.fill import write_cells
from .meta import TemplateMeta, parse_meta

__all__ = ["fill_template", "template_cell", "template_meta"]


def template_meta(path: Path) -> TemplateMeta:
    """The ``_meta`` of a template or return."""
    return parse_meta(open_book(path).grid(META))


def template_cell(meta: TemplateMeta, rid: str, key: str) -> str:
    """The template cell of 编号 *rid*, field *key*, e.g. "M10"."""
    return cell_name(meta.first_row + meta.ids.index(rid), meta.column(key))


def fill_template(
    template: Path,
    dest: Path,
    values: Mapping[tuple[str, str], Value],
    *,
    saved: datetime | None = None,
) -> Path:
    """Copy *template* to *dest* with *values* ((编号, field key) -> value) typed in.

    Only the named cells change; the rest (locked cells, ``_meta``, protection) stays as issued.
    """
    meta = template_meta(template)
    cells = {(meta.sheet, template_cell(meta, rid, key)): v for (rid, key), v in values.items()}
    return write_cells(template, dest, cells, saved=saved)
