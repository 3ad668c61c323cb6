"""The package calamine reads: only the parts the guard has parsed, laid out plainly.

calamine finds the workbook through ``_rels/.rels``, its sheets through the
workbook's relationships, looks members up ignoring case, and never inflates
more than it must: each of these is a place where it could read another
document than the guard did. So it is not given the unit's package at all.
:func:`calamine_package` writes a new one, uncompressed, holding:

* ``_rels/.rels``, ``xl/workbook.xml`` and its relationships, written here
  from the :class:`~zhenggai.io.xmlparts.BookMap` (names, order, visibility,
  the 1904 date system);
* each sheet's XML as scanned (a sheet the guard refused is replaced by an
  empty one, so calamine never parses it);
* the styles and shared strings as checked.

Example:
    >>> from zhenggai.io.xmlparts import BookMap, SheetEntry
    >>> book = BookMap("xl/workbook.xml", [SheetEntry("填报", "xl/worksheets/sheet1.xml")])
    >>> data = calamine_package(book, {"填报": b"<worksheet><sheetData/></worksheet>"})
    >>> import python_calamine, io
    >>> python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    ['填报']
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from xml.sax.saxutils import escape

from .xmlparts import BookMap

__all__ = ["EMPTY_SHEET", "calamine_package", "ods_package"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EMPTY_SHEET = (_HEAD + f'<worksheet xmlns="{_MAIN}"><sheetData/></worksheet>').encode()


def _rel(rid: str, kind: str, target: str) -> str:
    return f'<Relationship Id="{rid}" Type="{_DOC_RELS}/{kind}" Target="{target}"/>'


def calamine_package(
    book: BookMap,
    sheets: Mapping[str, bytes],
    *,
    styles: bytes | None = None,
    shared_strings: bytes | None = None,
) -> bytes:
    """A stored (uncompressed) xlsx of *book*'s sheets holding *sheets* (name -> XML).

    A sheet missing from *sheets* is written empty.
    """
    entries, rels = [], []
    parts: dict[str, bytes] = {}
    for i, sheet in enumerate(book.sheets, start=1):
        state = "" if sheet.state == "visible" else f' state="{sheet.state}"'
        name = escape(sheet.name, {'"': "&quot;"})
        entries.append(f'<sheet name="{name}" sheetId="{i}"{state} r:id="rId{i}"/>')
        rels.append(_rel(f"rId{i}", sheet.kind, f"worksheets/sheet{i}.xml"))
        parts[f"xl/worksheets/sheet{i}.xml"] = sheets.get(sheet.name, EMPTY_SHEET)
    if styles is not None:
        rels.append(_rel("rIdStyles", "styles", "styles.xml"))
        parts["xl/styles.xml"] = styles
    if shared_strings is not None:
        rels.append(_rel("rIdStrings", "sharedStrings", "sharedStrings.xml"))
        parts["xl/sharedStrings.xml"] = shared_strings
    pr = '<workbookPr date1904="1"/>' if book.date1904 else ""
    workbook = (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">{pr}'
        f"<sheets>{''.join(entries)}</sheets></workbook>"
    )
    package_rels = (
        f'{_HEAD}<Relationships xmlns="{_PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    workbook_rels = f'{_HEAD}<Relationships xmlns="{_PKG_RELS}">{"".join(rels)}</Relationships>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        out.writestr("_rels/.rels", package_rels)
        out.writestr("xl/workbook.xml", workbook)
        out.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        for name, data in parts.items():
            out.writestr(name, data)
    return buf.getvalue()


_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = (
    _HEAD
    + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
    f'manifest:media-type="{_ODS_MIME.decode()}"/><manifest:file-entry '
    'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
).encode()


def ods_package(content: bytes) -> bytes:
    """A stored .ods holding *content* (``content.xml`` as the guard read it), for calamine.

    calamine reads an .ods's ``mimetype``, ``META-INF/manifest.xml`` (for a
    password) and ``content.xml``; the first two are written here, so it reads
    no part the guard did not.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        out.writestr("mimetype", _ODS_MIME)
        out.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        out.writestr("content.xml", content)
    return buf.getvalue()
