"""Which file is the posted master: the client's path, else a search under the roots."""

from __future__ import annotations

from pathlib import Path

import pytest

from xl_addin.server.locate import MasterNotFound, locate_master


def _file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_the_clients_full_path_wins(tmp_path: Path) -> None:
    master = _file(tmp_path / "a" / "台账.xlsx")
    _file(tmp_path / "b" / "台账.xlsx")
    assert locate_master("台账.xlsx", str(master), [tmp_path]) == master.resolve()


def test_a_web_address_falls_back_to_the_roots(tmp_path: Path) -> None:
    master = _file(tmp_path / "OneDrive" / "督查" / "台账.xlsx")
    # A copy in one of the library's own output folders is not a second master.
    _file(tmp_path / "OneDrive" / "督查" / "下发" / "台账.xlsx")
    found = locate_master(
        "台账.xlsx", "https://x.sharepoint.com/台账.xlsx", [tmp_path / "OneDrive"]
    )
    assert found == master.resolve()


@pytest.mark.parametrize(
    ("name", "fullname", "roots", "says"),
    [
        ("台账.xlsx", None, [], "zhenggai serve --root"),
        ("工作簿1", None, [], "还没有保存"),
        ("../台账.xlsx", None, [], "不是一个文件名"),
        ("台账.xlsx", "/no/such/台账.xlsx", ["ROOT"], "没有找到"),
        ("两个.xlsx", None, ["ROOT"], "找到 2 个"),
    ],
)
def test_what_the_user_is_told(
    tmp_path: Path, name: str, fullname: str | None, roots: list[str], says: str
) -> None:
    _file(tmp_path / "x" / "两个.xlsx")
    _file(tmp_path / "y" / "两个.xlsx")
    with pytest.raises(MasterNotFound, match=says):
        locate_master(name, fullname, [tmp_path for _ in roots])
