"""Reading a received message the way Outlook, Foxmail, QQ Mail and Thunderbird write them.

Chinese mail programs do not all follow the RFCs, and Python's ``email``
package, which does, turns much of what they send into "����":

* Outlook and Foxmail declare ``gb2312`` but write GBK characters that
  gb2312 lacks (喆, 堃, 镕 in names): every GB charset is read as GB18030,
  their superset;
* encoded words split one character over two words (``=?GBK?B?..?=`` then
  ``=?GBK?B?..?=``): adjacent words of one charset are joined as bytes first;
* file names are written as RFC 2047 encoded words inside a quoted
  ``filename="=?GBK?B?...?="`` (Outlook, Foxmail, QQ Mail), as RFC 2231
  ``filename*=gbk''%D5%FB...`` or in sections ``filename*0*=utf-8''...``
  (Thunderbird, us), or as raw 8-bit GBK or UTF-8 bytes (older clients):
  all are read, the RFC 2231 form first;
* a message forwarded as an attachment (``message/rfc822``, or an ``.eml``
  file) carries its own attachments: they are read as the forwarder's;
* images shown in the body (referenced as ``cid:`` from the HTML: signature
  logos, pasted screenshots) are not attachments and are counted apart.

The message is walked without recursion, at most :data:`MAX_DEPTH` levels
deep and :data:`MAX_PARTS` parts, so a hostile message cannot exhaust the
stack. Nothing here touches a file.

Example:
    >>> decode_text("=?gb2312?B?u+HS6bzN0qo=?=.pdf")
    '会议纪要.pdf'
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

__all__ = [
    "MAX_DEPTH",
    "MAX_PARTS",
    "Attached",
    "Headers",
    "Incoming",
    "decode_text",
    "parse_headers",
    "parse_message",
]

MAX_DEPTH = 12  # multipart inside multipart, forwards inside forwards
MAX_PARTS = 2000

_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(=\?)")
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "x-euc-cn", "hz-gb-2312", "936"}
_ID = re.compile(r"<[^<>\s]+>")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def _codec(charset: str) -> str:
    name = charset.strip().strip('"').lower().split("*", 1)[0]  # RFC 2231 language suffix
    if name in _GB:
        return "gb18030"
    if name in ("utf8", "utf-8", ""):
        return "utf-8"
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name


def _bytes_text(data: bytes, charset: str = "") -> str:
    """*data* in *charset*; when none is declared, UTF-8 if it decodes, else GB18030."""
    if charset:
        return data.decode(_codec(charset), "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def _raw8bit(text: str) -> str:
    """Header text parsed from bytes: raw 8-bit bytes (surrogate escapes) decoded as such."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return _bytes_text(text.encode("utf-8", "surrogateescape"))


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding.lower() == "b":
        padded = payload + "=" * (-len(payload) % 4)
        try:
            return base64.b64decode(padded)
        except (binascii.Error, ValueError):
            return payload.encode("ascii", "replace")
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)


def decode_text(value: str) -> str:
    """A header's text as the sender meant it: RFC 2047 words, raw 8-bit bytes, GB charsets.

    Adjacent encoded words of one charset are joined as bytes before decoding,
    so a character split over two words is read whole.

    >>> import base64
    >>> data = "整改".encode("gbk")
    >>> halves = [base64.b64encode(data[:1]).decode(), base64.b64encode(data[1:]).decode()]
    >>> decode_text(f"=?GBK?B?{halves[0]}?= =?GBK?B?{halves[1]}?=")
    '整改'
    """
    value = _raw8bit(value)
    if "=?" not in value:
        return value
    value = _BETWEEN_WORDS.sub(r"\1\2", value)  # blanks between words are not text
    out: list[str] = []
    pending = b""
    charset = ""
    pos = 0
    for m in _WORD.finditer(value):
        if m.start() > pos:
            if pending:
                out.append(_bytes_text(pending, charset))
                pending = b""
            out.append(value[pos : m.start()])
        if pending and _codec(m.group(1)) != _codec(charset):
            out.append(_bytes_text(pending, charset))
            pending = b""
        charset = m.group(1)
        pending += _word_bytes(m.group(2), m.group(3))
        pos = m.end()
    if pending:
        out.append(_bytes_text(pending, charset))
    out.append(value[pos:])
    return "".join(out)


def _raw(msg: Message, name: str) -> str | None:
    """Header *name* as it arrived, raw 8-bit bytes decoded (``Message.get`` would give "�")."""
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return _raw8bit(str(value))
    return None


def _param(part: Message, name: str, header: str) -> str:
    """A parameter of *header*, decoded: RFC 2231 (with its charset) or plain/encoded words."""
    value = _raw(part, header)
    if value is None:
        return ""
    holder = Message()
    holder[header] = value
    raw = holder.get_param(name, header=header)
    if raw is None or (isinstance(raw, str) and not raw):
        return ""
    if isinstance(raw, tuple):  # RFC 2231: (charset, language, value as latin-1 characters)
        charset, _, text = raw
        try:
            data = str(text).encode("latin-1")
        except UnicodeEncodeError:  # raw 8-bit text inside an RFC 2231 value: already decoded
            return str(text)
        return decode_text(_bytes_text(data, charset or ""))
    return decode_text(str(raw).strip('"'))


def _file_name(part: Message) -> str:
    """The name a part's sender gave it, last path component only, control characters gone."""
    name = _param(part, "filename", "content-disposition") or _param(part, "name", "content-type")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME.sub("", name).strip()


@dataclass(frozen=True)
class Attached:
    """One attachment: the name its sender gave it, its bytes and where it came from.

    Attributes:
        name: the file name as decoded (its last path component).
        data: the decoded bytes.
        content_type: as declared, e.g. ``application/pdf``.
        forwarded: the subject of the forwarded message it was inside ('' when not forwarded).
    """

    name: str
    data: bytes
    content_type: str
    forwarded: str = ""


@dataclass(frozen=True)
class Headers:
    """What a message's headers say, before its body is read.

    Attributes:
        message_id: its Message-ID with the angle brackets; a stable stand-in
            made from the headers when it has none.
        sender / sender_name: the From address (lower case) and the name shown.
        subject: decoded.
        sent: the Date header as local time (None when missing or unreadable).
        refers_to: Message-IDs of In-Reply-To and References.
    """

    message_id: str
    sender: str
    sender_name: str
    subject: str
    sent: datetime | None
    refers_to: tuple[str, ...]


@dataclass(frozen=True)
class Incoming:
    """A whole message: its headers, attachments and the body images left out."""

    headers: Headers
    attachments: tuple[Attached, ...]
    body_images: int = 0
    broken: str = ""


def _local(when: datetime) -> datetime:
    return when.astimezone().replace(tzinfo=None) if when.tzinfo else when


def _header_text(msg: Message, name: str) -> str:
    value = _raw(msg, name)
    return decode_text(value) if value is not None else ""


def parse_headers(raw: bytes) -> Headers:
    """The :class:`Headers` of a message's header block (or of the whole message)."""
    msg = message_from_bytes(raw, policy=compat32)
    return _headers(msg, raw)


def _headers(msg: Message, raw: bytes) -> Headers:
    pairs = getaddresses([_header_text(msg, "From")])
    name, address = pairs[0] if pairs else ("", "")
    ids = _ID.findall(str(msg.get("Message-ID", "")))
    if ids:
        message_id = ids[0]
    else:  # the same headers give the same stand-in on every run
        fields = b"\n".join(
            str(msg.get(h, "")).encode("utf-8", "surrogateescape")
            for h in ("From", "Date", "Subject", "To")
        )
        message_id = f"<no-id-{hashlib.sha256(fields).hexdigest()[:24]}@zhenggai.invalid>"
    refers = _ID.findall(f"{msg.get('In-Reply-To', '')} {msg.get('References', '')}")
    sent: datetime | None = None
    date = msg.get("Date")
    if date is not None:
        try:
            sent = _local(parsedate_to_datetime(str(date)))
        except (TypeError, ValueError, IndexError):
            sent = None
    return Headers(
        message_id,
        address.strip().lower(),
        name.strip(),
        " ".join(_header_text(msg, "Subject").split()),
        sent,
        tuple(dict.fromkeys(refers)),
    )


def _cid_refs(parts: list[Message]) -> set[str]:
    """Content-IDs the HTML bodies show inline (``src="cid:..."``)."""
    refs: set[str] = set()
    for part in parts:
        if part.get_content_type() == "text/html" and not _file_name(part):
            body = part.get_payload(decode=True)
            if isinstance(body, bytes):
                found: list[bytes] = re.findall(rb"cid:([^\"'\s>]+)", body, re.I)
                refs |= {m.decode("ascii", "replace").lower() for m in found}
    return refs


def _walk(msg: Message) -> Iterator[tuple[Message, int, str]]:
    """Every part with its depth and the subject of the forward it is in, without recursion.

    Raises:
        ValueError: the message nests deeper than :data:`MAX_DEPTH` or has over :data:`MAX_PARTS` parts.
    """
    stack: list[tuple[Message, int, str]] = [(msg, 0, "")]
    seen = 0
    while stack:
        part, depth, forwarded = stack.pop()
        seen += 1
        if depth > MAX_DEPTH or seen > MAX_PARTS:
            raise ValueError(f"邮件嵌套超过 {MAX_DEPTH} 层或超过 {MAX_PARTS} 个部分")
        yield part, depth, forwarded
        if part.is_multipart():
            payload = part.get_payload()
            children = (
                [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else []
            )
            inner = forwarded
            if part.get_content_type() == "message/rfc822" and children:
                inner = _header_text(children[0], "Subject") or "（无主题）"
            stack += [(c, depth + 1, inner) for c in reversed(children)]


_EML_LEVELS = 3  # a forward saved as an .eml file, inside another: read this many levels


def parse_message(raw: bytes, *, _level: int = 0) -> Incoming:
    """Headers and attachments of a whole message (see the module docstring)."""
    msg = message_from_bytes(raw, policy=compat32)
    headers = _headers(msg, raw)
    try:
        parts = list(_walk(msg))
    except ValueError as exc:
        return Incoming(headers, (), broken=str(exc))
    inline = _cid_refs([p for p, _, _ in parts])
    found: list[Attached] = []
    images = 0
    for part, _depth, forwarded in parts:
        if part.is_multipart():
            continue
        name = _file_name(part)
        cid = str(part.get("Content-ID", "")).strip().strip("<>").lower()
        if cid and cid in inline:
            images += 1
            continue
        disposition = str(part.get("Content-Disposition", "")).split(";", 1)[0].strip().lower()
        if not name and disposition != "attachment":
            continue  # the body itself (text, HTML)
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            data = b""
        if name.lower().endswith(".eml") and _level < _EML_LEVELS:
            inner = parse_message(
                data, _level=_level + 1
            )  # a forward saved as a file: its attachments count
            subject = inner.headers.subject or "（无主题）"
            found += [Attached(a.name, a.data, a.content_type, subject) for a in inner.attachments]
            images += inner.body_images
            continue
        found.append(Attached(name, data, part.get_content_type(), forwarded))
    return Incoming(headers, tuple(found), images)
