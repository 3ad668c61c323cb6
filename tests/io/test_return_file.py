"""Reading returned files: scan, hash, save time, formula and error cells."""

from __future__ import annotations

import os
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest

from tests.support.office import convert
from tests.support.returns_kit import rewrite, set_saved
from zhenggai.io.return_file import read_return, scan_returns


def _book(path, cells):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填报"
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


def test_scan_ignores_owner_files_hidden_files_and_non_workbooks(tmp_path):
    for name in (
        "a.xlsx",
        "sub/b.XLSM",
        "c.xls",
        "~$a.xlsx",
        ".~lock.a.xlsx#",
        "d.pdf",
        ".hidden/e.xlsx",
        "f.csv",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    scan = scan_returns(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in scan.files] == [
        "a.xlsx",
        "c.xls",
        "f.csv",  # a unit that returns a CSV is told so, not skipped
        "sub/b.XLSM",
    ]
    assert len(scan.ignored) == 4


def test_save_time_from_document_properties_else_mtime(tmp_path):
    path = _book(tmp_path / "a.xlsx", {"A1": "x"})
    set_saved(path, datetime(2026, 11, 3, 9, 30))
    ret = read_return(path, root=tmp_path)
    assert ret.name == "a.xlsx" and len(ret.sha256) == 64
    assert ret.saved == datetime(2026, 11, 3, 9, 30).astimezone(UTC)
    rewrite(path, {"docProps/core.xml": lambda xml: xml.replace(b"dcterms:modified", b"dcterms:x")})
    os.utime(path, (1_700_000_000, 1_700_000_000))
    assert read_return(path).saved == datetime.fromtimestamp(1_700_000_000, UTC)


def test_formulas_and_errors_are_found_in_the_sheet_xml(tmp_path):
    path = _book(
        tmp_path / "f.xlsx",
        {"B2": "=SUM(1,2)", "C3": "=cmd|' /C calc'!A0", "D4": "#REF!", "E5": "plain <f> text"},
    )
    marks = read_return(path).marks("填报")
    formulas, errors = marks.formulas, marks.errors
    assert formulas == {(2, 2): "=SUM(1,2)", (3, 3): "=cmd|' /C calc'!A0"}
    assert errors == {(4, 4)}
    # other writers use a namespace prefix and shared formulas
    rewrite(
        path,
        {
            "xl/worksheets/sheet1.xml": lambda xml: (
                xml.replace(b'<c r="B2"', b'<x:c r="B2"')
                .replace(b"<f>SUM(1,2)</f><v></v></c>", b'<x:f t="shared" si="0"/><v>3</v></x:c>')
                .replace(
                    b"<worksheet ",
                    b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
                )
            )
        },
    )
    formulas = read_return(path).marks("填报").formulas
    assert formulas[(2, 2)] == ""  # a shared formula's follower: no text of its own
    assert formulas[(3, 3)] == "=cmd|' /C calc'!A0"


def test_unreadable_file_becomes_a_problem_not_an_exception(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 broken")
    ret = read_return(path)
    assert ret.book is None and [p.code for p in ret.problems] == ["file-corrupt"]


def test_formula_text_with_chinese_is_read_as_written(tmp_path):
    # openpyxl writes the formula's "详见" as "&#35814;&#35265;" in the sheet XML
    path = _book(tmp_path / "f.xlsx", {"B2": '=HYPERLINK("http://example.com/x","详见")'})
    formulas = read_return(path).marks("填报").formulas
    assert formulas == {(2, 2): '=HYPERLINK("http://example.com/x","详见")'}


def _far_ods(path, rows, cols):
    """An .ods whose one value sits rows x cols away (repeated empty rows and cells: tiny file)."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body>'
        '<office:spreadsheet><table:table table:name="填报">'
        f"<table:table-row>{cell.format('编号')}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="{cols}"/>'
        f"{cell.format('远处')}</table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
    return path


def test_an_ods_reaching_far_is_refused_before_calamine_lays_it_out(tmp_path):
    # calamine expands every sheet of an .ods as it opens it: this one would take ~30 GB
    ret = read_return(_far_ods(tmp_path / "远.ods", 1_048_000, 16_000))
    assert ret.book is None
    [problem] = ret.problems
    assert (problem.code, problem.cell) == ("file-too-large", "WQK1048002")
    assert "远超实际内容" in problem.message
    near = read_return(_far_ods(tmp_path / "近.ods", 10, 5))
    assert near.problems == [] and near.fmt == "ods"
    assert near.book is not None and near.book.grid("填报")[-1][-1] == "远处"


@pytest.mark.libreoffice
def test_an_xls_reaching_far_is_refused_before_calamine_lays_it_out(tmp_path):
    source = _book(tmp_path / "远.xlsx", {"A1": "编号", "IV65536": "远处"})
    convert([source], "xls:MS Excel 97", tmp_path / "out", profile=tmp_path / "profile")
    ret = read_return(tmp_path / "out" / "远.xls")
    assert ret.book is None
    [problem] = ret.problems
    assert (problem.code, problem.cell) == ("file-too-large", "IV65536")
