"""Relative hyperlinks in an output sheet: both writers, rewritten runs, and LibreOffice's reading."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest

from tests.support.office import convert
from zhenggai import create_master
from zhenggai.core.changes import ChangeSet
from zhenggai.core.logs import sheet_table
from zhenggai.core.sheets import EVIDENCE
from zhenggai.io.master import OpenpyxlMaster
from zhenggai.io.style import link_target

FILES = ["电子档案/2026年11月/办公室/1-1 会议纪要#2.pdf", "电子档案/2026年11月/办公室/签到表.jpg"]


def _changes(paths: list[str]) -> ChangeSet:
    table = sheet_table(EVIDENCE, [{"文件": Path(p).name, "位置": p} for p in paths])
    table.links = {(r, 4): p for r, p in enumerate(paths, start=2)}
    cs = ChangeSet()
    cs.table(table)
    return cs


def _write(master: Path, changes: ChangeSet, engine: str) -> str:
    with OpenpyxlMaster.open(master, op="测试", engine=engine) as m:
        saved = m.write(changes)
    return saved.engine


def _links(master: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(master)[EVIDENCE.name]
    return {c.coordinate: c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink}


@pytest.mark.parametrize("engine", ["xml", "openpyxl"])
def test_links_written_then_replaced_never_piled_up(tmp_path, engine):
    master = create_master(tmp_path / "台账.xlsx")
    assert _write(master, _changes(FILES), engine) == engine
    assert _links(master) == {"D2": link_target(FILES[0]), "D3": link_target(FILES[1])}
    assert link_target(FILES[0]).endswith("1-1%20会议纪要%232.pdf")
    ws = openpyxl.load_workbook(master)[EVIDENCE.name]
    assert ws["D2"].value == "1-1 会议纪要#2.pdf" and ws["D2"].font.u == "single"
    # the next run lists one file: one link left, and one hyperlink relationship in the part
    _write(master, _changes(FILES[1:]), engine)
    assert _links(master) == {"D2": link_target(FILES[1])}
    with zipfile.ZipFile(master) as zf:
        rels = b"".join(zf.read(n) for n in zf.namelist() if "worksheets/_rels/" in n)
    assert rels.count(b"/hyperlink") == 1
    _write(master, _changes([]), engine)
    assert _links(master) == {}


@pytest.mark.libreoffice
def test_libreoffice_reads_the_links_relative_to_the_workbook(tmp_path):
    master = create_master(tmp_path / "台账.xlsx")
    _write(master, _changes(FILES), "xml")
    out = tmp_path / "ods"
    convert([master], "ods", out, profile=tmp_path / "profile")
    with zipfile.ZipFile(out / "台账.ods") as zf:
        content = zf.read("content.xml").decode()
    hrefs = re.findall(r'xlink:href="([^"]+)"', content)
    # LibreOffice resolved each link from the workbook's folder and wrote it relative to the
    # .ods (ODF links count from inside the package: "../" is the folder holding it)
    opened = {os.path.normpath(out / "台账.ods" / unquote(h)) for h in hrefs}
    assert opened == {os.path.normpath(tmp_path / p) for p in FILES}
