"""Problem lists (问题清单), and what the user hears when one cannot be written.

The ledger is changed before the lists are written; a list that cannot be
written (open in Excel, a read-only folder) must not hide that, nor stop the
other lists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.blocked import held_open, unwritable
from tests.support.returns_kit import issue
from zhenggai.cli import main
from zhenggai.core.errors import OutputError
from zhenggai.demo.returns import fill_demo_returns
from zhenggai.io.calamine import open_book
from zhenggai.io.master import read_ledger
from zhenggai.returns.consolidate import consolidate_folder
from zhenggai.returns.feedback import feedback_path, write_feedback

BATCH = "2026年11月"


@pytest.fixture
def returned(demo_master: Path) -> Path:
    """The demo master with the demo units' returns in 回收/ (two of them have problems)."""
    folder = next(iter(issue(demo_master).values())).parent
    fill_demo_returns(folder, demo_master.parent / "回收")
    return demo_master


def _changes(master: Path) -> int:
    return len(open_book(master).grid("变更记录")) - 1


def test_one_list_open_in_excel_does_not_stop_the_others(returned: Path) -> None:
    result = consolidate_folder(read_ledger(returned))
    folder = result.feedback_folder / BATCH
    held = feedback_path(result.feedback_folder, "人事科", BATCH)
    folder.mkdir(parents=True)
    held.write_bytes(b"last month's list, open in Excel")
    with held_open(held, "李娜"), pytest.raises(OutputError) as info:
        write_feedback(result)
    assert str(info.value).startswith(
        f"问题清单 1 份未写出（另 1 份已写出）：“{held}”未能写出：文件正被 李娜 在 Excel/WPS/Word 中打开"
    )
    assert "“校验问题”表" in str(info.value)
    assert (folder / "宣传教育科-问题清单.xlsx").is_file()
    assert held.read_bytes() == b"last month's list, open in Excel"


def test_cli_says_the_ledger_was_updated_and_which_lists_were_not(returned: Path, capsys) -> None:
    before = _changes(returned)
    with unwritable(returned.parent / "反馈"):
        assert main(["consolidate", str(returned)]) == 2
    out, err = capsys.readouterr()
    assert _changes(returned) > before  # the consolidation itself was saved
    message = " ".join(err.split())
    assert message.startswith(f"错误：台账已更新（{returned}）；但问题清单 2 份未写出，第一份：“")
    assert "没有写入权限" in message
    assert "共 " in out and "修改" in out  # the summary was shown before
    assert not list((returned.parent / "反馈").iterdir())
