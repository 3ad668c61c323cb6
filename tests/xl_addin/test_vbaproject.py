"""vbaProject.bin editing on xlwings' real template."""

from __future__ import annotations

from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser  # type: ignore[import-untyped]

from xl_addin.build.cfb import Storage, read_storage
from xl_addin.build.ovba import decompress
from xl_addin.build.vbaproject import VbaProject, _parse_dir
from xl_addin.errors import VbaFormatError


def _olevba(data: bytes) -> dict[str, str]:
    parser = VBA_Parser("vbaProject.bin", data=data)
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _stream(tree: Storage, *path: str) -> bytes:
    node: Storage | bytes = tree
    for part in path:
        assert isinstance(node, Storage)
        node = node.children[part]
    assert isinstance(node, bytes)
    return node


def test_dir_records_rebuild_to_the_same_bytes(template_vba: bytes) -> None:
    raw = decompress(_stream(read_storage(template_vba), "VBA", "dir"))
    assert b"".join(record.pack() for record in _parse_dir(raw)) == raw


def test_unchanged_project_keeps_sources_and_text_streams(template_vba: bytes) -> None:
    data = VbaProject.from_bytes(template_vba).to_bytes()
    assert _olevba(data) == _olevba(template_vba)
    before, after = read_storage(template_vba), read_storage(data)
    for name in ["PROJECT", "PROJECTwm"]:
        assert _stream(after, name) == _stream(before, name)


def test_added_large_module_decodes_in_olevba(template_vba: bytes) -> None:
    body = "".join(f"Sub S{i}()\r\n    Debug.Print {i}\r\nEnd Sub\r\n" for i in range(1500))
    source = 'Attribute VB_Name = "Big"\r\n' + body
    assert len(source) > 40_000
    project = VbaProject.from_bytes(template_vba)
    project.add_module("Big", source)
    data = project.to_bytes()
    assert _olevba(data)["Big"] == source
    assert VbaProject.from_bytes(data).module_names[-1] == "Big"


def test_remove_then_add_keeps_names_in_step(template_vba: bytes) -> None:
    project = VbaProject.from_bytes(template_vba)
    project.remove_module("RibbonMyAddin")
    project.add_module("Second", 'Attribute VB_Name = "Second"\r\n')
    back = VbaProject.from_bytes(project.to_bytes())
    assert back.module_names == ["ThisWorkbook", "Dictionary", "Sheet2", "xlwings", "Second"]
    text = _stream(read_storage(project.to_bytes()), "PROJECT").decode("cp1252")
    assert "RibbonMyAddin" not in text
    assert "Module=Second\r\n" in text
    assert "Second=0, 0, 0, 0, C\r\n" in text


def test_replace_line_keeps_the_line_end(template_vba: bytes) -> None:
    project = VbaProject.from_bytes(template_vba)
    before = project.module_source("RibbonMyAddin")
    project.replace_line("RibbonMyAddin", "End Sub", "End Sub ' done")
    assert project.module_source("RibbonMyAddin") == before.replace(
        "End Sub\r\n", "End Sub ' done\r\n"
    )


def test_replace_line_needs_exactly_one_match(template_vba: bytes) -> None:
    project = VbaProject.from_bytes(template_vba)
    with pytest.raises(VbaFormatError, match="恰有一行"):
        project.replace_line("xlwings", "no such line", "x")


def test_duplicate_module_is_refused(template_vba: bytes) -> None:
    project = VbaProject.from_bytes(template_vba)
    with pytest.raises(VbaFormatError, match="已有模块"):
        project.add_module("XLWINGS", 'Attribute VB_Name = "XLWINGS"\r\n')


def test_bad_module_name_is_refused(template_vba: bytes) -> None:
    with pytest.raises(ValueError, match="not a VBA module name"):
        VbaProject.from_bytes(template_vba).add_module("整改", "")


def test_document_module_is_not_removed(template_vba: bytes) -> None:
    with pytest.raises(VbaFormatError, match="不是标准模块"):
        VbaProject.from_bytes(template_vba).remove_module("ThisWorkbook")


def test_project_with_p_code_cache_is_refused(template_vba: bytes) -> None:
    tree = read_storage(template_vba)
    vba = tree.children["VBA"]
    assert isinstance(vba, Storage)
    vba.children["_VBA_PROJECT"] = bytes.fromhex("cc61b200000300") + bytes(100)
    with pytest.raises(VbaFormatError, match="仅源代码"):
        VbaProject(tree).to_bytes()


def test_project_rename(template_vba: bytes) -> None:
    project = VbaProject.from_bytes(template_vba)
    assert project.name == "MyAddin"
    project.set_project_name("Zhenggai")
    data = project.to_bytes()
    assert VbaProject.from_bytes(data).name == "Zhenggai"
    assert b'\r\nName="Zhenggai"\r\n' in _stream(read_storage(data), "PROJECT")
