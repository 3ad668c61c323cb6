"""What a file really is, by its content: units rename files.

:func:`detect_format` names the format; :func:`refuse` turns a format the
caller cannot read into a :class:`~zhenggai.core.errors.WorkbookError` whose
Chinese message says what the file is and what to do (save as .xlsx,
remove the password, use the template issued).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import olefile

from ..core.errors import WorkbookError
from ..core.problems import Code
from .failures import CORRUPT, PACKAGE_ERRORS
from .package import Package

__all__ = ["FORMAT_MESSAGES", "detect_format", "refuse", "zip_format"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF = 4096
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

FORMAT_MESSAGES: dict[str, tuple[Code, str]] = {
    "empty": (Code.FILE_EMPTY, "文件是空的（0 字节），请重新保存后报送。"),
    "encrypted": (Code.FILE_ENCRYPTED, "文件已加密，请取消密码后重新报送。"),
    "xls": (Code.FILE_UNSUPPORTED, "这是旧版 .xls 格式，请用 Excel 另存为 .xlsx 后重新报送。"),
    "et": (
        Code.FILE_UNSUPPORTED,
        "不支持的格式（WPS 表格 .et），请在 WPS 中另存为 Excel 工作簿（.xlsx）后重新报送。",
    ),
    "xlsb": (
        Code.FILE_UNSUPPORTED,
        "不支持的格式（.xlsb 二进制工作簿），请另存为 .xlsx 后重新报送。",
    ),
    "ods": (Code.FILE_UNSUPPORTED, "不支持的格式（.ods），请另存为 .xlsx 后重新报送。"),
    "csv": (
        Code.FILE_UNSUPPORTED,
        "不支持的格式（CSV 文本表格，不是 Excel 工作簿，也没有模板信息）。"
        "请用办公室下发的 .xlsx 模板填报后重新报送，不要另存为 CSV。",
    ),
    "xml2003": (
        Code.FILE_UNSUPPORTED,
        "不支持的格式（XML 电子表格 2003），请用 Excel 另存为 Excel 工作簿（.xlsx）后重新报送。",
    ),
    "html": (
        Code.FILE_NOT_WORKBOOK,
        "这是网页（HTML）文件，只是扩展名像 Excel，不是 Excel 工作簿。请用办公室下发的 .xlsx 模板填报后重新报送。",
    ),
    "corrupt": (Code.FILE_CORRUPT, CORRUPT),
    "other": (Code.FILE_NOT_WORKBOOK, "这不是 Excel 工作簿，请报送 .xlsx 文件。"),
}


def detect_format(path: Path, *, data: bytes | None = None) -> str:
    """The real format of *path* by content.

    One of: xlsx, xlsm, xlsb, ods, xls, et, encrypted, csv, html, xml2003,
    empty, corrupt, other. *data*, when given, is the file's content already
    read (the file is then not opened).
    """
    if data is None:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF)
    else:
        head = data[:_SNIFF]
    if not head:
        return "empty"
    if head.startswith(_OLE_MAGIC):
        fmt = _ole_format(path, data)
        return "et" if fmt == "xls" and path.suffix.lower() in (".et", ".ett") else fmt
    if not head.startswith(b"PK"):
        return _text_format(head)
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as zf:
            return zip_format(zf)
    except PACKAGE_ERRORS:
        return "corrupt"


def zip_format(zf: zipfile.ZipFile | Package) -> str:
    """The format of an open zip package (reads at most a few bytes of it)."""
    names = {i.filename for i in zf.infos} if isinstance(zf, Package) else set(zf.namelist())
    if "mimetype" in names:
        return "ods" if b"opendocument" in _mimetype(zf) else "other"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    return "other"


def _mimetype(zf: zipfile.ZipFile | Package) -> bytes:
    """The first bytes of an ODF package's mimetype member, never inflating more."""
    if isinstance(zf, Package):
        return zf.read("mimetype", limit=200)
    info = zf.getinfo("mimetype")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return b""  # zipfile bounds neither bzip2 nor LZMA; ODF stores it anyway
    with zf.open(info) as fh:
        return fh.read(200)


def _ole_format(path: Path, data: bytes | None = None) -> str:
    """An OLE compound file: an encrypted OOXML workbook, an old .xls, or something else."""
    try:
        with olefile.OleFileIO(io.BytesIO(data) if data is not None else str(path)) as ole:
            if ole.exists("EncryptedPackage"):
                return "encrypted"
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
    except OSError:
        return "corrupt"
    return "other"


def _text_format(head: bytes) -> str:
    """A file that is neither zip nor OLE: a web page, an XML 2003 sheet, CSV, or something else."""
    text = head
    for bom in _BOMS:
        if text.startswith(bom):
            text = text[len(bom) :]
            break
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = text.decode("utf-16", "ignore").encode()
    low = text.lstrip().lower()
    if low.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in low:
            return "xml2003"
        if b"<html" in low or b"<table" in low or low.startswith(b"<!doctype html"):
            return "html"
        return "other"
    lines = text.splitlines()
    if len(head) >= _SNIFF:
        lines = lines[:-1]  # cut by the sniff
    lines = [line for line in lines if line.strip()]
    if b"\x00" in text or len(lines) < 2:
        return "other"
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded = [line.decode(encoding) for line in lines]
        except UnicodeDecodeError:
            continue
        delimited = all(any(d in line for d in ",\t，;") for line in decoded)
        if delimited and all(line.isprintable() or "\t" in line for line in decoded):
            return "csv"
    return "other"


def refuse(fmt: str, accept: Sequence[str]) -> None:
    """Raise the :class:`WorkbookError` for format *fmt* unless it is in *accept*."""
    if fmt not in accept:
        code, message = FORMAT_MESSAGES.get(
            fmt, (Code.FILE_UNSUPPORTED, f"不支持的格式（{fmt}）。")
        )
        raise WorkbookError(message, code=code)
