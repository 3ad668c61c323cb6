"""A returned file after checking: its problems and the values that may be used."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ..core.errors import WorkbookError
from ..core.problems import Code, Problem, cell_name, show_value
from ..core.text import Value
from ..template.meta import TemplateMeta

__all__ = ["CheckedReturn"]


@dataclass
class CheckedReturn:
    """A returned file after checking.

    Attributes:
        file: its name as shown (relative to the returns folder).
        path, sha256, saved: from the file.
        meta: its template identity (None when it has none or it is unreadable).
        problems: everything found, notices included.
        values: 编号 -> key -> the value sent (typed as the master holds it), for
            cells that passed every check.
        rows: 编号 -> row of the return, for rows that were matched.
        columns: field key -> column of the return, as found by header.
        rejected: nothing of the file may be used.
        identified: its ``_meta`` identity was verified (with the master) or at
            least read (without), so it counts as this unit's return.
        legacy: no ``_meta``, read by header and 编号 (a ledger's own older form):
            there is no template base, so a value differing from the master is
            only a proposal unless the office trusts legacy returns.
        legacy_unit: for a legacy return, the one unit its rows belong to ("" when several).
        legacy_sheet: for a legacy return, the sheet read.
        ledger_rows: 编号 of rows where a rule failed only on cells the unit left
            as issued: not the unit's problem, the master's row is checked instead.
    """

    file: str
    path: Path
    sha256: str
    saved: datetime
    meta: TemplateMeta | None = None
    problems: list[Problem] = field(default_factory=list)
    values: dict[str, dict[str, Value]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    rejected: bool = False
    identified: bool = False
    legacy: bool = False
    legacy_unit: str = ""
    legacy_sheet: str = ""
    ledger_rows: set[str] = field(default_factory=set)

    @property
    def unit(self) -> str:
        return self.meta.unit if self.meta else self.legacy_unit

    @property
    def batch(self) -> str:
        return self.meta.batch if self.meta else ""

    @property
    def sheet(self) -> str:
        return self.meta.sheet if self.meta else self.legacy_sheet

    def cell(self, rid: str, key: str) -> str:
        """The return cell of 编号 *rid*, field *key*, e.g. "M10" (made only when shown)."""
        return cell_name(self.rows[rid], self.columns[key])

    @property
    def blocking(self) -> list[Problem]:
        """Problems that kept something from being used (notices excluded)."""
        return [p for p in self.problems if not p.code.is_notice]

    def problem(
        self,
        code: Code,
        message: str,
        *,
        cell: str = "",
        value: Value = None,
        sheet: str | None = None,
    ) -> None:
        """Record a problem; its sheet is the template's 填报 sheet unless *sheet* says otherwise."""
        if sheet is None:
            sheet = self.sheet if cell else ""
        self.problems.append(
            Problem(code, message, file=self.file, sheet=sheet, cell=cell, value=show_value(value))
        )

    def add(self, problem: Problem, *, cell: str, value: Value = None) -> None:
        """Record *problem* (from a check that does not know where it is) in *cell* of the sheet."""
        self.problems.append(
            replace(problem, file=self.file, sheet=self.sheet, cell=cell, value=show_value(value))
        )

    def refuse(self, exc: WorkbookError, *, default: Code) -> CheckedReturn:
        """Reject the file for *exc* (its own code, else *default*)."""
        self.problems.append(exc.problem(file=self.file, default=default))
        self.rejected = True
        return self

    def reject(
        self,
        code: Code,
        message: str,
        *,
        value: Value = None,
        sheet: str | None = None,
        cell: str = "",
    ) -> CheckedReturn:
        self.problem(code, message, value=value, sheet=sheet, cell=cell)
        self.rejected = True
        return self
