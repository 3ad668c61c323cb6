"""Attachments into files: what each one is, and where it goes without overwriting anything.

* A spreadsheet is read behind the returns' guards only as far as needed to
  know what it is: a template (it has ``_meta``; when the master's key signs
  it, its unit and batch are known) or a workbook in the ledger's own layout
  (header with 编号 and unit fields, an older return) goes to
  ``回收/<批次>/`` as ``<单位>-<原文件名>``, for ``zhenggai consolidate`` to
  judge. Files it cannot open safely (a bomb, .xls, CSV …) go there too:
  the consolidation tells the unit what to do. A workbook of another kind (a
  sign-in sheet) is evidence.
* A zip is opened behind the same guards (:func:`zhenggai.io.archive.unpack_zip`)
  and its files are placed one by one, under a folder named after the zip.
* Everything else is evidence: ``电子档案/<批次>/<单位>/<原文件名>``.
* Outlook's ``winmail.dat`` (a message in Outlook's own format) cannot be
  opened and is left, with a note.

The same bytes are never saved twice: a return already anywhere under
回收/, evidence already in any batch folder of the same unit, is noted as a
duplicate with the file it repeats. A name already taken gets "（2）".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import WorkbookError
from ..core.ledger import Ledger
from ..core.problems import Code
from ..core.sheets import META
from ..io.archive import unpack_zip
from ..io.calamine import open_book
from ..io.store import SameBytes, file_name, save_new, sha256
from ..mail.incoming import Attached
from ..returns.validate import legacy_header
from ..template.meta import meta_signature_ok, parse_meta
from ..template.names import safe_name
from .result import Kind, Outcome

__all__ = ["Identity", "Piece", "Placed", "Placement", "pieces_of"]

SHEET_SUFFIXES = frozenset(
    {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".et", ".ett", ".csv"}
)
_OPENABLE = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})


@dataclass(frozen=True)
class Identity:
    """What a template's ``_meta`` says, and whether this master's key signed it."""

    unit: str
    batch: str
    signed: bool


@dataclass(frozen=True)
class Piece:
    """One file to place.

    Attributes:
        name: as sent ("材料.zip/11月/纪要.pdf" for a zip member).
        parts: folders below the unit's evidence folder (the zip's name and its folders).
        file: the file name to save it under.
        data: its bytes.
        kind: 报送表 or 佐证材料.
        identity: a template's ``_meta`` (None when it has none or it cannot be read).
        note: what was found (for 收件记录 说明).
        refused: why it is not saved ('' when it is saved), with *code*.
    """

    name: str
    parts: tuple[str, ...]
    file: str
    data: bytes
    kind: Kind
    identity: Identity | None = None
    note: str = ""
    refused: str = ""
    code: Code | None = None


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def _sheet_kind(name: str, data: bytes, ledger: Ledger) -> tuple[Kind, Identity | None, str]:
    """A spreadsheet's place: a return (with its identity when signed) or evidence."""
    if _suffix(name) not in _OPENABLE:
        return Kind.RETURN, None, ""
    try:
        book = open_book(Path(file_name(name)), data=data)
        if META not in book.sheet_names:
            if legacy_header(book, ledger.spec) is not None:
                return Kind.RETURN, None, "没有模板信息，表头与台账相同，按旧式报送汇总"
            return (
                Kind.EVIDENCE,
                None,
                "不是填报表（没有模板信息，表头也不是台账的），作为佐证材料保存",
            )
        meta = parse_meta(book.grid(META))
    except WorkbookError as exc:
        return Kind.RETURN, None, f"无法读取模板信息（{exc}），汇总时会说明"
    signed = meta.ledger_id == ledger.meta.ledger_id and meta_signature_ok(
        ledger.meta.hmac_key, meta
    )
    note = "" if signed else "模板信息不是本台账签发的或被改动过，汇总时会说明"
    return Kind.RETURN, Identity(meta.unit, meta.batch, signed), note


def _member_pieces(att: Attached, ledger: Ledger) -> list[Piece]:
    try:
        members = unpack_zip(att.data)
    except WorkbookError as exc:
        return [
            Piece(
                att.name,
                (),
                file_name(att.name),
                att.data,
                Kind.EVIDENCE,
                None,
                "",
                str(exc),
                exc.code or Code.ATTACHMENT_REFUSED,
            )
        ]
    zip_folder = file_name(Path(att.name).stem or "压缩包")
    out: list[Piece] = []
    for m in members:
        shown = "/".join((att.name, *m.parts))
        folders = (zip_folder, *(file_name(p) for p in m.parts[:-1]))
        name = file_name(m.parts[-1])
        if _suffix(name) in SHEET_SUFFIXES:
            kind, identity, note = _sheet_kind(name, m.data, ledger)
            out.append(Piece(shown, folders, name, m.data, kind, identity, note))
        else:
            note = "压缩包中的压缩包，未再解开" if _suffix(name) == ".zip" else ""
            out.append(Piece(shown, folders, name, m.data, Kind.EVIDENCE, note=note))
    return out


def pieces_of(att: Attached, ledger: Ledger, *, number: int) -> list[Piece]:
    """The files attachment *att* (the *number*-th of its message) gives."""
    shown = att.name or f"附件{number}"
    name = file_name(shown, default=f"附件{number}")
    if name.lower() == "winmail.dat":
        return [
            Piece(
                shown,
                (),
                name,
                att.data,
                Kind.EVIDENCE,
                None,
                "",
                "这是 Outlook 的 RTF 格式邮件（winmail.dat），无法解开：请对方把邮件格式改为 HTML "
                "或纯文本后重新发送，或在 Outlook 中手工保存附件。",
                Code.ATTACHMENT_REFUSED,
            )
        ]
    if _suffix(name) == ".zip":
        return _member_pieces(att, ledger)
    if _suffix(name) in SHEET_SUFFIXES:
        kind, identity, note = _sheet_kind(name, att.data, ledger)
        return [Piece(shown, (), name, att.data, kind, identity, note)]
    return [Piece(shown, (), name, att.data, Kind.EVIDENCE)]


@dataclass(frozen=True)
class Placed:
    """Where a piece went (or would go): path relative to the master's folder, hash, outcome."""

    path: str
    sha256: str
    outcome: Outcome
    note: str = ""


@dataclass
class Placement:
    """The folders received files go to, and what is already in them.

    Attributes:
        root: the master's folder (paths in 收件记录 and 佐证材料 are relative to it).
        returns: the returns folder (设置 回收文件夹).
        evidence: the 电子档案 folder (设置 电子档案文件夹).
        dry_run: find names and duplicates, write nothing.
    """

    root: Path
    returns: Path
    evidence: Path
    dry_run: bool = False
    _returns_seen: SameBytes | None = None
    _units_seen: dict[str, SameBytes] = field(default_factory=dict)
    _planned: set[Path] = field(default_factory=set)

    def _seen(self, kind: Kind, unit: str) -> SameBytes:
        if kind is Kind.RETURN:
            if self._returns_seen is None:
                self._returns_seen = SameBytes(self.returns)
            return self._returns_seen
        if unit not in self._units_seen:
            folders = [p / safe_name(unit) for p in self.evidence.glob("*") if p.is_dir()]
            self._units_seen[unit] = SameBytes(*folders)
        return self._units_seen[unit]

    def folder(self, piece: Piece, unit: str, batch: str) -> Path:
        if piece.kind is Kind.RETURN:
            return self.returns / safe_name(batch)
        return self.evidence.joinpath(safe_name(batch), safe_name(unit), *piece.parts)

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def place(self, piece: Piece, unit: str, batch: str) -> Placed:
        """Save *piece* (unless it is refused, a duplicate or this is a dry run)."""
        if piece.refused:
            return Placed("", sha256(piece.data), Outcome.REFUSED, piece.refused)
        digest, size = sha256(piece.data), len(piece.data)
        seen = self._seen(piece.kind, unit)
        same = seen.find(digest, size)
        if same is not None:
            where = self._relative(same)
            return Placed(
                where, digest, Outcome.DUPLICATE, f"与已保存的“{where}”内容相同，未再保存"
            )
        folder = self.folder(piece, unit, batch)
        name = piece.file
        if piece.kind is Kind.RETURN and unit and unit not in name:
            name = file_name(f"{unit}-{name}")
        if self.dry_run:
            path = _free(folder, name, self._planned)
            self._planned.add(path)
        else:
            path = save_new(folder, name, piece.data)
        seen.add(path, digest, size)
        note = piece.note
        if path.name != name:
            note = "；".join(filter(None, [note, f"已有同名文件，另存为“{path.name}”"]))
        return Placed(
            self._relative(path), digest, Outcome.PLANNED if self.dry_run else Outcome.SAVED, note
        )


def _free(folder: Path, name: str, planned: set[Path]) -> Path:
    """The name :func:`save_new` would choose, counting this dry run's own choices."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    ext = f".{suffix}" if suffix else ""
    n = 1
    path = folder / name
    while path.exists() or path in planned:
        n += 1
        path = folder / f"{stem}（{n}）{ext}"
    return path
