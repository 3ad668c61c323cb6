"""Helpers to issue templates and fill them in as a unit would, all in code."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl

from zhenggai import open_book
from zhenggai.integrity import TemplateMeta, parse_meta
from zhenggai.master import update_master
from zhenggai.problems import cell_name
from zhenggai.templates import make_templates

ISSUED = datetime(2026, 11, 20, 9, 0)
NOW = datetime(2026, 11, 28, 10, 0)
SAVED = datetime(2026, 11, 25, 15, 30)

Edit = Callable[[openpyxl.Workbook, TemplateMeta], None]


def issue(
    master: Path, *, units: list[str] | None = None, now: datetime = ISSUED
) -> dict[str, Path]:
    """Issue templates through the real command core; unit -> template path."""
    result, _ = update_master(
        master, op="下发", plan=lambda ledger: make_templates(ledger, now=now, units=units)
    )
    return {t.unit: t.path for t in result.issued}


def meta_of(path: Path) -> TemplateMeta:
    return parse_meta(open_book(path).grid("_meta"))


def cell(meta: TemplateMeta, rid: str, key: str) -> str:
    """The template cell of 编号 *rid*, field *key*, e.g. "M10"."""
    return cell_name(meta.first_row + meta.ids.index(rid), meta.column(key))


def fill(
    template: Path,
    dest: Path,
    values: Mapping[tuple[str, str], Any] | None = None,
    *,
    edit: Edit | None = None,
    saved: datetime = SAVED,
) -> Path:
    """Copy *template* to *dest* with *values* ((编号, key) -> value) typed in and saved at *saved*."""
    meta = meta_of(template)
    wb = openpyxl.load_workbook(template)
    ws = wb[meta.sheet]
    for (rid, key), value in (values or {}).items():
        ws[cell(meta, rid, key)] = value
    if edit is not None:
        edit(wb, meta)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    set_saved(dest, saved)
    return dest


def set_saved(path: Path, when: datetime) -> None:
    """Set the workbook's docProps/core.xml ``modified`` to local time *when* (as Excel records it)."""
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    rewrite(
        path,
        {
            "docProps/core.xml": lambda xml: re.sub(
                rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                rb"\g<1>" + stamp + rb"\g<2>",
                xml,
            )
        },
    )


def rewrite(
    path: Path,
    parts: Mapping[str, Callable[[bytes], bytes]],
    *,
    add: Mapping[str, bytes] | None = None,
) -> None:
    """Rewrite zip members of *path* through functions, optionally adding members."""
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i)) for i in zf.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, parts.get(info.filename, lambda b: b)(data))
        for name, data in (add or {}).items():
            out.writestr(name, data)
    path.write_bytes(buf.getvalue())


def unprotect(wb: openpyxl.Workbook, meta: TemplateMeta) -> openpyxl.worksheet.worksheet.Worksheet:
    ws = wb[meta.sheet]
    ws.protection.sheet = False
    return ws


def ledger_value(master: Path, rid: str, key: str) -> Any:
    from zhenggai import read_ledger

    return read_ledger(master).table.by_id()[rid].values.get(key)
