"""Messages: 7-bit headers, Chinese names both ways, bodies that read back."""

from __future__ import annotations

import base64
import email
import re
from datetime import datetime
from email import policy
from email.header import decode_header, make_header
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenggai.mail.message import (
    Attachment,
    build_message,
    eml_bytes,
    encoded_words,
    parse_addresses,
    rfc2231_parameter,
)

NAME = "宣传教育科（含下属单位）-整改进展填报-2026年11月.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _message(name: str = NAME, *, draft: bool = False, sender: str = "office@example.org"):
    return build_message(
        subject="【请填报】2026年11月整改进展（宣传教育科）",
        body="宣传教育科：\n\n请在12月5日前填好后回复本邮件。\n\n谢谢！",
        to=[("宣传教育科", "xuanjiao@example.org"), ("宣传教育科", "b@example.org")],
        sender=sender,
        sender_name="××局办公室",
        attachments=[Attachment(name, b"PK\x03\x04" + bytes(range(256)) * 20)],
        now=datetime(2026, 11, 28, 10, 30),
        draft=draft,
    )


def _parse(data: bytes) -> email.message.EmailMessage:
    msg = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    return msg


def test_message_is_seven_bit_with_short_crlf_lines():
    data = eml_bytes(_message())
    assert data.isascii()
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    # only the xlsx content type itself (an unbreakable token) passes 78 characters
    assert [line for line in lines if len(line) > 78] == [b"Content-Type: " + XLSX.encode() + b";"]


def test_message_parses_back_with_the_same_content():
    data = eml_bytes(_message())
    msg = _parse(data)
    assert msg["Subject"] == "【请填报】2026年11月整改进展（宣传教育科）"
    assert msg["From"].addresses[0].display_name == "××局办公室"
    assert msg["From"].addresses[0].addr_spec == "office@example.org"
    assert [a.addr_spec for a in msg["To"].addresses] == ["xuanjiao@example.org", "b@example.org"]
    assert msg["Date"].datetime.replace(tzinfo=None) == datetime(2026, 11, 28, 10, 30)
    assert re.fullmatch(r"<[^<>@\s]+@example\.org>", msg["Message-ID"])
    assert msg["X-Unsent"] is None
    # text travels in canonical form (CRLF line ends, RFC 2046)
    body = msg.get_body().get_content()
    assert body == "宣传教育科：\r\n\r\n请在12月5日前填好后回复本邮件。\r\n\r\n谢谢！\r\n"
    (att,) = msg.iter_attachments()
    assert att.get_filename() == NAME
    assert att.get_content_type() == XLSX
    assert att.get_content() == b"PK\x03\x04" + bytes(range(256)) * 20


def test_attachment_name_is_rfc2231_and_rfc2047():
    msg = _parse(eml_bytes(_message()))
    (att,) = msg.iter_attachments()
    # RFC 2231 for readers that know it
    disposition = att["Content-Disposition"]
    assert disposition.content_disposition == "attachment"
    assert disposition.params["filename"] == NAME
    # RFC 2047 words in Content-Type name: what Outlook and Foxmail fall back to
    content_type = att["Content-Type"]
    assert content_type.params["name"] == NAME
    source = eml_bytes(_message()).decode("ascii")
    assert "filename*0*=utf-8''%E5%AE%A3" in source
    name_words = re.search(r'name="([^"]*)"', source)
    assert name_words is not None
    assert str(make_header(decode_header(name_words.group(1)))) == NAME


def test_draft_carries_x_unsent_and_may_lack_from():
    msg = _parse(eml_bytes(_message(draft=True, sender="")))
    assert msg["X-Unsent"] == "1"
    assert msg["From"] is None
    assert msg["Message-ID"].endswith("@zhenggai.invalid>")


def test_ascii_attachment_name_stays_plain():
    source = eml_bytes(_message("report.xlsx")).decode("ascii")
    assert 'name="report.xlsx"' in source
    assert 'filename="report.xlsx"' in source


def test_encoded_words_are_short_and_whole():
    words = encoded_words("整" * 40)
    assert all(len(w) <= 68 for w in words)
    assert len(words) == 3  # 14 characters (42 bytes) per word
    decoded = [base64.b64decode(w[10:-2]).decode("utf-8") for w in words]
    assert "".join(decoded) == "整" * 40


def test_rfc2231_sections_end_on_character_boundaries():
    sections = rfc2231_parameter("filename", NAME)
    assert sections[0].startswith("filename*0*=utf-8''")
    for i, section in enumerate(sections[1:], start=1):
        assert section.startswith(f"filename*{i}*=")
    values = [s.split("=", 1)[1].removeprefix("utf-8''") for s in sections]
    for value in values:
        unquote_to_bytes(value).decode("utf-8")  # each section alone is whole characters
    assert unquote_to_bytes("".join(values)).decode("utf-8") == NAME
    assert all(len(" " + s + ";") <= 78 for s in sections)


# names as zhenggai makes them: no control characters, no spaces at either end
NAMES = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=80).map(
    str.strip
)


@settings(max_examples=60)
@given(NAMES)
def test_any_attachment_name_round_trips(stem):
    name = stem + ".xlsx"
    data = eml_bytes(
        build_message(
            subject=stem,
            body=stem,
            to=[("单位", "a@example.org")],
            attachments=[Attachment(name, b"x")],
        )
    )
    assert data.isascii()
    (att,) = _parse(data).iter_attachments()
    assert att.get_filename() == name
    assert _parse(data)["Subject"] == stem
    source = data.decode("ascii")
    if not name.isascii():
        words = re.search(r'name="([^"]*)"', source, re.S)
        assert words is not None
        joined = "".join(
            base64.b64decode(w).decode("utf-8")
            for w in re.findall(r"=\?utf-8\?b\?([^?]*)\?=", words.group(1))
        )
        assert joined == name


@pytest.mark.parametrize(
    ("cell", "valid", "invalid"),
    [
        ("a@example.org", ["a@example.org"], []),
        (" a@example.org；b.c@mail.example.org ", ["a@example.org", "b.c@mail.example.org"], []),
        (
            "a@example.org, b@example.org、c@example.org",
            ["a@example.org", "b@example.org", "c@example.org"],
            [],
        ),
        ("", [], []),
        ("a＠example.org", [], ["a＠example.org"]),
        ("刘洋@example.org", [], ["刘洋@example.org"]),
        ("a@example", [], ["a@example"]),
        ("a..b@example.org", [], ["a..b@example.org"]),
        ("a@example.org b@", ["a@example.org"], ["b@"]),
    ],
)
def test_parse_addresses(cell, valid, invalid):
    assert parse_addresses(cell) == (valid, invalid)
