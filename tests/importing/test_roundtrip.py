"""Import -> templates -> consolidate: every imported value comes back as it went out."""

from __future__ import annotations

from datetime import date

import openpyxl

from tests.support.ledgers import unit_rows, write_audit_ledger, write_unit_ledger
from tests.support.returns_kit import NOW, fill, issue, meta_of
from zhenggai import read_ledger
from zhenggai.core.text import canonical
from zhenggai.importing.run import plan_import, read_sources
from zhenggai.io.master import update_master
from zhenggai.returns.consolidate import Verdict, consolidate


def _import(master, paths):
    from zhenggai import create_master

    sources, problems = read_sources(paths)
    create_master(master)
    update_master(
        master, op="导入", plan=lambda ledger: plan_import(ledger, sources, problems=problems)
    )


def _values(master):
    ledger = read_ledger(master)
    keys = [f.key for f in ledger.spec if f.key not in ("warning", "updated")]
    return {row.text("id"): {k: canonical(row[k]) for k in keys} for row in ledger.table}


def test_imported_ledgers_round_trip_through_templates_and_consolidation(tmp_path):
    audit = write_audit_ledger(tmp_path / "审计整改台账.xlsx")
    c_unit = write_unit_ledger(tmp_path / "C公司整改台账.xlsx", "C公司", unit_rows("C", "C公司", 3))
    master = tmp_path / "台账.xlsx"
    _import(master, [audit, c_unit])
    before = _values(master)
    assert len(before) == 12

    templates = issue(master)
    assert sorted(templates) == ["A公司", "B公司", "C公司"]
    # an extra column of numbers reaches the template as numbers, not text
    meta = meta_of(templates["A公司"])
    ws = openpyxl.load_workbook(templates["A公司"])[meta.sheet]
    amount = meta.headers.index("涉及金额（万元）-问题金额") + 1
    cells = [ws.cell(meta.first_row + i, amount) for i in range(len(meta.ids))]
    assert cells and all(c.data_type == "n" and isinstance(c.value, float | int) for c in cells)
    returns = tmp_path / "回收"
    # A公司 reports progress on its first row; B公司 and C公司 send their templates back untouched.
    first_a = next(rid for rid, v in before.items() if v["unit"] == "A公司" and v["x_1"] == "2")
    edits = {
        (first_a, "progress"): "已完成资金清退",
        (first_a, "status"): "已完成",
        (first_a, "done_date"): date(2026, 11, 20),
        (first_a, "evidence"): "清退凭证",
    }
    files = [
        fill(templates["A公司"], returns / templates["A公司"].name, edits),
        fill(templates["B公司"], returns / templates["B公司"].name),
        fill(templates["C公司"], returns / templates["C公司"].name),
    ]
    result, saved = update_master(
        master, op="汇总", plan=lambda ledger: consolidate(ledger, files, root=returns, now=NOW)
    )
    assert [(f.unit, f.verdict) for f in result.files] == [
        ("A公司", Verdict.APPLIED),
        ("B公司", Verdict.APPLIED),
        ("C公司", Verdict.APPLIED),
    ]
    # C公司's own ledger said 完成情况 是 for C-1 but had no 完成时间 or 佐证材料 columns:
    # imported as found. C公司 sent the row back as issued, so that is not its problem
    # but the ledger's, listed once in 台账's own cells (nothing is changed).
    assert [p for f in result.files for p in f.problems] == []
    c1 = read_ledger(master).table.by_id()["C-1"]
    assert [p.as_tuple() for p in result.ledger_problems] == [
        ("台账", c1.cell("done_date"), "done-needs-date"),
        ("台账", c1.cell("evidence"), "done-needs-evidence"),
    ]
    assert before["C-1"]["status"] == "已完成" and before["C-1"]["done_date"] == ""
    assert saved is not None and saved.replaced

    after = _values(master)
    assert sorted(after) == sorted(before)
    for rid, values in before.items():
        want = dict(values)
        if rid == first_a:
            want.update(
                progress="已完成资金清退",
                status="已完成",
                done_date="2026-11-20",
                evidence="清退凭证",
            )
        assert after[rid] == want, rid
