"""``zhenggai import`` reads a ledger from outside behind the same guard as returns.

The audit: a package whose guard and parser read different sheets killed
``import`` the same way it killed ``consolidate``. New instance: the
package's ``_rels/.rels`` names another workbook part whose sheet holds a
value at XFD1048576, while ``xl/workbook.xml`` is an ordinary ledger.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import write_book
from tests.hostile.craft import members
from tests.support.synthetic import rewrite_zip

ZHENGGAI = Path(sys.executable).with_name("zhenggai")


def test_a_decoy_workbook_part_never_reaches_calamine(tmp_path):
    source = write_book(
        tmp_path / "旧台账.xlsx",
        {"台账": [["编号", "存在问题", "整改措施", "责任单位"], ["1", "问题", "措施", "办公室"]]},
    )
    parts = dict((i.filename, d) for i, d in members(source))
    far = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>",
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    rels = parts["xl/_rels/workbook.xml.rels"].replace(
        b'Target="/xl/worksheets/', b'Target="worksheets/'
    )
    rels = rels.replace(b'Target="worksheets/sheet1.xml"', b'Target="/xl/worksheets/far.xml"')
    rewrite_zip(
        source,
        {
            "_rels/.rels": lambda x: x.replace(
                b'Target="xl/workbook.xml"', b'Target="xl/other/workbook.xml"'
            )
        },
        add={
            "xl/other/workbook.xml": parts["xl/workbook.xml"],
            "xl/other/_rels/workbook.xml.rels": rels.replace(
                b'Target="worksheets/', b'Target="/xl/worksheets/'
            ),
            "xl/worksheets/far.xml": far,
        },
    )
    with zipfile.ZipFile(source) as zf:
        assert "xl/other/workbook.xml" in zf.namelist()
    proc = subprocess.run(
        [str(ZHENGGAI), "import", str(source), "--into", str(tmp_path / "台账.xlsx")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode in (1, 2), proc.stderr
    assert proc.returncode > 0 and "Traceback" not in proc.stderr and "panicked" not in proc.stderr
    assert "XFD1048576" in proc.stdout + proc.stderr
