"""Build ``整改台账.xlam`` from xlwings' own ribbon add-in template, without Excel.

The template (``quickstart_addin_ribbon.xlam`` in the installed xlwings package,
never copied into this repository) already carries the xlwings VBA client. We
change exactly five things and copy every other part byte for byte:

1. ``customUI/customUI.xml``: our tab (:mod:`xl_addin.build.ribbon`), and in
   ``_rels/.rels`` the relationship to it gets the Office 2007 type that goes
   with its 2006 namespace (see :data:`UI_REL_2006`).
2. ``xl/vbaProject.bin``: add ``ZhenggaiRibbon`` (``vba/ZhenggaiRibbon.bas``),
   remove the template's ``RibbonMyAddin``, rename the project ``Zhenggai`` and
   set the xlwings module's ``PROJECT_NAME`` constant to ``"zhenggai"``.
3. ``xl/workbook.xml``: the config sheet ``_myaddin.conf`` becomes
   ``zhenggai.conf``, which activates it (xlwings reads ``PROJECT_NAME & ".conf"``).
4. The config sheet and ``xl/sharedStrings.xml``: only the settings that are the
   same on every PC (:data:`DEFAULT_SETTINGS`); the interpreter and PYTHONPATH of
   a PC live in the user's ``zhenggai.conf`` (:mod:`xl_addin.build.install`).

The zip is written with fixed timestamps, so the same inputs give the same bytes.

Example:
    >>> build_addin(Path("dist"))
    PosixPath('dist/整改台账.xlam')
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from xl_addin.build.ribbon import customui_xml
from xl_addin.build.vbaproject import VbaProject
from xl_addin.errors import AddinBuildError, TemplateNotFoundError

__all__ = [
    "ADDIN_FILENAME",
    "DEFAULT_SETTINGS",
    "MODULE_NAME",
    "UI_REL_2006",
    "build_addin",
    "module_source",
    "template_path",
]

ADDIN_FILENAME = "整改台账.xlam"
MODULE_NAME = "ZhenggaiRibbon"
PROJECT_NAME = "zhenggai"
VBA_PROJECT_NAME = "Zhenggai"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
TEMPLATE_MODULE = "RibbonMyAddin"
TEMPLATE_PROJECT_LINE = 'Public Const PROJECT_NAME As String = "myaddin"'
TEMPLATE_SHEET = "_myaddin.conf"
CONF_SHEET = f"{PROJECT_NAME}.conf"

#: Rows of the add-in's config sheet. xlwings looks a setting up in the active
#: workbook's sheet, then this sheet, then ``zhenggai.conf`` beside the workbook,
#: then the user's ``zhenggai.conf`` (which ``zhenggai addin install`` writes):
#: a row here, even an empty one, hides the files below it. So the sheet holds
#: only what is the same on every PC: ADD_WORKBOOK_TO_PYTHONPATH is off, since
#: the handlers are an installed package and the ledger's folder (or its
#: OneDrive URL) must not shadow modules or break the import. With no
#: interpreter configured anywhere, xlwings starts ``python`` from PATH.
DEFAULT_SETTINGS: Mapping[str, str | bool] = {
    # A string, not a boolean: VBA turns a boolean cell into localised text.
    "ADD_WORKBOOK_TO_PYTHONPATH": "false",
}

# Any fixed time will do; 1980-01-01 is the earliest a zip can hold.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
#: The relationship type of a ribbon part in the 2006 customUI namespace, which
#: every Excel from 2007 on reads. The template links its 2006-namespace part
#: with Office 2010's type (``.../2007/relationships/...``, meant for the
#: ``customUI14`` part and its 2009 namespace), which Excel 2007 does not know,
#: so there the tab would not appear; xlwings' own ``xlwings.xlam`` uses this one.
UI_REL_2006 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
UI_REL_2010 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
_UI_RELS = (UI_REL_2006, UI_REL_2010)


def template_path() -> Path:
    """Locate xlwings' ribbon add-in template in the installed xlwings package.

    Raises:
        TemplateNotFoundError: xlwings is not installed or lacks the template.
    """
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise TemplateNotFoundError(
            "未安装 xlwings，无法生成加载项：请先运行 pip install xlwings==0.37.8"
        )
    path = Path(spec.origin).parent / TEMPLATE_NAME
    if not path.is_file():
        raise TemplateNotFoundError(
            f"xlwings 安装目录中找不到加载项模板 {TEMPLATE_NAME}（{path.parent}）："
            "请重新安装 xlwings==0.37.8"
        )
    return path


def module_source() -> str:
    """Our VBA module as VBA stores it: CRLF line ends, Chinese literals as ``ZhText("\\u…")``.

    Raises:
        AddinBuildError: the .bas has Chinese outside a string literal, in a
            ``Const`` (which cannot call a function), or a line grows past
            VBA's 1,023 characters.
    """
    text = (importlib.resources.files("xl_addin.build") / "vba" / f"{MODULE_NAME}.bas").read_text(
        "utf-8"
    )
    lines = [vba_line(line, number) for number, line in enumerate(text.splitlines(), start=1)]
    return "\r\n".join(lines) + "\r\n"


#: VBA's longest physical line.
VBA_LINE = 1023
_LITERAL_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}")


def vba_line(line: str, number: int = 0) -> str:
    r"""One line of VBA source with each non-ASCII string literal rewritten as ``ZhText("…")``.

    VBA stores module source in the project's ANSI code page (1252 in xlwings'
    template), where Chinese does not fit: the literal becomes ASCII escapes
    that the module's ``ZhText`` function turns back into text at run time.

    >>> vba_line('MsgBox "台账" & x, , "OK"')
    'MsgBox ZhText("\\u53F0\\u8D26") & x, , "OK"'
    """
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch == "'":  # a comment runs to the end of the line
            if not line[i:].isascii():
                raise AddinBuildError(f"VBA 模块第 {number} 行：注释中不能有中文")
            out.append(line[i:])
            break
        if ch != '"':
            if not ch.isascii():
                raise AddinBuildError(f"VBA 模块第 {number} 行：中文只能写在字符串里")
            out.append(ch)
            i += 1
            continue
        end = i + 1
        while end < n:
            if line[end] == '"':
                if end + 1 < n and line[end + 1] == '"':
                    end += 2
                    continue
                break
            end += 1
        literal = line[i + 1 : end]
        if literal.isascii():
            out.append(f'"{literal}"')
        else:
            if re.match(r"\s*(Public\s+|Private\s+)?Const\b", line, re.I):
                raise AddinBuildError(f"VBA 模块第 {number} 行：Const 中不能有中文")
            if _LITERAL_ESCAPE.search(literal):
                raise AddinBuildError(
                    f"VBA 模块第 {number} 行：字符串中不能出现 \\u 加四位十六进制"
                )
            escaped = "".join(c if c.isascii() else f"\\u{ord(c):04X}" for c in literal)
            if any(ord(c) > 0xFFFF for c in literal):
                raise AddinBuildError(f"VBA 模块第 {number} 行：字符超出基本多文种平面")
            out.append(f'ZhText("{escaped}")')
        i = end + 1
    result = "".join(out)
    if len(result) > VBA_LINE:
        raise AddinBuildError(f"VBA 模块第 {number} 行转换后超过 {VBA_LINE} 个字符，请拆开")
    return result


def build_addin(
    out: Path,
    *,
    settings: Mapping[str, str | bool] | None = None,
    template: Path | None = None,
) -> Path:
    """Build the add-in and return the path written.

    Args:
        out: a directory (the file is named ``整改台账.xlam`` in it) or a ``.xlam`` path.
        settings: config sheet values overriding :data:`DEFAULT_SETTINGS`, e.g.
            ``{"Interpreter_Win": r"C:\\zhenggai\\.venv\\Scripts\\pythonw.exe"}``;
            keys match case-insensitively, unknown keys are appended. A row
            here overrides the user's ``zhenggai.conf`` on every PC the file
            goes to: ``zhenggai addin install`` writes that file instead.
        template: the xlwings template; found in the xlwings package by default.

    Raises:
        TemplateNotFoundError: no template.
        AddinBuildError: the template is not the one this builder knows.
    """
    out = Path(out)
    target = out if out.suffix.lower() == ".xlam" else out / ADDIN_FILENAME
    source = template or template_path()
    try:
        with zipfile.ZipFile(source) as zin:
            parts = {info.filename: zin.read(info) for info in zin.infolist()}
    except (OSError, zipfile.BadZipFile) as exc:
        raise TemplateNotFoundError(f"无法读取加载项模板 {source}：{exc}") from exc
    for name, data in _edit_parts(parts, _merge_settings(settings)).items():
        parts[name] = data
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_zip(target, parts)
    return target


def _merge_settings(settings: Mapping[str, str | bool] | None) -> dict[str, str | bool]:
    merged = dict(DEFAULT_SETTINGS)
    for key, value in (settings or {}).items():
        same = [k for k in merged if k.upper() == key.upper()]
        merged[same[0] if same else key] = value
    return merged


def _edit_parts(parts: dict[str, bytes], settings: dict[str, str | bool]) -> dict[str, bytes]:
    """Return the changed parts, each checked against what the template must contain."""
    _check_customui_rel(parts)
    workbook = _part(parts, "xl/workbook.xml")
    sheet_part = _sheet_part(parts, workbook, TEMPLATE_SHEET)
    old_name = f'name="{TEMPLATE_SHEET}"'.encode()
    if workbook.count(old_name) != 1:
        raise AddinBuildError(f"模板的 workbook.xml 中找不到工作表 {TEMPLATE_SHEET}")
    strings, sheet_data = _conf_sheet(settings)
    sheet = _part(parts, sheet_part)
    sheet, n = re.subn(
        rb"<sheetData\s*/>|<sheetData>.*?</sheetData>", sheet_data, sheet, flags=re.S
    )
    sheet, m = re.subn(
        rb'<dimension ref="[^"]*"', f'<dimension ref="A1:B{len(settings)}"'.encode(), sheet
    )
    if n != 1 or m != 1:
        raise AddinBuildError(f"模板的配置表 {sheet_part} 结构与预期不符")
    return {
        "_rels/.rels": _rels_2006(_part(parts, "_rels/.rels")),
        "customUI/customUI.xml": customui_xml(),
        "xl/vbaProject.bin": _vba_project(_part(parts, "xl/vbaProject.bin")),
        "xl/workbook.xml": workbook.replace(old_name, f'name="{CONF_SHEET}"'.encode()),
        sheet_part: sheet,
        "xl/sharedStrings.xml": strings,
    }


def _part(parts: dict[str, bytes], name: str) -> bytes:
    if name not in parts:
        raise AddinBuildError(f"加载项模板中缺少部件 {name}")
    return parts[name]


def _check_customui_rel(parts: dict[str, bytes]) -> None:
    """The template's one ribbon part must be customUI/customUI.xml, which we replace."""
    rels = ElementTree.fromstring(_part(parts, "_rels/.rels"))
    targets = {
        rel.get("Target", "").lstrip("/")
        for rel in rels.iter(f"{{{_NS_PKG_REL}}}Relationship")
        if rel.get("Type") in _UI_RELS
    }
    if targets != {"customUI/customUI.xml"} or "customUI/customUI.xml" not in parts:
        raise AddinBuildError(f"模板的功能区部件与预期不符：{sorted(targets)}")


def _rels_2006(rels: bytes) -> bytes:
    """The package relationships with the ribbon part linked by :data:`UI_REL_2006`.

    Only the Type attribute changes; the template's bytes are kept otherwise.
    """
    old = f'Type="{UI_REL_2010}" Target="customUI/customUI.xml"'.encode()
    new = f'Type="{UI_REL_2006}" Target="customUI/customUI.xml"'.encode()
    if rels.count(new) == 1:
        return rels
    if rels.count(old) != 1:
        raise AddinBuildError("模板 _rels/.rels 中功能区部件的关系与预期不符")
    return rels.replace(old, new)


def _sheet_part(parts: dict[str, bytes], workbook: bytes, sheet_name: str) -> str:
    """Resolve a sheet name to its part name through workbook.xml and its rels."""
    book = ElementTree.fromstring(workbook)
    rid = next(
        (
            s.get(f"{{{_NS_REL}}}id")
            for s in book.iter(f"{{{_NS_MAIN}}}sheet")
            if s.get("name") == sheet_name
        ),
        None,
    )
    rels = ElementTree.fromstring(_part(parts, "xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{{{_NS_PKG_REL}}}Relationship"):
        if rid is not None and rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise AddinBuildError(f"模板中找不到配置表 {sheet_name}")


def _vba_project(data: bytes) -> bytes:
    project = VbaProject.from_bytes(data)
    source = module_source()
    try:
        source.encode(project.encoding)
    except UnicodeEncodeError as exc:
        raise AddinBuildError(
            f"VBA 模块 {MODULE_NAME}.bas 含有代码页 {project.codepage} 以外的字符"
        ) from exc
    project.replace_line(
        "xlwings", TEMPLATE_PROJECT_LINE, TEMPLATE_PROJECT_LINE.replace("myaddin", PROJECT_NAME)
    )
    if TEMPLATE_MODULE in project.module_names:
        project.remove_module(TEMPLATE_MODULE)
    project.add_module(MODULE_NAME, source)
    project.set_project_name(VBA_PROJECT_NAME)
    return project.to_bytes()


def _conf_sheet(settings: dict[str, str | bool]) -> tuple[bytes, bytes]:
    """Return (sharedStrings.xml, <sheetData>) for the config rows."""
    strings: list[str] = []

    def shared(text: str) -> int:
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    rows = []
    for r, (key, value) in enumerate(settings.items(), start=1):
        cells = f'<c r="A{r}" s="1" t="s"><v>{shared(key)}</v></c>'
        if isinstance(value, bool):
            cells += f'<c r="B{r}" s="1" t="b"><v>{int(value)}</v></c>'
        elif value:
            cells += f'<c r="B{r}" s="1" t="s"><v>{shared(value)}</v></c>'
        rows.append(f'<row r="{r}">{cells}</row>')
    items = "".join(f"<si>{_text_element(s)}</si>" for s in strings)
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="{_NS_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    )
    return sst.encode("utf-8"), f"<sheetData>{''.join(rows)}</sheetData>".encode()


def _text_element(text: str) -> str:
    # Without xml:space="preserve" Excel would drop leading and trailing spaces.
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<t{space}>{escape(text)}</t>"


def _write_zip(target: Path, parts: dict[str, bytes]) -> None:
    """Write the parts in template order, deterministically, replacing ``target`` atomically."""
    fd, tmp = tempfile.mkstemp(prefix=".zhenggai-", suffix=".xlam", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as zout:
            for name, data in parts.items():
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 0  # the same bytes whichever OS builds it
                info.external_attr = 0
                zout.writestr(info, data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
