"""``zhenggai import`` on the command line."""

from __future__ import annotations

import hashlib
import json

from tests.conftest import write_book
from tests.support.ledgers import unit_rows, write_audit_ledger, write_unit_ledger
from zhenggai.cli import main
from zhenggai.io.calamine import open_book


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_json_is_exactly_the_issue_s_object(tmp_path, capsys):
    source = write_audit_ledger(tmp_path / "审计整改台账.xlsx")
    master = tmp_path / "台账.xlsx"
    assert main(["import", str(source), "--into", str(master), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["read", "written", "placeholders", "not_written", "columns", "problems"]
    assert (data["read"], data["written"], data["placeholders"]) == (10, 9, 46)
    assert data["not_written"][0] == {
        "file": "审计整改台账.xlsx",
        "sheet": "审计整改台账",
        "row": 13,
        "reason": "合计行",
    }
    assert list(data["columns"]) == ["mapped", "extra"]
    assert data["columns"]["mapped"]["问题简述"] == "存在问题"
    assert "整改成效" in data["columns"]["extra"]
    assert data["problems"] == []
    assert len(open_book(master).grid("台账")) == 10


def test_problems_give_exit_code_1_with_every_field(tmp_path, capsys):
    a = write_unit_ledger(tmp_path / "A公司.xlsx", "A公司", unit_rows("A", "A公司", 1))
    c = write_unit_ledger(tmp_path / "C公司.xlsx", "A公司", unit_rows("C", "C公司", 1))
    master = tmp_path / "台账.xlsx"
    assert main(["import", str(a), str(c), "--into", str(master), "--json"]) == 1
    (problem,) = json.loads(capsys.readouterr().out)["problems"]
    assert problem == {
        "code": "import-unit-mismatch",
        "file": "C公司.xlsx",
        "sheet": "A公司",
        "cell": "D2",
        "message": problem["message"],
        "value": "A公司",
    }
    assert "已按责任单位列导入" in problem["message"]


def test_dry_run_writes_nothing(tmp_path, capsys):
    source = write_audit_ledger(tmp_path / "审计整改台账.xlsx")
    master = tmp_path / "台账.xlsx"
    assert main(["import", str(source), "--into", str(master), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "试运行：没有写入任何文件" in text
    assert "读取 10 行，写入 9 行（其中 1 行写了多个单位，已按单位拆分）" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["审计整改台账.xlsx"]
    assert main(["init", str(master)]) == 0
    capsys.readouterr()
    before = _digest(master)
    assert main(["import", str(source), "--into", str(master), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["written"] == 9
    assert _digest(master) == before
    assert not (tmp_path / "备份").exists()


def test_every_decision_is_printed(tmp_path, capsys):
    source = write_audit_ledger(tmp_path / "审计整改台账.xlsx")
    master = tmp_path / "台账.xlsx"
    assert main(["import", str(source), "--into", str(master)]) == 0
    text = capsys.readouterr().out
    assert "审计整改台账.xlsx｜审计整改台账：表头在第3行—第4行，读取 10 行" in text
    for words in ("问题简述", "对应字段", "附加列", "有重复值", "常用名", "合计行"):
        assert words in text
    assert "跳过 审计整改台账.xlsx｜Sheet2：空白工作表" in text
    assert "新增单位（请到“单位”表补填编码、联系人和邮箱）：A公司、B公司" in text
    assert f"已新建并导入台账：{master.resolve()}" in text


def test_map_overrides_and_bad_maps_are_refused_in_chinese(tmp_path, capsys):
    source = write_book(
        tmp_path / "a.xlsx",
        {"S": [["问题摘要", "整改措施", "责任单位"], ["甲", "措施", "办公室"]]},
    )
    master = tmp_path / "台账.xlsx"
    args = ["import", str(source), "--into", str(master), "--json"]
    assert main([*args, "--map", "问题摘要=存在问题"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["columns"]["mapped"]["问题摘要"] == "存在问题"
    assert main([*args, "--map", "问题摘要=问题金额"]) == 2
    assert "台账没有字段“问题金额”" in capsys.readouterr().err
    assert main([*args, "--map", "问题摘要"]) == 2
    assert "--map 的写法是“源列=字段”" in capsys.readouterr().err
    assert main(["import", str(master), "--into", str(master)]) == 2
    assert "源文件不能是台账本身" in capsys.readouterr().err


def test_files_of_other_formats_are_refused_clearly(tmp_path, capsys):
    csv = tmp_path / "台账.csv"
    csv.write_text("存在问题,整改措施\n甲,乙\n", encoding="utf-8")
    master = tmp_path / "台账.xlsx"
    assert main(["import", str(csv), "--into", str(master)]) == 1
    text = capsys.readouterr().out
    assert "file-unsupported" in text
    assert "没有要写入的行，台账未改动" in text
    assert "新增字段" not in text
    assert main(["import", str(csv), "--into", str(master), "--json"]) == 1
    (problem,) = json.loads(capsys.readouterr().out)["problems"]
    assert problem["message"].startswith("无法导入：只能导入 Excel 工作簿（.xlsx、.xlsm、.xls）")
    assert not master.exists()
