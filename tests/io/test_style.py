"""Values written into workbooks: formulas stay text, unwritable characters stay visible."""

from __future__ import annotations

import openpyxl

from zhenggai.io.calamine import open_book
from zhenggai.io.style import write_value


def test_control_characters_and_lone_surrogates_are_written_as_visible_symbols(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    write_value(ws["A1"], "已提醒\x07两次\x00")
    write_value(ws["A2"], "表情\ud83d")
    write_value(ws["A3"], "第一行\n第二行\t制表")
    wb.save(tmp_path / "x.xlsx")  # openpyxl refuses the raw characters
    grid = open_book(tmp_path / "x.xlsx").grid("Sheet")
    assert [row[0] for row in grid] == ["已提醒␇两次␀", "表情\ufffd", "第一行\n第二行\t制表"]


def test_formula_like_text_is_stored_as_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    write_value(ws["A1"], "=cmd|' /C calc'!A0")
    assert ws["A1"].data_type == "s" and ws["A1"].quotePrefix


def test_a_number_written_over_a_date_format_reads_back_as_a_number(tmp_path):
    from datetime import date

    wb = openpyxl.Workbook()
    ws = wb.active
    write_value(ws["A1"], date(2026, 1, 31))
    write_value(ws["A1"], 3)  # a date column overwritten with a number (seen by hypothesis)
    write_value(ws["A2"], date(2026, 2, 1))
    wb.save(tmp_path / "x.xlsx")
    grid = open_book(tmp_path / "x.xlsx").grid("Sheet")
    assert [row[0] for row in grid] == [3, date(2026, 2, 1)]
