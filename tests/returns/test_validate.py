"""Every bad returned file gives a clear problem at its cell and never stops the run."""

from __future__ import annotations

import io
import shutil
from datetime import date

import msoffcrypto.format.ooxml
import pytest

from tests.support.office import SOFFICE, XLSX, convert
from tests.support.returns_kit import NOW, fill, issue, rewrite, unprotect
from xl_addin.build.cfb import Storage, write_storage
from zhenggai import read_ledger
from zhenggai.cli import main
from zhenggai.demo.ledger import create_demo_master
from zhenggai.returns.consolidate import Verdict, check_file, consolidate

# The demo's 办公室 template: header on row 8; rows 9, 10, 11 hold 编号 1, 3-2, 7-2.
# Columns: A 编号 … E 整改措施 … K 责任人, L 整改状态, M 整改进展, N 完成时间, O 佐证材料, P 备注.


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A demo master with templates issued to every unit, and another ledger's template."""
    root = tmp_path_factory.mktemp("world")
    master = create_demo_master(root / "台账.xlsx")
    templates = issue(master)
    other = create_demo_master(root / "other" / "别的台账.xlsx")
    other_templates = issue(other)
    return master, templates, other_templates["办公室"]


def _office(world, tmp_path, name="办公室-整改进展填报-2026年11月.xlsx", **kw):
    _, templates, _ = world
    return fill(templates["办公室"], tmp_path / "回收" / name, **kw)


def _bytes(data):
    def build(world, tmp_path):
        path = tmp_path / "回收" / "办公室-整改进展填报-2026年11月.xlsx"
        path.parent.mkdir(parents=True)
        path.write_bytes(data(world) if callable(data) else data)
        return path

    return build


def _encrypted(world):
    _, templates, _ = world
    out = io.BytesIO()
    with templates["办公室"].open("rb") as fh:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("密码123", out)
    return out.getvalue()


def _truncated(world):
    _, templates, _ = world
    data = templates["办公室"].read_bytes()
    return data[: len(data) // 2]


def _xls(world):
    return write_storage(Storage({"Workbook": b"\x09\x08" + bytes(510)}))


def _xlsm(world, tmp_path):
    path = _office(world, tmp_path, values={("7-2", "progress"): "已提醒两次"})
    path = path.rename(path.with_suffix(".xlsm"))
    rewrite(path, {}, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"})
    return path


def _other_ledger(world, tmp_path):
    _, _, other = world
    return fill(other, tmp_path / "回收" / "办公室-整改进展填报-2026年11月.xlsx")


def _named_as_other_unit(world, tmp_path):
    return _office(world, tmp_path, name="人事科-整改进展填报-2026年11月.xlsx")


def _meta_removed(world, tmp_path):
    def edit(wb, meta):
        del wb["_meta"]

    return _office(world, tmp_path, edit=edit)


def _meta_tampered(world, tmp_path):
    def edit(wb, meta):
        ws = wb["_meta"]
        for row in ws.iter_rows():
            if row[0].value == "1":
                row[2].value = "未启动"  # base:status, to make the unit's change look unopposed

    return _office(world, tmp_path, edit=edit)


def _locked_changed(world, tmp_path):
    return _office(
        world, tmp_path, edit=lambda wb, meta: unprotect(wb, meta).cell(10, 5, "改写的措施")
    )


def _header_renamed(world, tmp_path):
    return _office(
        world, tmp_path, edit=lambda wb, meta: unprotect(wb, meta).cell(8, 13, "进展情况")
    )


def _column_inserted(world, tmp_path):
    def edit(wb, meta):
        ws = unprotect(wb, meta)
        ws.insert_cols(13)
        ws.cell(8, 13, "本月亮点")
        ws.cell(9, 13, "开展专题学习")

    return _office(world, tmp_path, edit=edit)


def _row_deleted(world, tmp_path):
    return _office(world, tmp_path, edit=lambda wb, meta: unprotect(wb, meta).delete_rows(10))


def _row_added(world, tmp_path):
    def edit(wb, meta):
        ws = unprotect(wb, meta)
        ws.insert_rows(11)
        ws.cell(11, 13, "新增一项工作")

    return _office(world, tmp_path, edit=edit)


def _id_duplicate(world, tmp_path):
    return _office(world, tmp_path, edit=lambda wb, meta: unprotect(wb, meta).cell(11, 1, "3-2"))


def _merged(world, tmp_path):
    return _office(world, tmp_path, edit=lambda wb, meta: unprotect(wb, meta).merge_cells("M9:M10"))


CASES = {
    "zero bytes": (_bytes(b""), [("", "", "file-empty")], Verdict.REJECTED),
    "not a zip": (_bytes(b"just some text"), [("", "", "file-not-workbook")], Verdict.REJECTED),
    "truncated zip": (_bytes(_truncated), [("", "", "file-corrupt")], Verdict.REJECTED),
    "encrypted": (_bytes(_encrypted), [("", "", "file-encrypted")], Verdict.REJECTED),
    "damaged xls": (_bytes(_xls), [("", "", "file-corrupt")], Verdict.REJECTED),
    "xlsm with macros": (_xlsm, [("", "", "macros-ignored")], Verdict.APPLIED),
    "another ledger": (_other_ledger, [("", "", "ledger-mismatch")], Verdict.REJECTED),
    "named as another unit": (_named_as_other_unit, [("", "", "unit-mismatch")], Verdict.REJECTED),
    # no _meta, but the header maps: read by 编号 as a legacy return (nothing differs here)
    "_meta removed": (_meta_removed, [("", "", "legacy-return")], Verdict.APPLIED),
    "hmac mismatch": (_meta_tampered, [("", "", "meta-tampered")], Verdict.REJECTED),
    "locked cell changed": (_locked_changed, [("填报", "E10", "locked-changed")], Verdict.PARTLY),
    "header renamed": (_header_renamed, [("填报", "M8", "header-renamed")], Verdict.PARTLY),
    "column inserted": (_column_inserted, [("填报", "M8", "column-inserted")], Verdict.PARTLY),
    "row deleted": (_row_deleted, [("填报", "10:10", "row-deleted")], Verdict.PARTLY),
    "row added": (_row_added, [("填报", "A11", "row-added")], Verdict.PARTLY),
    "duplicated id": (
        _id_duplicate,
        [("填报", "A11", "id-duplicate"), ("填报", "11:11", "row-deleted")],
        Verdict.PARTLY,
    ),
    "merged editable cells": (_merged, [("填报", "M9:M10", "merged-cells")], Verdict.PARTLY),
}


def _value_case(values, expected, verdict=Verdict.PARTLY):
    return (lambda world, tmp_path: _office(world, tmp_path, values=values), expected, verdict)


CASES |= {
    "text date": _value_case(
        {("7-2", "done_date"): "2026年11月1日"}, [("填报", "N11", "date-invalid")]
    ),
    "status outside vocabulary": _value_case(
        {("7-2", "status"): "基本完成"}, [("填报", "L11", "status-invalid")]
    ),
    "formula": _value_case(
        {("7-2", "progress"): "=K11&L11"}, [("填报", "M11", "formula-as-text")], Verdict.APPLIED
    ),
    "dde formula": _value_case(
        {("7-2", "progress"): "=cmd|' /C calc'!A0"},
        [("填报", "M11", "formula-as-text")],
        Verdict.APPLIED,
    ),
    "1 MB of text": _value_case(
        {("7-2", "progress"): "进展" * 500_000}, [("填报", "M11", "text-too-long")]
    ),
    "done without date and evidence": _value_case(
        {("7-2", "status"): "已完成"},
        [("填报", "N11", "done-needs-date"), ("填报", "O11", "done-needs-evidence")],
    ),
    "done in the future": _value_case(
        {("1", "done_date"): date(2027, 1, 5)}, [("填报", "N9", "date-future")]
    ),
    "control characters": _value_case(
        {("7-2", "progress"): "已提醒_x0007_两次"}, [("填报", "M11", "text-control-chars")]
    ),
    "error value": _value_case({("7-2", "progress"): "#N/A"}, [("填报", "M11", "cell-error")]),
}


def _good_other_unit(world, tmp_path):
    _, templates, _ = world
    return fill(
        templates["人事科"],
        tmp_path / "回收" / "好" / "人事科-整改进展填报-2026年11月.xlsx",
        {("4", "progress"): "已在述职报告中单列意识形态工作"},
    )


@pytest.mark.parametrize("name", list(CASES))
def test_bad_file_gives_its_problem_and_the_good_file_still_applies(world, tmp_path, name):
    master, _, _ = world
    build, expected, verdict = CASES[name]
    bad = build(world, tmp_path)
    good = _good_other_unit(world, tmp_path)
    ledger = read_ledger(master)
    result = consolidate(ledger, [bad, good], root=tmp_path / "回收", now=NOW)
    by_file = {f.path: f for f in result.files}
    got = by_file[bad]
    assert sorted(p.as_tuple() for p in got.problems) == sorted(expected)
    assert got.verdict is verdict
    assert all(p.message and p.file == got.file for p in got.problems)
    assert by_file[good].verdict is Verdict.APPLIED and len(by_file[good].changes) == 1
    # the master changes only where the good file or the clean parts of the bad one say so
    edited = {(e.sheet, e.row) for e in result.changes.edits if e.sheet == "台账"}
    rows = {r.text("id"): r.number for r in ledger.table}
    allowed = {("台账", rows["4"])} | {("台账", rows[c.id]) for c in got.changes}
    assert edited <= allowed
    if verdict is Verdict.REJECTED:
        assert not got.changes


def test_formula_and_dde_are_stored_as_text_never_evaluated(world, tmp_path):
    master, _, _ = world
    path = CASES["dde formula"][0](world, tmp_path)
    result = consolidate(read_ledger(master), [path], root=tmp_path / "回收", now=NOW)
    [change] = result.files[0].changes
    assert change.new == "=cmd|' /C calc'!A0" and change.key == "progress"


def test_locked_change_keeps_the_whole_row_out(world, tmp_path):
    master, _, _ = world
    path = _office(
        world,
        tmp_path,
        values={("3-2", "progress"): "新进展", ("7-2", "progress"): "另一行的新进展"},
        edit=lambda wb, meta: unprotect(wb, meta).cell(10, 10, "2030年底前"),
    )
    result = consolidate(read_ledger(master), [path], root=tmp_path / "回收", now=NOW)
    f = result.files[0]
    assert [p.as_tuple() for p in f.problems] == [("填报", "J10", "locked-changed")]
    assert [(c.id, c.key) for c in f.changes] == [("7-2", "progress")]


def test_check_without_master_still_checks_values_and_names(world, tmp_path):
    path = _office(world, tmp_path, values={("7-2", "status"): "基本完成"})
    result = check_file(path, today=NOW.date())
    assert [p.as_tuple() for p in result.problems] == [("填报", "L11", "status-invalid")]
    assert (result.unit, result.batch) == ("办公室", "2026年11月")
    renamed = _named_as_other_unit(world, tmp_path)
    assert [p.code for p in check_file(renamed).problems] == ["unit-mismatch"]


def test_a_file_without_meta_whose_header_maps_is_read_as_a_legacy_return(world, tmp_path):
    path = CASES["_meta removed"][0](world, tmp_path)
    result = check_file(path, ledger=read_ledger(world[0]))
    [problem] = result.problems
    assert problem.code == "legacy-return" and "--trust-legacy" in problem.message


def test_every_bad_file_in_one_folder_one_run_through_the_cli(world, tmp_path, capsys):
    master, _, _ = world
    run = tmp_path / "run"
    run.mkdir()
    copy = shutil.copy(master, run / "台账.xlsx")
    for i, (build, _, _) in enumerate(CASES.values()):
        sub = tmp_path / f"case{i}"
        path = build(world, sub)
        dest = run / "回收" / f"{i:02d}" / path.name
        dest.parent.mkdir(parents=True)
        shutil.move(path, dest)
    (run / "回收" / "说明.docx").write_bytes(b"not a workbook")
    (run / "回收" / "~$办公室.xlsx").write_bytes(b"owner")
    capsys.readouterr()
    assert main(["consolidate", str(copy), "--json"]) == 1
    import json

    data = json.loads(capsys.readouterr().out)
    assert len(data["files"]) == len(CASES)
    assert set(data) == {"files", "changes", "conflicts", "not_returned"}
    for entry in data["files"]:
        assert set(entry) == {
            "file",
            "unit",
            "batch",
            "verdict",
            "changes",
            "conflicts",
            "problems",
        }
        assert entry["verdict"] in {v.value for v in Verdict}
        for p in entry["problems"]:
            assert set(p) == {"code", "sheet", "cell", "message", "value"}
    assert (run / "反馈" / "2026年11月" / "办公室-问题清单.xlsx").is_file()


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装：无法验证另存过的报送")
def test_a_return_resaved_by_libreoffice_still_verifies(world, tmp_path):
    """Units using WPS or LibreOffice re-save the file: signature and values still hold."""
    master, _, _ = world
    path = _office(world, tmp_path, values={("7-2", "progress"): "用 LibreOffice 保存"})
    out = tmp_path / "lo"
    convert([path], XLSX, out, profile=tmp_path / "profile")
    result = check_file(out / path.name, ledger=read_ledger(master), today=NOW.date())
    assert result.problems == [] and result.verdict is Verdict.APPLIED
    assert [(c.id, c.key, c.new) for c in result.changes] == [
        ("7-2", "progress", "用 LibreOffice 保存")
    ]


def test_row_gone_from_the_master_points_at_the_moved_id_cell(world, tmp_path):
    master, _, _ = world
    local = tmp_path / "台账.xlsx"
    shutil.copy(master, local)
    import openpyxl

    wb = openpyxl.load_workbook(local)
    ws = wb["台账"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "7-2")
    ws.cell(row, 1, "7-2（已合并）")
    wb.save(local)

    def edit(wb, meta):
        ws = unprotect(wb, meta)
        ws.insert_cols(1)
        ws.cell(8, 1, "序号")

    path = _office(world, tmp_path, values={("7-2", "progress"): "新"}, edit=edit)
    result = consolidate(read_ledger(local), [path], root=tmp_path / "回收", now=NOW)
    got = sorted(p.as_tuple() for p in result.files[0].problems)
    assert got == [("填报", "A8", "column-inserted"), ("填报", "B11", "id-unknown")]
