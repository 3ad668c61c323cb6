"""The built 整改台账.xlam, checked with olevba, compoundfiles, calamine and LibreOffice."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import compoundfiles  # type: ignore[import-untyped]
import pytest
from oletools.olevba import VBA_Parser  # type: ignore[import-untyped]
from python_calamine import CalamineWorkbook

from tests.support.office import convert
from xl_addin.build.cfb import Storage, read_storage
from xl_addin.build.ovba import chunk_flags, decompress
from xl_addin.build.ribbon import CUSTOMUI_NS
from xl_addin.build.vbaproject import VbaProject
from xl_addin.build.xlam import (
    ADDIN_FILENAME,
    DEFAULT_SETTINGS,
    MODULE_NAME,
    UI_REL_2006,
    VBA_LINE,
    build_addin,
    module_source,
    template_path,
    vba_line,
)
from xl_addin.buttons import HANDLERS
from xl_addin.buttons_spec import BUTTONS
from xl_addin.errors import AddinBuildError, TemplateNotFoundError

CHANGED_PARTS = {
    "_rels/.rels",
    "customUI/customUI.xml",
    "xl/vbaProject.bin",
    "xl/workbook.xml",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
}
OLD_LINE = 'Public Const PROJECT_NAME As String = "myaddin"'
NEW_LINE = 'Public Const PROJECT_NAME As String = "zhenggai"'
MODULES = ["ThisWorkbook", "Dictionary", "Sheet2", "xlwings", MODULE_NAME]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def _olevba_modules(path: Path) -> dict[str, str]:
    """Module name -> source, as olevba decodes it (Attribute lines and line ends kept)."""
    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _vba_tree(path: Path) -> Storage:
    return read_storage(_parts(path)["xl/vbaProject.bin"])


def _vba_stream(tree: Storage, name: str) -> bytes:
    vba = tree.children["VBA"]
    assert isinstance(vba, Storage)
    data = vba.children[name]
    assert isinstance(data, bytes)
    return data


def test_file_name_and_untouched_parts(built_addin: Path) -> None:
    assert built_addin.name == ADDIN_FILENAME == "整改台账.xlam"
    ours, theirs = _parts(built_addin), _parts(template_path())
    assert list(ours) == list(theirs)
    for name in set(theirs) - CHANGED_PARTS:
        assert ours[name] == theirs[name], name


def test_rebuilding_gives_the_same_bytes(built_addin: Path, tmp_path: Path) -> None:
    again = build_addin(tmp_path / "again.xlam")
    assert again.read_bytes() == built_addin.read_bytes()
    with zipfile.ZipFile(again) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_olevba_decodes_every_module_and_ours_is_the_bas_file(built_addin: Path) -> None:
    modules = _olevba_modules(built_addin)
    assert sorted(modules) == sorted(MODULES)
    bas = Path(__file__).parents[2] / "xl_addin" / "build" / "vba" / f"{MODULE_NAME}.bas"
    # VBA stores the .bas text with CRLF line ends, its Chinese literals as ZhText escapes;
    # every other character as it is.
    lines = bas.read_text("utf-8").splitlines()
    assert modules[MODULE_NAME] == "".join(vba_line(line) + "\r\n" for line in lines)
    assert modules[MODULE_NAME] == module_source()
    for line, stored in zip(lines, module_source().split("\r\n"), strict=False):
        assert (line == stored) == line.isascii()


def test_xlwings_module_changes_only_the_project_name(built_addin: Path) -> None:
    before = _olevba_modules(template_path())["xlwings"]
    after = _olevba_modules(built_addin)["xlwings"]
    assert before.count(OLD_LINE) == 1
    assert after == before.replace(OLD_LINE, NEW_LINE)
    changed = [
        (a, b)
        for a, b in zip(before.splitlines(True), after.splitlines(True), strict=True)
        if a != b
    ]
    assert changed == [(OLD_LINE + "\n", NEW_LINE + "\n")]


def test_other_module_streams_are_byte_identical(built_addin: Path, template_vba: bytes) -> None:
    ours, theirs = _vba_tree(built_addin), read_storage(template_vba)
    for name in ["ThisWorkbook", "Dictionary", "Sheet2", "_VBA_PROJECT"]:
        assert _vba_stream(ours, name) == _vba_stream(theirs, name), name
    assert _vba_stream(ours, "_VBA_PROJECT") == bytes.fromhex("cc61ffff000100")


def test_vba_project_records(built_addin: Path) -> None:
    tree = _vba_tree(built_addin)
    project = VbaProject(tree)
    assert project.name == "Zhenggai"
    assert project.codepage == 1252
    assert project.module_names == MODULES
    project_text = tree.children["PROJECT"]
    assert isinstance(project_text, bytes)
    lines = project_text.decode("cp1252").split("\r\n")
    assert "Module=ZhenggaiRibbon" in lines
    assert 'Name="Zhenggai"' in lines
    assert not [line for line in lines if "RibbonMyAddin" in line]
    wm = tree.children["PROJECTwm"]
    assert isinstance(wm, bytes)
    pairs = re.findall(rb"([A-Za-z0-9_]+)\x00((?:[A-Za-z0-9_]\x00)+)\x00\x00", wm)
    assert [a.decode() for a, _ in pairs] == MODULES
    assert [b.decode("utf-16-le") for _, b in pairs] == MODULES
    assert wm.endswith(b"\x00\x00")
    # PROJECTMODULES (0x000F) holds the count; cookies are 0xFFFF as a writer must write.
    raw_dir = decompress(_vba_stream(tree, "dir"))
    assert b"\x0f\x00\x02\x00\x00\x00\x05\x00\x13\x00\x02\x00\x00\x00\xff\xff" in raw_dir


def test_new_and_changed_sources_are_compressed_chunks_only(built_addin: Path) -> None:
    project = VbaProject(_vba_tree(built_addin))
    for name in [MODULE_NAME, "xlwings"]:
        assert all(chunk_flags(project.source_container(name))), name


@pytest.mark.filterwarnings("ignore::compoundfiles.CompoundFileEmulationWarning")
def test_second_cfb_reader_sees_the_same_project(built_addin: Path) -> None:
    data = _parts(built_addin)["xl/vbaProject.bin"]
    tree = read_storage(data)
    reader = compoundfiles.CompoundFileReader(io.BytesIO(data))
    try:
        seen = {}
        for entry in reader.root:
            if entry.isdir:
                for child in entry:
                    with reader.open(child) as stream:
                        seen[f"{entry.name}/{child.name}"] = stream.read()
            else:
                with reader.open(entry) as stream:
                    seen[entry.name] = stream.read()
    finally:
        reader.close()
    vba = tree.children["VBA"]
    assert isinstance(vba, Storage)
    expected = {f"VBA/{k}": v for k, v in vba.children.items()}
    expected |= {k: v for k, v in tree.children.items() if isinstance(v, bytes)}
    assert seen == expected


def test_every_ribbon_callback_resolves_to_a_ribbon_sub(built_addin: Path) -> None:
    parts = _parts(built_addin)
    root = ElementTree.fromstring(parts["customUI/customUI.xml"])
    assert root.tag == f"{{{CUSTOMUI_NS}}}customUI"
    tabs = root.findall(f".//{{{CUSTOMUI_NS}}}tab")
    assert [tab.get("label") for tab in tabs] == ["整改台账"]
    modules = _olevba_modules(built_addin)
    buttons = root.findall(f".//{{{CUSTOMUI_NS}}}button")
    assert buttons
    for button in buttons:
        module, _, sub = (button.get("onAction") or "").rpartition(".")
        sources = [modules[module]] if module else list(modules.values())
        signature = (
            rf"(?im)^[ \t]*(?:Public[ \t]+)?Sub[ \t]+{sub}"
            r"[ \t]*\([ \t]*control[ \t]+As[ \t]+IRibbonControl[ \t]*\)"
        )
        assert any(re.search(signature, source) for source in sources), button.get("onAction")
    spec = {b.tag: b for b in BUTTONS}
    assert [b.get("tag") for b in buttons] == [b.tag for b in BUTTONS]
    for element in buttons:
        expected = spec[element.get("tag") or ""]
        assert (element.get("label"), element.get("imageMso")) == (
            expected.label,
            expected.image_mso,
        )
    assert {b.tag for b in BUTTONS} == set(HANDLERS)


def _ui_relationships(rels: bytes) -> list[tuple[str | None, str | None]]:
    return [
        (rel.get("Type"), rel.get("Target"))
        for rel in ElementTree.fromstring(rels)
        if (rel.get("Type") or "").endswith("/ui/extensibility")
    ]


def test_ribbon_relationship_is_the_2006_type_of_its_2006_namespace(built_addin: Path) -> None:
    """Excel 2007 knows only the 2006 relationship type; xlwings' own add-in uses it."""
    parts = _parts(built_addin)
    assert _ui_relationships(parts["_rels/.rels"]) == [(UI_REL_2006, "customUI/customUI.xml")]
    assert (
        ElementTree.fromstring(parts["customUI/customUI.xml"]).tag == f"{{{CUSTOMUI_NS}}}customUI"
    )
    # The pairing of xlwings' own add-in, which Excel 2007 shows.
    with zipfile.ZipFile(template_path().parent / "addin" / "xlwings.xlam") as z:
        own = z.read("_rels/.rels"), z.read("customUI/customUI.xml")
    assert [t for t, _ in _ui_relationships(own[0])] == [UI_REL_2006]
    assert ElementTree.fromstring(own[1]).tag == f"{{{CUSTOMUI_NS}}}customUI"
    # The template pairs the 2006 namespace with Office 2010's type: that is what we change.
    template = _parts(template_path())["_rels/.rels"]
    assert [t for t, _ in _ui_relationships(template)] == [
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
    ]
    assert parts["_rels/.rels"].replace(b"/2006/relationships/ui/", b"/2007/relationships/ui/") == (
        template
    )


def test_config_sheet_is_active_and_holds_only_what_every_pc_shares(built_addin: Path) -> None:
    """A row here would hide the user's zhenggai.conf, even an empty one: none for the interpreter."""
    book = CalamineWorkbook.from_path(str(built_addin))
    assert book.sheet_names == ["zhenggai.conf"]
    rows = book.get_sheet_by_name("zhenggai.conf").to_python()
    assert [tuple(row) for row in rows] == list(DEFAULT_SETTINGS.items())
    assert [tuple(row) for row in rows] == [("ADD_WORKBOOK_TO_PYTHONPATH", "false")]
    # xlwings reads keys from A1 down to the first empty cell: no gaps allowed.
    assert all(key for key, _ in rows)
    assert b"_myaddin.conf" not in _parts(built_addin)["xl/workbook.xml"]


def test_settings_override_defaults(tmp_path: Path) -> None:
    python = r"C:\Users\张三\zhenggai\.venv\Scripts\pythonw.exe"
    path = build_addin(tmp_path, settings={"interpreter_win": python, "LICENSE_KEY": " a b "})
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("zhenggai.conf").to_python()
    assert rows[-2] == ["interpreter_win", python]
    assert rows[-1] == ["LICENSE_KEY", " a b "]
    assert len(rows) == len(DEFAULT_SETTINGS) + 2


def test_module_source_is_ascii_and_names_its_module() -> None:
    source = module_source()
    assert source.isascii()
    assert source.startswith(f'Attribute VB_Name = "{MODULE_NAME}"\r\n')
    assert "\n" not in source.replace("\r\n", "")
    assert max(len(line) for line in source.split("\r\n")) <= VBA_LINE


@pytest.mark.parametrize(
    ("line", "stored"),
    [
        ('MsgBox "台账"', 'MsgBox ZhText("\\u53F0\\u8D26")'),
        ('x = "a""台""b" & "ok"', 'x = ZhText("a""\\u53F0""b") & "ok"'),
        ("If a Then b ' no Chinese here", "If a Then b ' no Chinese here"),
        ('s = "C:\\path\\" & "台"', 's = "C:\\path\\" & ZhText("\\u53F0")'),
    ],
)
def test_chinese_literals_become_escapes_that_zhtext_reads(line: str, stored: str) -> None:
    assert vba_line(line) == stored
    assert stored.isascii()
    # What ZhText does at run time, on the escaped literal: the original text comes back.
    for original, escaped in zip(
        re.findall(r'"((?:[^"]|"")*)"', line),
        re.findall(r'"((?:[^"]|"")*)"', stored),
        strict=True,
    ):
        assert re.sub(r"\\u([0-9A-F]{4})", lambda m: chr(int(m.group(1), 16)), escaped) == original


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("x = 1 ' 注释", "注释中不能有中文"),
        ('Private Const T As String = "台账"', "Const 中不能有中文"),
        ("台账 = 1", "中文只能写在字符串里"),
        ('x = "\\u53F0台"', "\\u"),
        ('x = "' + "台" * 200 + '"', "超过 1023"),
    ],
)
def test_what_vba_cannot_hold_is_refused_at_build_time(line: str, why: str) -> None:
    with pytest.raises(AddinBuildError, match=re.escape(why)):
        vba_line(line, 7)


def test_unreadable_template_raises_a_chinese_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateNotFoundError, match="无法读取加载项模板"):
        build_addin(tmp_path, template=tmp_path / "missing.xlam")


def test_missing_xlwings_raises_a_chinese_error(tmp_path: Path) -> None:
    # A real interpreter in which xlwings cannot be imported (None in sys.modules
    # is how Python marks a module as absent; find_spec then finds nothing).
    code = (
        "import sys\n"
        "sys.modules['xlwings'] = None\n"
        f"sys.path.insert(0, {str(Path(__file__).parents[2])!r})\n"
        "from xl_addin.build.xlam import build_addin\n"
        "from xl_addin.errors import AddinBuildError, TemplateNotFoundError\n"
        "try:\n"
        f"    build_addin(__import__('pathlib').Path({str(tmp_path)!r}))\n"
        "except TemplateNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "未安装 xlwings" in done.stdout


@pytest.mark.libreoffice
def test_libreoffice_loads_the_project_and_lists_our_module(
    built_addin: Path, tmp_path: Path
) -> None:
    # LibreOffice refuses the add-in content type; the same parts typed as .xlsm load.
    xlsm = tmp_path / "addin.xlsm"
    with zipfile.ZipFile(built_addin) as zin, zipfile.ZipFile(xlsm, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.ms-excel.addin.macroEnabled.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            zout.writestr(info, data)
    done = convert([xlsm], "ods", tmp_path, profile=tmp_path / "profile", timeout=300, check=False)
    ods = tmp_path / "addin.ods"
    assert ods.is_file(), done.stdout + done.stderr
    parts = _parts(ods)
    library = ElementTree.fromstring(parts["Basic/Zhenggai/script-lb.xml"])
    names = [e.get("{http://openoffice.org/2000/library}name") or "" for e in library]
    assert sorted(names) == sorted(MODULES)
    module = ElementTree.fromstring(parts[f"Basic/Zhenggai/{MODULE_NAME}.xml"])
    # LibreOffice drops the Attribute line and adds its own two header lines.
    lines = (module.text or "").splitlines()
    assert lines[:2] == ["Rem Attribute VBA_ModuleType=VBAModule", "Option VBASupport 1"]
    ours = [line for line in module_source().splitlines() if not line.startswith("Attribute ")]
    assert [line for line in lines[2:] if line] == [line for line in ours if line]
    xlwings = ElementTree.fromstring(parts["Basic/Zhenggai/xlwings.xml"]).text or ""
    assert NEW_LINE in xlwings.splitlines()
    assert b'table:name="zhenggai.conf"' in parts["content.xml"]
