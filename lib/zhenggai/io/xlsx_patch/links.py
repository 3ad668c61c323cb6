"""Hyperlinks of a sheet rewritten whole: the ``<hyperlinks>`` element and the sheet's relationships.

A cell's hyperlink lives in two places: ``<hyperlink ref="D2" r:id="rId3"/>``
in the sheet, after its rows, and the relationship ``rId3`` (its target, with
``TargetMode="External"``) in the sheet's ``_rels`` part. A sheet rewritten
whole (:class:`~zhenggai.core.changes.SheetTable`) loses every old row, so its
old hyperlinks go, with their relationships; the table's own links are
written in their place. Relationships of other kinds (drawings, comments)
are kept as they are.

Example:
    >>> rels, ids = relink(None, ["电子档案/a.pdf"])
    >>> ids, b'Target="\\xe7\\x94\\xb5\\xe5\\xad\\x90\\xe6\\xa1\\xa3\\xe6\\xa1\\x88/a.pdf"' in rels
    (['rIdZgLink1'], True)
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from openpyxl.utils import get_column_letter

from ...core.changes import SheetTable
from ..style import link_target
from .styles import ATTR

__all__ = ["HYPERLINK_TYPE", "hyperlinks_xml", "place_hyperlinks", "relink", "rels_part"]

HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_R_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS_NS = b"http://schemas.openxmlformats.org/package/2006/relationships"
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*?(?:/>|>\s*</Relationship>)", re.S)
_HYPERLINKS = re.compile(rb"<hyperlinks\b[^>]*?(?:/>|>.*?</hyperlinks>)", re.S)
# What follows <hyperlinks> in a worksheet (ECMA-376 CT_Worksheet), in schema order.
_AFTER = re.compile(
    rb"<(?:printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties"
    rb"|cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|picture"
    rb"|oleObjects|controls|webPublishItems|tableParts|extLst)\b|</worksheet>"
)
_PREFIX = "rIdZgLink"


def rels_part(sheet_part: str) -> str:
    """The relationships part of a sheet part.

    >>> rels_part("xl/worksheets/sheet3.xml")
    'xl/worksheets/_rels/sheet3.xml.rels'
    """
    folder, name = posixpath.split(sheet_part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def relink(
    old: bytes | None, targets: Sequence[str], *, extra: bytes = b""
) -> tuple[bytes | None, list[str]]:
    """The sheet's relationships without its old hyperlinks, with one for each of *targets*.

    Args:
        old: the sheet's ``_rels`` part (None when it has none).
        targets: link paths relative to the workbook's folder, in order.
        extra: a ``<Relationship>`` to add (a first drawing's; its id is not taken).

    Returns:
        The new part (None when there is nothing to write: no part and no link)
        and the relationship id of each target.
    """
    kept: list[bytes] = []
    taken: set[str] = set()
    for m in _RELATIONSHIP.finditer(old or b""):
        attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in ATTR.findall(m.group(0))}
        if attrs.get("Type") == HYPERLINK_TYPE:
            continue
        kept.append(m.group(0))
        taken.add(attrs.get("Id", ""))
    if old is None and not targets and not extra:
        return None, []
    ids: list[str] = []
    n = 0
    for _ in targets:
        n += 1
        while f"{_PREFIX}{n}" in taken:
            n += 1
        ids.append(f"{_PREFIX}{n}")
    new = [
        b'<Relationship Id="%s" Type="%s" Target=%s TargetMode="External"/>'
        % (rid.encode(), HYPERLINK_TYPE.encode(), quoteattr(link_target(t)).encode("utf-8"))
        for rid, t in zip(ids, targets, strict=True)
    ]
    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<Relationships xmlns="%s">%s</Relationships>' % (_RELS_NS, b"".join([*kept, extra, *new]))
    )
    return xml, ids


def hyperlinks_xml(cells: Sequence[tuple[int, int]], ids: Sequence[str]) -> bytes:
    """``<hyperlinks>`` for the cells ((row, col), 1-based) and their relationship ids."""
    if not cells:
        return b""
    links = b"".join(
        b'<hyperlink ref="%s%d" r:id="%s"/>' % (get_column_letter(c).encode(), r, rid.encode())
        for (r, c), rid in zip(cells, ids, strict=True)
    )
    return b'<hyperlinks xmlns:r="%s">%s</hyperlinks>' % (_R_NS, links)


def place_hyperlinks(tail: bytes, hyperlinks: bytes) -> bytes:
    """*tail* (what follows ``</sheetData>``) with its old ``<hyperlinks>`` replaced by *hyperlinks*."""
    tail = _HYPERLINKS.sub(b"", tail, count=1)
    if not hyperlinks:
        return tail
    m = _AFTER.search(tail)
    at = m.start() if m else len(tail)
    return tail[:at] + hyperlinks + tail[at:]


def relinked(
    zf: zipfile.ZipFile, sheet_part: str, table: SheetTable, *, extra: bytes = b""
) -> tuple[dict[str, bytes], list[str]]:
    """The sheet's relationships part with *table*'s links in place of the old ones, plus
    *extra* ({} when there is nothing to write), and the relationship id of each link in cell order."""
    name = rels_part(sheet_part)
    old = zf.read(name) if name in zf.namelist() else None
    rels, ids = relink(old, [table.links[k] for k in sorted(table.links)], extra=extra)
    return ({name: rels} if rels is not None else {}), ids
