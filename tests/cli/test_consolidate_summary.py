"""``zhenggai consolidate`` at scale: the summary lists what needs a look and counts the rest."""

from __future__ import annotations

import shutil

import pytest

from tests.support.synthetic import returned_world
from zhenggai.cli import main
from zhenggai.cli.consolidate import SHOWN

pytestmark = pytest.mark.slow


def test_many_files_list_only_those_that_need_a_look(tmp_path, capsys):
    units = SHOWN + 5
    master, returns = returned_world(tmp_path / "world", units=units, rows=2)
    files = sorted(returns.iterdir())
    damaged = files[3]
    damaged.write_bytes(b"PK\x03\x04 not a workbook at all")
    shutil.copy2(files[7], returns / f"转发-{files[7].name}")  # the same file sent twice

    # a dry run writes no 回收情况: the line points to --json instead
    main(["consolidate", str(master), str(returns), "--jobs", "2", "--dry-run"])
    text = capsys.readouterr().out.replace("\n", "")
    assert f"另有 {units + 1 - 2} 个文件可以汇总、没有问题" in text and "--json" in text
    assert "回收情况" not in text

    code = main(["consolidate", str(master), str(returns), "--jobs", "2"])
    text = capsys.readouterr().out.replace("\n", "")  # wrapped at the terminal width
    assert code == 1
    # (names fold in a narrow table: the verdicts tell the rows apart)
    assert text.count("未汇总") == 1  # the damaged file: listed
    assert text.count("重复文件") == 1  # the copy: listed with its note
    assert text.count("已汇总") == 1  # files merged in full with nothing to say: only counted
    assert f"另有 {units + 1 - 2} 个文件已汇总、没有问题，未逐个列出" in text
    assert f"共 {units + 1} 个文件" in text
