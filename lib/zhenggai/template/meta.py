"""Signing issued templates and checking returned ones (HMAC-SHA256).

Every template carries a veryHidden ``_meta`` sheet: its identity (ledger,
unit, batch, issue time), its layout (header row, the field of each column),
the 编号 of its rows in order, the *base* value of every editable cell, and a
short keyed tag of every locked cell. The key is the master's ``hmac_key``; it
never leaves the master, so a unit can neither change a locked cell nor
rewrite ``_meta`` to match without it being noticed:

* ``signature`` signs the whole ``_meta`` sheet (any edit of it fails);
* ``locked_mac`` signs all locked cells at once (the fast path for a clean return);
* the per-cell tags say *which* locked cell changed when ``locked_mac`` fails.

Values are signed in their :func:`zhenggai.core.text.canonical` form, so a file
re-saved by Excel, WPS or LibreOffice still verifies. Protection of the
sheet is a guardrail; this module is the actual check.

Example:
    >>> key = key_bytes("00" * 32)
    >>> cell_tag(key, "1", "category", "某某方面") == cell_tag(key, "1", "category", "某某方面")
    True
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..core.errors import WorkbookError
from ..core.problems import Code
from ..core.text import CANON_VERSION, Value, canonical

__all__ = [
    "META_KIND",
    "META_VERSION",
    "TemplateMeta",
    "build_meta",
    "cell_tag",
    "changed_locked_cells",
    "key_bytes",
    "meta_grid",
    "meta_signature_ok",
    "parse_meta",
]

META_KIND = "zhenggai-template"
META_VERSION = 1
_TAG_HEX = 16  # 64 bits per cell: only locates a change; the full MACs do the checking
_ROWS_MARK = "[rows]"
_SEP, _ROW_SEP = "\x1f", "\x1e"


@dataclass(frozen=True)
class TemplateMeta:
    """What a template's ``_meta`` sheet says about it.

    Attributes:
        ledger_id: the master it was issued from.
        unit: the unit it was issued to.
        batch: the round of templates, e.g. "2026年11月".
        issued: when it was made.
        spec_version: the field spec version at issue time.
        canon_version: :data:`zhenggai.core.text.CANON_VERSION` at issue time.
        sheet: the sheet units fill (填报).
        header_row: 1-based row of the header.
        columns: the field key of each column, from column A.
        headers: the header text of each column.
        ids: the 编号 of the data rows, top to bottom.
        editable: keys whose base values are kept.
        locked: keys whose cells are tagged.
        base: 编号 -> key -> canonical value at issue time (editable cells).
        tags: 编号 -> key -> tag (locked cells).
        locked_mac: MAC over every locked cell.
        signature: MAC over the whole ``_meta`` sheet.
        signed: the sheet as read, in the form the signature covers.
    """

    ledger_id: str
    unit: str
    batch: str
    issued: datetime
    spec_version: str
    canon_version: int
    sheet: str
    header_row: int
    columns: tuple[str, ...]
    headers: tuple[str, ...]
    ids: tuple[str, ...]
    editable: tuple[str, ...]
    locked: tuple[str, ...]
    base: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    locked_mac: str = ""
    signature: str = ""
    signed: str = field(default="", repr=False, compare=False)

    @property
    def first_row(self) -> int:
        """1-based row of the first data row."""
        return self.header_row + 1

    def column(self, key: str) -> int:
        """1-based column of field *key* as issued."""
        return self.columns.index(key) + 1


def key_bytes(hmac_key: str) -> bytes:
    """The master's ``hmac_key`` (hex text) as key bytes."""
    try:
        return bytes.fromhex(hmac_key)
    except ValueError:
        return hmac_key.encode()


def _mac(key: bytes, domain: bytes, message: str) -> str:
    return hmac.new(
        key, domain + b"\0" + message.encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()


def cell_tag(key: bytes, rid: str, fkey: str, value: str) -> str:
    """Tag of one locked cell: 编号, field key and canonical value."""
    return _mac(key, b"cell", _SEP.join((rid, fkey, value)))[:_TAG_HEX]


def _locked_message(ids: Sequence[str], values: Mapping[str, Sequence[str]]) -> str:
    return _ROW_SEP.join(rid + _SEP + _SEP.join(values[rid]) for rid in ids)


def build_meta(
    hmac_key: str,
    *,
    ledger_id: str,
    unit: str,
    batch: str,
    issued: datetime,
    spec_version: str,
    sheet: str,
    header_row: int,
    columns: Sequence[str],
    headers: Sequence[str],
    editable: Sequence[str],
    rows: Sequence[tuple[str, Mapping[str, Value]]],
) -> TemplateMeta:
    """The signed ``_meta`` of a template holding *rows* (编号, values by key) as written.

    Columns not in *editable* are locked and tagged.
    """
    key = key_bytes(hmac_key)
    locked = tuple(k for k in columns if k not in editable)
    ids = tuple(rid for rid, _ in rows)
    base: dict[str, dict[str, str]] = {}
    tags: dict[str, dict[str, str]] = {}
    locked_values: dict[str, list[str]] = {}
    for rid, values in rows:
        base[rid] = {k: canonical(values.get(k)) for k in editable}
        canon = [canonical(values.get(k)) for k in locked]
        locked_values[rid] = canon
        tags[rid] = {k: cell_tag(key, rid, k, v) for k, v in zip(locked, canon, strict=True)}
    meta = TemplateMeta(
        ledger_id=ledger_id,
        unit=unit,
        batch=batch,
        issued=issued.replace(microsecond=0),
        spec_version=spec_version,
        canon_version=CANON_VERSION,
        sheet=sheet,
        header_row=header_row,
        columns=tuple(columns),
        headers=tuple(headers),
        ids=ids,
        editable=tuple(editable),
        locked=locked,
        base=base,
        tags=tags,
        locked_mac=_mac(key, b"locked", _locked_message(ids, locked_values)),
    )
    return replace(meta, signature=_mac(key, b"meta", _serialise(meta_grid(meta))))


def meta_grid(meta: TemplateMeta) -> list[list[str]]:
    """The ``_meta`` sheet's cells (all text) for *meta*."""
    head: list[list[str]] = [
        ["kind", META_KIND],
        ["meta_version", str(META_VERSION)],
        ["ledger_id", meta.ledger_id],
        ["unit", meta.unit],
        ["batch", meta.batch],
        ["issued", meta.issued.isoformat(timespec="seconds")],
        ["spec_version", meta.spec_version],
        ["canon_version", str(meta.canon_version)],
        ["sheet", meta.sheet],
        ["header_row", str(meta.header_row)],
        ["columns", json.dumps(list(meta.columns), ensure_ascii=False)],
        ["headers", json.dumps(list(meta.headers), ensure_ascii=False)],
        ["locked_mac", meta.locked_mac],
        ["signature", meta.signature],
        [],
        [_ROWS_MARK, *(f"base:{k}" for k in meta.editable), *(f"tag:{k}" for k in meta.locked)],
    ]
    for rid in meta.ids:
        base, tags = meta.base[rid], meta.tags[rid]
        head.append([rid, *(base[k] for k in meta.editable), *(tags[k] for k in meta.locked)])
    return head


def _cell_text(value: Value) -> str:
    return value if isinstance(value, str) else canonical(value)


def _cells(row: Sequence[Value]) -> list[str]:
    """A row's cells as text, trailing blanks dropped (calamine pads rows to the sheet's width)."""
    n = len(row)
    while n and (row[n - 1] is None or row[n - 1] == ""):
        n -= 1
    return [v if type(v) is str else "" if v is None else canonical(v) for v in row[:n]]


def _serialise(grid: Sequence[Sequence[Value]]) -> str:
    """The text the signature covers: every non-blank row but the signature's own."""
    return _read_rows(grid).signed


@dataclass(frozen=True)
class _Rows:
    """A ``_meta`` sheet split once, for both signing and parsing (they must agree)."""

    pairs: dict[str, str]
    table: list[list[str]]
    signed: str


def _read_rows(grid: Sequence[Sequence[Value]]) -> _Rows:
    """Split *grid* into key/value pairs, the ``[rows]`` table and the signed text.

    Exactly one row is left out of the signed text: the ``signature`` pair
    above ``[rows]``. Every row the parser uses is signed (a table row whose
    编号 happens to be "signature" too), and a second ``signature`` pair is refused.

    Raises:
        WorkbookError: meta-invalid (two signature rows).
    """
    pairs: dict[str, str] = {}
    table: list[list[str]] = []
    signed: list[str] = []
    signature_seen = False
    for row in grid:
        cells = _cells(row)
        if not cells:
            continue
        if table or cells[0] == _ROWS_MARK:
            table.append(cells)
        elif cells[0] == "signature":
            if signature_seen:
                raise _invalid("签名行出现了不止一次")
            signature_seen = True
            pairs["signature"] = cells[1] if len(cells) > 1 else ""
            continue  # the one row the signature cannot cover: itself
        elif len(cells) >= 2:
            pairs[cells[0]] = cells[1]
        signed.append(_SEP.join(cells))
    return _Rows(pairs, table, _ROW_SEP.join(signed))


def meta_signature_ok(hmac_key: str, meta: TemplateMeta) -> bool:
    """True when the ``_meta`` sheet *meta* was read from is exactly as signed with the master's key."""
    expected = _mac(key_bytes(hmac_key), b"meta", meta.signed)
    return hmac.compare_digest(expected, meta.signature)


def changed_locked_cells(
    hmac_key: str, meta: TemplateMeta, values: Mapping[str, Sequence[str | None]]
) -> list[tuple[str, str]]:
    """Locked cells whose canonical value differs from the one signed.

    Args:
        hmac_key: the master's key.
        meta: the template's (already verified) meta.
        values: 编号 -> canonical values of ``meta.locked`` fields, in that
            order, for the rows found in the return (missing rows are left
            out; None for a column that could not be found).

    Returns:
        (编号, key) of each changed cell; empty when all are as issued.
    """
    key = key_bytes(hmac_key)
    if len(values) == len(meta.ids) and set(values) == set(meta.ids):
        complete = {rid: row for rid, row in values.items() if None not in row}
        if len(complete) == len(values):
            message = _locked_message(meta.ids, complete)  # type: ignore[arg-type]
            if hmac.compare_digest(_mac(key, b"locked", message), meta.locked_mac):
                return []
    changed: list[tuple[str, str]] = []
    for rid, row in values.items():
        tags = meta.tags.get(rid, {})
        for k, v in zip(meta.locked, row, strict=True):
            if v is not None and not hmac.compare_digest(cell_tag(key, rid, k, v), tags.get(k, "")):
                changed.append((rid, k))
    return changed


def parse_meta(grid: Sequence[Sequence[Value]]) -> TemplateMeta:
    """Read a template's ``_meta`` sheet (its signature is checked separately).

    Raises:
        WorkbookError: with code ``meta-invalid`` when the sheet is not a template's meta.
    """
    rows = _read_rows(grid)
    pairs, table = rows.pairs, rows.table
    if pairs.get("kind") != META_KIND or not table:
        raise _invalid("不是本工具下发的模板信息")
    try:
        if int(pairs["meta_version"]) > META_VERSION:
            raise _invalid("模板由更新版本的工具生成，请升级 zhenggai")
        columns = tuple(json.loads(pairs["columns"]))
        headers = tuple(json.loads(pairs["headers"]))
        header_row = int(pairs["header_row"])
        issued = datetime.fromisoformat(pairs["issued"])
        canon_version = int(pairs["canon_version"])
        names = table[0][1:]
        editable = tuple(n[5:] for n in names if n.startswith("base:"))
        locked = tuple(n[4:] for n in names if n.startswith("tag:"))
        if len(editable) + len(locked) != len(names) or len(columns) != len(headers):
            raise _invalid("表格信息不完整")
        base: dict[str, dict[str, str]] = {}
        tags: dict[str, dict[str, str]] = {}
        ids: list[str] = []
        width = len(names) + 1
        for cells in table[1:]:
            cells = cells + [""] * (width - len(cells))
            rid = cells[0]
            ids.append(rid)
            base[rid] = dict(zip(editable, cells[1 : 1 + len(editable)], strict=True))
            tags[rid] = dict(zip(locked, cells[1 + len(editable) : width], strict=True))
        return TemplateMeta(
            ledger_id=pairs["ledger_id"],
            unit=pairs["unit"],
            batch=pairs["batch"],
            issued=issued,
            spec_version=pairs.get("spec_version", ""),
            canon_version=canon_version,
            sheet=pairs["sheet"],
            header_row=header_row,
            columns=columns,
            headers=headers,
            ids=tuple(ids),
            editable=editable,
            locked=locked,
            base=base,
            tags=tags,
            locked_mac=pairs["locked_mac"],
            signature=pairs["signature"],
            signed=rows.signed,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise _invalid(f"缺少或无法识别 {exc}") from exc


def _invalid(what: str) -> WorkbookError:
    return WorkbookError(
        f"模板的隐藏信息（_meta）无法读取：{what}。请用办公室下发的原模板重新填报。",
        code=Code.META_INVALID,
    )
