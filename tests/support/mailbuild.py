"""Replies written the way Chinese offices' mail programs write them, byte for byte.

Each style reproduces what that program puts on the wire (headers, charsets,
how it names attachments), so the reader meets what real mailboxes hold:

* ``outlook``: Outlook (Chinese Windows): gb2312-declared subject and names
  (GBK characters in them all the same), names as encoded words inside the
  quoted ``name=``/``filename=`` (folded), ``答复:`` replies, a signature logo
  shown inline from the HTML (``cid:``);
* ``foxmail``: Foxmail 7: GBK, encoded words that split a character in two;
* ``qqmail``: QQ Mail's web client: UTF-8, ``charset="utf-8"`` on
  attachments, a pasted screenshot inline in the body;
* ``thunderbird``: RFC 2231 sections ``filename*0*=UTF-8''…``;
* ``gbk2231``: RFC 2231 with a GBK charset (``filename*=gbk''%D5%FB…``);
* ``raw8bit``: old clients: the name as raw GBK bytes, no encoding at all.
"""

from __future__ import annotations

import base64
import io
import struct
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import quote

__all__ = ["File", "build_reply", "craft_zip", "forward_as_attachment", "words"]

_CST = timezone(timedelta(hours=8))
_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/x-zip-compressed",
}
_CHARSET = {"outlook": "gb2312", "foxmail": "GBK", "qqmail": "utf-8", "thunderbird": "UTF-8"}
_MAILER = {
    "outlook": "Microsoft Outlook 16.0",
    "foxmail": "Foxmail 7.2.25.375[cn]",
    "qqmail": "QQMail 2.x",
    "thunderbird": "Mozilla Thunderbird",
}
_PREFIX = {"outlook": "答复: ", "foxmail": "回复：", "qqmail": "回复：", "thunderbird": "回复："}
LOGO = bytes.fromhex("89504e470d0a1a0a") + b"signature-logo" * 20


@dataclass(frozen=True)
class File:
    """An attachment: its name and bytes."""

    name: str
    data: bytes


def _codec(charset: str) -> str:
    return "gbk" if charset.lower() in ("gb2312", "gbk") else "utf-8"


def words(text: str, charset: str, *, split_chars: bool = False, size: int = 30) -> list[str]:
    """*text* as base64 encoded words of about *size* bytes each.

    *split_chars* cuts at byte counts regardless of characters, as Foxmail does.
    """
    data = text.encode(_codec(charset))
    chunks: list[bytes] = []
    if split_chars:
        chunks = [data[i : i + size] for i in range(0, len(data), size)] or [b""]
    else:
        chunk = b""
        for ch in text:
            b = ch.encode(_codec(charset))
            if chunk and len(chunk) + len(b) > size:
                chunks.append(chunk)
                chunk = b""
            chunk += b
        chunks.append(chunk)
    return [f"=?{charset}?B?{base64.b64encode(c).decode()}?=" for c in chunks]


def _b64(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def _type(name: str) -> str:
    dot = name.rfind(".")
    return (
        _TYPES.get(name[dot:].lower(), "application/octet-stream")
        if dot >= 0
        else "application/octet-stream"
    )


def _attachment(style: str, f: File) -> bytes:
    ctype = _type(f.name)
    charset = _CHARSET.get(style, "gbk")
    if style in ("outlook", "foxmail", "qqmail"):
        name = "\r\n\t".join(words(f.name, charset, split_chars=style == "foxmail"))
        if style == "qqmail":
            head = (
                f'Content-Type: application/octet-stream;\r\n\tcharset="utf-8";\r\n\tname="{name}"'
            )
        elif style == "foxmail":
            head = f'Content-Type: application/octet-stream;\r\n\tname="{name}"'
        else:
            head = f'Content-Type: {ctype};\r\n\tname="{name}"\r\nContent-Description: {words(f.name, charset)[0]}'
        extra = f";\r\n\tsize={len(f.data)}" if style == "outlook" else ""
        disposition = f'Content-Disposition: attachment;\r\n\tfilename="{name}"{extra}'
        lines = f"{head}\r\n{disposition}\r\nContent-Transfer-Encoding: base64\r\n".encode()
    elif style == "thunderbird":
        pieces = [quote(ch.encode("utf-8"), safe="") for ch in f.name]  # escapes kept whole
        sections = ["".join(pieces[i : i + 12]) for i in range(0, len(pieces), 12)]
        encoded = "".join(pieces)
        params = ";\r\n ".join(
            f"filename*{i}*=UTF-8''{s}" if i == 0 else f"filename*{i}*={s}"
            for i, s in enumerate(sections)
        )
        lines = (
            f"Content-Type: {ctype};\r\n name*=UTF-8''{''.join(pieces[:12])}\r\n"
            f"Content-Disposition: attachment;\r\n {params}\r\nContent-Transfer-Encoding: base64\r\n"
        ).encode()
    elif style == "gbk2231":
        encoded = quote(f.name.encode("gbk"), safe="")
        lines = (
            f"Content-Type: {ctype}\r\nContent-Disposition: attachment; filename*=gbk''{encoded}\r\n"
            "Content-Transfer-Encoding: base64\r\n"
        ).encode()
    elif style == "raw8bit":
        lines = (
            f'Content-Type: {ctype}\r\nContent-Disposition: attachment; filename="'.encode()
            + f.name.encode("gbk")
            + b'"\r\nContent-Transfer-Encoding: base64\r\n'
        )
    else:
        raise ValueError(style)
    return lines + b"\r\n" + _b64(f.data).encode() + b"\r\n"


def _body(style: str, text: str, inline: bool) -> tuple[bytes, bytes]:
    """The body (multipart/alternative or related) and the inline image part, if any."""
    charset = _CHARSET.get(style, "gbk")
    codec = _codec(charset)
    html = f"<html><body><p>{text}</p>" + (
        '<img src="cid:image001.png@01DB3C2A">' if inline else ""
    )
    html += "</body></html>"
    alt = (
        b'Content-Type: multipart/alternative; boundary="ALT"\r\n\r\n'
        + f'--ALT\r\nContent-Type: text/plain; charset="{charset}"\r\nContent-Transfer-Encoding: base64\r\n\r\n'.encode()
        + _b64(text.encode(codec)).encode()
        + f'\r\n--ALT\r\nContent-Type: text/html; charset="{charset}"\r\nContent-Transfer-Encoding: base64\r\n\r\n'.encode()
        + _b64(html.encode(codec)).encode()
        + b"\r\n--ALT--\r\n"
    )
    image = b""
    if inline:
        image = (
            b'Content-Type: image/png; name="image001.png"\r\n'
            b"Content-ID: <image001.png@01DB3C2A>\r\n"
            b'Content-Disposition: inline; filename="image001.png"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n" + _b64(LOGO).encode() + b"\r\n"
        )
    return alt, image


def build_reply(
    style: str,
    *,
    sender: str,
    sender_name: str,
    subject: str,
    files: Sequence[File] = (),
    sent: datetime = datetime(2026, 11, 30, 10, 0),
    message_id: str = "",
    in_reply_to: str = "",
    body: str = "附件是我单位填报表，请查收。",
    to: str = "office@example.org",
    reply: bool = True,
) -> bytes:
    """A reply as *style*'s mail program writes it (see the module docstring)."""
    charset = _CHARSET.get(style, "gbk")
    full = (_PREFIX.get(style, "回复：") if reply else "") + subject
    if style == "raw8bit":
        subject_line = b"Subject: " + full.encode("gbk")
        from_line = b"From: " + sender_name.encode("gbk") + f" <{sender}>".encode()
    else:
        subject_line = (
            "Subject: " + "\r\n ".join(words(full, charset, split_chars=style == "foxmail"))
        ).encode()
        from_line = f'From: "{" ".join(words(sender_name, charset))}" <{sender}>'.encode()
    inline = style in ("outlook", "qqmail")
    alt, image = _body(style, body, inline)
    mid = message_id or f"<{abs(hash((sender, subject, sent)))}.{style}@example.org>"
    headers = [
        from_line,
        f"To: <{to}>".encode(),
        subject_line,
        f"Date: {format_datetime(sent.replace(tzinfo=_CST))}".encode(),
        f"Message-ID: {mid}".encode(),
    ]
    if in_reply_to:
        headers += [f"In-Reply-To: {in_reply_to}".encode(), f"References: {in_reply_to}".encode()]
    headers += [
        b"MIME-Version: 1.0",
        f"X-Mailer: {_MAILER.get(style, 'unknown')}".encode(),
        b'Content-Type: multipart/mixed; boundary="MIX"',
    ]
    parts = [alt]
    if image and style == "qqmail":
        parts.append(image)  # QQ Mail attaches the pasted screenshot at the top level
    elif image:
        parts[0] = (
            b'Content-Type: multipart/related; boundary="REL"\r\n\r\n--REL\r\n'
            + alt
            + b"--REL\r\n"
            + image
            + b"--REL--\r\n"
        )
    parts += [_attachment(style, f) for f in files]
    out = b"\r\n".join(headers) + b"\r\n\r\nThis is a multi-part message in MIME format.\r\n"
    for p in parts:
        out += b"--MIX\r\n" + p
    return out + b"--MIX--\r\n"


def forward_as_attachment(
    inner: bytes, *, sender: str, sender_name: str, subject: str, as_eml_file: bool = False
) -> bytes:
    """Outlook's "以附件形式转发": the whole message inside (message/rfc822, or an .eml file)."""
    if as_eml_file:
        part = (
            b'Content-Type: application/octet-stream; name="forwarded.eml"\r\n'
            b'Content-Disposition: attachment; filename="forwarded.eml"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n" + _b64(inner).encode() + b"\r\n"
        )
    else:
        part = (
            b"Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n"
            + inner
            + b"\r\n"
        )
    head = (
        f'From: "{words(sender_name, "gb2312")[0]}" <{sender}>\r\nTo: <office@example.org>\r\n'
        f"Subject: {' '.join(words('转发: ' + subject, 'gb2312'))}\r\n"
        f"Date: {format_datetime(datetime(2026, 11, 30, 15, 0, tzinfo=_CST))}\r\n"
        f"Message-ID: <fwd.{abs(hash(inner))}@example.org>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="FWD"\r\n\r\n'
    ).encode()
    text = (
        b'Content-Type: text/plain; charset="gb2312"\r\n\r\n'
        + "请查收转来的报送。".encode("gbk")
        + b"\r\n"
    )
    return head + b"--FWD\r\n" + text + b"--FWD\r\n" + part + b"--FWD--\r\n"


def craft_zip(
    members: Mapping[str, bytes],
    *,
    gbk_names: bool = False,
    method: int = zipfile.ZIP_DEFLATED,
    declared: Mapping[str, int] | None = None,
    entries: int | None = None,
) -> bytes:
    """A zip as offices (and attackers) make them.

    Args:
        gbk_names: names in GBK without the UTF-8 flag, as Windows' 发送到→压缩文件夹 on
            a Chinese system writes them.
        method: compression of every member.
        declared: name -> uncompressed size written into the directory instead of the true one.
        entries: the member count written into the end record instead of the true one.
    """
    placeholders = {
        name: f"~{i:04d}".ljust(len(name.encode("gbk")), "_") for i, name in enumerate(members)
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(placeholders[name] if gbk_names else name, data)
    raw = buf.getvalue()
    if gbk_names:
        for name, placeholder in placeholders.items():
            raw = raw.replace(placeholder.encode(), name.encode("gbk"))
    for name, size in (declared or {}).items():
        encoded = name.encode("gbk") if gbk_names else name.encode()
        raw = _declare(raw, encoded, size)
    if entries is not None:
        at = raw.rfind(b"PK\x05\x06")
        raw = (
            raw[: at + 8] + struct.pack("<HH", entries & 0xFFFF, entries & 0xFFFF) + raw[at + 12 :]
        )
    return raw


def _declare(raw: bytes, name: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size of member *name* in its local header and the directory."""
    out = bytearray(raw)
    for sig, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = 0
        while (pos := raw.find(sig, pos)) >= 0:
            length = struct.unpack_from(
                "<H", raw, pos + name_at - (4 if sig == b"PK\x03\x04" else 18)
            )[0]
            if raw[pos + name_at : pos + name_at + length] == name:
                struct.pack_into("<I", out, pos + offset, size)
            pos += 4
    return bytes(out)
