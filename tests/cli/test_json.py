"""``--json`` on every command: one JSON object on stdout, nothing else, through a whole round."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.support.synthetic import fill_return
from zhenggai.cli import main


def _json(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> Any:
    assert main([*argv, "--json"]) == code, capsys.readouterr()
    return json.loads(capsys.readouterr().out)  # the whole of stdout is the object


def test_a_round_with_json_on_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("ZHENGGAI_CONFIG_DIR", str(tmp_path / "config"))  # the server's settings
    # the round on the demo's day: its 报送截止 (12月5日前) is read for the batch, past after 12-05
    monkeypatch.setenv("ZHENGGAI_TODAY", "2026-11-28")
    master = tmp_path / "示例台账.xlsx"
    m = str(master)
    made = _json(capsys, ["init", m, "--demo"])
    assert made["master"] == str(master.resolve()) and len(made["samples"]) == 2

    # issued on the bulletin's day: a bulletin does not report a batch issued after its own date
    issued = _json(capsys, ["templates", m, "--batch", "2026年11月", "--today", "2026-11-28"])
    assert issued["batch"] == "2026年11月" and len(issued["issued"]) == 6
    assert issued["saved"]["replaced"] is True

    mails = _json(capsys, ["mail", m])
    assert len(mails["eml_files"]) == 6

    template = Path(next(t["file"] for t in issued["issued"] if t["unit"] == "机关党委"))
    returned = fill_return(
        template,
        tmp_path / "回收" / template.name,
        {
            ("2", "status"): "已完成",
            ("2", "done_date"): date(2026, 11, 20),
            ("2", "evidence"): "会议纪要",
        },
    )
    checked = _json(capsys, ["check", str(returned), "--master", m])
    assert checked["unit"] == "机关党委" and checked["changes"] == 3

    merged = _json(capsys, ["consolidate", m])
    assert merged["files"][0]["verdict"] == "applied"
    undone = _json(capsys, ["undo", m])
    assert undone["units"] == {"机关党委": 3} and undone["saved"]["replaced"] is True
    _json(capsys, ["consolidate", m])

    warned = _json(capsys, ["overdue", m, "--today", "2026-11-28"])
    assert warned["today"] == "2026-11-28" and warned["units"]

    october, november = made["samples"]
    study = _json(capsys, ["study", october, "--into", m, "--period", "2026年10月"])
    assert study["period"] == "2026年10月"
    _json(capsys, ["study", november, "--into", m, "--period", "2026年11月"])

    docx = tmp_path / "督查通报.docx"
    bulletin = _json(capsys, ["bulletin", m, "--today", "2026-11-28", "--docx", str(docx)])
    assert bulletin["docx"] == str(docx.resolve()) and docx.is_file()
    assert "舆情信息科" in bulletin["not_returned"]

    review = _json(capsys, ["review", m, "--today", "2026-11-28"])
    assert review["today"] == "2026-11-28" and review["relapsed"] == []

    report = _json(capsys, ["report", m, "--today", "2026-11-28"])
    assert report["stats"]["measures"] > 0 and report["paragraphs"][0]["kind"] == "recipient"

    imported = _json(
        capsys, ["import", m, "--sheet", "台账", "--into", str(tmp_path / "导入.xlsx")]
    )
    assert imported["written"] > 0

    addin = _json(capsys, ["addin", "build", "--out", str(tmp_path)])
    assert Path(addin["addin"]).is_file()
    install = _json(capsys, ["addin", "install"], code=2)  # not Windows: says what it would do
    assert install["installed"] is None and install["settings"]
    manifest = _json(capsys, ["addin", "officejs", "--out", str(tmp_path / "officejs")])
    assert Path(manifest["manifest"]).is_file()
    wps = _json(capsys, ["addin", "wps", "--out", str(tmp_path / "jsaddons")])
    assert Path(wps["addin"]).is_dir() and wps["registries"]
