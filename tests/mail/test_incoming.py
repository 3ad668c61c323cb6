"""Received messages as Outlook, Foxmail, QQ Mail and others write them, read back exactly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.support.mailbuild import LOGO, File, build_reply, forward_as_attachment, words
from zhenggai.mail.incoming import MAX_DEPTH, decode_text, parse_headers, parse_message

# names that defeat a gb2312 reader (喆, 堃 are GBK only), a long one that folds, and plain ASCII
NAMES = [
    "办公室-整改进展填报-2026年11月.xlsx",
    "喆堃同志签到表（2026年11月）.pdf",
    "关于召开党组会议专题研究部署意识形态工作的会议纪要及附件材料清单.docx",
    "photo 01.jpg",
]
STYLES = ["outlook", "foxmail", "qqmail", "thunderbird", "gbk2231", "raw8bit"]


@pytest.mark.parametrize("style", STYLES)
def test_every_style_gives_back_names_bytes_subject_and_sender(style):
    files = [File(n, f"content of {n}".encode() * 50) for n in NAMES]
    raw = build_reply(
        style,
        sender="Office@Unit.example.org",
        sender_name="机关党委 喆",
        subject="【请填报】2026年11月整改进展（机关党委）",
        files=files,
        message_id="<m1@unit.example.org>",
        in_reply_to="<sent.1@example.org>",
    )
    msg = parse_message(raw)
    assert [(a.name, a.data) for a in msg.attachments] == [(f.name, f.data) for f in files]
    h = msg.headers
    assert h.subject.endswith("【请填报】2026年11月整改进展（机关党委）")
    assert h.subject.startswith(("答复: ", "回复："))
    assert (h.sender, h.sender_name) == ("office@unit.example.org", "机关党委 喆")
    assert h.message_id == "<m1@unit.example.org>"
    assert h.refers_to == ("<sent.1@example.org>",)
    sent_cst = datetime(2026, 11, 30, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    assert h.sent == sent_cst.astimezone().replace(
        tzinfo=None
    )  # local time, as the master keeps it


def test_body_images_are_not_attachments_but_counted():
    for style in ("outlook", "qqmail"):
        msg = parse_message(build_reply(style, sender="a@b.org", sender_name="甲", subject="x"))
        assert msg.attachments == ()
        assert msg.body_images == 1
    assert LOGO  # the logo part is in the message, only shown inline


def test_a_character_split_over_two_encoded_words_is_read_whole():
    name = "整改佐证材料汇编.pdf"
    split = words(name, "GBK", split_chars=True, size=3)  # every second word cuts a character
    assert len(split) > 3
    assert decode_text(" ".join(split)) == name
    assert decode_text("\r\n\t".join(split)) == name


def test_gb2312_declared_but_gbk_written():
    assert decode_text(words("喆堃.pdf", "gb2312")[0]) == "喆堃.pdf"


@pytest.mark.parametrize("as_eml_file", [False, True])
def test_forwarded_message_gives_its_attachments(as_eml_file):
    inner = build_reply(
        "foxmail",
        sender="a@unit.org",
        sender_name="宣传教育科",
        subject="2026年11月电子档案",
        files=[File("宣传-会议纪要.pdf", b"%PDF-1.4 minutes")],
    )
    raw = forward_as_attachment(
        inner, sender="office2@unit.org", sender_name="网络安全科", subject="2026年11月电子档案",
        as_eml_file=as_eml_file,
    )  # fmt: skip
    msg = parse_message(raw)
    assert [(a.name, a.data) for a in msg.attachments] == [
        ("宣传-会议纪要.pdf", b"%PDF-1.4 minutes")
    ]
    assert msg.attachments[0].forwarded == "回复：2026年11月电子档案"
    assert msg.headers.sender == "office2@unit.org"


def test_path_in_an_attachment_name_keeps_only_the_file_name():
    raw = build_reply(
        "qqmail", sender="a@b.org", sender_name="甲", subject="x",
        files=[File("..\\..\\回收\\evil.xlsx", b"x"), File("../../../etc/passwd", b"y")],
    )  # fmt: skip
    assert [a.name for a in parse_message(raw).attachments] == ["evil.xlsx", "passwd"]


def test_deep_nesting_is_refused_not_recursed():
    depth = MAX_DEPTH + 50
    head = b"From: a@b.org\r\nSubject: nest\r\nMessage-ID: <n@b>\r\nMIME-Version: 1.0\r\n"
    body = b""
    for i in range(depth):
        body += f'Content-Type: multipart/mixed; boundary="B{i}"\r\n\r\n--B{i}\r\n'.encode()
    body += b"Content-Type: text/plain\r\n\r\nx\r\n"
    for i in reversed(range(depth)):
        body += f"--B{i}--\r\n".encode()
    msg = parse_message(head + body)
    assert msg.attachments == ()
    assert "嵌套" in msg.broken


def test_missing_message_id_gets_a_stable_stand_in():
    raw = b"From: a@b.org\r\nSubject: =?utf-8?B?5aGr5oql?=\r\nDate: Mon, 30 Nov 2026 10:00:00 +0800\r\n\r\nx"
    first, second = parse_headers(raw), parse_headers(raw)
    assert first.message_id == second.message_id
    assert first.message_id.startswith("<no-id-")
    assert first.subject == "填报"
    other = parse_headers(raw.replace(b"10:00:00", b"11:00:00"))
    assert other.message_id != first.message_id
