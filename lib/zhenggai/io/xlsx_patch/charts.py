"""Charts of a sheet rewritten whole, drawn again into the parts the sheet already has."""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree.ElementTree import Element

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.xml.functions import tostring

from ...core.changes import SheetTable
from ..style import make_chart
from .styles import ATTR, Unsupported

__all__ = ["redraw"]


_REL = re.compile(rb"<Relationship\b[^>]*/>")


_CHART_REF = re.compile(rb'<(?:\w+:)?chart\b[^>]*?\br:id="([^"]+)"')


_ANCHOR = re.compile(rb"<(?:\w+:)?(?:twoCellAnchor|oneCellAnchor|absoluteAnchor)\b")


_RID = re.compile(rb'r:id="rId(\d+)"')


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, target part) of *part*."""
    folder, name = posixpath.split(part)
    try:
        xml = zf.read(posixpath.join(folder, "_rels", name + ".rels"))
    except KeyError:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for element in _REL.findall(xml):
        attrs = {k.decode(): v.decode() for k, v in ATTR.findall(element)}
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out[attrs.get("Id", "")] = (
            attrs.get("Type", "").rsplit("/", 1)[-1],
            posixpath.normpath(path),
        )
    return out


def _xml(tree: Element) -> bytes:
    data = tostring(tree)
    return data if isinstance(data, bytes) else data.encode()


def redraw(zf: zipfile.ZipFile, sheet_part: str, table: SheetTable) -> dict[str, bytes]:
    """New XML for the drawing and charts of a sheet whose charts are drawn again.

    The sheet must already hold exactly as many charts as *table* draws, and
    nothing else in its drawing (a user's picture or shape would be lost):
    the parts keep their names, so relationships and content types stay.
    """
    drawings = [t for kind, t in _rels(zf, sheet_part).values() if kind == "drawing"]
    if len(drawings) != 1:
        raise Unsupported(f"{table.name}: 原表没有图表")
    drawing = drawings[0]
    xml = zf.read(drawing)
    ids = [i.decode() for i in _CHART_REF.findall(xml)]
    targets = _rels(zf, drawing)
    if len(ids) != len(table.charts) or len(_ANCHOR.findall(xml)) != len(ids):
        raise Unsupported(f"{table.name}: 原表的图表与本次不同")
    if any(targets.get(i, ("", ""))[0] != "chart" for i in ids):
        raise Unsupported(f"{table.name}: 图表关系不完整")
    ws = Workbook().create_sheet(table.name)
    charts = [make_chart(ws, spec) for spec in table.charts]
    for chart, spec in zip(charts, table.charts, strict=True):
        chart.anchor = spec.anchor
    frames = SpreadsheetDrawing()
    frames.charts = charts
    # openpyxl's own serialisers (as its writer calls them): the charts equal an openpyxl save's
    new = _xml(frames._write())  # type: ignore[attr-defined]
    # openpyxl numbers the charts rId1…; the sheet's drawing already names them
    new = _RID.sub(lambda m: b'r:id="%s"' % ids[int(m.group(1)) - 1].encode(), new)
    out = {drawing: new}
    for i, chart in zip(ids, charts, strict=True):
        out[targets[i][1]] = _xml(chart._write())  # type: ignore[union-attr]
    return out
