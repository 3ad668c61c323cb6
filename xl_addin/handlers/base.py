"""What every handler shares: Excel kept quiet, the status bar, read → plan → write."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

import xlwings

from xl_addin.feedback import StatusBar, quiet
from xl_addin.master import Applied, XlwingsMaster
from xl_addin.source import book_path
from zhenggai.core.changes import Planned
from zhenggai.core.errors import WorkbookError
from zhenggai.core.ledger import Ledger, plan_and_write
from zhenggai.core.problems import Problem

if TYPE_CHECKING:
    from xl_addin.history import UndoRecord

__all__ = ["Run", "free_path", "problems_note", "run_plan", "saved_path", "working"]

P = TypeVar("P", bound=Planned)

#: How a handler's summary says the book changed: it is never saved for the user.
NOT_SAVED = "（尚未保存，检查后按 Ctrl+S 保存）"


@contextmanager
def working(book: xlwings.Book, title: str) -> Iterator[StatusBar]:
    """``with working(book, "逾期预警") as status:``: Excel quiet, the status bar titled."""
    with quiet(book), StatusBar(book, title) as status:
        yield status


def saved_path(book: xlwings.Book) -> Path:
    """The book's file.

    Raises:
        WorkbookError: the book was never saved (RunPython starts Python in the
            interpreter's folder: we must never write files there).
    """
    path = book_path(book)
    if path is None:
        raise WorkbookError(
            "这个工作簿还没有保存成文件。请先保存（Ctrl+S），再点按钮："
            "模板、问题清单等文件要放在台账所在的文件夹。"
        )
    return path


@dataclass
class Run(Generic[P]):
    """What :func:`run_plan` did.

    Attributes:
        folder: the master's folder.
        result: the plan's result.
        applied: the cells written.
        ledger: the ledger the plan read.
        undo: how to take the writes back (when asked for).
    """

    folder: Path
    result: P
    ledger: Ledger
    applied: Applied = field(default_factory=Applied)
    undo: UndoRecord | None = None


def run_plan(
    book: xlwings.Book,
    status: StatusBar,
    plan: Callable[[Ledger], P],
    *,
    keep_undo: bool = False,
) -> Run[P]:
    """Read the ledger from *book*, run *plan* on it, write its changes back.

    Args:
        keep_undo: record the cells as they were before the write (see
            :mod:`xl_addin.history`).
    """
    path = saved_path(book)
    master = XlwingsMaster(book, keep_undo=keep_undo)
    read: list[Ledger] = []

    def planned(ledger: Ledger) -> P:
        read.append(ledger)
        return plan(ledger)

    result, applied = plan_and_write(master, planned, step=lambda s: status(s + "…"))
    return Run(path.parent, result, read[0], applied or Applied(), master.undo)


def free_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem（2）.suffix`` … when that file exists."""
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}（{n}）{suffix}"
    return path


def problems_note(problems: Sequence[Problem]) -> str:
    """ "" or "另有 N 个问题，第一个：…" for the end of a summary."""
    if not problems:
        return ""
    first = problems[0]
    where = f"（{first.sheet}!{first.cell}）" if first.cell else ""
    return f"另有 {len(problems)} 个问题，第一个{where}：{first.message}"
