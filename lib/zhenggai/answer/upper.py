"""An upper office's template as this level reads it: its rows, columns and rules.

The template was issued by another master (the province's, say), so its
signature cannot be checked here: nobody below holds that key. What can be
checked is that the fill-in sheet still has the header and rows its ``_meta``
says were issued; a template that does not is refused before anything is
matched, since the upper office's consolidation would refuse what is written
into it.

The values written must pass the *upper* office's rules, so the fields are
typed as the library types them (status, date, text) with the choices of the
template's own drop-down and the length limit of its own validation.

Example:
    >>> upper = read_upper(Path("某市-整改进展填报-2026年11月.xlsx"))   # doctest: +SKIP
    >>> upper.unit, [r.id for r in upper.rows][:2]                      # doctest: +SKIP
    ('某市', ['1', '2'])
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..core.errors import WorkbookError
from ..core.problems import Code, cell_name
from ..core.settings import Settings
from ..core.sheets import META
from ..core.spec import Field, Spec, default_spec, header_word
from ..core.text import Value, canonical
from ..io.calamine import open_book
from ..io.fill import SheetChecks, read_checks
from ..template.meta import TemplateMeta, parse_meta

__all__ = ["WRITTEN_KEYS", "UpperRow", "UpperTemplate", "read_upper"]

# The upper template's columns an answer fills: what the units below reported.
# 责任人 and 备注 stay as the upper template has them (this level's person, its own remarks).
WRITTEN_KEYS = ("status", "progress", "done_date", "evidence")


@dataclass(frozen=True)
class UpperRow:
    """One row of the upper template, as issued.

    Attributes:
        id: the upper office's 编号.
        row: 1-based row in the fill-in sheet.
        values: field key (the upper's 键名) -> the cell as read, every column.
    """

    id: str
    row: int
    values: dict[str, Value] = field(default_factory=dict)

    def text(self, key: str) -> str:
        return canonical(self.values.get(key))


@dataclass(frozen=True)
class UpperTemplate:
    """An upper office's template, read and checked against its own ``_meta``.

    Attributes:
        path: the file.
        meta: its ``_meta`` (identity, layout, base values); not verifiable here.
        rows: its rows, top to bottom.
        checks: its drop-down lists and length limit.
    """

    path: Path
    meta: TemplateMeta
    rows: tuple[UpperRow, ...]
    checks: SheetChecks = field(default_factory=SheetChecks)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def unit(self) -> str:
        """The unit the upper office issued it to: this level."""
        return self.meta.unit

    def cell(self, row: UpperRow, key: str) -> str:
        """The template cell of *row*'s field *key*, e.g. "M9"."""
        return cell_name(row.row, self.meta.column(key))

    def header(self, key: str) -> str:
        """The upper office's header of field *key*."""
        return self.meta.headers[self.meta.columns.index(key)]

    @property
    def max_text(self) -> int:
        """The upper office's length limit (its validation; else the library's default)."""
        return self.checks.max_text or Settings().max_text_length

    def fields(self, spec: Spec) -> dict[str, Field]:
        """The fields an answer may write: in :data:`WRITTEN_KEYS`, unlocked in the template.

        Each is typed as *spec* (this master) or the default spec types it, named
        as the upper office names it, with the template's drop-down as its choices.
        """
        out: dict[str, Field] = {}
        defaults = default_spec()
        for key in WRITTEN_KEYS:
            if key not in self.meta.editable or key not in self.meta.columns:
                continue
            base = spec.field(key) if spec.has(key) else defaults.field(key)
            choices = self.checks.choices.get(self.meta.column(key), base.choices)
            out[key] = replace(base, name=self.header(key), choices=choices, required=False)
        return out


def _refuse(path: Path, what: str, code: Code) -> WorkbookError:
    return WorkbookError(
        f"“{path.name}”{what}，无法自动填报。请用上级下发的原文件（不要另存、改表头或增删行）。",
        code=code,
    )


def read_upper(path: Path) -> UpperTemplate:
    """Read an upper office's template.

    Raises:
        WorkbookError: the file cannot be read, is not a template made by
            zhenggai, or its sheet no longer has the header and rows it was issued with.
    """
    book = open_book(path)
    if META not in book.sheet_names:
        raise _refuse(path, "不是用 zhenggai 生成的填报模板（没有模板信息）", Code.META_MISSING)
    try:
        meta = parse_meta(book.grid(META))
    except WorkbookError as exc:
        raise _refuse(path, "的模板信息（_meta）无法读取", Code.META_INVALID) from exc
    if meta.sheet not in book.sheet_names:
        raise _refuse(path, f"没有工作表“{meta.sheet}”", Code.SHEET_MISSING)
    grid = book.grid(meta.sheet)
    hr = meta.header_row
    header = list(grid[hr - 1]) if hr <= len(grid) else []
    found = [header_word(canonical(v)) for v in header[: len(meta.headers)]]
    if found != [header_word(h) for h in meta.headers]:
        raise _refuse(path, f"第{hr}行的表头与下发时不同", Code.HEADER_RENAMED)
    rows: list[UpperRow] = []
    id_col = meta.column("id")
    for i, rid in enumerate(meta.ids):
        r = meta.first_row + i
        cells = list(grid[r - 1]) if r <= len(grid) else []
        cells += [None] * (len(meta.columns) - len(cells))
        if canonical(cells[id_col - 1]) != rid:
            raise _refuse(
                path, f"第{r}行的编号应为“{rid}”（行被移动、删除或改了编号）", Code.ROW_DELETED
            )
        values = {key: cells[c] for c, key in enumerate(meta.columns)}
        rows.append(UpperRow(rid, r, values))
    return UpperTemplate(path, meta, tuple(rows), read_checks(path, meta.sheet))
