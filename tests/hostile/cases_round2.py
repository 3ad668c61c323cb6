"""Hostile round two (issue 18): new instances of each class the second audit found.

None of these is one of the audit's own 109 files: each attacks the same
weakness another way. Package layout decoys (class 1), declared counts
(2), Rust panics (3), compression bombs (4), silent coercions (12), the
``_meta`` signature (13) and forged save times (7).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from tests.hostile.cases_files import _at, _file, _filled
from tests.hostile.corpus import Case, World, cell
from tests.hostile.craft import (
    MB,
    edit_sheet,
    lie_about_size,
    members,
    number_cell,
    part_of,
    set_cell,
    spaces,
    text_cell,
)
from tests.support.returns_kit import ISSUED
from tests.support.synthetic import fill_return, rewrite_zip
from zhenggai.io.fill import set_saved
from zhenggai.returns.consolidate import Verdict

REJECTED, PARTLY, APPLIED = Verdict.REJECTED, Verdict.PARTLY, Verdict.APPLIED
PROGRESS = "已完成专题学习"  # what _filled types into the first row's 整改进展


def _applies(w: World, unit: str) -> dict[tuple[str, str], object]:
    return {(w.meta(unit).ids[0], "progress"): PROGRESS}


def _far_sheet(xml: bytes) -> bytes:
    row = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return xml.replace(b"</sheetData>", row + b"</sheetData>", 1)


# --- class 1: the guard and calamine must read one document --------------------------------


def package_rels_decoy(w: World, unit: str, folder: Path) -> Case:
    """``_rels/.rels`` names another workbook part, whose 填报 holds a far value; the usual
    ``xl/workbook.xml`` stays a clean decoy. Both readers now follow ``_rels/.rels``."""
    path = _filled(w, unit, folder)
    parts = dict((i.filename, d) for i, d in members(path))
    sheet = part_of(path, "填报")
    rels = parts["xl/_rels/workbook.xml.rels"].replace(
        b'Target="worksheets/', b'Target="/xl/worksheets/'
    )
    rels = rels.replace(f'Target="/{sheet}"'.encode(), b'Target="/xl/worksheets/far.xml"')
    rewrite_zip(
        path,
        {
            "_rels/.rels": lambda x: x.replace(
                b'Target="xl/workbook.xml"', b'Target="xl/real/workbook.xml"'
            )
        },
        add={
            "xl/real/workbook.xml": parts["xl/workbook.xml"],
            "xl/real/_rels/workbook.xml.rels": rels,
            "xl/worksheets/far.xml": _far_sheet(parts[sheet]),
        },
    )
    return Case(
        "package rels name another workbook",
        path,
        [("填报", "XFD1048576", "file-too-large")],
        REJECTED,
    )


def twin_members(w: World, unit: str, folder: Path) -> Case:
    """``xl/worksheets/Sheet1.xml`` beside ``sheet1.xml``: calamine finds members ignoring case."""
    path = _filled(w, unit, folder)
    sheet = part_of(path, "填报")
    xml = dict((i.filename, d) for i, d in members(path))[sheet]
    twin = sheet.rsplit("/", 1)[0] + "/" + sheet.rsplit("/", 1)[1].capitalize()
    rewrite_zip(path, {}, add={twin: _far_sheet(xml)})
    return _at(_file("members differing only in case", "file-unsafe", says="名称相同"), path)


def escaped_target(w: World, unit: str, folder: Path) -> Case:
    """The 填报 relationship's Target written with a character reference, and a member whose
    name is that text verbatim holding a far value: Excel (and now the guard and calamine)
    unescape the Target and read the ordinary sheet."""
    path = _filled(w, unit, folder)
    sheet = part_of(path, "填报")
    head, digit = sheet[:-5], sheet[-5]  # "xl/worksheets/sheet" + "1" + ".xml"
    escaped = f"{head}&#{ord(digit)};.xml"
    xml = dict((i.filename, d) for i, d in members(path))[sheet]
    rewrite_zip(
        path,
        {
            "xl/_rels/workbook.xml.rels": lambda x: x.replace(
                f'Target="/{sheet}"'.encode(), f'Target="/{escaped}"'.encode()
            ).replace(f'Target="{sheet[3:]}"'.encode(), f'Target="{escaped[3:]}"'.encode())
        },
        add={escaped: _far_sheet(xml)},
    )
    return Case(
        "relationship target with a character reference", path, [], APPLIED, _applies(w, unit)
    )


# --- class 2: declared counts ---------------------------------------------------------------


def unique_count_prefixed(w: World, unit: str, folder: Path) -> Case:
    """sharedStrings with a prefixed root and a single-quoted, spaced uniqueCount of four billion."""
    path = _filled(w, unit, folder)
    sst = (
        b"<?xml version='1.0' encoding='UTF-8'?><x:sst xmlns:x='http://schemas.openxmlformats.org/"
        b"spreadsheetml/2006/main' count='1' uniqueCount = ' 4000000000'><x:si><x:t>a</x:t></x:si></x:sst>"
    )
    _add_strings(path, sst)
    return _at(
        _file(
            "uniqueCount of 4e9, prefixed and single-quoted", "file-too-large", says="uniqueCount"
        ),
        path,
    )


def _add_strings(path: Path, sst: bytes) -> None:
    rel = (
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    rewrite_zip(
        path,
        {"xl/_rels/workbook.xml.rels": lambda b: b.replace(b"</Relationships>", rel)},
        add={"xl/sharedStrings.xml": sst},
    )


# --- class 3: panics ----------------------------------------------------------------------------


def _add_number_format(path: Path, code: bytes) -> int:
    """Give the workbook a cell format with number format *code*; its style index."""
    styles = dict((i.filename, d) for i, d in members(path))["xl/styles.xml"]
    count = int(re.search(rb'<cellXfs count="(\d+)"', styles).group(1))  # type: ignore[union-attr]

    def change(xml: bytes) -> bytes:
        xml = xml.replace(
            b"</numFmts>", b'<numFmt numFmtId="201" formatCode="' + code + b'"/></numFmts>'
        )
        xml = xml.replace(b'<cellXfs count="%d">' % count, b'<cellXfs count="%d">' % (count + 1))
        return xml.replace(
            b"</cellXfs>",
            b'<xf numFmtId="201" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>',
        )

    rewrite_zip(path, {"xl/styles.xml": change})
    return count


def panic_custom_date(w: World, unit: str, folder: Path) -> Case:
    """-1e20 in 完成时间 under a custom Chinese date format: calamine panics (a BaseException)."""
    path = _filled(w, unit, folder)
    style = _add_number_format(path, "yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;".encode())
    meta = w.meta(unit)
    ref = cell(meta, meta.ids[1], "done_date")
    edit_sheet(path, set_cell(ref, number_cell(ref, b"-1e20", style=style)))
    return Case(
        "-1e20 in a custom date format (panic)",
        path,
        [("填报", "", "file-corrupt")],
        REJECTED,
        says=f"{ref}：-1e20",
    )


# --- class 4: compression bombs ---------------------------------------------------------------


def _recompress(path: Path, name: str, method: int, data: bytes, claimed: int) -> None:
    """Store member *name* as *data* compressed with *method*, claiming *claimed* bytes."""
    items = members(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, old in items:
            if info.filename == name:
                out.writestr(zipfile.ZipInfo(name, info.date_time), data, compress_type=method)
            else:
                out.writestr(info, old)
    path.write_bytes(lie_about_size(path.read_bytes(), name, claimed))


def bzip2_bomb_in_properties(w: World, unit: str, folder: Path) -> Case:
    """docProps/core.xml (read only for the save time) as a bzip2 bomb claiming 700 bytes: read
    bounded, it is just unreadable properties; the return itself is used."""
    path = _filled(w, unit, folder)
    core = dict((i.filename, d) for i, d in members(path))["docProps/core.xml"]
    _recompress(path, "docProps/core.xml", zipfile.ZIP_BZIP2, core + b" " * (200 * MB), 700)
    return Case("bzip2 bomb in docProps/core.xml", path, [], APPLIED, _applies(w, unit))


def lzma_sheet_lying(w: World, unit: str, folder: Path) -> Case:
    """The _meta sheet as LZMA claiming 20 KB and inflating to 40 MB."""
    path = _filled(w, unit, folder)
    part = part_of(path, "_meta")
    xml = dict((i.filename, d) for i, d in members(path))[part]
    head, tail = xml.split(b"<sheetData>", 1)
    big = head + b"<sheetData>" + b"".join(spaces(40 * MB)()) + tail
    _recompress(path, part, zipfile.ZIP_LZMA, big, 20_000)
    return _at(
        _file("LZMA sheet inflating past its declared size", "file-corrupt", says="超过声明的大小"),
        path,
    )


# --- class 12: silent coercions ------------------------------------------------------------------


def bad_string_index(w: World, unit: str, folder: Path) -> Case:
    """整改进展 points at shared string "1e0": calamine would read the first string."""
    path = _filled(w, unit, folder)
    _add_strings(
        path,
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" '
        b'uniqueCount="2"><si><t>first</t></si><si><t>second</t></si></sst>',
    )
    meta = w.meta(unit)
    ref = cell(meta, meta.ids[1], "progress")
    edit_sheet(path, set_cell(ref, b'<c r="%s" s="6" t="s"><v>1e0</v></c>' % ref.encode()))
    return Case(
        "shared-string index 1e0",
        path,
        [("填报", ref, "cell-unreadable")],
        PARTLY,
        _applies(w, unit),
    )


def coerced_values(w: World, unit: str, folder: Path) -> Case:
    """-Infinity in 备注 (would become "-inf") and a direction isolate in 责任人."""
    path = _filled(w, unit, folder)
    meta = w.meta(unit)
    remark, person = cell(meta, meta.ids[1], "remark"), cell(meta, meta.ids[2], "person")
    edit_sheet(path, set_cell(remark, number_cell(remark, b"-Infinity", style=6)))
    edit_sheet(path, set_cell(person, text_cell(person, "张\u2066伟\u2069".encode())))
    return Case(
        "-Infinity and a direction isolate",
        path,
        [("填报", remark, "number-invalid"), ("填报", person, "text-control-chars")],
        PARTLY,
        _applies(w, unit),
    )


# --- class 13: _meta ---------------------------------------------------------------------------


def second_signature(w: World, unit: str, folder: Path) -> Case:
    """A second ``signature`` row above [rows]: the signed text and the parser disagreed on it."""

    def edit(wb, meta) -> None:  # type: ignore[no-untyped-def]
        ws = wb["_meta"]
        ws.insert_rows(2)
        ws.cell(2, 1, "signature")
        ws.cell(2, 2, "0" * 64)

    path = fill_return(
        w.templates[unit], folder / f"{unit}-整改进展填报-2026年11月.xlsx", edit=edit
    )
    return _at(_file("a second signature row in _meta", "meta-invalid", says="签名行"), path)


# --- class 7: save times -----------------------------------------------------------------------


def _saved(when: datetime, label: str, words: str) -> Callable[[World, str, Path], Case]:
    def build(w: World, unit: str, folder: Path) -> Case:
        path = _filled(w, unit, folder)
        set_saved(path, when)
        return Case(
            label, path, [("", "", "save-time-invalid")], APPLIED, _applies(w, unit), says=words
        )

    build.__name__ = label
    return build


CASES = (
    package_rels_decoy,
    twin_members,
    escaped_target,
    unique_count_prefixed,
    panic_custom_date,
    bzip2_bomb_in_properties,
    lzma_sheet_lying,
    bad_string_index,
    coerced_values,
    second_signature,
    _saved(datetime(2099, 1, 1), "saved in 2099", "晚于"),
    _saved(
        ISSUED.replace(day=ISSUED.day - 3),
        "saved before the batch was issued",
        "早于本批模板的下发时间",
    ),
)
