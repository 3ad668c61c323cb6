"""Unit names as file names: Windows-safe, short, and never two units in one file.

The audit's instances: "A:B", "A_B" and "A?B" mapped to one template file, and
a 120-character unit name crashed ``templates`` half-way (templates written,
not registered). New instances: names differing only in letter case (one file
on Windows), direction marks and a trailing dot, a 200-character name; a write
failing half-way removes what it wrote and leaves the master as it was.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from tests.support.returns_kit import SAVED, fill
from zhenggai import read_ledger
from zhenggai.cli import main
from zhenggai.io.master import update_master
from zhenggai.returns.consolidate import Verdict, consolidate_folder
from zhenggai.template.names import MAX_LABEL, template_names

UNSAFE = set('\\/:*?"<>|')
NAMES = st.text(
    alphabet=st.sampled_from(list('AaBb办公室科_ .:?*/\\|<>"\u202e\u2066')), min_size=1, max_size=60
)


@given(st.lists(NAMES, min_size=1, max_size=8, unique=True))
def test_names_of_one_batch_are_distinct_safe_and_short(units):
    names = template_names(units, "2026年11月")
    assert len({n.casefold() for n in names.values()}) == len(units)
    for name in names.values():
        assert not UNSAFE & set(name) and not {"\u202e", "\u2066"} & set(name)
        assert len(name.encode("utf-8")) <= 255 - 20 and not name.endswith((" ", "."))
        assert len(name) <= MAX_LABEL + len("～000000-整改进展填报-2026年11月.xlsx")


TRICKY = [
    "A:B",
    "A_B",
    "A?B",
    "ABC科",
    "abc科",
    "东湖区\u202e办公室",
    "信息中心.",
    "某某市某某区某某街道" * 20,  # 200 characters, 600 bytes of UTF-8
]


def _master(make_master) -> Path:
    rows = [
        {
            "id": str(i),
            "category": "某方面",
            "problem": f"问题{i}",
            "measure": f"措施{i}",
            "unit": unit,
            "deadline": "2026年底前",
            "status": "正在整改",
        }
        for i, unit in enumerate(TRICKY, start=1)
    ]
    path = make_master(rows)
    wb = openpyxl.load_workbook(path)
    for i, unit in enumerate(TRICKY, start=1):
        wb["单位"].append([f"{i:04d}", unit, "联系人", f"u{i}@example.org", ""])
    wb.save(path)
    return path


def test_tricky_unit_names_each_get_a_template_and_come_back(make_master, capsys):
    master = _master(make_master)
    assert main(["templates", str(master), "--batch", "2026年11月"]) == 0
    folder = master.parent / "下发" / "2026年11月"
    files = sorted(folder.iterdir())
    assert len(files) == len(TRICKY) and len({f.name.casefold() for f in files}) == len(TRICKY)
    log = read_ledger(master).grid("回收情况")
    header = list(log[0])
    issued = {r[header.index("单位名称")]: r[header.index("下发文件")] for r in log[1:]}
    assert set(issued) == set(TRICKY) and {f.name for f in files} == set(issued.values())
    returns = master.parent / "回收"
    for unit, name in issued.items():
        fill(
            folder / name,
            returns / name,
            {(str(TRICKY.index(unit) + 1), "remark"): "已报"},
            saved=SAVED,
        )
    result, _ = update_master(master, op="汇总", plan=lambda ledger: consolidate_folder(ledger))
    assert {f.unit: f.verdict for f in result.files} == dict.fromkeys(TRICKY, Verdict.APPLIED)


def test_a_template_that_cannot_be_written_is_neither_left_nor_registered(make_master, capsys):
    master = _master(make_master)
    folder = master.parent / "下发" / "2026年11月"
    names = template_names(TRICKY, "2026年11月")
    (folder / names[TRICKY[3]]).mkdir(parents=True)  # the fourth file cannot be written
    assert main(["templates", str(master), "--batch", "2026年11月"]) == 1
    log = read_ledger(master).grid("回收情况")
    registered = {r[list(log[0]).index("单位名称")] for r in log[1:]}
    assert registered == set(TRICKY) - {TRICKY[3]}
    written = {p.name for p in folder.iterdir() if p.is_file()}
    assert written == {names[u] for u in registered}


def test_templates_written_before_a_failed_save_are_removed(make_master, tmp_path, capsys):
    """The issue is recorded in the master last: if that save fails, no template stays behind."""
    from tests.support.fsfaults import read_only

    master = _master(make_master)
    before = hashlib.sha256(master.read_bytes()).hexdigest()
    out = tmp_path / "模板"
    backups = master.parent / "备份"
    backups.mkdir()
    with read_only(backups):  # the master's backup, taken before it changes, cannot be written
        assert main(["templates", str(master), "--batch", "2026年11月", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "台账未改动" in err and f"本次生成的 {len(TRICKY)} 个模板已删除" in err
    assert not out.exists() or not any(out.iterdir())
    assert hashlib.sha256(master.read_bytes()).hexdigest() == before
