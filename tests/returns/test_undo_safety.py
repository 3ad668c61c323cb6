"""Undo knows which run it undoes and never trusts a broken backup.

The audit's instances: a kill or a full disk during the backup left a 0-byte
backup and ``undo`` failed forever (with a message meant for units); a kill
after the backup but before the replace made ``undo`` "succeed" undoing
nothing, and the real last consolidation then read as already undone. New
instances here: the backup a consolidation names is later cut short, or
altered; a killed run's backup is left beside a real one, for a master whose
consolidations named their backups and for an older master whose did not.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.support.returns_kit import NOW, fill, issue
from zhenggai import UsageError
from zhenggai.cli import main
from zhenggai.io.calamine import open_book
from zhenggai.io.master import update_master
from zhenggai.returns.consolidate import consolidate_folder
from zhenggai.returns.undo import backups, undo_last


def _consolidate(master: Path, returns: Path, *, named: bool = True) -> None:
    """As ``zhenggai consolidate`` does (named: its backup recorded in 变更记录), or as older
    versions did."""
    if named:
        assert main(["consolidate", str(master), str(returns)]) in (0, 1)
    else:
        update_master(
            master, op="汇总", plan=lambda ledger: consolidate_folder(ledger, returns, now=NOW)
        )


def _two_runs(master: Path, tmp_path: Path, *, named: bool = True) -> tuple[list, list, list]:
    """Issue, consolidate twice; the 台账 grid before each run and after both."""
    templates = issue(master)
    one, two = tmp_path / "一", tmp_path / "二"
    fill(templates["人事科"], one / "a.xlsx", {("4", "remark"): "第一次"})
    fill(templates["办公室"], two / "b.xlsx", {("1", "remark"): "第二次"})
    grids = [open_book(master).grid("台账")]
    _consolidate(master, one, named=named)
    grids.append(open_book(master).grid("台账"))
    _consolidate(master, two, named=named)
    grids.append(open_book(master).grid("台账"))
    return grids[0], grids[1], grids[2]


def _killed_run_backup(master: Path) -> Path:
    """What a consolidation killed after its backup and before its replace leaves behind."""
    newest = backups(master, master.parent / "备份")[-1]
    stamp = (newest.time + timedelta(milliseconds=1)).strftime("%Y%m%d-%H%M%S-%f")
    orphan = master.parent / "备份" / f"{master.stem}.{stamp}.汇总{master.suffix}"
    shutil.copy(master, orphan)
    return orphan


def test_consolidation_names_its_backup_and_undo_uses_that_one(demo_master, tmp_path):
    _, after_one, _ = _two_runs(demo_master, tmp_path)
    log = open_book(demo_master).grid("变更记录")
    named = [row for row in log if len(row) > 1 and row[1] == "汇总前备份"]
    assert len(named) == 2 and all(
        (demo_master.parent / "备份" / row[3]).is_file() for row in named
    )
    result = undo_last(demo_master)
    assert result.restored.path.name == named[-1][3]
    assert open_book(demo_master).grid("台账") == after_one


@pytest.mark.parametrize("named", [True, False], ids=["named backups", "older master"])
def test_a_killed_runs_backup_is_never_taken_for_the_last_consolidation(
    demo_master, tmp_path, named
):
    _, after_one, _ = _two_runs(demo_master, tmp_path, named=named)
    orphan = _killed_run_backup(demo_master)
    result = undo_last(demo_master)
    assert result.restored.path != orphan and result.later == []
    assert open_book(demo_master).grid("台账") == after_one  # the second run is undone
    with pytest.raises(UsageError, match="已经撤销过了"):
        undo_last(demo_master)


@pytest.mark.parametrize("damage", ["cut to 0 bytes", "cut short", "altered"])
def test_a_broken_backup_is_named_and_nothing_changes(demo_master, tmp_path, capsys, damage):
    _two_runs(demo_master, tmp_path)
    log = open_book(demo_master).grid("变更记录")
    backup = demo_master.parent / "备份" / [r for r in log if r[1] == "汇总前备份"][-1][3]
    data = backup.read_bytes()
    backup.write_bytes(
        b""
        if damage == "cut to 0 bytes"
        else data[: len(data) // 2]
        if damage == "cut short"
        else data[:-30] + b"x" * 30
    )
    before = demo_master.read_bytes()
    assert main(["undo", str(demo_master)]) == 2
    err = capsys.readouterr().err
    assert backup.name in err and "无法撤销，台账未改动" in err
    assert "重新报送" not in err  # a message for the office, not for units
    assert demo_master.read_bytes() == before


def test_undo_of_an_older_master_needs_no_named_backup(demo_master, tmp_path):
    issued, after_one, _ = _two_runs(demo_master, tmp_path, named=False)
    assert undo_last(demo_master).restored.op == "汇总"
    assert open_book(demo_master).grid("台账") == after_one
    assert issued != after_one


def test_backups_left_half_written_are_never_listed(demo_master, tmp_path):
    """A kill or a full disk while copying leaves a ``.part`` file, never a backup's name."""
    _two_runs(demo_master, tmp_path)
    folder = demo_master.parent / "备份"
    (folder / f".~{demo_master.stem}.{datetime.now():%Y%m%d-%H%M%S-%f}.汇总.xlsx.part").write_bytes(
        b""
    )
    assert all(b.path.stat().st_size > 0 for b in backups(demo_master, folder))
    undo_last(demo_master)
