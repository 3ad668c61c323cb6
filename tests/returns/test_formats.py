"""Returns saved as .xls, .ods or WPS .et are read with the same identity and checks.

The files are made the way units make them: the issued .xlsx template filled
in, then saved by LibreOffice Calc as .xls (Excel 97) or .ods. No WPS runs
here: its .et is an OLE compound file with a BIFF "Workbook" stream, so the
.et case is LibreOffice's .xls under the .et name.
"""

from __future__ import annotations

import csv
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.support.group import GroupWorld, group_world
from tests.support.office import convert
from tests.support.synthetic import fill_return, template_cell
from zhenggai import read_ledger
from zhenggai.io.master import update_master
from zhenggai.io.return_file import read_return
from zhenggai.returns.consolidate import Verdict, check_file, consolidate
from zhenggai.template.fill import template_meta

pytestmark = pytest.mark.libreoffice

SAVED = datetime(2026, 11, 25, 10)
TARGETS = {"xls": "xls:MS Excel 97", "ods": "ods", "et": "xls:MS Excel 97"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> GroupWorld:
    w = group_world(tmp_path_factory.mktemp("formats") / "集团")
    w.issue(datetime(2026, 11, 20, 9))
    return w


def _saved_as(world: GroupWorld, xlsx: Path, fmt: str, folder: Path) -> Path:
    """*xlsx* opened in LibreOffice and saved as *fmt* into *folder*."""
    out = folder / "lo"
    convert([xlsx], TARGETS[fmt], out, profile=world.profile)
    made = out / f"{xlsx.stem}.{TARGETS[fmt].split(':')[0]}"
    dest = folder / f"{xlsx.stem}.{fmt}"
    shutil.move(made, dest)
    return dest


def _filled(world: GroupWorld, folder: Path, unit: str, values=None, edit=None) -> Path:
    template = world.templates["2026年11月"][unit]
    return fill_return(template, folder / "xlsx" / template.name, values, edit=edit, saved=SAVED)


@pytest.mark.parametrize("fmt", ["xls", "ods", "et"])
def test_a_return_in_another_format_is_checked_and_merged_like_xlsx(world, tmp_path, fmt):
    r1, r2 = world.rid("A公司", "A公司审计措施一"), world.rid("A公司", "A公司审计措施二")
    values = {
        (r2, "progress"): f"{fmt}格式报送的进展",
        (r2, "status"): "已完戍",
        (r2, "done_date"): date(2026, 11, 18),
        (r1, "remark"): "已归档",
    }
    path = _saved_as(world, _filled(world, tmp_path, "A公司", values), fmt, tmp_path)
    os.utime(path, (0, datetime(2020, 1, 1).timestamp()))  # the save time is the file's own
    ret = read_return(path)
    assert ret.fmt == fmt and ret.saved.year == datetime.now().year
    result = check_file(path, ledger=read_ledger(world.master), today=SAVED.date())
    assert (result.unit, result.batch, result.verdict) == ("A公司", "2026年11月", Verdict.PARTLY)
    meta = template_meta(world.templates["2026年11月"]["A公司"])
    assert [p.as_tuple() for p in result.problems] == [
        ("填报", template_cell(meta, r2, "status"), "status-invalid")
    ]
    assert sorted((c.id, c.key, c.new) for c in result.changes) == sorted(
        [(r2, "progress", f"{fmt}格式报送的进展"), (r1, "remark", "已归档")]
    )


def test_ods_checks_locked_cells_merged_cells_and_formulas(world, tmp_path):
    meta = template_meta(world.templates["2026年11月"]["B公司"])
    rid = meta.ids[1]

    def edit(wb, meta):
        ws = wb[meta.sheet]
        ws.protection.sheet = False
        ws[template_cell(meta, meta.ids[0], "measure")] = "改写的整改措施"
        first, last = (
            template_cell(meta, meta.ids[1], "remark"),
            template_cell(meta, meta.ids[2], "remark"),
        )
        ws.merge_cells(f"{first}:{last}")
        ws[template_cell(meta, rid, "progress")] = "=1+1"

    path = _saved_as(world, _filled(world, tmp_path, "B公司", edit=edit), "ods", tmp_path)
    result = check_file(path, ledger=read_ledger(world.master), today=SAVED.date())
    got = sorted(p.as_tuple() for p in result.problems)
    assert got == sorted(
        [
            ("填报", template_cell(meta, meta.ids[0], "measure"), "locked-changed"),
            (
                "填报",
                f"{template_cell(meta, meta.ids[1], 'remark')}:"
                f"{template_cell(meta, meta.ids[2], 'remark')}",
                "merged-cells",
            ),
            ("填报", template_cell(meta, rid, "progress"), "formula-as-text"),
        ]
    )
    assert [(c.id, c.key, c.new) for c in result.changes] == [(rid, "progress", "=1+1")]


def test_a_tampered_signature_in_an_xls_is_refused(world, tmp_path):
    def edit(wb, meta):
        ws = wb["_meta"]
        for row in ws.iter_rows():
            if row[0].value == "unit":
                row[1].value = "C公司"

    path = _saved_as(world, _filled(world, tmp_path, "A公司", edit=edit), "xls", tmp_path)
    result = check_file(path, ledger=read_ledger(world.master), today=SAVED.date())
    assert (result.verdict, [str(p.code) for p in result.problems]) == (
        Verdict.REJECTED,
        ["meta-tampered"],
    )


def test_formats_in_one_folder_and_csv_refused_with_a_clear_message(world, tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    files = []
    for unit, fmt in (("A公司", "xls"), ("B公司", "ods"), ("C公司", "et")):
        rid = world.rid(unit, f"{unit}巡察措施二")
        xlsx = _filled(world, tmp_path, unit, {(rid, "progress"): f"{unit}用{fmt}报送"})
        files.append(_saved_as(world, xlsx, fmt, folder))
    template = world.templates["2026年11月"]["A公司"]
    csv_path = folder / (template.stem + ".csv")
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["编号", "整改进展"], ["1", "CSV 的进展"]])
    master = tmp_path / "台账.xlsx"
    shutil.copy(world.master, master)
    result, _ = update_master(
        master,
        op="汇总",
        plan=lambda ledger: consolidate(ledger, [*files, csv_path], root=folder, now=SAVED),
    )
    verdicts = {f.file: (f.unit, f.verdict, len(f.changes)) for f in result.files}
    assert verdicts == {
        "A公司-整改进展填报-2026年11月.xls": ("A公司", Verdict.APPLIED, 1),
        "B公司-整改进展填报-2026年11月.ods": ("B公司", Verdict.APPLIED, 1),
        "C公司-整改进展填报-2026年11月.et": ("C公司", Verdict.APPLIED, 1),
        csv_path.name: (None, Verdict.REJECTED, 0),
    }
    [refusal] = next(f for f in result.files if f.file == csv_path.name).problems
    assert refusal.code == "file-unsupported" and "CSV" in refusal.message
    assert result.not_returned == []
