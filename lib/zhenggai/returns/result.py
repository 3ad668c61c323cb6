"""What a consolidation says about each returned file, and about the whole run.

:class:`Verdict` for each file, :class:`FileResult` with its changes,
conflicts and problems, :class:`ConsolidateResult` for the run (and its
``--json`` form, exactly as issue 4 specifies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..core.changes import ChangeSet
from ..core.problems import Problem
from ..core.text import Value
from .merge import Change, Conflict

__all__ = ["ConsolidateResult", "FileResult", "Verdict", "local"]


class Verdict(StrEnum):
    """What became of a returned file."""

    APPLIED = "applied"
    PARTLY = "partly-applied"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    SUPERSEDED = "superseded"

    @property
    def words(self) -> str:
        """The verdict as users read it (回收情况, summaries)."""
        return _WORDS[self]


_WORDS = {
    Verdict.APPLIED: "已汇总",
    Verdict.PARTLY: "部分汇总",
    Verdict.REJECTED: "未汇总",
    Verdict.DUPLICATE: "重复文件",
    Verdict.SUPERSEDED: "已有更新的报送",
}


@dataclass
class FileResult:
    """One returned file's outcome.

    Attributes:
        file: name relative to the returns folder.
        path: the file.
        sha256: hash of its bytes.
        saved: its save time (local, naive).
        unit, batch: from its ``_meta`` (None when unknown).
        verdict: see :class:`Verdict`.
        changes: cells applied to 台账.
        conflicts: cells not applied because the master changed them too.
        problems: everything found in the file (notices included).
        note: why it was skipped (duplicate of / superseded by which file).
        legacy: a file without a template's ``_meta``, read by 编号 (its conflicts are proposals).
        seen: a superseded file's own problems (its later return settles them in 校验问题).
        settled: superseded by a return consolidated before (older than it): its
            problems were settled by that return.
        ledger_rows: 编号 of rows where a rule failed only on cells left as issued
            (the master's own problems, checked on the master).
        reported: cells the return changed from the template that the master
            now holds (回收情况 修改数; the same in one run or several).
        counted: the batch the return counts for (its own, or a newer one: see
            :func:`zhenggai.facts.punctuality.counted_batch`); '' when it counts for none.
    """

    file: str
    path: Path
    sha256: str
    saved: datetime
    unit: str | None
    batch: str | None
    verdict: Verdict
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    note: str = ""
    legacy: bool = False
    seen: list[Problem] = field(default_factory=list)
    settled: bool = False
    ledger_rows: set[str] = field(default_factory=set)
    reported: int = 0
    counted: str = ""

    @property
    def clean(self) -> bool:
        return not self.problems and not self.conflicts

    def to_json(self) -> dict[str, Any]:
        """The file's entry of ``--json`` (exactly the keys the issue specifies)."""
        return {
            "file": self.file,
            "unit": self.unit,
            "batch": self.batch,
            "verdict": str(self.verdict),
            "changes": len(self.changes),
            "conflicts": len(self.conflicts),
            "problems": [
                {
                    "code": str(p.code),
                    "sheet": p.sheet,
                    "cell": p.cell,
                    "message": p.message,
                    "value": p.value,
                }
                for p in self.problems
            ],
        }


@dataclass
class ConsolidateResult:
    """What a consolidation found and wants changed.

    Attributes:
        folder: the returns folder.
        files: one result per workbook found, in processing order.
        ignored: files that are not workbooks (and owner files) — not read.
        not_returned: units of the latest issued batch with no return yet.
        batch: that latest issued batch ("" when no template was issued).
        changes: everything to write into the master.
        now: the run's time.
        feedback_folder: where the per-unit problem lists go (<master folder>/反馈/).
        ledger_problems: problems of the master itself (销号 checks, and rules that
            failed on values units left as issued), also in 校验问题.
        open_problems: unit -> its open (待处理) problems in 校验问题 after the run,
            every batch and run, as records by header (the units' 问题清单).
        unread: folders and links under the returns folder that were not read, and why.
    """

    folder: Path
    files: list[FileResult]
    ignored: list[Path]
    not_returned: list[str]
    batch: str
    changes: ChangeSet
    now: datetime
    feedback_folder: Path
    ledger_problems: list[Problem] = field(default_factory=list)
    open_problems: dict[str, list[dict[str, Value]]] = field(default_factory=dict)
    unread: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def n_changes(self) -> int:
        return sum(len(f.changes) for f in self.files)

    @property
    def n_conflicts(self) -> int:
        return sum(len(f.conflicts) for f in self.files)

    @property
    def clean(self) -> bool:
        return all(f.clean for f in self.files)

    def to_json(self) -> dict[str, Any]:
        """The object ``--json`` prints."""
        return {
            "files": [f.to_json() for f in self.files],
            "changes": self.n_changes,
            "conflicts": self.n_conflicts,
            "not_returned": self.not_returned,
        }


def local(when: datetime) -> datetime:
    """*when* as naive local time to the second, as the master stores times."""
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when.replace(microsecond=0)
