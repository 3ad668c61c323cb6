"""Edit a source-only ``vbaProject.bin``: add, remove and patch standard modules.

A VBA project ([MS-OVBA] 2.2) is a compound file holding:

- ``PROJECT``: text, one ``Module=``/``Document=``/``Class=`` line per module,
  the project ``Name=`` and a ``[Workspace]`` section;
- ``PROJECTwm``: module names as MBCS and UTF-16 pairs, in ``dir`` order;
- ``VBA/dir``: compressed records (2.3.4.2), among them one MODULE record per
  module with its stream name, type and text offset;
- ``VBA/_VBA_PROJECT``: here the 7-byte header alone, so Office ignores any
  p-code and compiles every module from source;
- one stream per module: optional p-code, then the compressed source at the
  MODULEOFFSET given in ``dir``.

We parse ``dir`` into generic records (id, payload) and rebuild it; every record
is ``Id(2) Size(4) payload`` except PROJECTVERSION, whose Size field says 4
but 6 bytes follow.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from xl_addin.build import ovba
from xl_addin.build.cfb import Storage, read_storage, write_storage
from xl_addin.errors import VbaFormatError

__all__ = ["VbaProject"]

_VERSION = 0x0009
_CODEPAGE = 0x0003
_NAME = 0x0004
_MODULES = 0x000F
_PROJECT_COOKIE = 0x0013
_MODULE_NAME = 0x0019
_MODULE_STREAM = 0x001A
_MODULE_NAME_UNICODE = 0x0047
_MODULE_OFFSET = 0x0031
_MODULE_COOKIE = 0x002C
_MODULE_PROCEDURAL = 0x0021
_MODULE_END = 0x002B
_DIR_END = 0x0010
_SOURCE_ONLY = bytes.fromhex("cc61ffff000100")
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")


@dataclass
class _Record:
    rid: int
    data: bytes

    def pack(self) -> bytes:
        size = 4 if self.rid == _VERSION else len(self.data)
        return struct.pack("<HI", self.rid, size) + self.data


def _parse_dir(raw: bytes) -> list[_Record]:
    records: list[_Record] = []
    pos = 0
    while pos < len(raw):
        if pos + 6 > len(raw):
            raise VbaFormatError("VBA/dir 流被截断")
        rid, size = struct.unpack_from("<HI", raw, pos)
        if rid == _VERSION:
            size = 6  # Reserved says 4; VersionMajor (4) + VersionMinor (2) follow
        records.append(_Record(rid, raw[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    if not records or records[-1].rid != _DIR_END:
        raise VbaFormatError("VBA/dir 流缺少结束记录")
    return records


class VbaProject:
    """A VBA project loaded from ``vbaProject.bin`` bytes.

    Example:
        >>> project = VbaProject.from_bytes(data)
        >>> project.add_module("Hello", 'Attribute VB_Name = "Hello"\\r\\nSub Hi()\\r\\n')
        >>> new_data = project.to_bytes()
    """

    def __init__(self, root: Storage) -> None:
        self._root = root
        vba = root.children.get("VBA")
        if not isinstance(vba, Storage) or not isinstance(vba.children.get("dir"), bytes):
            raise VbaFormatError("vbaProject.bin 中没有 VBA/dir 流")
        self._vba = vba
        self._records = _parse_dir(ovba.decompress(self._stream("dir")))
        self.codepage = struct.unpack("<H", self._record(_CODEPAGE).data)[0]
        self.encoding = f"cp{self.codepage}"

    @classmethod
    def from_bytes(cls, data: bytes) -> VbaProject:
        """Parse a ``vbaProject.bin``."""
        return cls(read_storage(data))

    def _stream(self, name: str) -> bytes:
        data = self._vba.children.get(name)
        if not isinstance(data, bytes):
            raise VbaFormatError(f"VBA 工程中缺少流 VBA/{name}")
        return data

    def _record(self, rid: int) -> _Record:
        for record in self._records:
            if record.rid == rid:
                return record
        raise VbaFormatError(f"VBA/dir 中缺少记录 0x{rid:04X}")

    def _module_spans(self) -> list[tuple[int, int]]:
        """(first, last) record index of each MODULE, in ``dir`` order."""
        spans = []
        start = None
        for i, record in enumerate(self._records):
            if record.rid == _MODULE_NAME:
                start = i
            elif record.rid == _MODULE_END and start is not None:
                spans.append((start, i))
                start = None
        return spans

    def _module_field(self, span: tuple[int, int], rid: int) -> bytes:
        for record in self._records[span[0] : span[1] + 1]:
            if record.rid == rid:
                return record.data
        raise VbaFormatError(f"模块记录中缺少 0x{rid:04X}")

    @property
    def name(self) -> str:
        """The project name (PROJECTNAME)."""
        return self._record(_NAME).data.decode(self.encoding)

    @property
    def module_names(self) -> list[str]:
        """Module names in ``dir`` order."""
        return [
            self._module_field(span, _MODULE_NAME).decode(self.encoding)
            for span in self._module_spans()
        ]

    def _find(self, name: str) -> tuple[int, int]:
        for span in self._module_spans():
            if self._module_field(span, _MODULE_NAME).decode(self.encoding) == name:
                return span
        raise VbaFormatError(f"VBA 工程中没有模块 {name}")

    def source_container(self, name: str) -> bytes:
        """The compressed source of module ``name``: its stream from MODULEOFFSET on."""
        span = self._find(name)
        stream = self._module_field(span, _MODULE_STREAM).decode(self.encoding)
        offset = struct.unpack("<I", self._module_field(span, _MODULE_OFFSET))[0]
        return self._stream(stream)[offset:]

    def module_source(self, name: str) -> str:
        """Decoded source of module ``name`` as stored: Attribute lines and line ends included."""
        return ovba.decompress(self.source_container(name)).decode(self.encoding)

    def set_module_source(self, name: str, source: str) -> None:
        """Replace the source of module ``name``; p-code before MODULEOFFSET is kept."""
        span = self._find(name)
        stream = self._module_field(span, _MODULE_STREAM).decode(self.encoding)
        offset = struct.unpack("<I", self._module_field(span, _MODULE_OFFSET))[0]
        prefix = self._stream(stream)[:offset]
        self._vba.children[stream] = prefix + ovba.compress(source.encode(self.encoding))

    def replace_line(self, module: str, old: str, new: str) -> None:
        """Replace the one source line equal to ``old`` by ``new`` in ``module``.

        Raises:
            VbaFormatError: ``old`` is not exactly one line of the module.
        """
        # Keep each line's own ending: Excel writes CRLF, xlwings' build tool LF.
        lines = self.module_source(module).splitlines(keepends=True)
        hits = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == old]
        if len(hits) != 1:
            raise VbaFormatError(f"模块 {module} 中应恰有一行 {old!r}，实际 {len(hits)} 行")
        line = lines[hits[0]]
        lines[hits[0]] = new + line[len(line.rstrip("\r\n")) :]
        self.set_module_source(module, "".join(lines))

    def add_module(self, name: str, source: str) -> None:
        """Add a standard (procedural) module with ``source`` at the end of the project.

        ``source`` should start with ``Attribute VB_Name = "<name>"`` and use CRLF
        line ends, as VBA stores it.
        """
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a VBA module name: {name!r}")
        if name.lower() in (n.lower() for n in self.module_names) or name in self._vba.children:
            raise VbaFormatError(f"VBA 工程中已有模块 {name}")
        enc = name.encode(self.encoding)
        uni = name.encode("utf-16-le")
        module = [
            _Record(_MODULE_NAME, enc),
            _Record(_MODULE_NAME_UNICODE, uni),
            _Record(_MODULE_STREAM, enc),
            _Record(0x0032, uni),  # MODULESTREAMNAME's Unicode half
            _Record(0x001C, b""),  # MODULEDOCSTRING
            _Record(0x0048, b""),
            _Record(_MODULE_OFFSET, struct.pack("<I", 0)),  # source at offset 0: no p-code
            _Record(0x001E, struct.pack("<I", 0)),  # MODULEHELPCONTEXT
            _Record(_MODULE_COOKIE, struct.pack("<H", 0xFFFF)),
            _Record(_MODULE_PROCEDURAL, b""),
            _Record(_MODULE_END, b""),
        ]
        at = self._records.index(self._record(_DIR_END))
        self._records[at:at] = module
        self._vba.children[name] = ovba.compress(source.encode(self.encoding))
        self._edit_project_text(add=name)

    def remove_module(self, name: str) -> None:
        """Remove module ``name``: its MODULE record, stream and PROJECT/PROJECTwm lines."""
        first, last = self._find(name)
        if not any(r.rid == _MODULE_PROCEDURAL for r in self._records[first : last + 1]):
            raise VbaFormatError(f"{name} 不是标准模块，不能删除")
        stream = self._module_field((first, last), _MODULE_STREAM).decode(self.encoding)
        del self._records[first : last + 1]
        self._vba.children.pop(stream, None)
        self._edit_project_text(remove=name)

    def set_project_name(self, name: str) -> None:
        """Rename the project (PROJECTNAME in ``dir`` and ``Name=`` in PROJECT)."""
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a VBA project name: {name!r}")
        self._record(_NAME).data = name.encode(self.encoding)
        text = self._project_text()
        text, count = re.subn(r'(?m)^Name="[^"]*"\r$', f'Name="{name}"\r', text)
        if count != 1:
            raise VbaFormatError("PROJECT 流中没有 Name= 行")
        self._root.children["PROJECT"] = text.encode(self.encoding)

    def _project_text(self) -> str:
        data = self._root.children.get("PROJECT")
        if not isinstance(data, bytes):
            raise VbaFormatError("vbaProject.bin 中没有 PROJECT 流")
        return data.decode(self.encoding)

    def _edit_project_text(self, *, add: str | None = None, remove: str | None = None) -> None:
        lines = self._project_text().split("\r\n")
        if remove is not None:
            workspace = lines.index("[Workspace]") if "[Workspace]" in lines else len(lines)
            lines = [
                line
                for i, line in enumerate(lines)
                if line != f"Module={remove}"
                and not (i > workspace and line.startswith(f"{remove}="))
            ]
        if add is not None:
            # After the last module line: the ProjectModules block (2.3.1.3) ends there.
            kinds = ("Module=", "Document=", "Class=", "BaseClass=", "Package=")
            last = max(i for i, line in enumerate(lines) if line.startswith(kinds))
            lines.insert(last + 1, f"Module={add}")
            if "[Workspace]" in lines:
                end = len(lines)
                while end > 0 and lines[end - 1] == "":
                    end -= 1
                lines.insert(end, f"{add}=0, 0, 0, 0, C")
        self._root.children["PROJECT"] = "\r\n".join(lines).encode(self.encoding)

    def _rebuild_wm(self) -> bytes:
        """PROJECTwm (2.3.3): MBCS name, NUL, UTF-16 name, NUL NUL per module; then 0x0000."""
        out = bytearray()
        for name in self.module_names:
            out += name.encode(self.encoding) + b"\0" + name.encode("utf-16-le") + b"\0\0"
        return bytes(out + b"\0\0")

    def to_bytes(self) -> bytes:
        """Serialise the project as a new compound file.

        PROJECTMODULES gets the module count; PROJECTCOOKIE and every MODULECOOKIE
        are written as 0xFFFF, as [MS-OVBA] requires of a writer.
        """
        count = len(self._module_spans())
        self._record(_MODULES).data = struct.pack("<H", count)
        self._record(_PROJECT_COOKIE).data = struct.pack("<H", 0xFFFF)
        for record in self._records:
            if record.rid == _MODULE_COOKIE:
                record.data = struct.pack("<H", 0xFFFF)
        if self._stream("_VBA_PROJECT") != _SOURCE_ONLY:
            # Stale p-code would be used instead of our edited source.
            raise VbaFormatError("模板的 _VBA_PROJECT 不是仅源代码格式，不能安全修改")
        dir_raw = b"".join(record.pack() for record in self._records)
        self._vba.children["dir"] = ovba.compress(dir_raw)
        self._root.children["PROJECTwm"] = self._rebuild_wm()
        return write_storage(self._root)
