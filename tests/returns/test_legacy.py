"""Legacy returns: files without a template's _meta, read by header and 编号."""

from __future__ import annotations

import json

from tests.conftest import write_book
from tests.support.returns_kit import NOW, SAVED, set_saved
from zhenggai import read_ledger
from zhenggai.cli import main
from zhenggai.io.calamine import open_book
from zhenggai.io.master import update_master
from zhenggai.returns.consolidate import Verdict, consolidate


def _legacy(tmp_path, master, *, progress="已召开联席会议", extra_rows=()):
    """The unit's own older form: some of the master's columns, its rows by 编号."""
    ledger = read_ledger(master)
    rows = [r for r in ledger.table if r.text("unit") == "机关党委"]
    grid = [["机关党委整改进展（旧表）"], ["编号", "存在问题", "整改进展", "整改状态", "备注"]]
    for i, row in enumerate(rows):
        grid.append(
            [
                row.text("id"),
                row.text("problem"),
                progress if i == 0 else row["progress"],
                row["status"],
                row["remark"],
            ]
        )
    grid += [list(r) for r in extra_rows]
    (tmp_path / "回收").mkdir(exist_ok=True)
    path = write_book(tmp_path / "回收" / "机关党委旧表.xlsx", {"进展": grid})
    return path, rows[0]


def _run(master, files, *, trust=False):
    for f in files:  # saved before the run's clock (NOW), as a file returned by then would be
        set_saved(f, SAVED)
    return update_master(
        master,
        op="汇总",
        plan=lambda ledger: consolidate(
            ledger, files, root=files[0].parent, now=NOW, trust_legacy=trust
        ),
    )


def test_a_differing_value_is_a_proposal_listed_in_conflicts(demo_master, tmp_path):
    path, first = _legacy(tmp_path, demo_master, extra_rows=[["99", "不在台账", "x", "正在整改"]])
    old = first["progress"]
    result, _ = _run(demo_master, [path])
    [f] = result.files
    assert (f.unit, f.batch, f.verdict, f.legacy) == ("机关党委", None, Verdict.PARTLY, True)
    assert f.changes == []
    [conflict] = f.conflicts
    assert (conflict.id, conflict.key, conflict.base) == (first.text("id"), "progress", "")
    assert (conflict.ours, conflict.theirs) == (old, "已召开联席会议")
    assert sorted(p.as_tuple() for p in f.problems) == [
        ("", "", "legacy-return"),
        ("进展", f"A{2 + 1 + 3}", "id-unknown"),
    ]
    assert read_ledger(demo_master).table.by_id()[first.text("id")]["progress"] == old
    [row] = open_book(demo_master).grid("冲突")[1:]
    assert row[2:5] == [first.text("id"), "整改进展", f"台账!M{first.number}"]
    assert row[5:8] == [None, old, "已召开联席会议"]
    assert "--trust-legacy" in row[8]


def test_trusted_legacy_values_are_applied_and_logged(demo_master, tmp_path):
    path, first = _legacy(tmp_path, demo_master)
    result, _ = _run(demo_master, [path], trust=True)
    [f] = result.files
    assert f.verdict is Verdict.APPLIED and f.conflicts == []
    assert [(c.id, c.key, c.new) for c in f.changes] == [
        (first.text("id"), "progress", "已召开联席会议")
    ]
    assert read_ledger(demo_master).table.by_id()[first.text("id")]["progress"] == "已召开联席会议"
    log = open_book(demo_master).grid("变更记录")
    assert log[-1][1:7] == ["汇总", "机关党委", f.file, f.sha256, first.text("id"), "整改进展"]


def test_a_file_whose_header_does_not_map_is_still_rejected(demo_master, tmp_path):
    (tmp_path / "回收").mkdir()
    path = write_book(tmp_path / "回收" / "杂表.xlsx", {"S": [["姓名", "电话"], ["张三", "1"]]})
    result, _ = _run(demo_master, [path], trust=True)
    [f] = result.files
    assert f.verdict is Verdict.REJECTED
    assert [p.code for p in f.problems] == ["meta-missing"]


def test_cli_trust_legacy(demo_master, tmp_path, capsys):
    path, first = _legacy(tmp_path, demo_master)
    args = ["consolidate", str(demo_master), str(path.parent), "--json"]
    assert main(args) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["files"][0]["conflicts"] == 1
    assert main([*args, "--trust-legacy"]) == 1  # the legacy notice is still reported
    data = json.loads(capsys.readouterr().out)
    assert data["files"][0]["changes"] == 1
    assert read_ledger(demo_master).table.by_id()[first.text("id")]["progress"] == "已召开联席会议"


def _mixed(tmp_path, master, name):
    """An old-style table holding rows of 机关党委 and of 人事科, each with a new 整改进展."""
    ledger = read_ledger(master)
    rows = [r for r in ledger.table if r.text("unit") in ("机关党委", "人事科")]
    grid = [["编号", "整改进展"]] + [[r.text("id"), f"{r.text('unit')}的新进展"] for r in rows]
    (tmp_path / "回收").mkdir(exist_ok=True)
    return write_book(tmp_path / "回收" / name, {"进展": grid}), rows


def test_a_trusted_legacy_file_changes_only_its_own_units_rows(demo_master, tmp_path):
    """The audit's file overwrote 15 cells of four other units; this one names its unit."""
    path, rows = _mixed(tmp_path, demo_master, "机关党委整改台账（旧表）.xlsx")
    before = read_ledger(demo_master).table.by_id()
    result, _ = _run(demo_master, [path], trust=True)
    [f] = result.files
    assert f.unit == "机关党委"
    after = read_ledger(demo_master).table.by_id()
    for row in rows:
        rid = row.text("id")
        if row.text("unit") == "机关党委":
            assert after[rid]["progress"] == "机关党委的新进展"
        else:
            assert after[rid]["progress"] == before[rid]["progress"]
    others = [p for p in f.problems if p.code == "legacy-other-unit"]
    assert len(others) == sum(r.text("unit") == "人事科" for r in rows) > 0
    assert all("人事科" in p.message and p.sheet == "进展" for p in others)


def test_a_legacy_file_of_several_units_naming_none_changes_nothing(demo_master, tmp_path):
    path, rows = _mixed(tmp_path, demo_master, "汇总表.xlsx")
    before = read_ledger(demo_master).table.by_id()
    result, _ = _run(demo_master, [path], trust=True)
    [f] = result.files
    assert f.changes == [] and f.conflicts == []
    assert sum(p.code == "legacy-other-unit" for p in f.problems) == len(rows)
    after = read_ledger(demo_master).table.by_id()
    assert all(after[r.text("id")]["progress"] == before[r.text("id")]["progress"] for r in rows)
