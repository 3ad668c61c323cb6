"""XML entity expansion: openpyxl parses through defusedxml, calamine never expands entities.

openpyxl only ever opens the office's own master, calamine reads every
returned file; both are shown safe on a billion-laughs workbook and an
external entity pointing at /etc/passwd.
"""

from __future__ import annotations

import io
from pathlib import Path

import defusedxml
import defusedxml.ElementTree
import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
import pytest
import python_calamine

from tests.hostile.craft import BILLION_LAUGHS, XXE, edit_sheet, set_cell, text_cell
from zhenggai.core.errors import WorkbookError
from zhenggai.io.master import OpenpyxlMaster
from zhenggai.io.return_file import read_return


def _book(tmp_path: Path, prolog: bytes, text: bytes) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "填报"
    ws["A1"] = "编号"
    ws["B1"] = "placeholder"
    path = tmp_path / "bomb.xlsx"
    wb.save(path)
    edit_sheet(path, lambda xml: prolog + set_cell("B1", text_cell("B1", text, style=0))(xml))
    return path


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True  # defusedxml is a runtime dependency
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse


@pytest.mark.parametrize(("prolog", "text"), [(BILLION_LAUGHS, b"&lol9;"), (XXE, b"&xxe;")])
def test_openpyxl_refuses_entities(tmp_path, prolog, text):
    path = _book(tmp_path, prolog, text)
    with pytest.raises(ValueError) as info:
        openpyxl.load_workbook(path)
    assert isinstance(info.value.__cause__, defusedxml.EntitiesForbidden)
    # as the master: the command stops with a WorkbookError, nothing is expanded
    with OpenpyxlMaster.open(path, op="测试") as master, pytest.raises(WorkbookError):
        master.workbook  # noqa: B018 - loading is the point


@pytest.mark.parametrize(("prolog", "text"), [(BILLION_LAUGHS, b"&lol9;"), (XXE, b"&xxe;")])
def test_calamine_does_not_expand_entities(tmp_path, prolog, text):
    path = _book(tmp_path, prolog, text)
    with pytest.raises(python_calamine.CalamineError, match="entity"):
        python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("填报").to_python()
    ret = read_return(path)
    with pytest.raises(WorkbookError) as info:
        ret.book.grid("填报")
    assert info.value.code == "file-unsafe" and "实体" in str(info.value)
    assert "root:" not in str(info.value)


def test_a_dtd_that_is_not_used_is_harmless_to_calamine(tmp_path):
    path = _book(tmp_path, b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x "y">]>', b"plain")
    grid = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    assert grid.get_sheet_by_name("填报").to_python() == [["编号", "plain"]]
