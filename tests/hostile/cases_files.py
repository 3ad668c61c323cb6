"""Hostile packages, wrong formats and wrong identities: nothing of these files is used."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl

from tests.hostile.corpus import Case, World
from tests.hostile.craft import (
    BILLION_LAUGHS,
    MB,
    XXE,
    edit_sheet,
    lie_about_size,
    members,
    padded_sheet,
    part_of,
    set_cell,
    spaces,
    text_cell,
    with_members,
    zip_bytes,
)
from tests.support.returns_kit import SAVED
from tests.support.synthetic import fill_return, rewrite_zip
from xl_addin.build.cfb import Storage, write_storage
from zhenggai.returns.consolidate import Verdict
from zhenggai.template.names import template_name

REJECTED = Verdict.REJECTED


def _name(unit: str, suffix: str = ".xlsx") -> str:
    return template_name(unit, "2026年11月").removesuffix(".xlsx") + suffix


def _filled(w: World, unit: str, folder: Path, suffix: str = ".xlsx") -> Path:
    """The unit's template returned with one new 整改进展: a good file to spoil."""
    meta = w.meta(unit)
    return fill_return(
        w.templates[unit],
        folder / _name(unit, suffix),
        {(meta.ids[0], "progress"): "已完成专题学习"},
        saved=SAVED,
    )


def _file(name: str, code: str, *, says: str = "", legacy: bool = False) -> Case:
    return Case(name, Path(), [("", "", code)], REJECTED, says=says, legacy=legacy)


def _at(case: Case, path: Path) -> Case:
    case.file = path
    return case


# --- formats -------------------------------------------------------------------------


def zero_bytes(w: World, unit: str, folder: Path) -> Case:
    path = folder / _name(unit)
    path.write_bytes(b"")
    return _at(_file("zero bytes", "file-empty", says="0 字节"), path)


def plain_text(w: World, unit: str, folder: Path) -> Case:
    path = folder / _name(unit)
    path.write_text("整改进展：已完成", encoding="utf-8")
    return _at(_file("plain text named .xlsx", "file-not-workbook"), path)


def truncated(w: World, unit: str, folder: Path) -> Case:
    path = _filled(w, unit, folder)
    path.write_bytes(path.read_bytes()[:-900])
    return _at(_file("truncated zip", "file-corrupt"), path)


def encrypted(w: World, unit: str, folder: Path) -> Case:
    path = _filled(w, unit, folder)
    out = io.BytesIO()
    with path.open("rb") as fh:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("密码123", out)
    path.write_bytes(out.getvalue())
    return _at(
        _file("password-encrypted", "file-encrypted", says="文件已加密，请取消密码后重新报送"),
        path,
    )


def _ole_workbook(tag: str) -> bytes:
    """An old-format workbook (a compound file with a Workbook stream); *tag* keeps each distinct."""
    return write_storage(Storage({"Workbook": b"\x09\x08" + tag.encode().ljust(510, b"\0")}))


def old_xls(w: World, unit: str, folder: Path) -> Case:
    path = folder / _name(unit, ".xls")
    path.write_bytes(_ole_workbook("xls"))
    # .xls returns are read (calamine); this one's Workbook stream is no BIFF
    return _at(_file("damaged .xls", "file-corrupt", says="文件可能已损坏"), path)


def wps_et(w: World, unit: str, folder: Path) -> Case:
    path = folder / _name(unit, ".et")
    path.write_bytes(_ole_workbook("et"))
    return _at(_file("damaged WPS .et", "file-corrupt", says="文件可能已损坏"), path)


def xlsb(w: World, unit: str, folder: Path) -> Case:
    path = folder / _name(unit, ".xlsb")
    path.write_bytes(
        zip_bytes(
            [
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/workbook.bin", b"\x83\x01\x00" * 50),
                ("xl/worksheets/sheet1.bin", b"\x81\x01\x00" * 50),
            ]
        )
    )
    return _at(_file(".xlsb", "file-unsupported", says="不支持的格式"), path)


def ods(w: World, unit: str, folder: Path) -> Case:
    path = folder / _name(unit, ".ods")
    path.write_bytes(
        zip_bytes(
            [
                ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                ("content.xml", b"<office:document-content/>"),
            ]
        )
    )
    # .ods returns are read (calamine); this one has no spreadsheet in it
    return _at(_file("damaged .ods", "file-corrupt", says="已损坏"), path)


def csv_export(w: World, unit: str, folder: Path) -> Case:
    """The unit saved its template as CSV."""
    wb = openpyxl.load_workbook(w.templates[unit])
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in wb["填报"].iter_rows(min_row=8, values_only=True):
        writer.writerow(["" if v is None else v for v in row])
    path = folder / _name(unit, ".csv")
    path.write_text(buf.getvalue(), encoding="utf-8-sig")
    return _at(_file("CSV export", "file-unsupported", says="CSV"), path)


def html_xls(w: World, unit: str, folder: Path) -> Case:
    path = folder / _name(unit, ".xls")
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>编号</td>"
        "<td>整改进展</td></tr><tr><td>1</td><td>已完成</td></tr></table></body></html>",
        encoding="utf-8",
    )
    return _at(_file("web page named .xls", "file-not-workbook", says="网页"), path)


def xml_2003(w: World, unit: str, folder: Path) -> Case:
    path = folder / _name(unit, ".xls")
    path.write_text(
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="填报">'
        "</Worksheet></Workbook>",
        encoding="utf-8",
    )
    return _at(_file("XML Spreadsheet 2003", "file-unsupported", says="XML 电子表格 2003"), path)


def docx_renamed(w: World, unit: str, folder: Path) -> Case:
    path = folder / _name(unit)
    path.write_bytes(
        zip_bytes([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")])
    )
    return _at(_file(".docx renamed .xlsx", "file-not-workbook"), path)


def png_renamed(w: World, unit: str, folder: Path) -> Case:
    path = folder / _name(unit)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    return _at(_file("photo renamed .xlsx", "file-not-workbook"), path)


def zipped_return(w: World, unit: str, folder: Path) -> Case:
    """The unit zipped its return and named the archive .xlsx."""
    inner = _filled(w, unit, folder / "tmp")
    path = folder / _name(unit)
    path.write_bytes(zip_bytes([(inner.name, inner.read_bytes())]))
    shutil.rmtree(folder / "tmp")
    return _at(_file("zip of the return named .xlsx", "file-not-workbook"), path)


# --- bombs and hostile packages ---------------------------------------------------------


def bomb_in_sheet_xml(w: World, unit: str, folder: Path) -> Case:
    """300 MB of whitespace inside the 填报 sheet's <sheetData>: valid XML, a 0.3 MB file."""
    path = _filled(w, unit, folder)
    part = part_of(path, "填报")
    xml = dict((i.filename, d) for i, d in members(path))[part]
    with_members(path, replace={part: padded_sheet(xml, 300 * MB)})
    return _at(_file("bomb inside the sheet XML", "file-too-large"), path)


def bomb_in_workbook_xml(w: World, unit: str, folder: Path) -> Case:
    """xl/workbook.xml is parsed as the file opens: it must be refused before that."""
    path = _filled(w, unit, folder)
    xml = dict((i.filename, d) for i, d in members(path))["xl/workbook.xml"]
    head, tail = xml.split(b"<sheets>", 1)

    def chunks():  # type: ignore[no-untyped-def]
        yield head
        yield from spaces(40 * MB)()
        yield b"<sheets>" + tail

    with_members(path, replace={"xl/workbook.xml": chunks})
    return _at(_file("bomb inside workbook.xml", "file-too-large"), path)


def bomb_ratio(w: World, unit: str, folder: Path) -> Case:
    path = _filled(w, unit, folder)
    with_members(path, stream=[("xl/media/image1.png", spaces(24 * MB))])
    return _at(_file("one member compressed 1000:1", "file-too-large"), path)


def bomb_total(w: World, unit: str, folder: Path) -> Case:
    """250 members of 1.9 MB each: every one under the ratio check, 475 MB in all."""
    path = _filled(w, unit, folder)
    block = b"\0" * (19 * MB // 10)
    with_members(path, add=[(f"xl/media/image{i}.emf", block) for i in range(250)])
    return _at(_file("many members past 400 MB in all", "file-too-large"), path)


def bomb_entries(w: World, unit: str, folder: Path) -> Case:
    path = _filled(w, unit, folder)
    with_members(path, add=[(f"customXml/item{i}.xml", b"") for i in range(12_000)])
    return _at(_file("12,000 members", "file-too-large", says="12"), path)


def lying_size(w: World, unit: str, folder: Path) -> Case:
    """The sheet declares 20 KB but inflates to 50 MB: readers stop at the declared size."""
    path = _filled(w, unit, folder)
    part = part_of(path, "填报")
    rewrite_zip(path, {part: lambda xml: b"".join(padded_sheet(xml, 48 * MB)())})
    path.write_bytes(lie_about_size(path.read_bytes(), part, 20_000))
    return _at(_file("member inflating past its declared size", "file-corrupt"), path)


def _shared_strings(path: Path, strings: bytes, *, prolog: bytes) -> None:
    """Give the workbook a sharedStrings part and point 填报!M9 at its first string."""
    sst = (
        prolog + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="1" uniqueCount="1"><si><t>' + strings + b"</t></si></sst>"
    )
    rel = (
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    rewrite_zip(
        path,
        {
            "xl/_rels/workbook.xml.rels": lambda b: b.replace(b"</Relationships>", rel),
            "[Content_Types].xml": lambda b: b.replace(b"</Types>", override),
        },
        add={"xl/sharedStrings.xml": sst},
    )
    edit_sheet(path, set_cell("M9", b'<c r="M9" s="6" t="s"><v>0</v></c>'))


def billion_laughs_shared_strings(w: World, unit: str, folder: Path) -> Case:
    path = _filled(w, unit, folder)
    _shared_strings(path, b"&lol9;", prolog=BILLION_LAUGHS)
    return _at(_file("billion laughs in sharedStrings.xml", "file-unsafe", says="实体"), path)


def billion_laughs_sheet(w: World, unit: str, folder: Path) -> Case:
    path = _filled(w, unit, folder)
    edit_sheet(path, lambda xml: BILLION_LAUGHS + set_cell("M9", text_cell("M9", b"&lol9;"))(xml))
    return _at(_file("billion laughs in the sheet XML", "file-unsafe"), path)


def external_entity(w: World, unit: str, folder: Path) -> Case:
    path = _filled(w, unit, folder)
    edit_sheet(path, lambda xml: XXE + set_cell("M9", text_cell("M9", b"&xxe;"))(xml))
    return _at(_file("external entity (file:///etc/passwd)", "file-unsafe"), path)


def unused_dtd(w: World, unit: str, folder: Path) -> Case:
    """A DTD nobody uses: harmless to calamine, but Excel never writes one and the guard's
    parser refuses every DTD (no entity can then be expanded by either reader)."""
    path = _filled(w, unit, folder)
    edit_sheet(
        path, lambda xml: b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY unused "x">]>' + xml
    )
    return _at(_file("unused DTD", "file-unsafe", says="DOCTYPE"), path)


def _named_member(name: str, label: str):  # type: ignore[no-untyped-def]
    def build(w: World, unit: str, folder: Path) -> Case:
        path = _filled(w, unit, folder)
        with_members(path, add=[(name, b"echo pwned")])
        return _at(_file(label, "file-unsafe", says="路径"), path)

    build.__name__ = label
    return build


def far_cell(ref: str, sheet: str = "填报"):  # type: ignore[no-untyped-def]
    """One value at *ref*: calamine would allocate the grid up to it (or abort the process)."""

    def build(w: World, unit: str, folder: Path) -> Case:
        path = _filled(w, unit, folder)
        row = "".join(ch for ch in ref if ch.isdigit()).encode()
        cell = text_cell(ref, b"x")
        edit_sheet(
            path,
            lambda xml: xml.replace(
                b"</sheetData>", b'<row r="' + row + b'">' + cell + b"</row></sheetData>"
            ),
            sheet=sheet,
        )
        return _at(
            Case(f"value at {sheet}!{ref}", path, [(sheet, ref, "file-too-large")], REJECTED), path
        )

    return build


def bad_char_reference(w: World, unit: str, folder: Path) -> Case:
    path = _filled(w, unit, folder)
    edit_sheet(path, set_cell("M9", text_cell("M9", b"a&#xD800;b")))
    return _at(_file("character reference to a surrogate", "file-corrupt"), path)


def invalid_utf8(w: World, unit: str, folder: Path) -> Case:
    path = _filled(w, unit, folder)
    edit_sheet(path, set_cell("M9", text_cell("M9", b"\xed\xa0\x80\xff\xfe")))
    return _at(_file("bytes that are not UTF-8", "file-corrupt"), path)


# --- identity -------------------------------------------------------------------------


def another_ledger(w: World, unit: str, folder: Path) -> Case:
    path = fill_return(w.foreign, folder / w.foreign.name, saved=SAVED)
    return _at(_file("another ledger's template", "ledger-mismatch"), path)


def named_as_other_unit(w: World, unit: str, folder: Path) -> Case:
    other = w.free[-1]  # a unit that has no case of its own
    path = fill_return(w.templates[unit], folder / _name(other), saved=SAVED)
    return _at(_file("named as another unit's return", "unit-mismatch"), path)


def meta_removed(w: World, unit: str, folder: Path) -> Case:
    path = fill_return(
        w.templates[unit], folder / _name(unit), edit=lambda wb, m: wb.remove(wb["_meta"])
    )
    # Read as a legacy return (its header maps): nothing differs from the master, so
    # nothing is proposed; the notice says it was read without template identity.
    case = Case(
        "_meta removed (legacy: header still matches)",
        path,
        [("", "", "legacy-return")],
        Verdict.APPLIED,
    )
    return case


def legacy_ledger(w: World, unit: str, folder: Path) -> Case:
    """The office's own older ledger form, filled in by the unit: no template identity."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "整改台账"
    ws.append(["××单位巡察反馈问题整改台账"])
    ws.append(["序号", "问题", "整改措施", "责任人", "整改状态", "整改进展", "完成时间"])
    ws.append([1, "学习不深入", "开展专题学习", "张伟", "已完成", "已完成", "2026年11月1日"])
    path = folder / f"{unit}整改台账（旧表）.xlsx"
    wb.save(path)
    # its header maps (序号, 问题, 整改措施 …): read as a legacy return; 序号 1 is no master 编号
    return Case(
        "legacy ledger (old form)",
        path,
        [("", "", "legacy-return"), ("整改台账", "A3", "id-unknown")],
        Verdict.PARTLY,
        legacy=True,
    )


def legacy_ledger_with_ids(w: World, unit: str, folder: Path) -> Case:
    """A legacy ledger whose header matches the master's (编号 and editable columns)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["编号", "责任单位", "整改状态", "整改进展", "完成时间", "佐证材料"])
    meta = w.meta(unit)
    for rid in meta.ids:
        ws.append([rid, unit, "正在整改", "按旧表报送的进展", None, None])
    path = folder / f"{unit}-旧台账.xlsx"
    wb.save(path)
    # differing values become proposals in 冲突 (not applied without --trust-legacy)
    return Case(
        "legacy ledger with the master's headers",
        path,
        [("", "", "legacy-return")],
        Verdict.PARTLY,
        legacy=True,
    )


def legacy_xls(w: World, unit: str, folder: Path) -> Case:
    path = folder / f"{unit}整改台账.xls"
    path.write_bytes(_ole_workbook("legacy"))
    return _at(_file("damaged legacy ledger as .xls", "file-corrupt", legacy=True), path)


def unrelated_workbook(w: World, unit: str, folder: Path) -> Case:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "本月积分"])
    ws.append(["张伟", 120])
    path = folder / _name(unit)
    wb.save(path)
    return _at(_file("an unrelated workbook", "meta-missing"), path)


def meta_tampered(w: World, unit: str, folder: Path) -> Case:
    def edit(wb: openpyxl.Workbook, meta) -> None:  # type: ignore[no-untyped-def]
        for row in wb["_meta"].iter_rows():
            if row[0].value == meta.ids[0]:
                row[2].value = "未启动"  # base:status, so a change would look unopposed

    path = fill_return(w.templates[unit], folder / _name(unit), edit=edit, saved=SAVED)
    return _at(_file("_meta edited (signature fails)", "meta-tampered"), path)


def _meta_value(key: str, value: str, label: str, code: str):  # type: ignore[no-untyped-def]
    def build(w: World, unit: str, folder: Path) -> Case:
        def edit(wb: openpyxl.Workbook, meta) -> None:  # type: ignore[no-untyped-def]
            for row in wb["_meta"].iter_rows():
                if row[0].value == key:
                    row[1].value = value

        path = fill_return(w.templates[unit], folder / _name(unit), edit=edit, saved=SAVED)
        return _at(_file(label, code), path)

    build.__name__ = label
    return build


def meta_of_another_unit(w: World, unit: str, folder: Path) -> Case:
    """The unit pasted another unit's hidden _meta into its file (and named it neutrally)."""
    donor = w.take()
    donor_meta = w.meta(donor)
    path = folder / f"报送-{unit[:3]}.xlsx"
    shutil.copy(w.templates[unit], path)
    donor_xml = dict((i.filename, d) for i, d in members(w.templates[donor]))
    donor_part = part_of(w.templates[donor], "_meta")
    rewrite_zip(path, {part_of(path, "_meta"): lambda _: donor_xml[donor_part]})
    meta = w.meta(unit)
    rows = range(meta.first_row, meta.first_row + len(meta.ids))
    problems = [("填报", f"A{r}", "row-added") for r in rows] + [
        ("填报", f"{r}:{r}", "row-deleted") for r in rows
    ]
    assert len(donor_meta.ids) == len(meta.ids)
    return Case("_meta copied from another unit's file", path, problems, Verdict.PARTLY)


def renamed_sheet(w: World, unit: str, folder: Path) -> Case:
    def edit(wb: openpyxl.Workbook, meta) -> None:  # type: ignore[no-untyped-def]
        wb["填报"].title = "Sheet1"

    path = fill_return(w.templates[unit], folder / _name(unit), edit=edit, saved=SAVED)
    return _at(_file("填报 sheet renamed", "sheet-missing"), path)


CASES = (
    zero_bytes,
    plain_text,
    truncated,
    encrypted,
    old_xls,
    wps_et,
    xlsb,
    ods,
    csv_export,
    html_xls,
    xml_2003,
    docx_renamed,
    png_renamed,
    zipped_return,
    bomb_in_sheet_xml,
    bomb_in_workbook_xml,
    bomb_ratio,
    bomb_total,
    bomb_entries,
    lying_size,
    billion_laughs_shared_strings,
    billion_laughs_sheet,
    external_entity,
    unused_dtd,
    _named_member("../../evil.sh", "member named ../../evil.sh"),
    _named_member("/etc/cron.d/evil", "member with an absolute path"),
    _named_member("xl\\..\\..\\evil.bat", "member with a backslash path"),
    far_cell("P1048576"),
    far_cell("XFD1048576"),
    far_cell("XFD1048576", sheet="_meta"),
    bad_char_reference,
    invalid_utf8,
    another_ledger,
    named_as_other_unit,
    meta_removed,
    legacy_ledger,
    legacy_ledger_with_ids,
    legacy_xls,
    unrelated_workbook,
    meta_tampered,
    _meta_value("kind", "something-else", "_meta of another kind", "meta-invalid"),
    _meta_value("meta_version", "99", "_meta from a newer version", "meta-invalid"),
    meta_of_another_unit,
    renamed_sheet,
)
