"""Charts of a sheet rewritten whole: drawn again into the parts the sheet already has,
or, the first time, into new drawing and chart parts.

The first time (a sheet that has no drawing yet, as 统计 before the first
``overdue``), :func:`redraw` also names what the rest of the package needs: the
sheet's relationship to its new drawing, the ``<drawing>`` element for the
sheet and the content types of the new parts, so the save stays a patch
instead of an openpyxl load of the whole master.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.xml.functions import tostring

from ...core.changes import SheetTable
from ..style import make_chart
from .styles import ATTR, Unsupported

__all__ = ["Drawn", "add_content_types", "place_drawing", "redraw"]

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DRAWING_TYPE = _R + "/drawing"
_CHART_TYPE = _R + "/chart"
_RELS_NS = b"http://schemas.openxmlformats.org/package/2006/relationships"
_DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"
_CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_FIRST_RID = "rIdZgDrawing"


@dataclass
class Drawn:
    """The parts a sheet's charts are written into.

    Attributes:
        parts: part name -> new XML (drawing, charts and, the first time, the drawing's rels).
        content_types: part name -> content type, for parts the package did not have.
        relationship: the first time, the sheet's ``<Relationship>`` to its new drawing.
        element: the first time, the ``<drawing>`` element the sheet gets.
    """

    parts: dict[str, bytes] = field(default_factory=dict)
    content_types: dict[str, str] = field(default_factory=dict)
    relationship: bytes = b""
    element: bytes = b""


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


def _charts_xml(table: SheetTable) -> tuple[bytes, list[bytes]]:
    """The drawing (charts as ``r:id="rId1"``…) and each chart's XML, as openpyxl writes them."""
    ws = Workbook().create_sheet(table.name)
    charts = [make_chart(ws, spec) for spec in table.charts]
    for chart, spec in zip(charts, table.charts, strict=True):
        chart.anchor = spec.anchor
    frames = SpreadsheetDrawing()
    frames.charts = charts
    # openpyxl's own serialisers (as its writer calls them): the charts equal an openpyxl save's
    drawing = _xml(frames._write())  # type: ignore[attr-defined]
    return drawing, [_xml(chart._write()) for chart in charts]  # type: ignore[union-attr]


def _next_free(names: list[str], pattern: str) -> int:
    """1 + the highest N of the parts named like *pattern* (``xl/charts/chart{}.xml``)."""
    found = re.compile(re.escape(pattern).replace(r"\{\}", r"(\d+)") + "$")
    numbers = [int(m.group(1)) for n in names if (m := found.match(n))]
    return max(numbers, default=0) + 1


def _first_drawing(zf: zipfile.ZipFile, sheet_part: str, table: SheetTable) -> Drawn:
    """New drawing and chart parts for a sheet that has no drawing yet."""
    names = zf.namelist()
    taken = set(_rels(zf, sheet_part))
    n = 1
    while f"{_FIRST_RID}{n}" in taken:
        n += 1
    rid = f"{_FIRST_RID}{n}"
    d = _next_free(names, "xl/drawings/drawing{}.xml")
    first_chart = _next_free(names, "xl/charts/chart{}.xml")
    drawing = f"xl/drawings/drawing{d}.xml"
    frames, charts = _charts_xml(table)
    chart_parts = [f"xl/charts/chart{first_chart + i}.xml" for i in range(len(charts))]
    rels = b"".join(
        b'<Relationship Id="rId%d" Type="%s" Target="/%s"/>'
        % (i, _CHART_TYPE.encode(), part.encode())
        for i, part in enumerate(chart_parts, start=1)
    )
    drawn = Drawn(
        {
            drawing: frames,
            f"xl/drawings/_rels/drawing{d}.xml.rels": (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                b'<Relationships xmlns="%s">%s</Relationships>' % (_RELS_NS, rels)
            ),
            **dict(zip(chart_parts, charts, strict=True)),
        },
        {drawing: _DRAWING_CT, **dict.fromkeys(chart_parts, _CHART_CT)},
        b'<Relationship Id="%s" Type="%s" Target="/%s"/>'
        % (rid.encode(), _DRAWING_TYPE.encode(), drawing.encode()),
        b'<drawing xmlns:r="%s" r:id="%s"/>' % (_R.encode(), rid.encode()),
    )
    return drawn


# What follows <drawing> in a worksheet (ECMA-376 CT_Worksheet), in schema order.
_AFTER_DRAWING = re.compile(
    rb"<(?:legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects|controls"
    rb"|webPublishItems|tableParts|extLst)\b|</worksheet>"
)


def place_drawing(tail: bytes, element: bytes) -> bytes:
    """*tail* (what follows ``</sheetData>``) with *element* in the place the schema gives it."""
    if not element:
        return tail
    m = _AFTER_DRAWING.search(tail)
    at = m.start() if m else len(tail)
    return tail[:at] + element + tail[at:]


def add_content_types(xml: bytes, parts: dict[str, str]) -> bytes:
    """``[Content_Types].xml`` with an ``<Override>`` for each new part."""
    overrides = b"".join(
        b'<Override PartName="/%s" ContentType="%s"/>' % (name.encode(), kind.encode())
        for name, kind in parts.items()
    )
    at = xml.rfind(b"</Types>")
    if at < 0:
        raise Unsupported("[Content_Types].xml 不完整")
    return xml[:at] + overrides + xml[at:]


def redraw(zf: zipfile.ZipFile, sheet_part: str, table: SheetTable) -> Drawn:
    """New XML for the drawing and charts of a sheet whose charts are drawn.

    A sheet with a drawing must hold exactly as many charts as *table* draws,
    and nothing else in it (a user's picture or shape would be lost): the
    parts keep their names, so relationships and content types stay. A sheet
    without one gets new parts (see :class:`Drawn`).
    """
    drawings = [t for kind, t in _rels(zf, sheet_part).values() if kind == "drawing"]
    if not drawings:
        return _first_drawing(zf, sheet_part, table)
    if len(drawings) != 1:
        raise Unsupported(f"{table.name}: 原表有多个绘图")
    drawing = drawings[0]
    xml = zf.read(drawing)
    ids = [i.decode() for i in _CHART_REF.findall(xml)]
    targets = _rels(zf, drawing)
    if len(ids) != len(table.charts) or len(_ANCHOR.findall(xml)) != len(ids):
        raise Unsupported(f"{table.name}: 原表的图表与本次不同")
    if any(targets.get(i, ("", ""))[0] != "chart" for i in ids):
        raise Unsupported(f"{table.name}: 图表关系不完整")
    new, charts = _charts_xml(table)
    # openpyxl numbers the charts rId1…; the sheet's drawing already names them
    new = _RID.sub(lambda m: b'r:id="%s"' % ids[int(m.group(1)) - 1].encode(), new)
    out = {drawing: new}
    for i, chart in zip(ids, charts, strict=True):
        out[targets[i][1]] = chart
    return Drawn(out)
