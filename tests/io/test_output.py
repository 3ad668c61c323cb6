"""Files written beside the master: a refusal is one Chinese sentence naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.blocked import held_open, unwritable
from zhenggai.core.errors import OutputError
from zhenggai.io.output import write_bytes


def test_writes_atomically_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "邮件" / "办公室.eml", b"x")
    assert path.read_bytes() == b"x"
    assert [p.name for p in path.parent.iterdir()] == ["办公室.eml"]


def test_a_read_only_folder_is_named_with_the_reason(tmp_path: Path) -> None:
    folder = tmp_path / "反馈"
    with unwritable(folder), pytest.raises(OutputError) as info:
        write_bytes(folder / "人事科-问题清单.xlsx", b"x")
    assert str(info.value) == (
        f"“{folder / '人事科-问题清单.xlsx'}”未能写出："
        "没有写入权限：文件可能正在 Excel、WPS 或 Word 中打开，或文件夹是只读的。"
    )
    assert info.value.path == folder / "人事科-问题清单.xlsx"
    assert list(folder.iterdir()) == []


def test_a_file_open_in_excel_is_refused_naming_who_has_it(tmp_path: Path) -> None:
    path = tmp_path / "人事科-问题清单.xlsx"
    path.write_bytes(b"old")
    with held_open(path, "李娜"), pytest.raises(OutputError, match="正被 李娜 在 Excel"):
        write_bytes(path, b"new")
    assert path.read_bytes() == b"old"
    write_bytes(path, b"new")  # closed again: written
    assert path.read_bytes() == b"new"
