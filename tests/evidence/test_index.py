"""The 佐证材料 sheet: files of the 电子档案 linked to units, batches and items, and counted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import set_settings
from zhenggai.cli import main
from zhenggai.core.ledger import records
from zhenggai.core.sheets import EVIDENCE
from zhenggai.documents.bulletin import draft_bulletin
from zhenggai.documents.report import draft_report
from zhenggai.evidence.index import index_changes, scan_evidence
from zhenggai.facts.ledger_facts import derive
from zhenggai.io.master import read_ledger, update_master
from zhenggai.overdue.run import flag_overdue

B = "2026年11月"


def put(master: Path, *paths: str) -> None:
    for p in paths:
        path = master.parent / "电子档案" / p
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"content of {p}".encode())


def links(master: Path) -> dict[str, tuple[str, str]]:
    files = scan_evidence(read_ledger(master))
    return {f.path.split("/", 1)[1]: (",".join(f.ids), f.basis) for f in files}


def test_a_file_belongs_to_an_item_by_its_number_or_by_the_items_evidence(demo_master):
    # 办公室 carries 1 (佐证材料: 党组会议纪要、年度考核方案), 3-2 and 7-2
    put(
        demo_master,
        f"{B}/办公室/1-党组会议签到.jpg",  # 编号 1 in the name
        f"{B}/办公室/年度考核方案.docx",  # named in item 1's 佐证材料
        f"{B}/办公室/编号3-2/照片.jpg",  # 编号 in a folder below the unit
        f"{B}/办公室/7-2 提醒名单.xlsx",
        f"{B}/办公室/10月总结.pdf",  # "10" is not "1"
        f"{B}/办公室/2026年11月材料.pdf",  # nor is "2026年11月"
        f"{B}/办公室/11-1.pdf",  # nor "11-1"
        f"{B}/办公室/9-2督查报告.pdf",  # 9-2 is 网络安全科's, not 办公室's
        f"{B}/办公室/.~lock.x#",  # LibreOffice's lock file: not evidence
        "随手放的.pdf",  # outside the 批次/单位 layout
    )
    assert links(demo_master) == {
        "2026年11月/办公室/1-党组会议签到.jpg": ("1", "文件名含编号"),
        "2026年11月/办公室/年度考核方案.docx": ("1", "佐证材料写明"),
        "2026年11月/办公室/编号3-2/照片.jpg": ("3-2", "文件名含编号"),
        "2026年11月/办公室/7-2 提醒名单.xlsx": ("7-2", "文件名含编号"),
        "2026年11月/办公室/10月总结.pdf": ("", ""),
        "2026年11月/办公室/2026年11月材料.pdf": ("", ""),
        "2026年11月/办公室/11-1.pdf": ("", ""),
        "2026年11月/办公室/9-2督查报告.pdf": ("", ""),
        "随手放的.pdf": ("", ""),
    }
    (rooted,) = [f for f in scan_evidence(read_ledger(demo_master)) if f.name == "随手放的.pdf"]
    assert (rooted.batch, rooted.unit, rooted.source) == ("", "", "手工放入")


def test_the_sheet_is_written_with_links_and_only_when_it_changes(demo_master):
    put(demo_master, f"{B}/办公室/1-纪要.pdf")

    def run() -> object:
        return update_master(
            demo_master, op="测试", plan=lambda ledger: _Plan(index_changes(ledger).changes)
        )[1]

    assert run() is not None
    ws = openpyxl.load_workbook(demo_master)[EVIDENCE.name]
    assert [c.value for c in ws[1]][: len(EVIDENCE.headers)] == list(EVIDENCE.headers)
    assert ws["D2"].value == "1-纪要.pdf"
    assert ws["D2"].hyperlink.target == "电子档案/2026年11月/办公室/1-纪要.pdf"
    assert ws["C2"].value == "1"
    assert run() is None  # nothing changed: the master is not written
    put(demo_master, f"{B}/办公室/7-2 台账.xlsx")
    assert run() is not None
    assert len(records(read_ledger(demo_master).grid(EVIDENCE.name), EVIDENCE)) == 2


class _Plan:
    def __init__(self, changes: object) -> None:
        self.changes = changes


def test_no_archive_no_sheet_change(demo_master):
    assert not index_changes(read_ledger(demo_master)).changes


@pytest.mark.parametrize(("setting", "counted"), [("自动", True), ("是", True), ("否", False)])
def test_done_items_without_a_file_are_counted_as_set(demo_master, setting, counted):
    # done in the demo: 1 (办公室), 5-1 (机关党委), 8 (网络安全科)
    put(demo_master, f"{B}/办公室/1-纪要.pdf")
    update_master(demo_master, op="测试", plan=lambda ledger: _Plan(index_changes(ledger).changes))
    set_settings(demo_master, {"统计佐证材料": setting})
    ledger = read_ledger(demo_master)
    facts = derive(ledger, today=date(2026, 12, 1)).evidence
    assert facts.counted is counted
    assert (facts.done, [i.id for i in facts.missing]) == (3, ["5-1", "8"])
    text = "".join(p.text for p in draft_bulletin(ledger, today=date(2026, 12, 1)).document.paras)
    sentence = "已完成的3项台账事项中，有2项在电子档案中没有佐证材料文件：机关党委1项（编号5-1）；网络安全科1项（编号8）。"
    assert (sentence in text) is counted
    overdue = flag_overdue(ledger, today=date(2026, 12, 1))
    assert (overdue.evidence_summary() != "") is counted
    assert (overdue.to_json()["no_evidence"] is not None) is counted


def test_automatic_counting_stays_silent_without_an_archive(demo_master):
    ledger = read_ledger(demo_master)
    assert derive(ledger, today=date(2026, 12, 1)).evidence.counted is False
    text = "".join(p.text for p in draft_bulletin(ledger, today=date(2026, 12, 1)).document.paras)
    assert "佐证材料文件" not in text


def test_report_lists_evidence_per_measure_when_set(demo_master):
    put(demo_master, f"{B}/办公室/1-党组会议纪要.pdf", f"{B}/办公室/年度考核方案.docx")
    update_master(demo_master, op="测试", plan=lambda ledger: _Plan(index_changes(ledger).changes))
    text = "".join(
        p.text
        for p in draft_report(read_ledger(demo_master), today=date(2026, 12, 1)).document.paras
    )
    assert "佐证材料：" not in text
    set_settings(demo_master, {"报告列出佐证材料": "是"})
    text = "".join(
        p.text
        for p in draft_report(read_ledger(demo_master), today=date(2026, 12, 1)).document.paras
    )
    assert text.count("佐证材料：1-党组会议纪要.pdf、年度考核方案.docx。") == 1


def test_consolidate_refreshes_the_sheet_with_the_evidence_it_applies(
    demo_master, monkeypatch, capsys
):
    from tests.support.returns_kit import fill, issue

    monkeypatch.setenv("ZHENGGAI_TODAY", "2026-12-01")
    templates = issue(demo_master)
    put(demo_master, f"{B}/人事科/培训计划.pdf")
    fill(
        templates["人事科"],
        demo_master.parent / "回收" / templates["人事科"].name,
        {
            ("4", "status"): "已完成",
            ("4", "done_date"): date(2026, 11, 25),
            ("4", "evidence"): "培训计划",
        },
    )
    assert main(["consolidate", str(demo_master)]) == 0
    assert "“佐证材料”表已按电子档案文件夹" in capsys.readouterr().out
    (row,) = records(read_ledger(demo_master).grid(EVIDENCE.name), EVIDENCE)
    assert (row["单位名称"], row["编号"], row["关联依据"]) == ("人事科", "4", "佐证材料写明")
