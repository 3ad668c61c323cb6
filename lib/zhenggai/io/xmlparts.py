"""The parts of a workbook package that say where things are, read with a real XML parser.

A regular expression and an XML parser do not read the same document: a
``<sheet>`` inside a comment, single-quoted attributes or a relationship Id
given twice sent an earlier, regex-based guard to a clean decoy sheet while
calamine parsed another one. So the guard parses with expat, hardened:

* only UTF-8, as calamine reads it (another declared encoding is refused);
* no DTD at all: Excel, WPS and LibreOffice never write one, and with none
  there are no entities to expand (``<!DOCTYPE`` is refused as unsafe);
* anything ambiguous is refused: two relationships with one Id, two sheets
  with one name, two ``r:id`` on a sheet, two office documents.

calamine is then handed only what this module parsed
(:func:`zhenggai.io.calamine.open_package` builds a package of its own from
the :class:`BookMap`), so both readers see one document by construction.

Example:
    >>> parse_xml(b'<?xml version="1.0"?><a b=\\'1\\'><!-- <c/> --></a>', part="x.xml")
    >>> parse_xml(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', part="x.xml")
    Traceback (most recent call last):
    zhenggai.core.errors.WorkbookError: 文件中的 x.xml 含有 XML 文档类型或实体声明（DOCTYPE/ENTITY）...
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol
from xml.parsers import expat

from ..core.errors import WorkbookError
from ..core.problems import Code
from .package import normal_name

__all__ = [
    "BookMap",
    "Members",
    "SharedStrings",
    "SheetEntry",
    "ZipMembers",
    "book_map",
    "escape_controls",
    "local",
    "new_parser",
    "parse_xml",
    "shared_strings",
    "sheet_parts",
]

StartHandler = Callable[[str, dict[str, str]], None]
EndHandler = Callable[[str], None]

_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_KINDS = ("worksheet", "chartsheet", "dialogsheet")
_SI = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")
_DIGITS = re.compile(r"\d+")


class Members(Protocol):
    """A package's members by name (exact, else as calamine finds them)."""

    def find(self, name: str) -> object | None: ...

    def read(self, member: str) -> bytes: ...


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_SET = bytes([*range(0, 9), 11, 12, *range(14, 32)])


def escape_controls(data: bytes) -> bytes:
    """Raw control characters (which XML forbids, but careless writers emit) as Excel's
    ``_x0007_`` escapes, which calamine decodes to the same character in a cell's text.

    The guard and calamine then read the same well-formed bytes, and the value
    checks still see (and report) the control character.

    >>> escape_controls(b"<t>a\x07b</t>")
    b'<t>a_x0007_b</t>'
    """
    if len(data.translate(None, _CONTROL_SET)) == len(data):  # one C pass; the usual case
        return data
    return _CONTROL_BYTES.sub(lambda m: b"_x%04X_" % m.group()[0], data)


class ZipMembers:
    """An open :class:`zipfile.ZipFile` (a trusted file on disk) as :class:`Members`."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self._normal = {normal_name(n): n for n in zf.namelist()}

    def find(self, name: str) -> str | None:
        return name if name in self.zf.NameToInfo else self._normal.get(normal_name(name))

    def read(self, member: str) -> bytes:
        return self.zf.read(member)


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> member holding it, of a trusted workbook on disk (the master)."""
    return {s.name: s.member for s in book_map(ZipMembers(zf)).sheets}


def local(name: str) -> str:
    """An element or attribute name without its prefix: "x:row" -> "row"."""
    return name.rpartition(":")[2]


def _unsafe(part: str) -> WorkbookError:
    return WorkbookError(
        f"文件中的 {part[:80]} 含有 XML 文档类型或实体声明（DOCTYPE/ENTITY），Excel 不会这样保存，"
        "疑似恶意文件，已拒绝读取。请用办公室下发的原模板重新填报。",
        code=Code.FILE_UNSAFE,
    )


def _corrupt(text: str) -> WorkbookError:
    return WorkbookError(f"{text}，文件可能已损坏，无法读取，请重新报送。", code=Code.FILE_CORRUPT)


def _suspicious(text: str) -> WorkbookError:
    return WorkbookError(
        f"{text}，Excel 不会这样保存，疑似被改动的文件，已拒绝读取。请用办公室下发的原模板重新填报。",
        code=Code.FILE_UNSAFE,
    )


def new_parser(part: str) -> expat.XMLParserType:
    """An expat parser for package part *part*: UTF-8 only, no DTD, no entities."""
    p = expat.ParserCreate(
        encoding="utf-8"
    )  # overrides the declaration: bytes read as calamine reads them

    def doctype(*_: object) -> None:
        raise _unsafe(part)

    def declaration(version: str, encoding: str | None, standalone: int) -> None:
        if encoding and encoding.lower().replace("-", "") != "utf8":
            raise WorkbookError(
                f"文件中的 {part[:80]} 使用了 {encoding[:20]} 编码（Excel 只用 UTF-8），无法读取。"
                "请用 Excel 重新保存为 .xlsx 后报送。",
                code=Code.FILE_UNSUPPORTED,
            )

    p.StartDoctypeDeclHandler = doctype
    p.XmlDeclHandler = declaration
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return p


def parse_xml(
    data: bytes,
    *,
    part: str,
    start: StartHandler | None = None,
    end: EndHandler | None = None,
    parser: expat.XMLParserType | None = None,
) -> None:
    """Parse *data* (package part *part*), calling *start*/*end* for every element.

    Without handlers this is a well-formedness check at C speed.

    Raises:
        WorkbookError: not well-formed (file-corrupt), a DTD (file-unsafe),
            another encoding (file-unsupported).
    """
    p = parser or new_parser(part)
    if start is not None:
        p.StartElementHandler = start
    if end is not None:
        p.EndElementHandler = end
    try:
        p.Parse(data, True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code) if exc.code is not None else str(exc)
        raise _corrupt(
            f"文件中的 {part[:80]} 不是有效的 XML（第 {exc.lineno} 行第 {exc.offset + 1} 列：{reason}）"
        ) from exc


# --- relationships -----------------------------------------------------------------------


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str
    external: bool


def relationships(data: bytes, *, part: str) -> list[Relationship]:
    """The ``<Relationship>`` elements of a .rels part; two with one Id are refused."""
    found: list[Relationship] = []
    depth = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth == 2 and local(name) == "Relationship":
            found.append(
                Relationship(
                    attrs.get("Id", ""),
                    attrs.get("Type", ""),
                    attrs.get("Target", ""),
                    attrs.get("TargetMode", "").lower() == "external",
                )
            )

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parse_xml(data, part=part, start=start, end=end)
    ids = [r.id for r in found]
    if len(set(ids)) != len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise _suspicious(f"文件中的 {part[:80]} 有两个编号都是“{twice[:40]}”的关系")
    return found


def _kind(rel: Relationship) -> str:
    return rel.type.rstrip("/").rpartition("/")[2]


def _resolve(folder: str, target: str, *, part: str) -> str:
    """*target* of a relationship in *folder* as a member name ("" when it leaves the package)."""
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    path = posixpath.normpath(path.replace("\\", "/")) if path else ""
    if path.startswith("../") or path in ("..", ".", ""):
        raise _suspicious(f"{part[:80]} 指向文件之外的位置“{target[:80]}”")
    return path


# --- the workbook ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetEntry:
    """One sheet as the workbook lists it: its name, state, kind and the member holding it."""

    name: str
    member: str
    state: str = "visible"
    kind: str = "worksheet"


@dataclass(frozen=True)
class BookMap:
    """Where a workbook's parts are: read once, the same for the guard and for calamine.

    Attributes:
        workbook: the member holding the workbook part.
        sheets: the sheets in the workbook's order.
        date1904: the workbook counts dates from 1904 (Mac Excel).
        styles, shared_strings: members of those parts, or None.
    """

    workbook: str
    sheets: list[SheetEntry] = field(default_factory=list)
    date1904: bool = False
    styles: str | None = None
    shared_strings: str | None = None

    def member(self, sheet: str) -> str | None:
        return next((s.member for s in self.sheets if s.name == sheet), None)


def _member(members: Members, name: str) -> str | None:
    info = members.find(name)
    return None if info is None else str(getattr(info, "filename", info))


def _office_document(members: Members) -> str:
    """The workbook part named by the package's ``_rels/.rels`` (default ``xl/workbook.xml``)."""
    if _member(members, "_rels/.rels") is None:
        return "xl/workbook.xml"
    rels = relationships(members.read("_rels/.rels"), part="_rels/.rels")
    docs = [r for r in rels if _kind(r) == "officeDocument"]
    if len(docs) > 1:
        raise _suspicious("文件声明了不止一个工作簿")
    if not docs:
        return "xl/workbook.xml"
    return _resolve("", docs[0].target, part="_rels/.rels")


def book_map(members: Members) -> BookMap:
    """Read the package's relationships and workbook part into a :class:`BookMap`.

    Raises:
        WorkbookError: a part is missing, not well-formed, ambiguous or unsafe.
    """
    name = _office_document(members)
    workbook = _member(members, name)
    if workbook is None:
        raise _corrupt(f"找不到工作簿部件 {name[:80]}")
    folder, base = posixpath.split(workbook)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    rels_member = _member(members, rels_name)
    if rels_member is None:
        raise _corrupt(f"找不到工作簿的关系部件 {rels_name[:80]}")
    rels = {r.id: r for r in relationships(members.read(rels_member), part=rels_member)}
    entries, date1904 = _workbook_sheets(members.read(workbook), part=workbook)
    sheets: list[SheetEntry] = []
    for sheet_name, state, rid in entries:
        rel = rels.get(rid)
        if rel is None:
            raise _corrupt(f"工作表“{sheet_name[:40]}”的关系“{rid[:40]}”不存在")
        kind = _kind(rel)
        if kind not in _SHEET_KINDS:
            raise WorkbookError(
                f"工作表“{sheet_name[:40]}”是 Excel 4.0 宏表或其他不支持的表（{kind[:40]}），无法读取。"
                "请删除这张表后重新报送。",
                code=Code.FILE_UNSUPPORTED,
            )
        if rel.external:
            raise _suspicious(f"工作表“{sheet_name[:40]}”指向文件之外的位置")
        member = _member(members, _resolve(folder, rel.target, part=rels_member))
        if member is None:
            raise _corrupt(f"工作表“{sheet_name[:40]}”在文件中找不到")
        sheets.append(SheetEntry(sheet_name, member, state, kind))
    return BookMap(
        workbook,
        sheets,
        date1904,
        _part(members, rels.values(), "styles", folder, rels_member),
        _part(members, rels.values(), "sharedStrings", folder, rels_member),
    )


def _part(
    members: Members, rels: Iterable[Relationship], kind: str, folder: str, part: str
) -> str | None:
    """The member of the workbook's *kind* part (by relationship, else by its usual name)."""
    found = [r for r in rels if _kind(r) == kind]
    if len(found) > 1:
        raise _suspicious(f"文件声明了不止一个 {kind} 部件")
    if found and not found[0].external:
        return _member(members, _resolve(folder, found[0].target, part=part))
    return _member(members, posixpath.join(folder, f"{kind}.xml"))


def _workbook_sheets(data: bytes, *, part: str) -> tuple[list[tuple[str, str, str]], bool]:
    """(name, state, relationship id) of each ``workbook/sheets/sheet``, and the 1904 flag."""
    entries: list[tuple[str, str, str]] = []
    path: list[str] = []
    date1904 = False

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal date1904
        path.append(local(name))
        if path[1:] == ["sheets", "sheet"]:
            ids = [v for k, v in attrs.items() if ":" in k and local(k) == "id"]
            if len(ids) != 1:
                raise _suspicious(f"工作表“{attrs.get('name', '')[:40]}”的关系编号不是恰好一个")
            entries.append((attrs.get("name", ""), attrs.get("state", "visible"), ids[0]))
        elif path[1:] == ["workbookPr"]:
            date1904 = attrs.get("date1904", "").strip().lower() in ("1", "true")

    def end(name: str) -> None:
        path.pop()

    parse_xml(data, part=part, start=start, end=end)
    names = [n.casefold() for n, _, _ in entries]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise _suspicious("文件中有重名或无名的工作表")
    for n, state, _ in entries:
        if state not in ("visible", "hidden", "veryHidden"):
            raise _corrupt(f"工作表“{n[:40]}”的显示状态“{state[:20]}”无法识别")
    return entries, date1904


# --- shared strings ---------------------------------------------------------------------


@dataclass(frozen=True)
class SharedStrings:
    """What a sharedStrings part declares and holds.

    Attributes:
        items: ``<si>`` elements in the part (an upper bound of the strings a reader keeps).
        unique_count, count: the declared ``uniqueCount`` and ``count`` (None when absent).
    """

    items: int
    unique_count: int | None = None
    count: int | None = None


def shared_strings(data: bytes, *, part: str) -> SharedStrings:
    """Parse a sharedStrings part (well-formed, no DTD) and read its declared counts.

    Only the first ``sst`` element reaches Python (its handler then unhooks
    itself); the rest is checked at C speed.
    """
    p = new_parser(part)
    found: dict[str, str] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        if local(name) == "sst":
            found.update(attrs)
            p.StartElementHandler = None

    parse_xml(data, part=part, start=start, parser=p)
    return SharedStrings(
        len(_SI.findall(data)), _number(found.get("uniqueCount")), _number(found.get("count"))
    )


def _number(text: str | None) -> int | None:
    """Every digit of *text* as one number: at least what any reader could take it for."""
    if text is None:
        return None
    digits = "".join(_DIGITS.findall(text))
    return int(digits) if digits else None
