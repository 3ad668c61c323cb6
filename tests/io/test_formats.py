"""What a file really is, whatever its name says."""

from __future__ import annotations

import io
import zipfile

import pytest

from zhenggai.core.errors import WorkbookError
from zhenggai.io.formats import detect_format, refuse


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("a.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "html"),
        ("a.xls", "\ufeff<!DOCTYPE html><html></html>".encode(), "html"),
        (
            "a.xls",
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
            "xml2003",
        ),
        ("a.csv", "编号,整改进展\n1,已完成\n2,正在整改\n".encode("gb18030"), "csv"),
        ("a.csv", "\ufeff编号\t整改进展\r\n1\t已完成\r\n".encode(), "csv"),
        ("a.xlsx", b"hello, not a workbook", "other"),
        ("a.xlsx", b"%PDF-1.7\n\x00\x01\x02", "other"),
    ],
)
def test_text_files_are_told_apart(tmp_path, name, content, fmt):
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_format(path) == fmt


def test_ods_mimetype_is_read_bounded_even_when_it_is_a_bomb(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "mimetype", b"application/vnd.oasis.opendocument.spreadsheet" + b" " * 50_000_000
        )
    path = tmp_path / "a.ods"
    path.write_bytes(buf.getvalue())
    assert detect_format(path) == "ods"


@pytest.mark.parametrize(
    ("fmt", "code", "words"),
    [
        ("csv", "file-unsupported", "不支持的格式"),
        ("xlsb", "file-unsupported", "不支持的格式"),
        ("ods", "file-unsupported", "不支持的格式"),
        ("et", "file-unsupported", "WPS"),
        ("html", "file-not-workbook", "网页"),
        ("encrypted", "file-encrypted", "文件已加密，请取消密码后重新报送"),
    ],
)
def test_refusals_say_what_the_file_is(fmt, code, words):
    with pytest.raises(WorkbookError) as info:
        refuse(fmt, ("xlsx",))
    assert info.value.code == code and words in str(info.value)
