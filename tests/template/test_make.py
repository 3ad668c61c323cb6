"""Unit templates: only the unit's rows, locked and editable cells, validation, signed _meta."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from tests.support.office import SOFFICE, convert
from zhenggai import read_ledger
from zhenggai.cli import main
from zhenggai.io.calamine import open_book
from zhenggai.template.make import make_templates
from zhenggai.template.meta import changed_locked_cells, meta_signature_ok, parse_meta
from zhenggai.template.names import TEMPLATE_SHEET, template_name

NOW = datetime(2026, 11, 28, 10, 30)


def _row(rid, unit, **values):
    base = {
        "id": rid,
        "category": "某方面",
        "problem": f"问题{rid}",
        "measure": f"措施{rid}",
        "unit": unit,
        "deadline": "2026年底前",
        "status": "正在整改",
    }
    return base | values


def test_demo_templates_hold_only_each_units_rows(demo_master):
    ledger = read_ledger(demo_master)
    result = make_templates(ledger, now=NOW)
    assert result.batch == "2026年11月"
    assert result.folder == demo_master.parent / "下发" / "2026年11月"
    assert not result.problems and not result.no_rows
    assert [t.unit for t in result.issued] == [u.name for u in ledger.units]
    fields = ledger.spec.template_fields
    for t in result.issued:
        assert t.path.name == f"{t.unit}-整改进展填报-2026年11月.xlsx"
        book = open_book(t.path)
        assert book.sheet_names == [TEMPLATE_SHEET, "_meta"]
        assert book.visibility("_meta") == "veryhidden"
        meta = parse_meta(book.grid("_meta"))
        grid = book.grid(TEMPLATE_SHEET)
        assert grid[meta.header_row - 1][: len(fields)] == [f.name for f in fields]
        want = [r for r in ledger.table if r.text("unit") == t.unit]
        data = grid[meta.header_row :]
        assert [row[0] for row in data] == [r.text("id") for r in want] == list(meta.ids)
        assert {row[fields.index(ledger.spec.field("unit"))] for row in data} == {t.unit}
        assert (meta.unit, meta.batch, meta.issued) == (t.unit, "2026年11月", NOW)
        assert meta.ledger_id == ledger.meta.ledger_id
        assert meta.spec_version == ledger.spec.version
        assert t.rows == len(want)


def test_editable_cells_are_unlocked_and_the_rest_protected_and_grey(demo_master):
    ledger = read_ledger(demo_master)
    t = make_templates(ledger, now=NOW, units=["办公室"]).issued[0]
    meta = parse_meta(open_book(t.path).grid("_meta"))
    ws = openpyxl.load_workbook(t.path)[TEMPLATE_SHEET]
    assert ws.protection.sheet and ws.protection.password is None
    fields = ledger.spec.template_fields
    for r in range(meta.first_row, meta.first_row + len(meta.ids)):
        for c, f in enumerate(fields, start=1):
            cell = ws.cell(r, c)
            assert cell.protection.locked == f.locked, (cell.coordinate, f.key)
            assert cell.fill.fgColor.rgb.endswith("F2F2F2") == f.locked
    assert ws.cell(meta.header_row, 1).protection.locked  # header and instructions locked
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == f"${meta.header_row}:${meta.header_row}"
    assert "填报说明" in ws["A2"].value
    text = "\n".join(ws.cell(r, 1).value or "" for r in range(2, meta.header_row))
    assert "12月5日前" in text and "陈静" in text and "0471-6600000" in text


def test_validation_on_status_dates_and_text_length(demo_master):
    ledger = read_ledger(demo_master)
    t = make_templates(ledger, now=NOW, units=["机关党委"]).issued[0]
    meta = parse_meta(open_book(t.path).grid("_meta"))
    ws = openpyxl.load_workbook(t.path)[TEMPLATE_SHEET]
    first, last = meta.first_row, meta.first_row + len(meta.ids) - 1

    def col(key):
        return openpyxl.utils.get_column_letter(meta.column(key))

    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    status = by_range[f"{col('status')}{first}:{col('status')}{last}"]
    assert status.type == "list" and status.formula1 == '"未启动,正在整改,已完成,长期坚持"'
    done = by_range[f"{col('done_date')}{first}:{col('done_date')}{last}"]
    assert done.type == "date"
    for key in ("progress", "evidence", "remark", "person"):
        dv = by_range[f"{col(key)}{first}:{col(key)}{last}"]
        assert (dv.type, dv.operator, dv.formula1) == ("textLength", "lessThanOrEqual", "2000")
    locked_cols = {col(k) for k in meta.locked}
    assert not any(str(dv.sqref)[0] in locked_cols for dv in by_range.values())


def test_meta_holds_base_values_and_never_the_key(demo_master):
    ledger = read_ledger(demo_master)
    t = make_templates(ledger, now=NOW, units=["办公室"]).issued[0]
    meta = parse_meta(open_book(t.path).grid("_meta"))
    assert meta.editable == ("person", "status", "progress", "done_date", "evidence", "remark")
    first = ledger.table.by_id()["1"]
    assert meta.base["1"]["status"] == "已完成"
    assert meta.base["1"]["done_date"] == "2026-03-12"
    assert meta.base["1"]["progress"] == first.text("progress")
    assert meta.base["3-2"]["progress"] == ""
    key = ledger.meta.hmac_key
    with zipfile.ZipFile(t.path) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist())
    assert key.encode() not in blob and key.upper().encode() not in blob


def _locked_values(book, meta):
    grid = book.grid(meta.sheet)
    from zhenggai.core.text import canonical

    out = {}
    for i, rid in enumerate(meta.ids):
        row = grid[meta.header_row + i]
        out[rid] = [canonical(row[meta.column(k) - 1]) for k in meta.locked]
    return out


def test_editing_a_locked_cell_with_protection_stripped_is_detected(demo_master, tmp_path):
    ledger = read_ledger(demo_master)
    key = ledger.meta.hmac_key
    t = make_templates(ledger, now=NOW, units=["办公室"]).issued[0]
    book = open_book(t.path)
    meta = parse_meta(book.grid("_meta"))
    assert meta_signature_ok(key, meta)
    assert changed_locked_cells(key, meta, _locked_values(book, meta)) == []

    tampered = tmp_path / "tampered.xlsx"
    wb = openpyxl.load_workbook(t.path)
    ws = wb[TEMPLATE_SHEET]
    ws.protection.sheet = False
    ws.cell(meta.first_row + 1, meta.column("deadline"), "2030年底前")
    wb.save(tampered)
    book = open_book(tampered)
    meta2 = parse_meta(book.grid("_meta"))
    assert meta_signature_ok(key, meta2)  # _meta untouched
    assert changed_locked_cells(key, meta2, _locked_values(book, meta2)) == [("3-2", "deadline")]
    # the same key from another master does not verify
    other = "11" * 32
    assert not meta_signature_ok(other, meta2)


def test_rewriting_meta_without_the_key_is_detected(demo_master, tmp_path):
    ledger = read_ledger(demo_master)
    key = ledger.meta.hmac_key
    t = make_templates(ledger, now=NOW, units=["办公室"]).issued[0]
    meta = parse_meta(open_book(t.path).grid("_meta"))
    for what in ("base", "tag", "unit", "junk"):
        wb = openpyxl.load_workbook(t.path)
        ws, mws = wb[TEMPLATE_SHEET], wb["_meta"]
        rows = {mws.cell(r, 1).value: r for r in range(1, mws.max_row + 1)}
        header = [c.value for c in mws[rows["[rows]"]]]
        if what == "base":  # make the master's value look like the unit's old one
            mws.cell(rows["1"], header.index("base:status") + 1, "正在整改")
        elif what == "tag":  # change a locked cell and copy another row's tag over it
            ws.cell(meta.first_row, meta.column("deadline"), "长期坚持")
            src = mws.cell(rows["3-2"], header.index("tag:deadline") + 1).value
            mws.cell(rows["1"], header.index("tag:deadline") + 1, src)
        elif what == "unit":
            mws.cell(rows["unit"], 2, "机关党委")
        else:
            mws.cell(1, 5, "随手写的")
        path = tmp_path / f"{what}.xlsx"
        wb.save(path)
        book = open_book(path)
        assert not meta_signature_ok(key, parse_meta(book.grid("_meta"))), what


def test_unit_without_rows_gets_no_file_and_unknown_unit_is_a_problem(make_master, tmp_path):
    master = make_master(
        rows=[
            _row("1", "办公室", done_date=date(2026, 1, 5)),
            _row("2", "不存在的科"),
            _row("3", "不存在的科"),
            _row("4", "人事科", closed="是"),
        ]
    )
    wb = openpyxl.load_workbook(master)
    for r, (code, name) in enumerate([("01", "办公室"), ("02", "人事科")], start=2):
        wb["单位"].cell(r, 1, code)
        wb["单位"].cell(r, 2, name)
    wb.save(master)
    result = make_templates(read_ledger(master), now=NOW, out=tmp_path / "out")
    assert [t.unit for t in result.issued] == ["办公室"]
    assert result.no_rows == ["人事科"]  # its only row is closed (已销号)
    assert [(p.as_tuple(), p.value) for p in result.problems] == [
        (("台账", "H3", "unit-unknown"), "不存在的科")
    ]
    assert "不存在的科" in result.problems[0].message
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        template_name("办公室", "2026年11月")
    ]


def test_rows_without_a_unit_or_naming_several_are_problems_not_silence(make_master, tmp_path):
    master = make_master(
        rows=[_row("1", "办公室"), _row("2", None), _row("3", None), _row("4", "办公室、人事科")]
    )
    wb = openpyxl.load_workbook(master)
    for r, (code, name) in enumerate([("01", "办公室"), ("02", "人事科")], start=2):
        wb["单位"].cell(r, 1, code)
        wb["单位"].cell(r, 2, name)
    wb.save(master)
    result = make_templates(read_ledger(master), now=NOW, out=tmp_path / "out")
    assert [t.unit for t in result.issued] == ["办公室"]
    assert [p.as_tuple() for p in result.problems] == [
        ("台账", "H5", "unit-unknown"),
        ("台账", "H3", "required-missing"),
    ]
    assert "--split-by 责任单位" in result.problems[0].message
    assert result.problems[1].message.startswith("2 行的责任单位为空（如编号“2”）")


def test_repeated_and_missing_ids_are_left_out_with_a_problem(make_master):
    master = make_master(rows=[_row("1", "办公室"), _row("1", "办公室"), _row("2", "办公室")])
    wb = openpyxl.load_workbook(master)
    wb["单位"].append(["01", "办公室"])
    wb.save(master)
    result = make_templates(read_ledger(master), now=NOW)
    assert [p.as_tuple() for p in result.problems] == [
        ("台账", "A2", "id-duplicate"),
        ("台账", "A3", "id-duplicate"),
    ]
    meta = parse_meta(open_book(result.issued[0].path).grid("_meta"))
    assert meta.ids == ("2",)


def test_password_from_settings(demo_master):
    wb = openpyxl.load_workbook(demo_master)
    ws = wb["设置"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "模板保护密码")
    ws.cell(row, 2, "zg2026")
    wb.save(demo_master)
    t = make_templates(read_ledger(demo_master), now=NOW, units=["人事科"]).issued[0]
    tw = openpyxl.load_workbook(t.path)
    assert tw[TEMPLATE_SHEET].protection.password  # stored as Excel's hash
    assert tw.security.lockStructure


def test_cli_records_the_issue_once_per_unit_and_batch(demo_master, capsys):
    day = ["--today", "2026-11-28"]  # the demo's 报送截止 (12月5日前) is in time then
    assert main(["templates", str(demo_master), "--batch", "2026年11月", *day]) == 0
    assert (
        main(["templates", str(demo_master), "--batch", "2026年11月", "--unit", "办公室", *day])
        == 0
    )
    # "12月5日前" for the December batch is 2026-12-05: in time on 11-28 as well
    assert (
        main(["templates", str(demo_master), "--batch", "2026年12月", "--unit", "人事科", *day])
        == 0
    )
    text = capsys.readouterr().out
    assert "办公室-整改进展填报-2026年11月.xlsx" in text and "台账已更新" in text
    grid = open_book(demo_master).grid("回收情况")
    assert grid[0][:4] == ["批次", "单位名称", "下发时间", "下发文件"]
    keys = [(r[0], r[1]) for r in grid[1:]]
    assert len(keys) == len(set(keys)) == 7
    office = next(r for r in grid[1:] if r[:2] == ["2026年11月", "办公室"])
    assert office[3] == "办公室-整改进展填报-2026年11月.xlsx"
    assert isinstance(office[2], datetime)
    folder = demo_master.parent / "下发"
    assert len(list((folder / "2026年11月").glob("*.xlsx"))) == 6
    assert [p.name for p in (folder / "2026年12月").iterdir()] == [
        "人事科-整改进展填报-2026年12月.xlsx"
    ]


def test_cli_lists_units_without_rows_and_problems(demo_master, capsys):
    code = main(["templates", str(demo_master), "--unit", "办公室", "--unit", "无此单位"])
    assert code == 1
    text = capsys.readouterr().out
    assert "无此单位" in text and "unit-unknown" in text


@pytest.mark.libreoffice
@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) 未安装：无法验证模板能被真实表格软件打开"
)
def test_libreoffice_opens_every_demo_template(demo_master, tmp_path):
    result = make_templates(read_ledger(demo_master), now=NOW)
    outdir = tmp_path / "pdf"
    convert([t.path for t in result.issued], "pdf", outdir, profile=tmp_path / "lo-profile")
    for t in result.issued:
        pdf = outdir / t.path.with_suffix(".pdf").name
        assert pdf.is_file() and pdf.stat().st_size > 1000, pdf
        assert pdf.read_bytes().startswith(b"%PDF")


def test_template_survives_a_resave_by_openpyxl(demo_master, tmp_path):
    """A unit's spreadsheet program rewrites the file; the signature still holds."""
    ledger = read_ledger(demo_master)
    t = make_templates(ledger, now=NOW, units=["网络安全科"]).issued[0]
    resaved = tmp_path / "resaved.xlsx"
    openpyxl.load_workbook(t.path).save(resaved)
    book = open_book(resaved)
    meta = parse_meta(book.grid("_meta"))
    assert meta_signature_ok(ledger.meta.hmac_key, meta)
    assert changed_locked_cells(ledger.meta.hmac_key, meta, _locked_values(book, meta)) == []


def test_default_folder_follows_settings(make_master, tmp_path: Path):
    master = make_master(rows=[_row("1", "办公室")])
    wb = openpyxl.load_workbook(master)
    wb["单位"].append(["01", "办公室"])
    ws = wb["设置"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "下发文件夹")
    ws.cell(row, 2, "发出")
    wb.save(master)
    result = make_templates(read_ledger(master), now=datetime(2027, 1, 3), batch=None)
    assert result.issued[0].path == master.parent / "发出" / "2027年1月" / template_name(
        "办公室", "2027年1月"
    )


def test_a_template_open_in_excel_is_not_issued_and_the_others_are(demo_master):
    from tests.support.blocked import held_open
    from zhenggai.core.problems import Code
    from zhenggai.core.sheets import RETURNS
    from zhenggai.io.master import update_master

    ledger = read_ledger(demo_master)
    units = [u.name for u in ledger.units]
    held = demo_master.parent / "下发" / "2026年11月" / template_name(units[1], "2026年11月")
    held.parent.mkdir(parents=True)
    held.write_bytes(b"last issue, open in Excel")
    with held_open(held, "王芳"):
        result, _ = update_master(
            demo_master, op="下发", plan=lambda ledger: make_templates(ledger, now=NOW)
        )
    assert [t.unit for t in result.issued] == units[:1] + units[2:]
    [problem] = result.problems
    assert problem.code is Code.FILE_NOT_WRITTEN and problem.value == units[1]
    assert problem.message.startswith(f"{units[1]}的模板未生成，“回收情况”未登记该单位的下发：")
    assert "正被 王芳 在 Excel/WPS/Word 中打开" in problem.message
    assert f"--unit {units[1]}" in problem.message
    assert held.read_bytes() == b"last issue, open in Excel"
    logged = [row[1] for row in open_book(demo_master).grid(RETURNS.name)[1:]]
    assert logged == units[:1] + units[2:]


def test_a_return_deadline_already_past_at_issue_is_a_problem(demo_master, capsys):
    """The demo's 报送截止 "12月5日前" is read for the batch: on 12-06 it has passed."""
    assert (
        main(["templates", str(demo_master), "--batch", "2026年11月", "--today", "2026-12-06"]) == 1
    )
    out = capsys.readouterr().out
    assert "return-deadline-passed" in out and "2026年12月5日" in out
    ledger = read_ledger(demo_master)
    result = make_templates(ledger, batch="2026年11月", now=datetime(2026, 12, 6, 9))
    [problem] = result.problems
    assert (problem.sheet, problem.value) == ("设置", "12月5日前")
    assert ledger.grid("设置")[int(problem.cell[1:]) - 1][0] == "报送截止"
    assert make_templates(ledger, batch="2026年12月", now=datetime(2026, 12, 1, 9)).problems == []
