"""Small XML edits of a patched save: ``xl/workbook.xml``, ``docProps/core.xml`` and a
sheet's frozen header row."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from .styles import Unsupported, set_attr

__all__ = ["first_header", "recalc_on_load", "stamp_modified"]


_SHEET_VIEW = re.compile(rb"<sheetView\b[^>]*?(/?)>")
_SELECTION = re.compile(rb"<selection\b[^>]*?/>")


def first_header(head: bytes, row: int) -> bytes:
    """The sheet's start (up to ``<sheetData>``) with rows 1 to *row* frozen, as openpyxl's
    ``freeze_panes = "A{row + 1}"`` writes it: a sheet that gets its first table."""
    view = _SHEET_VIEW.search(head)
    if view is None:
        raise Unsupported("工作表没有 sheetView")
    pane = b'<pane ySplit="%d" topLeftCell="A%d" activePane="bottomLeft" state="frozen"/>' % (
        row,
        row + 1,
    )
    if view.group(1):  # <sheetView .../>: nothing inside
        opened = view.group(0)[:-2] + b">"
        return head[: view.start()] + opened + pane + b"</sheetView>" + head[view.end() :]
    rest = head[view.end() :]
    selection = _SELECTION.match(rest)
    if selection is not None:
        tag = set_attr(selection.group(0), b"pane", b"bottomLeft")
        rest = tag + rest[selection.end() :]
    return head[: view.end()] + pane + rest


def recalc_on_load(xml: bytes) -> bytes:
    """Ask Excel to recalculate formulas on open: edited cells may feed them."""
    m = re.search(rb"<calcPr\b[^>]*?/?>", xml)
    if m is None:
        return xml
    return xml[: m.start()] + set_attr(m.group(0), b"fullCalcOnLoad", b"1") + xml[m.end() :]


def stamp_modified(xml: bytes, when: datetime) -> bytes:
    """``docProps/core.xml`` with its modified time set to *when* (stored in UTC, as Excel does)."""
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(
        rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)",
        lambda m: m.group(1) + stamp + m.group(2),
        xml,
        count=1,
    )
