"""Saving received files: never over an existing file, never a second copy of the same bytes."""

from __future__ import annotations

import os

import pytest

from zhenggai.io.store import TEMP_PREFIX, SameBytes, file_name, save_new, sha256


def test_a_taken_name_gets_a_number_and_the_old_file_is_untouched(tmp_path):
    (tmp_path / "纪要.pdf").write_bytes(b"old")
    (tmp_path / "纪要（2）.pdf").write_bytes(b"older")
    path = save_new(tmp_path, "纪要.pdf", b"new")
    assert path.name == "纪要（3）.pdf" and path.read_bytes() == b"new"
    assert (tmp_path / "纪要.pdf").read_bytes() == b"old"
    assert (tmp_path / "纪要（2）.pdf").read_bytes() == b"older"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_folders_are_made_and_names_without_suffix_work(tmp_path):
    path = save_new(tmp_path / "a" / "b", "README", b"x")
    assert path == tmp_path / "a" / "b" / "README"
    assert save_new(tmp_path / "a" / "b", "README", b"y").name == "README（2）"


def test_without_hard_links_the_file_is_still_created_exclusively(tmp_path, monkeypatch):
    def no_links(src: object, dst: object) -> None:
        raise OSError(1, "Operation not permitted")  # as on FAT and some network drives

    monkeypatch.setattr(os, "link", no_links)
    (tmp_path / "x.pdf").write_bytes(b"old")
    path = save_new(tmp_path, "x.pdf", b"new")
    assert path.name == "x（2）.pdf" and path.read_bytes() == b"new"
    assert (tmp_path / "x.pdf").read_bytes() == b"old"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a:b*c?.pdf", "a_b_c_.pdf"),
        ("..\\..\\x.pdf", "x.pdf"),
        ("aux.docx", "aux_.docx"),
        ("报告。。。", "报告。。。"),
        ("...", "附件"),
        ("tab\there.jpg", "tab_here.jpg"),
    ],
)
def test_file_names_are_safe_on_windows(name, expected):
    assert file_name(name) == expected


def test_same_bytes_found_by_content_only_among_same_sized_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "纪要.pdf").write_bytes(b"minutes")
    (tmp_path / "a" / ".hidden.pdf").write_bytes(b"hidden!")
    (tmp_path / "a" / "other.pdf").write_bytes(b"MINUTES")
    seen = SameBytes(tmp_path / "a", tmp_path / "missing")
    assert seen.find(sha256(b"minutes"), 7) == tmp_path / "a" / "纪要.pdf"
    assert seen.find(sha256(b"hidden!"), 7) is None
    new = save_new(tmp_path / "b", "n.pdf", b"brand new")
    seen.add(new, sha256(b"brand new"), 9)
    assert seen.find(sha256(b"brand new"), 9) == new
