"""Safe writes of the master: locks, owner files, backup, verify, parts check."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import textwrap
import zipfile
from datetime import date

import openpyxl
import pytest

from zhenggai import MasterBusyError
from zhenggai.core.changes import ChangeSet, ChartSpec, Fill, SheetTable
from zhenggai.io.calamine import open_book
from zhenggai.io.lock import MasterLock, holder, libreoffice_running
from zhenggai.io.master import OpenpyxlMaster, inventory


def test_apply_and_save_replaces_master_with_backup_and_mode(demo_master):
    os.chmod(demo_master, 0o640)
    changes = ChangeSet()
    changes.edit("台账", 2, 13, "进展已更新", fill=Fill.DONE)
    changes.edit("台账", 3, 13, "=cmd|' /C calc'!A0")
    changes.append(
        "变更记录",
        [["2026-11-28 10:00", "汇总", "办公室", "a.xlsx", "abc", "1", "整改进展", "旧", "新"]],
    )
    changes.table(
        SheetTable(
            "统计",
            ["单位", "完成率"],
            [["办公室", 0.5], ["人事科", 1.0]],
            charts=[ChartSpec("bar", "完成率", 1, (2,), "D2", 2, 3)],
        )
    )
    with OpenpyxlMaster.open(demo_master, op="汇总") as master:
        master.apply(changes)
        result = master.save()
    assert result.replaced and result.path == demo_master.resolve()
    assert result.backup is not None and result.backup.parent.name == "备份"
    assert stat.S_IMODE(os.stat(demo_master).st_mode) == 0o640
    book = open_book(demo_master)
    assert book.grid("台账")[1][12] == "进展已更新"
    assert book.grid("台账")[2][12] == "=cmd|' /C calc'!A0"
    assert book.grid("变更记录")[1][2] == "办公室"
    assert book.grid("统计")[2] == ["人事科", 1.0]
    wb = openpyxl.load_workbook(demo_master)
    assert wb["台账"]["M3"].data_type == "s"  # stored as text, never a formula
    assert wb["台账"]["M2"].fill.fgColor.rgb.endswith(Fill.DONE.value)
    assert len(wb["统计"]._charts) == 1
    assert wb.sheetnames[-1] == "_meta"
    # the backup is the state before
    assert open_book(result.backup).grid("台账")[1][12] != "进展已更新"
    assert not list(demo_master.parent.glob(".~*.tmp*"))


def test_backups_are_pruned(demo_master):
    from zhenggai.io.backups import take_backup

    folder = demo_master.parent / "备份"
    for _ in range(5):
        take_backup(demo_master, folder, op="汇总", keep=3)
    assert len(list(folder.iterdir())) == 3


def _x14(path):
    """Add an x14 extension (as Excel writes for sparklines) to the first sheet."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                ext = (
                    b'<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
                    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
                    b"<x14:sparklineGroups/></ext></extLst>"
                )
                data = data.replace(b"</worksheet>", ext + b"</worksheet>")
            dst.writestr(item, data)
    os.replace(tmp, path)


X14 = "Excel 2010 扩展格式（迷你图、新式数据条、扩展数据验证等）"


@pytest.mark.filterwarnings("ignore:Sparkline Group extension is not supported")
def test_parts_openpyxl_would_drop_keep_the_master_and_write_beside(demo_master):
    _x14(demo_master)
    before = demo_master.read_bytes()
    assert inventory(demo_master)[X14] == 1
    changes = ChangeSet()
    changes.edit("台账", 2, 13, "新进展")
    with OpenpyxlMaster.open(demo_master, op="汇总", engine="openpyxl") as master:
        master.apply(changes)
        result = master.save()
    assert not result.replaced
    assert result.path.name == "台账.汇总结果.xlsx"
    assert "扩展格式" in result.reason
    assert demo_master.read_bytes() == before
    assert open_book(result.path).grid("台账")[1][12] == "新进展"


def test_the_xml_patch_keeps_what_openpyxl_would_drop(demo_master):
    _x14(demo_master)
    changes = ChangeSet()
    changes.edit("台账", 2, 13, "新进展")
    with OpenpyxlMaster.open(demo_master, op="汇总") as master:
        master.apply(changes)
        result = master.save()
    assert (result.replaced, result.engine, result.reason) == (True, "xml", "")
    assert inventory(demo_master)[X14] == 1
    assert open_book(demo_master).grid("台账")[1][12] == "新进展"


HOLD = textwrap.dedent("""
    import fcntl, sys, time
    fh = open(sys.argv[1], "r+b")
    fcntl.lockf(fh.fileno(), fcntl.LOCK_EX)
    print("locked", flush=True)
    time.sleep(30)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")
def test_refuses_while_libreoffice_holds_the_master(demo_master):
    owner = demo_master.with_name(f".~lock.{demo_master.name}#")
    here = socket.gethostname()
    owner.write_text(
        f",陈静,{here},28.11.2026 10:00,file:///home/chen/.config/libreoffice/4;", encoding="utf-8"
    )
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(demo_master)], stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == b"locked"
        assert holder(demo_master) == "陈静（本机的 LibreOffice）"
        with (
            pytest.raises(MasterBusyError, match="陈静"),
            OpenpyxlMaster.open(demo_master, op="汇总"),
        ):
            pass
    finally:
        proc.kill()
        proc.wait()
    if libreoffice_running():
        pytest.skip("LibreOffice runs on this computer: the owner file cannot be told stale")
    # the same owner file of this computer, no LibreOffice running: left by a crash, ignored
    assert holder(demo_master) is None
    with OpenpyxlMaster.open(demo_master, op="汇总"):
        pass


def test_excel_owner_file_name_is_read(demo_master):
    from zhenggai.io.lock import _read_owner

    owner = demo_master.with_name("~$" + demo_master.name)
    name = "陈静"
    data = bytes([len(name)]) + name.encode("gbk").ljust(53, b" ")
    data += name.encode("utf-16-le").ljust(110, b"\x00")
    owner.write_bytes(data)
    assert _read_owner(owner) == "陈静"
    assert holder(demo_master) is None  # nobody actually holds the file


def test_second_run_is_refused_while_the_first_holds_the_lock(demo_master):
    with MasterLock(demo_master, command="汇总"):
        with (
            pytest.raises(MasterBusyError, match="另一个 zhenggai") as info,
            MasterLock(demo_master, command="汇总"),
        ):
            pass
        assert "汇总" in str(info.value)
    with MasterLock(demo_master, command="汇总"):  # released: free again
        pass
    assert not demo_master.with_name(f"~zhenggai.{demo_master.name}.lock").exists()


def test_missing_master_is_a_clear_error(tmp_path):
    from zhenggai import WorkbookError

    with (
        pytest.raises(WorkbookError, match="找不到台账"),
        OpenpyxlMaster.open(tmp_path / "no.xlsx", op="汇总"),
    ):
        pass


def test_dates_are_written_as_dates(demo_master):
    changes = ChangeSet()
    changes.edit("台账", 2, 14, date(2026, 11, 1))
    with OpenpyxlMaster.open(demo_master, op="汇总") as master:
        master.apply(changes)
        master.save()
    assert open_book(demo_master).grid("台账")[1][13] == date(2026, 11, 1)


def test_update_master_reads_under_the_lock_and_saves_the_plan(demo_master):
    from dataclasses import dataclass

    from zhenggai.io.master import update_master

    @dataclass
    class Result:
        changes: ChangeSet
        rows: int

    def plan(ledger):
        changes = ChangeSet()
        row = ledger.table.rows[0]
        changes.edit("台账", row.number, row.columns["remark"], "已核实")
        return Result(changes, len(ledger.table))

    result, saved = update_master(demo_master, op="测试", plan=plan, dry_run=True)
    assert result.rows == 16 and saved is None
    assert open_book(demo_master).grid("台账")[1][15] is None
    result, saved = update_master(demo_master, op="测试", plan=plan)
    assert saved is not None and saved.replaced
    assert open_book(demo_master).grid("台账")[1][15] == "已核实"
    assert ".测试." in saved.backup.name


def test_a_new_column_gets_a_styled_header_the_filter_and_rows_appended_with_it(demo_master):
    changes = ChangeSet()
    changes.add_column("台账", 22, "问题金额", width=14)
    changes.append("台账", [["99", *[None] * 20, 12.5]])
    assert changes.sheets == {"台账"} and len(changes) == 2
    with OpenpyxlMaster.open(demo_master, op="导入") as master:
        master.apply(changes)
        master.save()
    wb = openpyxl.load_workbook(demo_master)
    ws = wb["台账"]
    assert ws["V1"].value == "问题金额"
    assert ws["V1"].font.b and ws["V1"].fill.fgColor.rgb.endswith(Fill.HEADER.value)
    assert ws.column_dimensions["V"].width == 14
    assert ws.auto_filter.ref == "A1:V17"
    grid = open_book(demo_master).grid("台账")
    assert grid[17][0] == "99" and grid[17][21] == 12.5


def test_change_set_counts_and_extends_columns():
    one, two = ChangeSet(), ChangeSet()
    two.add_column("台账", 3, "甲", row=2)
    assert not one and two
    one.extend(two)
    assert len(one) == 1 and one.columns[0].row == 2
