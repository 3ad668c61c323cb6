"""Mail messages that Outlook, Foxmail and Thunderbird all read, as plain ``email`` objects.

Every header is 7-bit: the subject and the sender's name are RFC 2047
encoded words (UTF-8), the body is UTF-8 in base64, so no server needs
8BITMIME or SMTPUTF8.

The attachment's Chinese file name is written twice, the way Thunderbird
itself sends it (its output is quoted in the nette/mail tracker, issue 75):

* ``Content-Disposition: attachment; filename*0*=utf-8''%E5…;`` — RFC 2231,
  the standard form (Thunderbird, Apple Mail and Python read it);
* ``Content-Type: …; name="=?utf-8?b?…?="`` — RFC 2047 encoded words inside
  the quoted ``name``. The RFCs do not allow encoded words there, but Gmail
  and Outlook write names this way, and readers without RFC 2231 read only
  this: Outlook over POP/IMAP and Outlook Express show "Untitled attachment"
  or "ATT00001" otherwise, QQ Mail "tcmime.*.bin" (reports in the MimeKit and
  MailKit trackers, issues 186, 281, 401 and 277). Foxmail comes from the
  QQ Mail team; we assume it behaves the same.

A reader that knows RFC 2231 takes ``filename*``; one that does not falls back
to ``name``. Both decode to the same text. Encoded words and RFC 2231
sections end on character boundaries, and lines stay within 78 characters
(except the long xlsx content type, an unbreakable token).

``.eml`` files written for people to send themselves carry ``X-Unsent: 1``
(Outlook's MIME converter maps it to the unsent flag): Outlook then opens
them as a draft with a Send button instead of a received message that can
only be forwarded. Thunderbird and Foxmail ignore the header; there "Edit as
New Message" / "再次编辑发送" does the same. Mail sent by SMTP never has it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import quote

__all__ = [
    "POLICY",
    "Attachment",
    "build_message",
    "eml_bytes",
    "encoded_words",
    "parse_addresses",
    "rfc2231_parameter",
]

# CRLF like the wire format (Outlook on Windows expects it in .eml files);
# raw headers we fold ourselves are written as they are.
POLICY = email_policy.default.clone(linesep="\r\n", refold_source="none")

_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}
# RFC 2047 allows 75-character encoded words; 42 bytes (56 base64 characters, a
# 68-character word) keep ' name="<word>' within 78 characters.
_WORD_BYTES = 42
# RFC 2231 sections short enough that " filename*0*=utf-8''<section>;" fits 78 characters.
_SECTION_CHARS = 54
# RFC 2231 attribute-char: what may stay unescaped (letters and digits always do).
_ATTRIBUTE_CHARS = "!#$&+-.^_`|~"
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_ADDRESS_SEP = re.compile(r"[;；,，、\s]+")


@dataclass(frozen=True)
class Attachment:
    """A file to attach: its name as the recipient sees it, and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: Path) -> Attachment:
        return cls(path.name, path.read_bytes())

    @property
    def content_type(self) -> str:
        return _TYPES.get(Path(self.name).suffix.lower(), "application/octet-stream")


def encoded_words(text: str) -> list[str]:
    """*text* as RFC 2047 UTF-8 base64 encoded words, each at most 68 characters.

    A word never splits a character, so every word decodes on its own.

    >>> encoded_words("填报.xlsx")
    ['=?utf-8?b?5aGr5oqlLnhsc3g=?=']
    """
    chunks: list[bytes] = []
    chunk = b""
    for ch in text:
        data = ch.encode("utf-8")
        if chunk and len(chunk) + len(data) > _WORD_BYTES:
            chunks.append(chunk)
            chunk = b""
        chunk += data
    chunks.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(c).decode('ascii')}?=" for c in chunks]


def rfc2231_parameter(key: str, text: str) -> list[str]:
    """``key*0*=utf-8''…`` sections of an RFC 2231 parameter (one ``key*=`` when short).

    Sections end on character boundaries, so even a reader that decodes each
    section on its own gets whole characters, and every line stays within 78.

    >>> rfc2231_parameter("filename", "表.xlsx")
    ["filename*=utf-8''%E8%A1%A8.xlsx"]
    """
    pieces = [quote(ch.encode("utf-8"), safe=_ATTRIBUTE_CHARS) for ch in text]
    if sum(map(len, pieces)) <= _SECTION_CHARS:
        return [f"{key}*=utf-8''{''.join(pieces)}"]
    sections: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > _SECTION_CHARS:
            sections.append(current)
            current = ""
        current += piece
    sections.append(current)
    first = f"{key}*0*=utf-8''{sections[0]}"
    return [first] + [f"{key}*{i}*={s}" for i, s in enumerate(sections[1:], start=1)]


def _attachment_part(att: Attachment) -> EmailMessage:
    maintype, subtype = att.content_type.split("/", 1)
    part = EmailMessage(policy=POLICY)
    part.set_content(att.data, maintype, subtype, cte="base64")
    # rewritten in the conventional order, with the name encoded both ways;
    # MIME-Version belongs to the message, not to a part
    del part["MIME-Version"]
    del part["Content-Type"]
    del part["Content-Transfer-Encoding"]
    ascii_name = att.name.isascii() and '"' not in att.name and "\\" not in att.name
    name = att.name if ascii_name else "\r\n ".join(encoded_words(att.name))
    part.set_raw("Content-Type", f'{att.content_type};\r\n name="{name}"')
    if ascii_name:
        disposition = f'attachment;\r\n filename="{att.name}"'
    else:
        disposition = "attachment;\r\n " + ";\r\n ".join(rfc2231_parameter("filename", att.name))
    part.set_raw("Content-Disposition", disposition)
    part.set_raw("Content-Transfer-Encoding", "base64")
    return part


def build_message(
    *,
    subject: str,
    body: str,
    to: Sequence[tuple[str, str]],
    sender: str = "",
    sender_name: str = "",
    attachments: Sequence[Attachment] = (),
    now: datetime | None = None,
    draft: bool = False,
    domain: str = "",
) -> EmailMessage:
    """One message: plain UTF-8 text with attachments.

    Args:
        subject: the subject line (any text).
        body: the plain-text body.
        to: (display name, address) pairs.
        sender: From address; empty leaves From out (a draft: the mail program fills it).
        sender_name: the name shown for the sender.
        attachments: files to attach.
        now: the Date header (default: now, local time).
        draft: add ``X-Unsent: 1`` so Outlook opens the file as a draft to send.
        domain: right side of the Message-ID (default: the sender's domain).
    """
    msg = EmailMessage(policy=POLICY)
    if sender:
        msg["From"] = Address(display_name=sender_name, addr_spec=sender)
    msg["To"] = [Address(display_name=name, addr_spec=addr) for name, addr in to]
    msg["Subject"] = subject
    stamp = (now or datetime.now()).astimezone()
    msg["Date"] = format_datetime(stamp)
    domain = domain or (sender.rpartition("@")[2] if "@" in sender else "zhenggai.invalid")
    msg["Message-ID"] = make_msgid(domain=domain)
    if draft:
        msg["X-Unsent"] = "1"
    msg.set_content(body, subtype="plain", charset="utf-8", cte="base64")
    if attachments:
        msg.make_mixed()
        for att in attachments:
            msg.attach(_attachment_part(att))
    return msg


def eml_bytes(msg: EmailMessage) -> bytes:
    """The message as it goes on the wire and into an ``.eml`` file (CRLF, 7-bit)."""
    return msg.as_bytes(policy=POLICY)


def parse_addresses(cell: str) -> tuple[list[str], list[str]]:
    """Split a 邮箱 cell into (valid, invalid) addresses.

    Several addresses may be separated by ``;`` ``,`` ``、`` or spaces.
    Full-width characters (＠, ．) are invalid, not silently converted: the
    message asks the office to fix the cell.

    >>> parse_addresses("a@example.org；b@example")
    (['a@example.org'], ['b@example'])
    """
    valid: list[str] = []
    invalid: list[str] = []
    for part in _ADDRESS_SEP.split(cell.strip()):
        if not part:
            continue
        ok = bool(_ADDRESS.match(part)) and ".." not in part and len(part) <= 254
        (valid if ok else invalid).append(part)
    return valid, invalid
